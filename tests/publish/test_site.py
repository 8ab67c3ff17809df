"""The site's bytes from data: the public form of a result, and a correction shown beside what it corrects."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import polars as pl

from tests import office
from xinyong.core.ids import RoundId
from xinyong.draw.plans import Plan
from xinyong.publish.site import DOWNLOAD_COLUMNS, FIELDS, Round, build_site, public_record
from xinyong.workspace.sheets import plain_csv

ROUND = RoundId.parse("330802-2026-11", "test")
USCC = "91330802MA2ABCDE1X"
JOINT = {
    "id": "P02",
    "name": "食品经营联合抽查",
    "departments": ["市场监管", "卫健"],
    "items": ["SJ-01", "SJ-09"],
    "team_size": 2,
    "allocation": {"mode": "count", "n": 1},
}
FIRST = {"id": "R-1", "round": str(ROUND), "plan": "P02", "uscc": USCC, "ended": "2026-11-20", "codes": ["B", "D"]}
SECOND = {**FIRST, "id": "R-2", "codes": ["E"], "corrects": "R-1"}


def _records() -> list[dict]:
    plan = Plan.from_record(JOINT)
    items = {"SJ-01": "登记事项检查"}  # SJ-09 has no name in the registry: its id is shown
    return [
        public_record({**FIRST, "corrects": None}, plan, "衢州某某餐饮有限公司", items, "2026-11-30"),
        public_record(SECOND, plan, "衢州某某餐饮有限公司", items, "2026-12-02"),
    ]


def test_a_result_shows_the_public_fields_and_nothing_else() -> None:
    first, second = _records()
    assert first == {
        "记录号": "R-1",
        "抽查批次": "330802-2026-11",
        "检查实施机关": "衢州市柯城区市场监督管理局、衢州市柯城区卫生健康局",
        "类型": "部门联合双随机抽查",
        "抽查计划": "食品经营联合抽查",
        "抽查事项": "登记事项检查；SJ-09",
        "市场主体名称": "衢州某某餐饮有限公司",
        "统一社会信用代码": USCC,
        "日期": "2026-11-20",
        "结果": "未按规定公示应当公示的信息；违反其他市场监管规定",
        "公示日期": "2026-11-30",
        "更正记录": "",
    }
    assert second["结果"] == "发现问题经责令已改正" and second["更正记录"] == "R-1"
    assert list(first)[2:] == list(FIELDS)


def test_a_corrected_result_stays_published_and_says_by_which_record() -> None:
    files = {"plans.json": json.dumps([JOINT], ensure_ascii=False).encode(), "commitment.json": b"{}"}
    site = build_site("330802", [Round(ROUND, files, [FIRST, SECOND])], _records(), {USCC: "衢州某某餐饮有限公司"})
    for download in ("downloads/results.json", f"downloads/{ROUND}.json"):
        shown = {r["记录号"]: r["状态"] for r in json.loads(site[download])}
        assert shown == {"R-1": "已被 R-2 更正", "R-2": "有效"}, download
    rows = list(csv.DictReader(io.StringIO(site["downloads/results.csv"].decode("utf-8-sig"))))
    assert [(r["记录号"], r["状态"]) for r in rows] == [("R-1", "已被 R-2 更正"), ("R-2", "有效")]
    assert {"index.html", f"rounds/{ROUND}.html", "assets/site.js", "data/records.js"} <= set(site)


def test_every_download_is_xlsx_csv_and_json_and_a_spreadsheet_shows_each_as_published(tmp_path: Path) -> None:
    digits, hostile = "913308021420021123", '=HYPERLINK("http://example.invalid","点此领奖")'
    files = {"plans.json": json.dumps([JOINT], ensure_ascii=False).encode(), "commitment.json": b"{}"}
    record = {**FIRST, "uscc": digits, "corrects": None}
    shown = [public_record(record, Plan.from_record(JOINT), hostile, {}, "2026-11-30")]
    site = build_site("330802", [Round(ROUND, files, [record])], shown, {digits: hostile})
    assert {p for p in site if p.startswith("downloads/")} == {
        f"downloads/{name}.{kind}" for name in ("results", str(ROUND)) for kind in ("xlsx", "csv", "json")
    }
    published = [{c: r[c] for c in DOWNLOAD_COLUMNS} for r in json.loads(site["downloads/results.json"])]
    assert published[0]["统一社会信用代码"] == digits and published[0]["市场主体名称"] == hostile
    for name in ("results", str(ROUND)):
        (tmp_path / f"{name}.xlsx").write_bytes(site[f"downloads/{name}.xlsx"])
        (tmp_path / f"{name}.csv").write_bytes(site[f"downloads/{name}.csv"])
        xlsx = pl.read_excel(tmp_path / f"{name}.xlsx", infer_schema_length=0).fill_null("")
        assert xlsx.to_dicts() == published  # text cells, exactly as published
        raw = site[f"downloads/{name}.csv"].decode("utf-8-sig")
        assert f'"=""{digits}"""' in raw and "\"'=HYPERLINK(" in raw  # kept text, not run
        assert (
            plain_csv(pl.read_csv(tmp_path / f"{name}.csv", infer_schema=False, empty_string_is_null=False)).to_dicts()
            == published
        )
    # LibreOffice opens both as an office would: the USCC keeps its 18 digits, the name is no formula
    opened = office.convert([tmp_path / "results.csv"], "xlsx", tmp_path / "from-csv", office.CSV_UTF8)[0]
    row = pl.read_excel(opened, infer_schema_length=0).row(0, named=True)
    assert row["统一社会信用代码"] == digits and row["市场主体名称"] == f"'{hostile}"
    printed = office.convert([tmp_path / "results.xlsx"], "pdf", tmp_path / "printed")[0]
    assert office.pages(printed) == 1 and office.a4(printed) == "landscape"
    assert digits in office.text(printed, 1) and "HYPERLINK" in office.text(printed, 1)
    office.picture(printed, 1, "public-results-xlsx")


def test_a_city_rounds_site_is_the_citys_and_names_the_city_authorities() -> None:
    """A city workspace's round 330800-2026-11 over 柯城区 and 衢江区: the site is titled after 衢州市, its
    search suggests the city's USCC prefix, and a result's 检查实施机关 are the city's bureaus."""
    city = RoundId.parse("330800-2026-11", "test")
    qujiang = "91330803MA2ABCDE1X"
    record = {**FIRST, "round": str(city), "uscc": qujiang, "corrects": None}
    shown = public_record(record, Plan.from_record(JOINT), "衢州某某餐饮有限公司", {}, "2026-11-30")
    assert shown["检查实施机关"] == "衢州市市场监督管理局、衢州市卫生健康委员会"
    files = {"plans.json": json.dumps([JOINT], ensure_ascii=False).encode(), "commitment.json": b"{}"}
    site = build_site("330800", [Round(city, files, [record])], [shown], {qujiang: "衢州某某餐饮有限公司"})
    index = site["index.html"].decode("utf-8")
    assert "<h1>衢州市“双随机、一公开”抽查检查结果</h1>" in index and 'placeholder="如：衢州 或 913308…"' in index
    assert "<h1>衢州市 抽查批次 330800-2026-11</h1>" in site[f"rounds/{city}.html"].decode("utf-8")
    kecheng = build_site("330802", [Round(ROUND, files, [])], [], {})["index.html"].decode("utf-8")
    assert 'placeholder="如：柯城 或 91330802…"' in kecheng


def test_a_rounds_page_shows_each_results_record_id_and_date_and_links_a_correction_both_ways() -> None:
    files = {"plans.json": json.dumps([JOINT], ensure_ascii=False).encode(), "commitment.json": b"{}"}
    site = build_site("330802", [Round(ROUND, files, [FIRST, SECOND])], _records(), {USCC: "衢州某某餐饮有限公司"})
    page = site[f"rounds/{ROUND}.html"].decode("utf-8")
    assert (
        "<th>记录号</th><th>抽查计划</th><th>市场主体名称</th><th>统一社会信用代码</th><th>日期</th><th>结果</th>"
        in page
    )
    assert (
        '<tr id="R-1"><td>R-1</td><td>食品经营联合抽查</td><td>衢州某某餐饮有限公司</td><td>91330802MA2ABCDE1X</td>'
        "<td>2026-11-20</td><td>未按规定公示应当公示的信息；违反其他市场监管规定</td><td>2026-11-30</td><td></td>"
        '<td>已被 <a href="#R-2">R-2</a> 更正</td></tr>'
    ) in page
    assert '<td>2026-12-02</td><td>更正 <a href="#R-1">R-1</a></td><td>有效</td></tr>' in page
    # the plan's 检查实施机关 and 类型 are listed once, in the plan table
    assert (
        "<td>P02</td><td>食品经营联合抽查</td><td>衢州市柯城区市场监督管理局、衢州市柯城区卫生健康局</td>"
        "<td>部门联合双随机抽查</td>"
    ) in page


def test_a_correction_of_another_rounds_record_links_to_the_search_for_it() -> None:
    files = {"plans.json": json.dumps([JOINT], ensure_ascii=False).encode(), "commitment.json": b"{}"}
    plan = Plan.from_record(JOINT)
    shown = [public_record(SECOND, plan, "衢州某某餐饮有限公司", {}, "2026-12-02")]
    page = build_site("330802", [Round(ROUND, files, [SECOND])], shown, {})[f"rounds/{ROUND}.html"].decode("utf-8")
    assert '<td>更正 <a href="../index.html#R-1">R-1</a></td>' in page


def test_the_front_page_says_what_is_checked_where_the_verifier_comes_from_and_what_to_keep() -> None:
    files = {"plans.json": json.dumps([JOINT], ensure_ascii=False).encode(), "commitment.json": b"{}"}
    index = build_site("330802", [Round(ROUND, files, [])], [], {})["index.html"].decode("utf-8")
    verify = " ".join(re.sub(r"<[^>]+>", " ", index[index.index('<section id="verify">') :]).split())
    for said in (
        "本站的每一个文件、每一条结果，在公布之前都先登记进一份只能追加、不能改写的透明日志",
        "每个新检查点都是旧检查点的延续",
        "公示日期没有倒填",
        "本机关无法向不同的人展示不同的日志",
        "核验用的是本系统自己的开源程序 xinyong",
        "于仓库文件夹中运行 scripts/setup.sh",
        "程序即为 .venv/bin/xinyong",
        "xinyong log verify 本站文件夹 --key 日志公钥 --since 保存的检查点 --witness 见证方公钥 ：核验透明日志",
        "xinyong round verify --public 本站文件夹/rounds/批次号 --auditor 审计方公钥 --witness 见证方公钥 ：核验",
        "日志公钥在 log/key.txt 。第一次核验时把它记下来",
        "只有你用 --witness 写出的公钥才算数",
        "保存一份当时的签名检查点 log/checkpoint",
        "下次核验时用 --since 保存的检查点 ：程序会证明现在的日志是你保存的那一份的延续",
    ):
        assert said in verify, said
    assert '<a href="log/key.txt">' in index and '<a href="log/checkpoint">' in index
