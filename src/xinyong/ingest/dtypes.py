"""The column types a typed table (Parquet) may have for each kind of the data contract.

Parquet carries types, and a type outside the contract is a whole-file mistake, reported as one
error naming the file, the column, the type found and the types expected, before any row is read:
a list, struct, map, binary, boolean, time or duration column is never a contract column, and text
is never guessed out of one (a struct does not become its printed form).  Within a kind, any width
is accepted (Int32 for an int, Float32 or Decimal for a decimal), and text is accepted everywhere,
to be read by the same grammar as CSV (:mod:`xinyong.ingest.validate`).  Dictionary-encoded text
(pandas ``category``, Arrow dictionary: polars ``Categorical``/``Enum``) is text and is read as
text.  A date may also come as a date-time without a time zone; a value with a time of day other
than midnight is then quarantined as ``invalid_date``.  An integer column that pandas wrote as
float because it has empty cells is refused with that hint: write it as ``Int64``.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from xinyong.errors import InputFileError
from xinyong.ingest.contract import Kind, Table

_TEXT = "text (String)"
EXPECTED: dict[Kind, str] = {
    "string": _TEXT,
    "int": f"an integer or {_TEXT}",
    "decimal": f"a number (integer, float or decimal) or {_TEXT}",
    "date": f"a date, a date-time without time zone, or {_TEXT}",
    "month": f"{_TEXT} YYYY-MM",
}


def _accepts(kind: Kind, dtype: pl.DataType) -> bool:
    if dtype in (pl.Utf8, pl.Null) or isinstance(dtype, pl.Categorical | pl.Enum):
        return True
    if kind == "int":
        return dtype.is_integer()
    if kind == "decimal":
        return dtype.is_numeric()
    if kind == "date":
        return dtype == pl.Date or (isinstance(dtype, pl.Datetime) and dtype.time_zone is None)
    return False


def conform(frame: pl.DataFrame, table: Table, path: Path) -> pl.DataFrame:
    """``frame`` (a table's columns, as read) with dictionary-encoded text read as text; a column of a type
    its kind does not take raises :class:`InputFileError` naming ``path``."""
    for column in table.columns:
        dtype = frame.schema[column.name]
        if not _accepts(column.kind, dtype):
            hint = (
                "; pandas writes an integer column with empty cells as float: write it as Int64"
                if column.kind == "int" and dtype.is_float()
                else ""
            )
            raise InputFileError(
                path,
                f"column {column.name} ({column.label}) is of type {dtype}; "
                f"the data contract expects {EXPECTED[column.kind]}{hint}",
            )
    return frame.with_columns(
        pl.col(name).cast(pl.Utf8)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Categorical | pl.Enum)
    )
