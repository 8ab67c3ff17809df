"""Reading a results form's cells as offices type them: dates, codes, teams and USCCs made canonical, the rows
with no result yet set aside as 待录入, and every cell that cannot be read named with its rule and why."""

from __future__ import annotations

import polars as pl
import pytest

from xinyong.ingest.contract import results_form
from xinyong.results.form import (
    CODE_LIST,
    CellError,
    read_codes,
    read_date,
    read_record_id,
    read_rows,
    read_team,
    read_uscc,
)
from xinyong.workspace.tables import LINE

COLUMNS = results_form().column_names
USCC = "91330802MA296TDX3C"


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-11",
        "2026/12/11",
        "2026.12.11",
        "2026年12月11日",
        "20261211",
        "46367",  # an Excel serial number in a General cell
        "46367.604166667",  # … with a time of day
        "2026-12-11 00:00:00",  # a date cell
        "2026-12-11 14:30:00",  # a date-time cell: the day is kept
        "2026/12/11 9:05",
        "2026年12月11日 14:30",
        "2026-12-11T14:30:00",
    ],
)
def test_every_usual_form_of_a_date_reads_as_the_day(text: str) -> None:
    assert read_date(text) == "2026-12-11"


def test_single_digit_months_and_days_read() -> None:
    assert (read_date("2026/1/5"), read_date("2026年1月5日"), read_date("2026.1.5")) == ("2026-01-05",) * 3


@pytest.mark.parametrize("text", ["12/11/2026", "11/12/26", "5-11-2026 14:30"])
def test_a_date_with_the_year_last_is_refused_saying_why(text: str) -> None:
    with pytest.raises(CellError) as caught:
        read_date(text)
    assert (caught.value.rule, caught.value.detail) == (
        "ambiguous_date",
        f"{text} 把年份写在最后，无法判断是“日/月”还是“月/日”（或年份不全）；请写成 YYYY-MM-DD（如 2026-12-11）",
    )


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("2026/2/30", "2026/2/30 不是日历上的日期"),
        ("2026-13-01", "2026-13-01 不是日历上的日期"),
        ("2026-12", "2026-12 不是日期；请写成 YYYY-MM-DD（如 2026-12-11）"),
        ("2026-12/11", "2026-12/11 不是日期；请写成 YYYY-MM-DD（如 2026-12-11）"),
        ("下周一", "下周一 不是日期；请写成 YYYY-MM-DD（如 2026-12-11）"),
    ],
)
def test_what_is_no_date_is_refused(text: str, detail: str) -> None:
    with pytest.raises(CellError) as caught:
        read_date(text)
    assert (caught.value.rule, caught.value.detail) == ("invalid_date", detail)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("A", "A"),
        ("A;B", "A;B"),
        ("A,B", "A;B"),
        ("A、B", "A;B"),
        ("A B", "A;B"),
        ("A ; B,,D", "A;B;D"),
        ("10", "10"),
        ("A 发现问题待后续处理", "A"),  # a code with its meaning, as a drop-down list offers it
        ("A(发现问题待后续处理)", "A"),
        ("C 公示信息隐瞒真实情况、弄虚作假", "C"),  # the meaning's own 、 is no separator
        ("未发现问题", "1"),
        ("A 未发现问题", "A;1"),  # a code with another code's meaning is two codes, for the rules to refuse
    ],
)
def test_codes_read_with_every_usual_separator_and_with_their_meanings(text: str, codes: str) -> None:
    assert read_codes(text) == codes


@pytest.mark.parametrize("text", ["G", "A;Z", "AB"])
def test_an_unknown_code_is_refused_naming_every_code_in_chinese(text: str) -> None:
    with pytest.raises(CellError) as caught:
        read_codes(text)
    unknown = next(p for p in text.split(";") if p not in ("A",))
    assert caught.value.rule == "unknown_code"
    assert caught.value.detail == f"{unknown} 不是结果代码；结果代码为 {CODE_LIST}"
    assert CODE_LIST.startswith("1 未发现问题 / A 发现问题待后续处理 / B ") and CODE_LIST.endswith("12 已迁出")
    assert "^" not in caught.value.detail and "|" not in caught.value.detail


@pytest.mark.parametrize(
    "text", ["INS-00001;INS-00002", "INS-00001,INS-00002", "INS-00001、INS-00002", "INS-00001  INS-00002"]
)
def test_teams_read_with_every_usual_separator(text: str) -> None:
    assert read_team(text) == "INS-00001;INS-00002"


def test_a_name_in_the_team_is_no_inspector_id() -> None:
    with pytest.raises(CellError) as caught:
        read_team("INS-00001;张三")
    assert (caught.value.rule, caught.value.detail) == (
        "inspector_id",
        "张三 不是检查人员编号（INS- 加五位数字，同任务清单）",
    )


def test_a_uscc_loses_its_spaces() -> None:
    assert read_uscc("9133 0802 MA29 6TDX 3C") == USCC


@pytest.mark.parametrize("text", ["913308021420020992", "913308021420021000", "9.13308E+17", "9.13308021420021E+17"])
def test_a_uscc_that_excel_turned_into_a_number_is_refused_with_the_cause(text: str) -> None:
    with pytest.raises(CellError) as caught:
        read_uscc(text)
    assert (caught.value.rule, caught.value.detail) == (
        "uscc_number",
        f"{text} 是数字而非有效代码：Excel 的数字只保留 15 位有效数字，以数字存储的代码已丢失末尾几位；"
        "请把该列设为“文本”格式后重新录入",
    )


def test_a_valid_all_digit_uscc_is_a_uscc() -> None:
    assert read_uscc("913308021360715539") == "913308021360715539"


def test_a_record_id_reads_in_lower_case_and_anything_else_is_left_for_the_rules() -> None:
    assert read_record_id("R-00AB12CD34EF5678") == "R-00ab12cd34ef5678"
    assert read_record_id("R-123") == "R-123"


def _raw(rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{**dict.fromkeys(COLUMNS), **r} for r in rows], schema={**dict.fromkeys(COLUMNS, pl.Utf8), LINE: pl.UInt32}
    )


def test_rows_are_normalised_set_aside_as_pending_or_refused() -> None:
    identity = {
        "round": "330802-2026-11",
        "plan": "p01",
        "uscc": "９１３３０８０２ｍａ２９６ＴＤＸ３Ｃ ",
        "team": "INS-00001；ins-00002",
    }
    raw = _raw(
        [
            {
                LINE: 5,
                **identity,
                "name": " 某某（衢州）有限公司 ",
                "started": "2026/11/3",
                "ended": "2026年11月4日",
                "codes": " Ａ；ｂ ",
            },
            {LINE: 6, **identity, "name": "pending: nothing of its result"},
            {LINE: 8, **identity, "started": "11/3/2026", "ended": "2026-11-04", "codes": "1"},
            {LINE: 9, **identity, "remarks": "企业已搬离"},  # a remark is part of a result: not pending
            {LINE: 10, "round": "330802-2026-12"},
        ]
    )
    rows = read_rows(raw, COLUMNS)
    assert rows.rounds == ("330802-2026-11", "330802-2026-12")
    assert rows.pending == (6, 10)
    assert rows.filled.select(LINE, "plan", "uscc", "team", "started", "ended", "codes", "name").rows() == [
        (5, "P01", USCC, "INS-00001;INS-00002", "2026-11-03", "2026-11-04", "A;B", "某某（衢州）有限公司"),
        (9, "P01", USCC, "INS-00001;INS-00002", None, None, None, None),
    ]
    assert rows.filled["remarks"].to_list() == [None, "企业已搬离"]
    assert rows.problems.rows() == [
        (
            8,
            "started",
            "ambiguous_date",
            "11/3/2026 把年份写在最后，无法判断是“日/月”还是“月/日”（或年份不全）；请写成 YYYY-MM-DD（如 2026-12-11）",
        )
    ]


@pytest.mark.parametrize(
    ("text", "day"), [("12/31/2026", "2026-12-31"), ("25.11.2026", "2026-11-25"), ("3/3/2026", "2026-03-03")]
)
def test_a_date_with_the_year_last_reads_when_only_one_order_is_a_day(text: str, day: str) -> None:
    assert read_date(text) == day


def test_a_date_with_the_year_last_that_is_no_day_either_way_is_not_a_date() -> None:
    with pytest.raises(CellError) as caught:
        read_date("13/13/2026")
    assert (caught.value.rule, caught.value.detail) == ("invalid_date", "13/13/2026 不是日历上的日期")
