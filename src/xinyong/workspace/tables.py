"""Reading raw tables from CSV, Parquet, xlsx or xls (suffixes in any case) into polars, keeping row numbers.

Government systems export CSV in GBK as often as UTF-8, so the encoding is the caller's choice
(UTF-8 by default, with or without a byte-order mark) and a wrong guess is a clear error, never
mojibake.  CSV and xlsx cells are read as text so that ingest, not the reader, decides what is
valid; headers may be the contract's English names or its Chinese labels.  Every frame gets a
``__line__`` column: the line a person sees in the file (CSV and xlsx: the header is line 1, so
the first record is line 2; Parquet: the 1-based record number).
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from xinyong.errors import InputFileError
from xinyong.ingest.contract import Table

LINE = "__line__"


def read_table(
    path: Path, table: Table, encoding: str = "utf-8", *, optional_may_be_absent: bool = False
) -> pl.DataFrame:
    """Read one raw table; whole-file problems raise :class:`InputFileError` naming the file.

    With ``optional_may_be_absent`` (forms people fill in) a missing optional column reads as empty.
    """
    if path.is_dir():
        raise InputFileError(path, "is a folder, not a table file")
    if not path.is_file():
        raise InputFileError(path, "no such file")
    suffix = path.suffix.lower()  # Excel on Windows writes PENALTIES.CSV as readily as penalties.csv
    if suffix == ".parquet":
        frame, first_line = _read_parquet(path), 1
    elif suffix == ".csv":
        frame, first_line = _read_csv(path, encoding), 2
    elif suffix in (".xlsx", ".xls"):
        frame, first_line = _read_xlsx(path), 2
    else:
        raise InputFileError(path, f"unsupported file type {path.suffix!r}; use .csv, .parquet, .xlsx or .xls")
    return _shaped(frame, path, table, optional_may_be_absent).with_row_index(LINE, offset=first_line)


def read_table_batches(
    path: Path, table: Table, encoding: str = "utf-8", rows: int = 4_000_000
) -> Iterator[pl.DataFrame]:
    """The table in batches of about ``rows`` (Parquet only; other files are small enough to read whole)."""
    if path.suffix.lower() != ".parquet" or _parquet_rows(path) <= rows:
        yield read_table(path, table, encoding)
        return
    first = 1
    for batch in pq.ParquetFile(path).iter_batches(batch_size=rows):
        arrow = pl.from_arrow(batch)
        assert isinstance(arrow, pl.DataFrame)  # a record batch is a table, never a series
        frame = _shaped(arrow, path, table)
        yield frame.with_row_index(LINE, offset=first)
        first += frame.height


def _parquet_rows(path: Path) -> int:
    try:
        return pq.ParquetFile(path).metadata.num_rows
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise InputFileError(path, f"not a readable Parquet file ({_first_line(exc)})") from None


def _shaped(frame: pl.DataFrame, path: Path, table: Table, optional_may_be_absent: bool = False) -> pl.DataFrame:
    frame = _rename_labels(frame, table)
    if optional_may_be_absent:
        frame = frame.with_columns(
            pl.lit(None, pl.Utf8).alias(c.name) for c in table.columns if not c.required and c.name not in frame.columns
        )
    missing = [c.name for c in table.columns if c.name not in frame.columns]
    if missing:
        wanted = ", ".join(f"{name} ({table.column(name).label})" for name in missing)
        raise InputFileError(path, f"missing column {wanted}")
    return frame.select(table.column_names)


def _rename_labels(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    by_label = {c.label: c.name for c in table.columns}
    return frame.rename({h: by_label[h] for h in frame.columns if h in by_label and by_label[h] not in frame.columns})


def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        return pl.read_parquet(path)
    except Exception as exc:  # polars and pyarrow raise several types for a corrupt file
        raise InputFileError(path, f"not a readable Parquet file ({_first_line(exc)})") from None


def _read_csv(path: Path, encoding: str) -> pl.DataFrame:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise InputFileError(path, f"unknown encoding {encoding!r}") from None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as exc:
        hint = "; if it came from a GBK system, pass --encoding gbk" if codec == "utf-8" else ""
        raise InputFileError(path, f"not valid {encoding} at byte {exc.start}{hint}") from None
    try:
        return pl.read_csv(io.BytesIO(text.encode("utf-8")), infer_schema=False)
    except Exception as exc:  # ragged rows, unbalanced quotes
        raise InputFileError(path, f"not a readable CSV file ({_first_line(exc)})") from None


def _read_xlsx(path: Path) -> pl.DataFrame:
    try:
        return pl.read_excel(path, engine="calamine", infer_schema_length=0)
    except Exception as exc:
        raise InputFileError(path, f"not a readable xlsx file ({_first_line(exc)})") from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
