"""How the cells of a filled-in results form are read: what offices type into Excel, WPS and LibreOffice, made
canonical before the form's rules are checked (pure).

Every cell is trimmed.  The cells that hold codes — 抽查批次, 计划编号, 统一社会信用代码, 检查人员编号, the two
dates, 检查结果代码 and 更正记录号 — are also NFKC-normalised (Unicode UAX #15: full-width letters, digits and
punctuation such as ``Ａ``, ``；``, ``，`` and the ideographic space become their ASCII forms), and those of letters
upper-cased; free text (市场主体名称, 检查人员姓名, 备注) is kept as written.  Then:

- **A row is 待录入 (pending)** when 检查开始日期, 检查完成日期, 检查结果代码, 更正记录号 and 备注 are all empty:
  its result has not come back yet.  It is reported, never rejected, so a form can be imported in batches as the
  departments return results.  A row with some of them filled in is checked like any other.
- **Dates** are read from ``2026-12-11``, ``2026/12/11``, ``2026.12.11``, ``2026年12月11日``, ``20261211``, a date
  cell, or an Excel serial number in a General cell (days since 1899-12-30, Excel's 1900 date system; five
  digits, 1927–2173).  A time of day after the date (a date-time cell, ``2026-12-11 14:30``) is dropped: the
  form records the day.  A date with the year last (``12/11/2026``, ``11/12/26``) is refused: whether it is
  day/month or month/day cannot be known.
- **Result codes and teams** may be separated by ``;``, ``,``, ``、`` or spaces (full-width ones included).  A
  code may be written with its meaning (``A 发现问题待后续处理``, ``A（发现问题待后续处理）``) or as the meaning
  alone, as a drop-down list offers them; an unknown code is refused naming every code and its meaning.
- **A USCC** loses its spaces and is upper-cased (its check character is checked afterwards,
  :mod:`xinyong.ingest.validate`).  One that is all digits (or a number such as ``9.13308E+17``) and not a valid
  code is refused with the likely cause: Excel stored it as a number, which keeps 15 significant digits, so its
  last digits are lost (GB 32100-2015 codes have 18 characters).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import polars as pl

from xinyong.core import uscc
from xinyong.core.codes import RESULT_CODES, RESULT_LABELS
from xinyong.ingest.contract import ID_PATTERNS
from xinyong.results.check import PROBLEM_COLUMNS
from xinyong.workspace.tables import LINE

# The columns whose cells are codes (normalised; those of letters also upper-cased); the others are free text.
CODED = ("round", "plan", "uscc", "team", "started", "ended", "codes", "corrects")
LETTERS = ("plan", "uscc", "team", "codes", "corrects")
# A row with none of these filled in is 待录入.
RESULT_FIELDS = ("started", "ended", "codes", "corrects", "remarks")
SEPARATORS = re.compile(r"[;,、\s]+")
EXCEL_EPOCH = dt.date(1899, 12, 30)

_TIME = r"(?:[ Tt]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATES = (
    re.compile(rf"^(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}$"),
    re.compile(rf"^(\d{{4}})()年(\d{{1,2}})月(\d{{1,2}})日?{_TIME}$"),
    re.compile(r"^(\d{4})()(\d{2})(\d{2})$"),
)
_SERIAL = re.compile(r"^(\d{5})(?:\.\d+)?$")
_YEAR_LAST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})" + _TIME + "$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?(?:E\+?\d+)?$")
_RECORD = re.compile(r"^R-([0-9A-F]{16})$")
# A code written with its meaning, or the meaning alone (longest meanings first), becomes the code.
_MEANINGS = tuple(
    (re.compile(rf"(?:(?<![0-9A-Z]){re.escape(code)}\s*[:\-—.]?\s*)?\(?{re.escape(_label)}\)?"), code)
    for code, _label in sorted(
        ((code, unicodedata.normalize("NFKC", label).upper()) for code, label in RESULT_LABELS.items()),
        key=lambda pair: -len(pair[1]),
    )
)
CODE_LIST = " / ".join(f"{code} {label}" for code, label in RESULT_LABELS.items())


@dataclass(frozen=True)
class FormRows:
    """A form's rows as read: the round ids they name, the filled-in rows as canonical text (with ``__line__``),
    the rows 待录入, and the cells that cannot be read (``PROBLEM_COLUMNS``, one per row)."""

    rounds: tuple[str, ...]
    filled: pl.DataFrame
    pending: tuple[int, ...]
    problems: pl.DataFrame


class CellError(ValueError):
    """A cell that cannot be read: the rule it breaks, why, and (once known) its column."""

    def __init__(self, rule: str, detail: str, column: str = "") -> None:
        super().__init__(detail)
        self.rule = rule
        self.detail = detail
        self.column = column


def read_rows(raw: pl.DataFrame, columns: tuple[str, ...]) -> FormRows:
    """The rows of ``raw`` (text cells of the form's ``columns``, with ``__line__``) read as the module says."""
    filled: list[dict[str, Any]] = []
    pending: list[int] = []
    problems: list[tuple[int, str, str, str]] = []
    rounds: set[str] = set()
    for row in raw.iter_rows(named=True):
        cells = {c: _trimmed(row[c], c) for c in columns}
        if cells["round"]:
            rounds.add(cells["round"])
        if not any(cells[c] for c in RESULT_FIELDS):
            pending.append(row[LINE])
            continue
        try:
            filled.append({**cells, **_read(cells), LINE: row[LINE]})
        except CellError as error:
            problems.append((row[LINE], error.column, error.rule, error.detail))
    schema: dict[str, pl.DataType] = {c: pl.Utf8() for c in columns}
    return FormRows(
        tuple(sorted(rounds)),
        pl.DataFrame(filled, schema={**schema, LINE: raw.schema[LINE]}, orient="row"),
        tuple(pending),
        pl.DataFrame(problems, schema={c: pl.Int64 if c == "line" else pl.Utf8 for c in PROBLEM_COLUMNS}, orient="row"),
    )


def read_date(text: str) -> str:
    """``text`` (normalised) as ``YYYY-MM-DD``; :class:`CellError` when it is no date or an ambiguous one."""
    for pattern in _DATES:
        match = pattern.match(text)
        if match:
            year, _, month, day = match.groups()
            return _iso(text, int(year), int(month), int(day))
    serial = _SERIAL.match(text)
    if serial:
        return (EXCEL_EPOCH + dt.timedelta(days=int(serial.group(1)))).isoformat()
    year_last = _YEAR_LAST.match(text)
    if year_last:
        return _one_reading(text, *(int(part) for part in year_last.groups()))
    raise CellError("invalid_date", f"{text} 不是日期；请写成 YYYY-MM-DD（如 2026-12-11）")


def _one_reading(text: str, first: int, second: int, year: int) -> str:
    """A date written with the year last (12/31/2026): read when only one of day/month and month/day is a day
    of the calendar, or both give the same day; an error otherwise."""
    readings = set()
    for month, day in ((first, second), (second, first)):
        try:
            readings.add(dt.date(year, month, day).isoformat())
        except ValueError:
            continue
    if year >= 1000 and len(readings) == 1:
        return readings.pop()
    if year >= 1000 and not readings:
        raise CellError("invalid_date", f"{text} 不是日历上的日期")
    raise CellError(
        "ambiguous_date",
        f"{text} 把年份写在最后，无法判断是“日/月”还是“月/日”（或年份不全）；请写成 YYYY-MM-DD（如 2026-12-11）",
    )


def read_codes(text: str) -> str:
    """The result codes in ``text`` (normalised), ``;``-separated; :class:`CellError` naming an unknown one."""
    for pattern, code in _MEANINGS:
        text = pattern.sub(f" {code} ", text)
    parts = _parts(text)
    for part in parts:
        if part not in RESULT_CODES:
            raise CellError("unknown_code", f"{part} 不是结果代码；结果代码为 {CODE_LIST}")
    return ";".join(parts)


def read_team(text: str) -> str:
    """The inspector ids in ``text`` (normalised), ``;``-separated; :class:`CellError` naming one that is not."""
    parts = _parts(text)
    for part in parts:
        if not re.match(ID_PATTERNS["inspector"], part):
            raise CellError("inspector_id", f"{part} 不是检查人员编号（INS- 加五位数字，同任务清单）")
    return ";".join(parts)


def read_uscc(text: str) -> str:
    """``text`` (normalised) without spaces; :class:`CellError` when it is a number Excel has rounded."""
    code = re.sub(r"\s+", "", text)
    if _NUMBER.match(code) and not uscc.is_valid(code):
        raise CellError(
            "uscc_number",
            f"{code} 是数字而非有效代码：Excel 的数字只保留 15 位有效数字，以数字存储的代码已丢失末尾几位；"
            "请把该列设为“文本”格式后重新录入",
        )
    return code


def read_record_id(text: str) -> str:
    """A record id with its hex digits in lower case (``R-`` + 16), or ``text`` as it is for the rules to judge."""
    match = _RECORD.match(text)
    return f"R-{match.group(1).lower()}" if match else text


READERS = {
    "uscc": read_uscc,
    "team": read_team,
    "started": read_date,
    "ended": read_date,
    "codes": read_codes,
    "corrects": read_record_id,
}


def _read(cells: dict[str, str | None]) -> dict[str, str]:
    """The filled-in coded cells of a row, read (the first unreadable one raises, naming its column)."""
    read = {}
    for column, reader in READERS.items():
        value = cells[column]
        if value:
            try:
                read[column] = reader(value)
            except CellError as error:
                raise CellError(error.rule, error.detail, column) from None
    return read


def _trimmed(value: object, column: str) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)) if column in CODED else str(value)
    return (text.upper() if column in LETTERS else text).strip() or None


def _parts(text: str) -> list[str]:
    return [part for part in SEPARATORS.split(text) if part]


def _iso(text: str, year: int, month: int, day: int) -> str:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise CellError("invalid_date", f"{text} 不是日历上的日期") from None
