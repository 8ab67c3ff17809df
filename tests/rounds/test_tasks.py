"""Task lists, the 告知清单 and each inspector's list of a finalised round, per department: what they carry
(window, deadline, legal basis, whose list), how they print (LibreOffice: A4 landscape, one page wide, the
header on every page), and no ID-card number, phone or tier in them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl

from tests import office
from tests.conftest import DECEMBER, NOVEMBER, NOW
from tests.core.test_calendar import FIXTURE_2027
from xinyong.core.calendar import Supplement, missing_year
from xinyong.workspace.layout import PREVIEW_XLSX, RoundPaths


def test_task_lists_notices_and_personal_lists(
    december_staffed: RoundPaths, round_inputs: dict, tmp_path: Path
) -> None:
    from xinyong.rounds.run import finalize
    from xinyong.rounds.tasks import HEADERS, NOTICE, UNSTAFFED, write_task_lists

    copy = tmp_path / "out"
    shutil.copytree(december_staffed.out, copy)
    finalize(copy, DECEMBER, accept_unstaffed=True, reason="test", now=NOW)
    audit = RoundPaths(copy, DECEMBER).audit
    counts = write_task_lists(copy, DECEMBER, round_inputs["clean"])
    selection = [json.loads(line) for line in (audit / "selection.jsonl").read_bytes().splitlines()]
    plans = {p["id"]: p for p in json.loads((audit / "plans.json").read_bytes())}
    expected: dict[str, int] = {}
    for record in selection:
        for department in plans[record["plan"]]["departments"]:
            expected[department] = expected.get(department, 0) + 1
    assert counts == dict(sorted(expected.items()))
    tasks = RoundPaths(copy, DECEMBER).tasks
    csv = (tasks / f"{DECEMBER}-卫健.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf")
    sheet = pl.read_csv(csv[3:], infer_schema=False)
    # a v2 round's keys are not public: the list is in the draw's order, without them
    columns = [
        v for k, v in HEADERS.items() if k not in ("key", "address") or (k == "address" and has_address(round_inputs))
    ]
    assert sheet.columns == columns and sheet.height == expected["卫健"] and "随机键值(可公开验证)" not in sheet.columns
    assert set(sheet["牵头部门"]) == {"市场监管"}  # the joint food plan, led by market regulation
    assert set(sheet["检查时间"]) == {"2026年12月1日至2026年12月31日"}
    assert set(sheet["结果公示截止"]) == {f"截止日期未知（{missing_year(2027)}）"}  # no calendar of 2027 yet
    xlsx = pl.read_excel(tasks / f"{DECEMBER}-卫健.xlsx", sheet_name="检查任务清单", read_options={"header_row": 3})
    assert xlsx.columns == columns and xlsx.height == sheet.height  # under its title lines
    assert not any("unstaffed" in s or "jsonl" in s for s in sheet["派员状态"]) and set(sheet["派员状态"]) <= {
        "已派员",
        UNSTAFFED,
    }
    assignments = [json.loads(line) for line in (audit / "assignment.jsonl").read_bytes().splitlines()]
    staffed_count = sum(1 for a in assignments if a["team"])
    notices = pl.read_csv((tasks / f"{DECEMBER}-告知清单.csv").read_bytes()[3:], infer_schema=False)
    assert notices.columns == [v for k, v in NOTICE.items() if k != "address" or has_address(round_inputs)]
    assert notices.height == staffed_count
    assert all((tasks / "告知书" / name).is_file() for name in notices["检查告知书文件"])
    assert len(list((tasks / "告知书").glob("*.pdf"))) == staffed_count
    members = {i for a in assignments for i in a["team"]}
    assert len(list((tasks / "inspectors").glob("*.xlsx"))) == len(members)
    roster = pl.read_parquet(round_inputs["clean"] / "inspectors.parquet")
    text = "".join((tasks / f"{DECEMBER}-告知清单.csv").read_text(encoding="utf-8-sig"))
    assert not any(card in text for card in roster["id_card_no"]) and not any(
        phone in text for phone in roster["phone"]
    )
    assert any(cert in text for cert in roster["cert_no"].drop_nulls())  # officers show their 执法证
    from xinyong.publish.leaks import find_leaks

    assert find_leaks(tasks, [round_inputs["tiers"]]) == []  # a task list is no place for a tier


def test_a_list_carries_the_legal_basis_of_each_item_and_a_personal_list_says_whose_it_is(
    november_tasks: RoundPaths, round_inputs: dict
) -> None:
    items = pl.read_parquet(round_inputs["clean"] / "inspection_items.parquet")
    basis = dict(items.select("item_id", "legal_basis").iter_rows())
    rows = pl.read_csv(november_tasks.task_list("市场监管").with_suffix(".csv").read_bytes()[3:], infer_schema=False)
    p03 = rows.filter(pl.col("计划编号") == "P03").row(0, named=True)
    assert p03["抽查事项"] == f"SJ-SC-03 {_name(items, 'SJ-SC-03')}；SJ-WJ-01 {_name(items, 'SJ-WJ-01')}"
    assert p03["抽查依据"] == f"{basis['SJ-SC-03']}；{basis['SJ-WJ-01']}"
    assert set(rows["检查时间"]) == {"2026年11月1日至2026年11月30日"} and set(rows["结果公示截止"]) == {"2026-12-28"}
    roster = pl.read_parquet(round_inputs["clean"] / "inspectors.parquet").filter(pl.col("staff_type") == "执法人员")
    person = roster.row(0, named=True)
    lists = sorted((november_tasks.tasks / "inspectors").glob(f"*-{person['inspector_id']}-*.xlsx"))
    assert [p.name for p in lists] == [f"{NOVEMBER}-{person['inspector_id']}-{person['name']}.xlsx"]
    title = pl.read_excel(lists[0], has_header=False).row(0)[0]
    assert title == (
        f"{NOVEMBER} 个人检查任务清单：{person['name']}（执法证号 {person['cert_no']}；"
        f"{person['department']} {person['station']}）"
    )


def test_a_deadline_the_calendar_cannot_count_says_which_year_is_missing() -> None:
    from xinyong.rounds.tasks import deadline_text

    assert deadline_text(dt.date(2026, 11, 30)) == "2026-12-28"
    assert deadline_text(dt.date(2026, 12, 31)) == (
        "截止日期未知（日历缺 2027 年（chinese-calendar 1.11.0 覆盖 2004–2026；请在工作区日历补充中录入国务院办公厅 "
        "2027 年节假日安排通知））"
    )
    # a supplement with the year's notice makes it known (元旦 1/1–1/3 off: the 20th working day is 2027-01-29)
    assert deadline_text(dt.date(2026, 12, 31), Supplement((FIXTURE_2027,))) == "2027-01-29"


def test_printed_lists_fit_a4_landscape_one_page_wide_with_the_header_on_every_page(
    november_tasks: RoundPaths, tmp_path: Path
) -> None:
    person = sorted((november_tasks.tasks / "inspectors").glob("*.xlsx"))[0]
    kinds = {
        "department": november_tasks.task_list("市场监管").with_suffix(".xlsx"),
        "personal": person,
        "notices": november_tasks.notices.with_suffix(".xlsx"),
        "preview": november_tasks.internal / PREVIEW_XLSX,
    }
    pdfs = dict(zip(kinds, office.convert(list(kinds.values()), "pdf", tmp_path / "printed"), strict=True))
    rows = pl.read_csv(november_tasks.task_list("市场监管").with_suffix(".csv").read_bytes()[3:], infer_schema=False)
    department = pdfs["department"]
    pages = office.pages(department)
    assert office.a4(department) == "landscape" and 10 <= pages <= rows.height // 15  # ~25 rows a page, not 5
    for page in range(1, pages + 1):
        text = office.text(department, page)
        # the header row — its first and last printed column — and the footer on every page: one page wide
        assert "计划编号" in text and "派员状态" in text and f"第 {page} 页 共 {pages} 页" in text, page
    assert "随机键值" not in office.text(department, 1)  # on screen and in the CSV only
    first = office.text(department, 1)
    assert (
        "抽查事项及依据" in first and "《企业信息公示暂行条例》第十四条" in first and "检查时间：2026年11月1日" in first
    )
    assert "个人检查任务清单" in office.text(pdfs["personal"], 1) and office.a4(pdfs["personal"]) == "landscape"
    notices = office.text(pdfs["notices"], 1)
    assert office.a4(pdfs["notices"]) == "landscape" and "检查人员" in notices and "检查告知书文件" not in notices
    assert office.a4(pdfs["preview"]) == "portrait" and office.pages(pdfs["preview"]) >= 4  # one per sheet at least
    for kind, pdf in pdfs.items():
        office.picture(pdf, 1, f"task-list-{kind}")
    office.picture(department, pages, "task-list-department-last")


def has_address(inputs: dict) -> bool:
    """Whether the registry has the firms' addresses (the lists show them when it does)."""
    return "address" in pl.read_parquet_schema(inputs["clean"] / "enterprises.parquet")


def _name(items: pl.DataFrame, item: str) -> str:
    return items.filter(pl.col("item_id") == item)["name"].item()
