"""Reading raw department tables and filled-in forms (CSV, xlsx, xls, Parquet) into polars, keeping the row numbers
a person sees.

- **The header is found, not assumed.**  In a CSV file, and in each sheet of a workbook in turn, the header is the
  first of the first :data:`HEADER_ROWS` rows that names every column the table needs (by its English name or its
  Chinese label), so title rows above it and sheets before it (a 说明 or legend sheet) are passed over; when no row
  names them all, the row naming most of them is taken and the error lists the columns it lacks.  Header cells are
  compared after Unicode NFKC normalisation (UAX #15: full-width letters and brackets become their ASCII forms),
  with every space removed and in lower case, so ``检查结果 代码``, ``USCC`` and ``注册资本（万元）`` match.  Columns
  the table does not name are ignored; a column named twice is an error.
- **Row numbers are those of Excel and LibreOffice.**  The ``__line__`` column is the row of the sheet: the header
  sits on its own row, the first row under it is one more, blank rows count, and a CSV record whose quoted cell
  holds a line break is one row, as a spreadsheet shows it.  A row whose every cell is empty is no record and is
  left out, in CSV and workbooks alike; the rows after it keep their numbers.  Parquet records count from 1.
- **Cells are read as text**, so that the caller, not the reader, decides what is valid: a workbook's date cell
  reads as ``YYYY-MM-DD HH:MM:SS``, a number as its decimal digits.  Workbooks (.xlsx, and Excel 97–2003 .xls) are
  read by calamine (the ``fastexcel`` package).
- **The encoding of a CSV file** is the caller's when given (``--encoding``); otherwise it is detected: a UTF-8
  byte-order mark means UTF-8; bytes that are valid UTF-8 are UTF-8; anything else is read as GB18030 (GB
  18030-2022, which contains GBK and GB 2312: what Excel on Chinese Windows saves as "CSV").  A file that is neither
  is a clear error, never mojibake, and so is UTF-16 (Excel's "Unicode 文本", which is not a CSV file).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl
import pyarrow.parquet as pq

from xinyong.errors import InputFileError
from xinyong.ingest.contract import Table

LINE = "__line__"
WORKBOOKS = (".xlsx", ".xls")
# The header is looked for in this many rows at the top of a CSV file or of each sheet.
HEADER_ROWS = 20
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_table(
    path: Path, table: Table, encoding: str | None = None, *, optional_may_be_absent: bool = False
) -> pl.DataFrame:
    """Read one raw table; whole-file problems raise :class:`InputFileError` naming the file.

    ``encoding`` is a CSV file's (None: detected).  With ``optional_may_be_absent`` (forms people fill in) a
    missing optional column reads as empty.
    """
    if path.is_dir():
        raise InputFileError(path, "is a folder, not a table file")
    if not path.is_file():
        raise InputFileError(path, "no such file")
    needed = {c.name for c in table.columns if c.required or not optional_may_be_absent}
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame = _read_parquet(path)
        columns = _columns(frame.columns, frame.columns, table, path)
        return _shaped(frame.with_row_index(LINE, offset=1), columns, path, table, optional_may_be_absent)
    if suffix == ".csv":
        grid = _read_csv(path, encoding, table, needed)
    elif suffix in WORKBOOKS:
        grid = _read_workbook(path, table, needed)
    else:
        raise InputFileError(path, f"unsupported file type {path.suffix!r}; use .csv, .parquet, .xlsx or .xls")
    return _shaped(_without_blank_rows(grid.rows), grid.columns, path, table, optional_may_be_absent)


def read_table_batches(
    path: Path, table: Table, encoding: str | None = None, rows: int = 4_000_000
) -> Iterator[pl.DataFrame]:
    """The table in batches of about ``rows`` (Parquet only; other files are small enough to read whole)."""
    if path.suffix.lower() != ".parquet" or _parquet_rows(path) <= rows:
        yield read_table(path, table, encoding)
        return
    first = 1
    for batch in pq.ParquetFile(path).iter_batches(batch_size=rows):
        arrow = pl.from_arrow(batch)
        assert isinstance(arrow, pl.DataFrame)  # a record batch is a table, never a series
        columns = _columns(arrow.columns, arrow.columns, table, path)
        yield _shaped(arrow.with_row_index(LINE, offset=first), columns, path, table)
        first += arrow.height


def csv_encoding(raw: bytes, encoding: str | None, path: Path) -> str:
    """The codec a CSV file's bytes are read with: ``encoding`` when given, else detected (module docstring)."""
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise InputFileError(path, f"unknown encoding {encoding!r}") from None
        return "utf-8-sig" if codec == "utf-8" else codec
    if raw.startswith(UTF16_BOMS):
        raise InputFileError(path, "is UTF-16 text (Excel's “Unicode 文本”), not CSV; save it as CSV UTF-8 or CSV")
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def header_key(cell: object) -> str:
    """A header cell as it is matched: NFKC-normalised, without spaces, in lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(cell))).lower() if cell is not None else ""


@dataclass(frozen=True)
class _Grid:
    """The rows under a header, every cell text, with ``__line__``; ``columns`` maps a frame column to the table's."""

    rows: pl.DataFrame
    columns: dict[str, str]


@dataclass(frozen=True)
class _Header:
    index: int  # of the header's row among the rows looked at (0-based)
    complete: bool  # it names every needed column
    named: int  # how many of the table's columns it names


def _find_header(rows: Sequence[Sequence[object]], table: Table, needed: set[str]) -> _Header:
    """The first row naming every needed column, else the first naming most of the table's columns."""
    keys = _keys(table)
    best = _Header(0, False, -1)
    for index, row in enumerate(rows):
        named = {keys[k] for k in map(header_key, row) if k in keys}
        if needed <= named:
            return _Header(index, True, len(named))
        if len(named) > best.named:
            best = _Header(index, False, len(named))
    return best


def _keys(table: Table) -> dict[str, str]:
    return {header_key(text): c.name for c in table.columns for text in (c.name, c.label)}


def _columns(
    header: Sequence[object], frame_columns: Sequence[str], table: Table, path: Path, row: int | None = None
) -> dict[str, str]:
    """The table's column each header cell names, keyed by the frame column under it; a column named twice (in
    the header's ``row``) is an error."""
    keys = _keys(table)
    found: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = keys.get(header_key(cell))
        if name is None:
            continue
        if name in found:
            where = f" (row {row})" if row is not None else ""
            raise InputFileError(path, f"column {name} ({table.column(name).label}) is in the header twice{where}")
        found[name] = position
    return {frame_columns[i]: name for name, i in found.items()}


def _shaped(
    frame: pl.DataFrame, columns: dict[str, str], path: Path, table: Table, optional_may_be_absent: bool = False
) -> pl.DataFrame:
    named = frame.select(LINE, *(pl.col(source).alias(name) for source, name in columns.items()))
    if optional_may_be_absent:
        named = named.with_columns(
            pl.lit(None, pl.Utf8).alias(c.name) for c in table.columns if not c.required and c.name not in named.columns
        )
    missing = [c.name for c in table.columns if c.name not in named.columns]
    if missing:
        wanted = ", ".join(f"{name} ({table.column(name).label})" for name in missing)
        raise InputFileError(path, f"missing column {wanted}")
    return named.select(*table.column_names, LINE)


def _without_blank_rows(rows: pl.DataFrame) -> pl.DataFrame:
    cells = [c for c in rows.columns if c != LINE]
    if not cells:
        return rows
    blank = pl.all_horizontal(pl.col(c).str.strip_chars().fill_null("") == "" for c in cells)
    return rows.filter(~blank)


def _parquet_rows(path: Path) -> int:
    try:
        return pq.ParquetFile(path).metadata.num_rows
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise InputFileError(path, f"not a readable Parquet file ({_first_line(exc)})") from None


def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        return pl.read_parquet(path)
    except Exception as exc:  # polars and pyarrow raise several types for a corrupt file
        raise InputFileError(path, f"not a readable Parquet file ({_first_line(exc)})") from None


def _read_csv(path: Path, encoding: str | None, table: Table, needed: set[str]) -> _Grid:
    raw = path.read_bytes()
    codec = csv_encoding(raw, encoding, path)
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        if encoding is None:
            problem = f"neither UTF-8 nor GB18030 (GBK) at byte {exc.start}; pass --encoding"
        else:
            hint = "; if it came from a GBK system, pass --encoding gbk" if codec == "utf-8-sig" else ""
            problem = f"not valid {encoding} at byte {exc.start}{hint}"
        raise InputFileError(path, problem) from None
    top = list(itertools.islice(csv.reader(io.StringIO(text)), HEADER_ROWS))
    header = _find_header(top, table, needed)
    cells = top[header.index] if top else []
    schema = {f"c{i}": pl.Utf8 for i in range(max(len(cells), 1))}
    columns = _columns(cells, list(schema), table, path, header.index + 1)
    try:
        rows = pl.read_csv(
            io.BytesIO(text.encode("utf-8")), has_header=False, skip_rows=header.index + 1, schema=schema
        )
    except Exception as exc:  # ragged rows, unbalanced quotes
        wider = _wider_row(text, header.index, len(cells))
        raise InputFileError(path, wider or f"not a readable CSV file ({_first_line(exc)})") from None
    return _Grid(rows.with_row_index(LINE, offset=header.index + 2), columns)


def _wider_row(text: str, header: int, width: int) -> str | None:
    """The first row of a CSV file wider than its header (at record ``header``), described."""
    for number, record in enumerate(csv.reader(io.StringIO(text)), start=1):
        if number > header + 1 and len(record) > width:
            return (
                f"row {number} has {len(record)} cells but the header (row {header + 1}) has {width}; "
                "a cell holding a comma must be quoted"
            )
    return None


def _read_workbook(path: Path, table: Table, needed: set[str]) -> _Grid:
    kind = path.suffix.lower().lstrip(".")
    try:
        book = fastexcel.read_excel(path)
        found: tuple[str, _Header] | None = None
        for sheet in book.sheet_names:
            top = book.load_sheet(sheet, header_row=None, skip_rows=0, n_rows=HEADER_ROWS, dtypes="string")
            header = _find_header(top.to_polars().rows(), table, needed)
            if header.complete or found is None or header.named > found[1].named:
                found = (sheet, header)
            if header.complete:
                break
        assert found is not None  # a workbook has at least one sheet
        name, header = found
        sheet_rows = book.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
    except Exception as exc:  # calamine raises its own types for a file it cannot read
        raise InputFileError(path, f"not a readable {kind} file ({_first_line(exc)})") from None
    positional = sheet_rows.rename({c: f"c{i}" for i, c in enumerate(sheet_rows.columns)})
    cells = positional.row(header.index) if positional.height > header.index else ()
    columns = _columns(cells, positional.columns, table, path, header.index + 1)
    rows = positional.with_row_index(LINE, offset=1).slice(header.index + 1)
    return _Grid(rows, columns)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
