"""Each validation rule quarantines exactly the row that breaks it, with its column, rule and value."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from xinyong.core import uscc
from xinyong.ingest import contract
from xinyong.ingest.validate import validate_table
from xinyong.workspace.tables import LINE

TODAY = dt.date(2026, 11, 27)
FIRM = uscc.complete("91330802MA29U0QJ3")
OTHER = uscc.complete("91330802725854134")
KNOWN = {"enterprises.uscc": pl.Series([FIRM, OTHER])}
DECIMAL = "须为十进制数，如 12.5（不接受科学计数法、正号、千位分隔符和 -0）"
DATE = "须为日期，如 2024-08-14、2024-8-14 或 2024/8/14"
INT = "须为整数，如 2024 或 -5（不接受小数点、科学计数法、正号、前导零和 -0）"
UNKNOWN_FIRM = "不在已接受的 enterprises.uscc 中（被引用的记录不存在或已被隔离）"
GOOD_PENALTY = {
    "record_id": "CF-2025-000000001",
    "uscc": FIRM,
    "department": "市场监管",
    "decided_date": "2025-03-04",
    "severity": "一般",
    "fine_amount": "5000",
}


def penalties(*rows: dict[str, str | None]) -> pl.DataFrame:
    table = contract.table("penalties")
    frame = pl.DataFrame(
        [{**GOOD_PENALTY, "record_id": f"CF-2025-{i:09d}", **row} for i, row in enumerate(rows, 1)],
        schema=dict.fromkeys(table.column_names, pl.Utf8),
    )
    return frame.with_row_index(LINE, offset=2)


def only_failure(frame: pl.DataFrame) -> dict:
    result = validate_table(frame, contract.table("penalties"), TODAY, KNOWN)
    assert result.accepted.height + result.quarantined.height == frame.height
    assert result.quarantined.height == 1
    return result.quarantined.select("line", "column", "rule", "value", "detail").row(0, named=True)


@pytest.mark.parametrize(
    ("change", "column", "rule", "value", "detail"),
    [
        ({"fine_amount": None}, "fine_amount", "missing", None, "缺少必填值"),
        ({"fine_amount": "12,5"}, "fine_amount", "invalid_decimal", "12,5", DECIMAL),
        ({"fine_amount": "NaN"}, "fine_amount", "invalid_decimal", "NaN", DECIMAL),
        ({"fine_amount": "-1"}, "fine_amount", "range", "-1", "须在 0 至 1e+12 之间"),
        ({"decided_date": "2025-02-30"}, "decided_date", "invalid_date", "2025-02-30", DATE),
        (
            {"decided_date": "2026-11-28"},
            "decided_date",
            "date_in_future",
            "2026-11-28",
            "晚于导入日期 2026-11-27",
        ),
        ({"decided_date": "1900-01-01"}, "decided_date", "date_too_early", "1900-01-01", "早于 1949-10-01"),
        ({"severity": "很重"}, "severity", "allowed_values", "很重", "须为 一般/较重/严重 之一"),
        (
            {"record_id": "CF2025-1"},
            "record_id",
            "pattern",
            "CF2025-1",
            f"格式不符，须匹配 {contract.ID_PATTERNS['record']}",
        ),
        (
            {"uscc": FIRM[:-1] + ("0" if FIRM[-1] != "0" else "1")},
            "uscc",
            "uscc_check",
            None,
            "不是有效的统一社会信用代码（GB 32100-2015：18 位，校验码正确）",
        ),
        ({"uscc": uscc.complete("91110105000000001")}, "uscc", "unknown_reference", None, UNKNOWN_FIRM),
    ],
)
def test_rule_quarantines_the_breaking_row(change, column, rule, value, detail) -> None:
    frame = penalties({}, change, {})
    failure = only_failure(frame)
    expected_value = value if value is not None or change.get(column) is None else change[column]
    assert failure == {"line": 3, "column": column, "rule": rule, "value": expected_value, "detail": detail}


def test_duplicate_key_keeps_the_first_and_names_its_line() -> None:
    frame = penalties({}, {}, {}).with_columns(pl.lit("CF-2025-000000001").alias("record_id"))
    result = validate_table(frame, contract.table("penalties"), TODAY, KNOWN)
    assert result.accepted.height == 1
    assert result.quarantined.select("line", "rule", "value", "detail").rows() == [
        (3, "duplicate_key", "CF-2025-000000001", "与第 2 行的键相同（保留第一行）"),
        (4, "duplicate_key", "CF-2025-000000001", "与第 2 行的键相同（保留第一行）"),
    ]


def test_own_defect_is_reported_before_a_reference() -> None:
    failure = only_failure(penalties({}, {"uscc": uscc.complete("91110105000000001"), "fine_amount": "x"}))
    assert (failure["column"], failure["rule"]) == ("fine_amount", "invalid_decimal")


def test_date_order_rule() -> None:
    table = contract.table("abnormal_operations")
    frame = pl.DataFrame(
        {
            "record_id": ["YC-2025-000000001"],
            "uscc": [FIRM],
            "listed_date": ["2025-07-10"],
            "reason": [contract.ABNORMAL_REASONS[0]],
            "removed_date": ["2025-07-01"],
        }
    ).with_row_index(LINE, offset=2)
    result = validate_table(frame, table, TODAY, KNOWN)
    assert result.quarantined.select("column", "rule", "detail").row(0) == (
        "removed_date",
        "date_order",
        "早于 listed_date",
    )


def test_one_of_rule_and_multi_valued_reference() -> None:
    relations = pl.DataFrame(
        {
            "relation_id": ["HB-2025-0000001", "HB-2025-0000002"],
            "inspector_id": ["INS-00001", "INS-00009"],
            "relation": ["近亲属", "持股"],
            "uscc": [None, FIRM],
            "legal_rep_id": [None, None],
            "declared": ["2025-01-01"] * 2,
        },
        schema=dict.fromkeys(contract.table("inspector_relations").column_names, pl.Utf8),
    ).with_row_index(LINE, offset=2)
    known = {**KNOWN, "inspectors.inspector_id": pl.Series(["INS-00001"])}
    result = validate_table(relations, contract.table("inspector_relations"), TODAY, known)
    assert result.quarantined.select("line", "column", "rule").rows() == [
        (2, "uscc", "one_of_required"),
        (3, "inspector_id", "unknown_reference"),
    ]


def test_accepted_rows_are_typed_per_contract() -> None:
    result = validate_table(penalties({}), contract.table("penalties"), TODAY, KNOWN)
    assert result.accepted.schema == pl.Schema(
        {
            "record_id": pl.Utf8,
            "uscc": pl.Utf8,
            "department": pl.Utf8,
            "decided_date": pl.Date,
            "severity": pl.Utf8,
            "fine_amount": pl.Float64,
        }
    )
    assert result.accepted["decided_date"].to_list() == [dt.date(2025, 3, 4)]


def _inspector(**change) -> dict:
    row = {
        "inspector_id": "INS-00001",
        "name": "王伟",
        "department": "市场监管",
        "staff_type": "执法人员",
        "cert_no": "3308020000001",
        "cert_expiry": "2027-06-30",
        "qualifications": "SJ-SC-01",
        "station": "府山市场监管所",
        "grid": "西",
        "pool_level": "0",
        "division": "330802",
        "capacity": "5",
        "id_card_no": "33080219800101001X",
        "phone": "13800000000",
    }
    return {**row, **change}


def test_roster_rules_quarantine_expired_certificates_unknown_departments_and_duplicate_ids() -> None:
    table = contract.table("inspectors")
    rows = [
        _inspector(),
        _inspector(inspector_id="INS-00002", cert_expiry="2026-11-26"),
        _inspector(inspector_id="INS-00003", department="工商"),
        _inspector(inspector_id="INS-00001"),
        _inspector(inspector_id="INS-00004", cert_no=None),
        _inspector(inspector_id="INS-00005", staff_type="专家", cert_no=None, cert_expiry=None),
        _inspector(inspector_id="INS-00006", division="3308"),
    ]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(table.column_names, pl.Utf8)).with_row_index(LINE, offset=2)
    result = validate_table(frame, table, TODAY, {"inspection_items.item_id": pl.Series(["SJ-SC-01"])})
    assert result.accepted["inspector_id"].to_list() == ["INS-00001", "INS-00005"]  # an expert needs no 执法证
    assert result.quarantined.select("line", "column", "rule", "detail").rows() == [
        (3, "cert_expiry", "certificate_expired", "已于导入日期 2026-11-27 前过期"),
        (4, "department", "allowed_values", "须为 市场监管/税务/人社/生态环境/应急管理/卫健/住建 之一"),
        (5, "inspector_id", "duplicate_key", "与第 2 行的键相同（保留第一行）"),
        (6, "cert_no", "missing", "staff_type 为 执法人员 时必填"),
        (8, "division", "pattern", "格式不符，须匹配 ^[1-8][0-9]{5}$"),
    ]


def _penalty_failures(column: str, values: list[str]) -> tuple[list, list]:
    frame = penalties(*({column: v} for v in values))
    result = validate_table(frame, contract.table("penalties"), TODAY, KNOWN)
    assert result.accepted.height + result.quarantined.height == frame.height
    return result.accepted[column].to_list(), result.quarantined.select("line", "rule", "value").rows()


def test_numbers_polars_would_coerce_are_quarantined_with_the_value_read() -> None:
    coerced = ["1e3", "-0", "1e-400", "+5", ".5", "5.", "-0.0", "1,000", "0." + "0" * 400 + "1", "007.5", "１２", " 5"]
    accepted, failures = _penalty_failures("fine_amount", ["12.50", "0", "0.5", "5000", *coerced])
    assert accepted == [12.5, 0.0, 0.5, 5000.0]
    assert failures == [(6 + i, "invalid_decimal", value) for i, value in enumerate(coerced)]


def test_whole_numbers_are_digits_only() -> None:
    table = contract.table("annual_reports")
    years = ["2024", "1e3", "-0", "+2024", "2024.0", "02024", "２０２４", "2.024e3"]
    frame = pl.DataFrame(
        {"uscc": [FIRM] * len(years), "report_year": years, "filed_date": [None] * len(years)},
        schema=dict.fromkeys(table.column_names, pl.Utf8),
    ).with_row_index(LINE, offset=2)
    result = validate_table(frame, table, TODAY, KNOWN)
    assert result.accepted["report_year"].to_list() == [2024]
    assert result.quarantined.select("line", "rule", "value", "detail").rows() == [
        (3 + i, "invalid_int", value, INT) for i, value in enumerate(years[1:])
    ]


def test_dates_as_offices_write_them_are_read_and_other_forms_are_quarantined() -> None:
    read = ["2024/8/14", "2024-8-14", "2024-08-14", "2024/08/14", "2024-08-14 00:00:00", "2024/8/14 0:00"]
    refused = [
        "+2024-08-14",
        " 2024-08-14",
        "2024-08-14 13:00:00",
        "2024/08-14",
        "20240814",
        "2024年8月14日",
        "8/14/2024",
        "２０２４-08-14",
        "2024-2-30",
    ]
    accepted, failures = _penalty_failures("decided_date", read + refused)
    assert accepted == [dt.date(2024, 8, 14)] * len(read)
    assert failures == [(2 + len(read) + i, "invalid_date", value) for i, value in enumerate(refused)]


def test_control_bidi_and_invisible_characters_in_text_are_quarantined_and_shown() -> None:
    table = contract.table("inspection_items")
    names = [
        "正常事项",
        "食品\x00经营",
        "食品\r经营",
        "食品\n经营",
        "a\x85b",
        "食品\u202e营经",
        "食品\u2066经营",
        "食\u200b品",
        "食品\u2028经营",
        "食\ufff9品",
    ]
    frame = pl.DataFrame(
        [
            {"item_id": f"SJ-SC-{i:02d}", "name": n, "legal_basis": "《食品安全法》", "departments": "市场监管"}
            | {"target_type": "企业"}
            for i, n in enumerate(names)
        ],
        schema=dict.fromkeys(table.column_names, pl.Utf8),
    ).with_row_index(LINE, offset=2)
    result = validate_table(frame, table, TODAY, {})
    assert result.accepted["name"].to_list() == ["正常事项"]
    assert result.quarantined.select("line", "rule", "value", "name").rows() == [
        (3, "control_character", "食品<U+0000>经营", "食品<U+0000>经营"),
        (4, "control_character", "食品<U+000D>经营", "食品<U+000D>经营"),
        (5, "control_character", "食品<U+000A>经营", "食品<U+000A>经营"),
        (6, "control_character", "a<U+0085>b", "a<U+0085>b"),
        (7, "bidi_control", "食品<U+202E>营经", "食品<U+202E>营经"),
        (8, "bidi_control", "食品<U+2066>经营", "食品<U+2066>经营"),
        (9, "invisible_character", "食<U+200B>品", "食<U+200B>品"),
        (10, "control_character", "食品<U+2028>经营", "食品<U+2028>经营"),
        (11, "invisible_character", "食<U+FFF9>品", "食<U+FFF9>品"),
    ]
    assert result.quarantined["detail"][0] == "含控制字符（如 NUL、回车、换行，C0/C1 控制字符），已显示为 <U+XXXX>"
    assert result.quarantined["detail"][4] == (
        "含双向文本控制字符（U+202A–U+202E、U+2066–U+2069 等），会使文字显示顺序与实际不同"
    )


def test_multi_line_free_text_may_hold_line_breaks_but_no_other_control() -> None:
    form = contract.results_form()
    assert [c.name for c in form.columns if c.multiline] == ["remarks"]
    remarks = contract.Column("remarks", "备注", "string", "", required=False, multiline=True)
    table = contract.Table("t", "t", "", "", ("remarks",), (remarks,))
    frame = pl.DataFrame({"remarks": ["第一行\r\n第二行\t注", "第一行\x00"]}).with_row_index(LINE, offset=2)
    result = validate_table(frame, table, TODAY, {})
    assert result.accepted["remarks"].to_list() == ["第一行\r\n第二行\t注"]
    assert result.quarantined.select("line", "rule").rows() == [(3, "control_character")]


def test_formats_take_ascii_digits_only() -> None:
    failure = only_failure(penalties({}, {"record_id": "CF-２０２５-000000002"}, {}))
    assert (failure["column"], failure["rule"]) == ("record_id", "pattern")


def test_typed_columns_of_other_widths_are_read_as_their_kind() -> None:
    table = contract.table("penalties")
    frame = penalties({}, {}, {}).with_columns(
        pl.Series("fine_amount", [1.5, 1e-10, float("nan")], pl.Float32),
        pl.Series(
            "decided_date",
            [dt.datetime(2025, 3, 4), dt.datetime(2025, 3, 5), dt.datetime(2025, 3, 4, 9, 30)],
            pl.Datetime("ms"),
        ),
    )
    result = validate_table(frame, table, TODAY, KNOWN)
    assert result.accepted["fine_amount"].to_list() == pytest.approx([1.5, 1e-10])
    assert result.accepted["decided_date"].to_list() == [dt.date(2025, 3, 4), dt.date(2025, 3, 5)]
    assert result.quarantined.select("line", "column", "rule", "value").rows() == [
        (4, "decided_date", "invalid_date", "2025-03-04 09:30:00.000")
    ]
    nan = validate_table(penalties({}).with_columns(pl.Series("fine_amount", [float("nan")])), table, TODAY, KNOWN)
    assert nan.quarantined.select("line", "column", "rule", "value").rows() == [
        (2, "fine_amount", "invalid_decimal", "NaN")
    ]
