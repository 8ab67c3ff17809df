"""A typed table's column types: within the contract they are read (dictionary text as text); outside it, one
error names the file, the column, the type found and the types expected."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from xinyong.errors import InputFileError
from xinyong.ingest import contract
from xinyong.ingest.dtypes import conform

TABLE = contract.table("penalties")
PATH = Path("raw/penalties.parquet")
GOOD = {
    "record_id": pl.Series(["CF-2025-000000001"]),
    "uscc": pl.Series(["91330802MA29U0QJ36"]),
    "department": pl.Series(["市场监管"], dtype=pl.Categorical),
    "decided_date": pl.Series([dt.datetime(2025, 3, 4)]),
    "severity": pl.Series(["一般"], dtype=pl.Enum(["一般", "较重", "严重"])),
    "fine_amount": pl.Series([5000], dtype=pl.Int32),
}


def test_types_within_the_contract_are_taken_and_dictionary_text_is_read_as_text() -> None:
    conformed = conform(pl.DataFrame(GOOD), TABLE, PATH)
    assert conformed.schema["department"] == pl.Utf8 and conformed.schema["severity"] == pl.Utf8
    assert conformed.schema["decided_date"] == pl.Datetime("us") and conformed.schema["fine_amount"] == pl.Int32
    assert conformed["department"].to_list() == ["市场监管"]


@pytest.mark.parametrize(
    ("column", "values", "found", "expected"),
    [
        ("uscc", pl.Series([["91330802MA29U0QJ36"]]), "List(String)", "text (String)"),
        ("uscc", pl.Series([{"code": "91330802MA29U0QJ36"}]), "Struct({'code': String})", "text (String)"),
        ("uscc", pl.Series([b"9133"]), "Binary", "text (String)"),
        ("severity", pl.Series([True]), "Boolean", "text (String)"),
        (
            "decided_date",
            pl.Series([dt.datetime(2025, 3, 4)]).dt.replace_time_zone("UTC"),
            "Datetime(time_unit='us', time_zone='UTC')",
            "a date, a date-time without time zone, or text (String)",
        ),
        ("decided_date", pl.Series([dt.time(9)]), "Time", "a date, a date-time without time zone, or text (String)"),
        ("fine_amount", pl.Series([True]), "Boolean", "a number (integer, float or decimal) or text (String)"),
    ],
)
def test_a_type_outside_the_contract_is_one_error(column: str, values: pl.Series, found: str, expected: str) -> None:
    frame = pl.DataFrame(GOOD).with_columns(values.alias(column))
    with pytest.raises(InputFileError) as caught:
        conform(frame, TABLE, PATH)
    label = TABLE.column(column).label
    assert str(caught.value) == (
        f"{PATH}: column {column} ({label}) is of type {found}; the data contract expects {expected}"
    )


def test_an_integer_column_pandas_wrote_as_float_gets_the_hint() -> None:
    table = contract.table("annual_reports")
    frame = pl.DataFrame({"uscc": ["x"], "report_year": [2024.0], "filed_date": [None]})
    with pytest.raises(InputFileError) as caught:
        conform(frame, table, Path("raw/annual_reports.parquet"))
    assert str(caught.value) == (
        "raw/annual_reports.parquet: column report_year (报告年度) is of type Float64; the data contract expects an "
        "integer or text (String); pandas writes an integer column with empty cells as float: write it as Int64"
    )
