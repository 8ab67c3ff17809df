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
        ({"fine_amount": None}, "fine_amount", "missing", None, "a value is required"),
        ({"fine_amount": "12,5"}, "fine_amount", "invalid_decimal", "12,5", "not a number"),
        ({"fine_amount": "NaN"}, "fine_amount", "invalid_decimal", "NaN", "not a number"),
        ({"fine_amount": "-1"}, "fine_amount", "range", "-1", "must be in [0, 1e+12]"),
        ({"decided_date": "2025-02-30"}, "decided_date", "invalid_date", "2025-02-30", "not a date YYYY-MM-DD"),
        (
            {"decided_date": "2026-11-28"},
            "decided_date",
            "date_in_future",
            "2026-11-28",
            "after the ingest date 2026-11-27",
        ),
        ({"decided_date": "1900-01-01"}, "decided_date", "date_too_early", "1900-01-01", "before 1949-10-01"),
        ({"severity": "很重"}, "severity", "allowed_values", "很重", "must be one of 一般/较重/严重"),
        ({"record_id": "CF2025-1"}, "record_id", "pattern", "CF2025-1", f"must match {contract.ID_PATTERNS['record']}"),
        (
            {"uscc": FIRM[:-1] + ("0" if FIRM[-1] != "0" else "1")},
            "uscc",
            "uscc_check",
            None,
            "not a valid GB 32100-2015 code",
        ),
        ({"uscc": uscc.complete("91110105000000001")}, "uscc", "unknown_reference", None, "not in enterprises.uscc"),
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
        (3, "duplicate_key", "CF-2025-000000001", "same key as line 2"),
        (4, "duplicate_key", "CF-2025-000000001", "same key as line 2"),
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
        "before listed_date",
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
        (3, "cert_expiry", "certificate_expired", "expired before the ingest date 2026-11-27"),
        (4, "department", "allowed_values", "must be one of 市场监管/税务/人社/生态环境/应急管理/卫健/住建"),
        (5, "inspector_id", "duplicate_key", "same key as line 2"),
        (6, "cert_no", "missing", "required when staff_type is 执法人员"),
        (8, "division", "pattern", "must match ^[1-8]\\d{5}$"),
    ]
