"""``xinyong results import`` on the forms offices really send back (``tests/office/results/``, made by
``scripts/office_results_files.py``): a 说明 sheet first, title rows, spaces in the header, blank rows, every
form of date, codes and teams with every separator, full-width and lower-case letters, USCCs with spaces or turned
into numbers by Excel, GBK and BOM CSV, an Excel 97–2003 .xls.  Each file is accepted, 待录入 or rejected with its
one-line message; the rows always add up (rows = accepted + pending + rejected) and nothing is lost."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from tests.cli.conftest import Ran, run
from tests.conftest import NOVEMBER, REPO
from xinyong.core.canonical import records_of
from xinyong.ingest.contract import results_form
from xinyong.results.run import read_results
from xinyong.workspace.layout import RoundPaths
from xinyong.workspace.tables import read_table

OFFICE = REPO / "tests" / "office" / "results"
TODAY = "2026-12-20"
ROWS = 119
WAITING = "rows 待录入 (no result yet; import the form again once they are filled in)"
# The codes of the i-th filled-in row as the script writes them (" 1 ", "a", "Ａ", "A；B", "B,D", "D、E", "E F", "1",
# "C（…）", "未发现问题", "6", "b d"), read.
CODES = (["1"], ["A"], ["A"], ["A", "B"], ["B", "D"], ["D", "E"], ["E", "F"], ["1"], ["C"], ["1"], ["6"], ["B", "D"])


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """An OUT folder holding the office forms' finalised round, 330802-2026-11, with no result yet."""
    out = tmp_path / "out"
    shutil.copytree(OFFICE / "round", RoundPaths(out, NOVEMBER).folder)
    return out


def imported(xinyong: Callable[..., Ran], out: Path, name: str) -> str:
    return xinyong("results", "import", OFFICE / name, "--out", out, "--today", TODAY).out


def form_rows(name: str) -> int:
    """How many rows of a form hold anything (as the reader finds them, blank rows left out)."""
    return read_table(OFFICE / name, results_form(), optional_may_be_absent=True).height


def sources(out: Path, name: str) -> list[int]:
    """The form rows the results imported from ``name`` came from, in the order stored."""
    return [int(r["source"].split(" row ")[1]) for r in read_results(out, NOVEMBER) if r["source"].startswith(name)]


def teams(out: Path) -> dict[str, list[str]]:
    assignment = RoundPaths(out, NOVEMBER).audit / "assignment.jsonl"
    return {r["uscc"]: sorted(r["team"]) for r in records_of(assignment.read_bytes())}


def test_the_first_batch_of_a_partly_filled_workbook_imports_its_60_rows_and_lists_the_59_to_come(
    xinyong: Callable[..., Ran], office: Path
) -> None:
    name = "01-部分填写-第一批.xlsx"
    assert imported(xinyong, office, name) == (
        f"Round {NOVEMBER}: 60 new results (0 corrections), 0 already imported; 59 {WAITING}: rows 66-85, 87-125\n"
    )
    assert form_rows(name) == 60 + 59
    # The header is on row 4 under two title rows and a blank one; a blank row before the 21st target.
    assert sources(office, name) == [*range(5, 25), *range(26, 66)]
    records = read_results(office, NOVEMBER)
    drawn = teams(office)
    assert all(r["team"] == drawn[r["uscc"]] for r in records)  # every USCC and team, however written, read back
    assert [r["codes"] for r in records] == [CODES[i % len(CODES)] for i in range(60)]
    # Every form of date (text, date cell, serial number, date-time) read as the day written.
    assert [r["started"] for r in records] == [str(dt.date(2026, 11, 2) + dt.timedelta(days=i % 20)) for i in range(60)]
    assert [r["ended"] for r in records] == [
        str(dt.date(2026, 11, 2) + dt.timedelta(days=i % 20 + i % 3)) for i in range(60)
    ]


def test_the_same_form_returned_with_more_rows_adds_only_those_and_again_adds_nothing(
    xinyong: Callable[..., Ran], office: Path
) -> None:
    imported(xinyong, office, "01-部分填写-第一批.xlsx")
    store = RoundPaths(office, NOVEMBER).results / "results.jsonl"
    before = store.read_bytes()
    # The second batch types the first 60 rows' dates, teams and USCCs differently: the same results all the same.
    assert imported(xinyong, office, "02-部分填写-第二批.xlsx") == (
        f"Round {NOVEMBER}: 30 new results (0 corrections), 60 already imported; 29 {WAITING}: rows 97-125\n"
    )
    assert store.read_bytes().startswith(before) and len(read_results(office, NOVEMBER)) == 90
    after = store.read_bytes()
    assert imported(xinyong, office, "01-部分填写-第一批.xlsx") == (
        f"Round {NOVEMBER}: 0 new results (0 corrections), 60 already imported; 59 {WAITING}: rows 66-85, 87-125\n"
    )
    assert store.read_bytes() == after


def test_a_gbk_csv_saved_by_excel_on_chinese_windows_imports_without_being_told(
    xinyong: Callable[..., Ran], office: Path
) -> None:
    name = "03-GBK-Excel中文版.csv"
    assert not (OFFICE / name).read_bytes().startswith(b"\xef\xbb\xbf")
    assert imported(xinyong, office, name) == (
        f"Round {NOVEMBER}: 40 new results (0 corrections), 0 already imported; 79 {WAITING}: rows 42-120\n"
    )
    assert sources(office, name) == list(range(2, 42)) and form_rows(name) == 40 + 79


def test_a_bom_csv_with_blank_lines_keeps_excels_row_numbers(xinyong: Callable[..., Ran], office: Path) -> None:
    name = "04-UTF8-BOM.csv"
    assert (
        imported(xinyong, office, name) == f"Round {NOVEMBER}: {ROWS} new results (0 corrections), 0 already imported\n"
    )
    assert sources(office, name) == [*range(2, 12), 13, *range(15, 54), *range(55, 124)]
    assert form_rows(name) == ROWS


def test_an_excel_97_2003_file_reads_as_its_xlsx_does(
    xinyong: Callable[..., Ran], office: Path, tmp_path: Path
) -> None:
    assert imported(xinyong, office, "05-Excel97-2003.xls") == (
        f"Round {NOVEMBER}: 60 new results (0 corrections), 0 already imported; 59 {WAITING}: rows 66-85, 87-125\n"
    )
    other = tmp_path / "other"
    shutil.copytree(OFFICE / "round", RoundPaths(other, NOVEMBER).folder)
    imported(xinyong, other, "01-部分填写-第一批.xlsx")

    # 记录号 are keyed per work root (OUT/private/record-id.key), so the two imports agree on everything else
    def content(out: Path) -> list[dict]:
        """A record but its keyed 记录号, its source file and the clock time of its import (two imports, two times)."""
        apart = ("id", "source", "imported_at")
        return [{k: v for k, v in r.items() if k not in apart} for r in read_results(out, NOVEMBER)]

    assert content(office) == content(other)


USCC_HINT = (
    "是数字而非有效代码：Excel 的数字只保留 15 位有效数字，以数字存储的代码已丢失末尾几位；"
    "请把该列设为“文本”格式后重新录入"
)
REJECTED = [
    (
        "06-日期不明.csv",
        "row 6, column '检查开始日期': ambiguous_date: 11/12/2026 把年份写在最后，"
        "无法判断是“日/月”还是“月/日”（或年份不全）；请写成 YYYY-MM-DD（如 2026-12-11）",
        1,
    ),
    (
        "07-代码有误.xlsx",
        "row 12, column '检查结果代码': unknown_code: G 不是结果代码；结果代码为 1 未发现问题 / "
        "A 发现问题待后续处理 / B 未按规定公示应当公示的信息 / C 公示信息隐瞒真实情况、弄虚作假 / "
        "D 违反其他市场监管规定 / E 发现问题经责令已改正 / F 未发现开展本次抽查涉及的经营活动 / "
        "6 通过登记的住所(经营场所)无法联系 / 7 已关闭停业或正在组织清算 / 8 不配合检查情节严重 / 9 已注销 / "
        "10 已被吊销 / 11 已被撤销 / 12 已迁出",
        2,
    ),
    ("08-信用代码存为数字.xlsx", f"row 7, column '统一社会信用代码': uscc_number: 913308021420020992 {USCC_HINT}", 1),
    ("09-信用代码科学计数.csv", f"row 7, column '统一社会信用代码': uscc_number: 9.13308E+17 {USCC_HINT}", 1),
    ("10-漏填代码.xlsx", "row 14, column '检查结果代码': missing: 缺少必填值", 1),
]


@pytest.mark.parametrize(("name", "first", "rejected"), REJECTED, ids=[r[0] for r in REJECTED])
def test_a_form_with_a_bad_row_is_rejected_whole_with_one_line_naming_it(
    name: str,
    first: str,
    rejected: int,
    office: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran = run(["results", "import", OFFICE / name, "--out", office, "--today", TODAY], capsys, monkeypatch)
    report = next((RoundPaths(office, NOVEMBER).results / "rejected").glob("*.csv"))
    # 100 rows filled in (some wrongly), 19 left for later: 119 rows.
    assert ran.err == (
        f"Error: {OFFICE / name}: {first} ({rejected} of 100 filled-in rows rejected, all listed in {report}; nothing "
        "was imported; 19 rows 待录入)\n"
    )
    assert ran.code == 2 and ran.out == "" and read_results(office, NOVEMBER) == [] and form_rows(name) == 100 + 19
    assert pl.read_csv(report, infer_schema=False).height == rejected


def test_the_rejected_rows_file_shows_each_value_as_read_under_chinese_headers(
    office: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(["results", "import", OFFICE / "07-代码有误.xlsx", "--out", office, "--today", TODAY], capsys, monkeypatch)
    report = next((RoundPaths(office, NOVEMBER).results / "rejected").glob("07-代码有误-*.csv"))
    assert report.read_bytes().startswith("\ufeff行号,列,规则,读到的值,说明\n".encode())  # UTF-8 with BOM, for Excel
    problems = pl.read_csv(report, infer_schema=False)
    assert problems.drop("说明").rows() == [
        ("12", "检查结果代码", "unknown_code", "G"),
        ("35", "检查结果代码", "unknown_code", "Ｘ；1"),
    ]
