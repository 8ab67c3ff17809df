"""Spreadsheets people open and print: xlsx workbooks laid out for A4 paper, and CSV a spreadsheet cannot
misread or run (pure: bytes out, no file touched; :mod:`xinyong.workspace.fsio` writes them).

- **Printed on A4** (every workbook xinyong writes): landscape when the printed columns are wider than a
  portrait page (:data:`PORTRAIT_WIDTH`), scaled to one page wide and as many pages long as the rows need,
  the header row repeated on every page and the sheet's heading (its first title line) in every page's
  header, 1 cm side margins, 「第 N 页 共 M 页」 centred in the footer; on screen the header row is frozen
  and has a filter.  A sheet may print only its leading columns (:attr:`Sheet.printed`): the rest stay on
  screen, on one line each, as in the CSV twin.
- **Sized for Chinese**: a column is as wide as its widest value or (up to :data:`HEADER_WIDTH`) its
  header, in display width — a character of East Asian Width W or F (Unicode Standard Annex #11) counts
  two — and at most :data:`MAX_WIDTH`; longer text wraps, and every row is made tall enough for its lines
  (neither Excel nor LibreOffice grows a row's height when it opens a file).
- **Text stays text**: a string is written as a string, never a formula, so a firm named ``=HYPERLINK(…)``
  is that name, and an all-digit USCC stays 18 characters; numbers are numbers, dates are dates, and a
  true/false value is 是/否.
- **Forms**: a sheet may name the columns people fill in (:class:`Entry`): those cells are unlocked, with a
  prompt, a drop-down of the allowed values or a date format and a date check (warnings, so several codes
  may still share a cell), and the rest of the sheet is protected without a password (Excel: 审阅 →
  撤销工作表保护; LibreOffice: 工具 → 保护工作表), so a pre-filled column is not changed by mistake.
- **CSV for spreadsheets** (:func:`csv_bytes`, OWASP "CSV Injection"): a text cell that begins with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'``, so no spreadsheet runs it; a text
  cell that a spreadsheet would turn into a number (digits, with separators, an exponent or a per cent
  sign: an 18-digit USCC becomes ``9.13308E+17`` and loses its last digits, a code loses its leading
  zeros) is written ``="…"``, which Excel and LibreOffice evaluate to exactly that text.  Numbers, dates
  and true/false columns are written as they are.  The UTF-8 byte-order mark lets Excel read Chinese.
  :func:`plain_csv` undoes both for a program that reads such a CSV back.
- **Byte-stable**: the same sheets give the same bytes (a fixed creation time; xlsxwriter gives the zip
  entries a fixed time of its own).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
import polars.selectors as cs

from xinyong.errors import UsageError

# Width units are those of a spreadsheet column: about one digit of the default 11-point font.
MIN_WIDTH = 4
MAX_WIDTH = 30  # wider text wraps
HEADER_WIDTH = 12  # a header up to this wide stays on one line; a longer one may wrap over narrow values
PORTRAIT_WIDTH = 100  # the columns that fit A4 portrait at 100 % within the margins (landscape fits ~145)
LINE_HEIGHT = 16.0  # points per line of 11-point text with CJK glyphs (Noto Sans CJK's line height)
TITLE_HEIGHT = 24.0  # the first title line, in 14-point bold
MAX_ROWS = 1_048_576  # rows of an xlsx worksheet
# xlsx core properties carry a creation time; a fixed one keeps the same sheets the same bytes.
CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FOOTER = "&C第 &P 页 共 &N 页"
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6}  # inches (1 cm sides)
FORMULA_LEAD = r"^[=+\-@\t\r]"
NUMBER_LIKE = r"^\s*[0-9]+([.,][0-9]+)*([eE][+-]?[0-9]+)?%?\s*$"


@dataclass(frozen=True)
class Entry:
    """A column people fill in on a protected sheet: its cells are unlocked, with an optional prompt, a
    drop-down of ``choices`` (other values are warned about, not refused), or date cells (``date``),
    warned about when before ``not_before``."""

    column: str
    prompt: str = ""  # at most 255 characters (the limit of a spreadsheet's input message)
    choices: tuple[str, ...] = ()
    date: bool = False
    not_before: dt.date | None = None


@dataclass(frozen=True)
class Sheet:
    """A worksheet: a table under optional title lines, printed in full or only its ``printed`` leading columns."""

    frame: pl.DataFrame
    title: tuple[str, ...] = ()  # lines above the header; the first, the heading, heads every printed page
    printed: int | None = None  # the leading columns printed (None: all)
    entries: tuple[Entry, ...] = ()  # the columns people fill in; with any, the rest of the sheet is protected


def display_width(text: str) -> int:
    """The width of ``text`` in monospace cells: East Asian Wide and Fullwidth characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column ``width`` wide (its own line breaks kept)."""
    room = max(1.0, (width - 2) / 1.1)
    return sum(max(1, math.ceil(display_width(part) / room)) for part in text.split("\n"))


def column_width(header: str, values: Sequence[str]) -> int:
    """A column's width: its widest value, its header up to :data:`HEADER_WIDTH` (or half of a longer one,
    in two lines), within :data:`MIN_WIDTH` … :data:`MAX_WIDTH`, a tenth wider (capitals and CJK glyphs
    are wider than the digit a width unit measures) and with two units of padding."""
    widest = max((display_width(part) for value in values for part in value.split("\n")), default=0)
    head = display_width(header)
    wanted = max(widest, min(head, HEADER_WIDTH), math.ceil(head / 2))
    return math.ceil(min(max(wanted, MIN_WIDTH), MAX_WIDTH) * 1.1) + 2


@dataclass(frozen=True)
class Layout:
    """How a sheet is laid out: column widths and whether it prints landscape."""

    widths: tuple[int, ...]
    printed: int

    @property
    def landscape(self) -> bool:
        return sum(self.widths[: self.printed]) > PORTRAIT_WIDTH

    @property
    def printed_width(self) -> int:
        return sum(self.widths[: self.printed])


def layout(sheet: Sheet) -> Layout:
    frame = sheet.frame
    widths = tuple(column_width(c, _texts(frame[c])) for c in frame.columns)
    return Layout(widths, len(frame.columns) if sheet.printed is None else sheet.printed)


def _texts(series: pl.Series) -> list[str]:
    """The values of a column as a spreadsheet shows them (for widths and row heights)."""
    return ["" if value is None else _shown(value) for value in series.to_list()]


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, list):
        return "；".join("" if v is None else str(v) for v in value)
    return str(value)


# -- xlsx -------------------------------------------------------------------------------------------
def workbook(sheets: Mapping[str, Sheet | pl.DataFrame]) -> bytes:
    """An xlsx workbook of one worksheet per entry, in order, laid out for screen and A4 paper."""
    from xlsxwriter import Workbook

    buffer = io.BytesIO()
    book = Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "nan_inf_to_errors": True, "remove_timezone": True},
    )
    book.set_properties({"created": CREATED})
    styles = _Styles(book)
    for name, sheet in sheets.items():
        _worksheet(book.add_worksheet(name), sheet if isinstance(sheet, Sheet) else Sheet(sheet), styles)
    book.close()
    return buffer.getvalue()


class _Styles:
    """The workbook's cell formats, made once each, in a fixed order (so the bytes are stable)."""

    def __init__(self, book: Any) -> None:
        self._book = book
        self._made: dict[tuple[str, bool], Any] = {}

    def get(self, kind: str, locked: bool = True) -> Any:
        key = (kind, locked)
        if key not in self._made:
            spec: dict[str, Any] = {"border": 1, "valign": "top", "text_wrap": kind != "line", "locked": locked}
            if kind == "heading":
                spec = {"bold": True, "font_size": 14, "valign": "vcenter", "align": "left"}
            elif kind == "title":
                spec = {"text_wrap": True, "valign": "top", "align": "left"}
            elif kind == "header":
                spec |= {"bold": True, "bg_color": "#DDEBF7", "align": "center", "valign": "vcenter"}
            elif kind == "date":
                spec |= {"num_format": "yyyy-mm-dd"}
            elif kind == "datetime":
                spec |= {"num_format": "yyyy-mm-dd hh:mm:ss"}
            if not locked:
                spec |= {"bg_color": "#FFF9E5"}  # a cell to fill in
            self._made[key] = self._book.add_format(spec)
        return self._made[key]


def _worksheet(ws: Any, sheet: Sheet, styles: _Styles) -> None:
    frame = sheet.frame
    shape = layout(sheet)
    top = len(sheet.title)  # the header's row
    if top + 1 + frame.height > MAX_ROWS:
        raise UsageError(
            f"{frame.height:,} rows do not fit an xlsx worksheet (at most {MAX_ROWS - top - 1:,}); "
            "write .parquet or .csv instead"
        )
    for col, width in enumerate(shape.widths):
        ws.set_column(col, col, width)
    _title(ws, sheet.title, shape, styles)
    entries = {e.column: e for e in sheet.entries}
    header = styles.get("header")
    for col, name in enumerate(frame.columns):
        ws.write_string(top, col, name, header)
    ws.set_row(top, LINE_HEIGHT * max(lines(n, w) for n, w in zip(frame.columns, shape.widths, strict=True)) + 2)
    heights = [1] * frame.height
    for col, name in enumerate(frame.columns):
        series = frame[name]
        kind = _kind(series.dtype, entries.get(name))
        if kind == "text" and col >= shape.printed:
            kind = "line"  # on screen only: one line, so that it never makes a printed row taller
        style = styles.get(kind, locked=name not in entries)
        for row, (value, text) in enumerate(zip(series.to_list(), _texts(series), strict=True)):
            _cell(ws, top + 1 + row, col, value, text, kind, style)
            if kind == "text":
                heights[row] = max(heights[row], lines(text, shape.widths[col]))
        if name in entries and frame.height:
            _validate(ws, top + 1, col, top + frame.height, entries[name])
    for row, count in enumerate(heights):
        if count > 1:
            ws.set_row(top + 1 + row, LINE_HEIGHT * count + 2)
    ws.freeze_panes(top + 1, 0)
    ws.autofilter(top, 0, top + frame.height, max(len(frame.columns) - 1, 0))
    ws.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})  # a USCC of digits is text on purpose
    _print_setup(ws, shape, top, frame.height, sheet.title[0] if sheet.title else "")
    if entries:
        options = {"autofilter": True, "format_columns": True, "format_rows": True}
        ws.protect("", options)  # no password: 撤销工作表保护 lifts it


def _title(ws: Any, title: tuple[str, ...], shape: Layout, styles: _Styles) -> None:
    last = shape.printed - 1
    for row, text in enumerate(title):
        style = styles.get("heading" if row == 0 else "title")
        if last > 0:
            ws.merge_range(row, 0, row, last, text, style)
        else:
            ws.write_string(row, 0, text, style)
        height = TITLE_HEIGHT if row == 0 else LINE_HEIGHT * lines(text, shape.printed_width) + 2
        ws.set_row(row, height)


def _kind(dtype: pl.DataType, entry: Entry | None) -> str:
    if (entry is not None and entry.date) or dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype.is_numeric():
        return "number"
    return "text"


def _cell(ws: Any, row: int, col: int, value: object, text: str, kind: str, style: Any) -> None:
    if value is None:
        ws.write_blank(row, col, None, style)
    elif kind in ("date", "datetime") and isinstance(value, dt.date):
        ws.write_datetime(row, col, value, style)
    elif kind == "number" and isinstance(value, int | float):
        ws.write_number(row, col, value, style)
    else:
        ws.write_string(row, col, text, style)


def _validate(ws: Any, first: int, col: int, last: int, entry: Entry) -> None:
    rule: dict[str, Any] = {"validate": "any"}
    if entry.choices:
        rule = {
            "validate": "list",
            "source": list(entry.choices),
            "error_type": "warning",
            "error_title": "不在代码表中",
            "error_message": "该值不是代码表中的单个代码；多个代码以 ; 分隔时请选择“是”继续。",
        }
    elif entry.date:
        rule = {
            "validate": "date",
            "criteria": ">=",
            "value": entry.not_before or dt.date(1900, 1, 1),
            "error_type": "warning",
            "error_title": "日期有误",
            "error_message": "请填写日期，如 2026-12-11"
            + (f"；不早于 {entry.not_before:%Y-%m-%d}" if entry.not_before else "")
            + "。",
        }
    if entry.prompt:
        rule |= {"input_title": entry.column[:32], "input_message": entry.prompt[:255]}
    if rule["validate"] != "any" or entry.prompt:
        ws.data_validation(first, col, last, col, rule)


def _print_setup(ws: Any, shape: Layout, top: int, rows: int, heading: str) -> None:
    ws.set_paper(9)  # A4
    if shape.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)  # one page wide, as long as it takes
    ws.repeat_rows(top)
    ws.set_margins(**MARGINS)
    if heading:
        ws.set_header("&L" + heading.replace("&", "&&")[:240], {"margin": 0.25})
    ws.set_footer(FOOTER, {"margin": 0.25})
    ws.center_horizontally()
    if shape.printed < len(shape.widths):
        ws.print_area(0, 0, top + max(rows, 1), shape.printed - 1)


# -- CSV --------------------------------------------------------------------------------------------
def spreadsheet_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text cell made safe for a spreadsheet: formula-leading text prefixed with ``'``,
    number-like text written ``="…"`` (the module's rules)."""
    return frame.with_columns(
        pl.when(column.str.contains(FORMULA_LEAD))
        .then(pl.lit("'") + column)
        .when(column.str.contains(NUMBER_LIKE))
        .then(pl.lit('="') + column + pl.lit('"'))
        .otherwise(column)
        .name.keep()
        for column in [pl.col(name) for name in frame.select(cs.string()).columns]
    )


def csv_bytes(frame: pl.DataFrame, *, bom: bool = True) -> bytes:
    """The CSV a spreadsheet opens safely (:func:`spreadsheet_safe`), in UTF-8 with a byte-order mark."""
    text = spreadsheet_safe(frame).write_csv()
    return ("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8")


def plain_csv(frame: pl.DataFrame) -> pl.DataFrame:
    """A CSV written by :func:`csv_bytes` and read as text, with its cells as they were before."""
    return frame.with_columns(cs.string().str.replace(r'^="(.*)"$', "$1").str.replace(r"^'([=+\-@\t\r])", "$1"))
