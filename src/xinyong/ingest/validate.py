"""Row-level validation of one raw table against the data contract (pure: frames in, frames out).

Every input row ends in exactly one of two frames: ``accepted`` (typed per the contract) or
``quarantined`` (with the column, the rule, the offending value and a Chinese reason of the first
rule it breaks), so that rows in = rows accepted + rows quarantined always holds.  Nothing is coerced:
a value that does not parse is quarantined, never replaced, and text is read by a grammar stricter
than the parsers' (which take ``1e3`` and ``+5`` for numbers and ``+2020-01-05`` for a date).  The
rules, in the order they are tried:

=========================  ====================================================================
``missing``                a required value is empty
``control_character``      text holds a control character: C0 (NUL, CR, LF, TAB …), DEL or C1
                           (U+0080–U+009F); free text marked multi-line may hold LF, CR and TAB
``bidi_control``           text holds a bidirectional embedding, override or isolate
                           (U+202A–U+202E, U+2066–U+2069) or mark (U+200E, U+200F, U+061C),
                           which can make it display in another order than it reads (Unicode
                           UAX #9 explicit formatting; CVE-2021-42574, "Trojan Source")
``invisible_character``    text holds an invisible format character (zero-width space and
                           joiners U+200B–U+200D, U+2060–U+2064, soft hyphen U+00AD, U+034F,
                           U+180E, a byte-order mark U+FEFF): two names that look the same differ
``invalid_<kind>``         the text is not of the column's kind (:data:`GRAMMAR`): int ``-?[0-9]+``
                           without leading zeros or ``-0``; decimal the same with an optional
                           ``.[0-9]+`` (no exponent, sign ``+``, thousands separator, ``-0`` or a
                           value that underflows to zero); date ``YYYY-MM-DD``, ``YYYY-M-D`` or
                           ``YYYY/M/D`` (zero-padded or not; an xlsx date cell's midnight time is
                           dropped); month ``YYYY-MM``
``allowed_values``         not one of the enumeration (each part, for ``a;b`` cells)
``pattern``                does not match the column's format
``range``                  a number outside [minimum, maximum]
``uscc_check``             not a GB 32100-2015 code (length, alphabet, check character)
``date_in_future``         a date after the ingest date
``date_too_early``         a date before 1949-10-01
``date_order``             e.g. removed before listed
``certificate_expired``    an enforcement officer's 执法证 expired before the ingest date
``one_of_required``        none of the columns that need at least one value has one
``unknown_reference``      refers to an enterprise/item/inspector not accepted upstream
``duplicate_key``          repeats the key of an earlier accepted row (the first is kept)
=========================  ====================================================================

In what the quarantine shows (``value`` and the row as read), control, bidirectional and invisible
characters are written as ``<U+XXXX>``, so the file cannot hide or reorder text when a person opens it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from xinyong.core import uscc
from xinyong.ingest.contract import Column, Table
from xinyong.workspace.tables import LINE

EARLIEST_DATE = dt.date(1949, 10, 1)

# Each rule's name in Chinese, for the summaries a clerk reads.
RULES = {
    "missing": "缺少必填值",
    "control_character": "含控制字符",
    "bidi_control": "含双向文本控制字符",
    "invisible_character": "含不可见字符",
    "invalid_int": "不是整数",
    "invalid_decimal": "不是数字",
    "invalid_date": "不是日期",
    "invalid_month": "不是月份",
    "allowed_values": "不在取值范围内",
    "pattern": "格式不符",
    "range": "超出数值范围",
    "uscc_check": "统一社会信用代码无效",
    "date_in_future": "日期晚于导入日",
    "date_too_early": "日期过早",
    "date_order": "日期先后颠倒",
    "certificate_expired": "执法证已过期",
    "one_of_required": "缺少至少一项",
    "unknown_reference": "引用的记录不存在",
    "duplicate_key": "重复记录",
}

# The text each kind accepts (ASCII digits only; a regular expression's \d would take full-width ones).
_INT = r"^(0|-?[1-9][0-9]*)$"
_DECIMAL = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"
_NEGATIVE_ZERO = r"^-0(\.0+)?$"
_DATE_DASH = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"
_DATE_SLASH = r"^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}$"
# An xlsx date cell reads as "2024-08-14 00:00:00"; Excel writes a date-time cell to CSV as "2024/8/14 0:00".
_MIDNIGHT = r"^([0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}) 0?0:00(:00(\.0+)?)?$"
_MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
GRAMMAR = {
    "int": "整数，如 2024 或 -5（不接受小数点、科学计数法、正号、前导零和 -0）",
    "decimal": "十进制数，如 12.5（不接受科学计数法、正号、千位分隔符和 -0）",
    "date": "日期，如 2024-08-14、2024-8-14 或 2024/8/14",
    "month": "月份，如 2024-08",
}

# Characters no text column may hold (LF, CR and TAB are allowed in multi-line free text; the Unicode line and
# paragraph separators never).
_CONTROLS = [chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)]
_BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]
# Invisible format characters: zero-width space, joiners, word joiner, soft hyphen, a stray byte-order mark,
# interlinear annotation marks.
_INVISIBLE = [
    chr(c)
    for c in (0x00AD, 0x034F, 0x180E, 0x200B, 0x200C, 0x200D, *range(0x2060, 0x2065), 0xFEFF, 0xFFF9, 0xFFFA, 0xFFFB)
]
_LINE_BREAKS = "\n\r\t"
_HIDDEN = _CONTROLS + _BIDI + _INVISIBLE
_SHOWN = [f"<U+{ord(c):04X}>" for c in _HIDDEN]


def _class(chars: list[str]) -> str:
    return "[" + "".join(f"\\x{{{ord(c):X}}}" for c in chars) + "]"


@dataclass(frozen=True)
class Check:
    """One rule on one column: ``fails`` is true on the rows that break it."""

    column: str
    rule: str
    fails: pl.Expr
    detail: str


@dataclass(frozen=True)
class Validated:
    accepted: pl.DataFrame
    quarantined: pl.DataFrame


def validate_table(
    raw: pl.DataFrame,
    table: Table,
    today: dt.date,
    known: Mapping[str, pl.Series],
) -> Validated:
    """Split ``raw`` (one row per input record, with ``__line__``) into accepted and quarantined.

    ``known`` maps ``"table.column"`` to the accepted values of referenced tables.  Columns that
    already have the contract's type (typed Parquet) are taken as they are; text is parsed.
    """
    typed = raw.with_columns(
        _presence(raw.schema[c.name], c.name).alias(_present_name(c.name)) for c in table.columns
    ).with_columns(_parse(c, raw.schema[c.name]).alias(_typed(c.name)) for c in table.columns)
    # A row's own defects are reported before a reference to something rejected upstream.
    checks = [check for column in table.columns for check in _column_checks(column, today)]
    checks += _table_checks(table, today)
    checks += [check for column in table.columns for check in _reference_checks(column, known)]
    first = pl.coalesce([pl.when(check.fails).then(pl.lit(i, pl.Int32)) for i, check in enumerate(checks)])
    flagged = typed.with_columns(first.alias("__check__"))

    row_failed = flagged.filter(pl.col("__check__").is_not_null())
    passed = flagged.filter(pl.col("__check__").is_null())
    keys = [_typed(k) for k in table.key]
    is_first = passed.select(pl.struct(keys).is_first_distinct()).to_series()
    accepted, duplicates = passed.filter(is_first), passed.filter(~is_first)
    first_lines = accepted.select(*keys, pl.col(LINE).alias("__first_line__"))
    duplicates = duplicates.join(first_lines, on=keys, how="left", nulls_equal=True)

    as_text = [pl.col(c).cast(pl.Utf8) for c in table.column_names]
    quarantined = pl.concat(
        [
            _describe_row_failures(row_failed.with_columns(as_text), checks),
            describe_duplicates(duplicates.with_columns(as_text), table, with_row=False),
        ],
        how="vertical",
    )
    rows_as_read = pl.concat([row_failed, duplicates], how="diagonal").select(LINE, *as_text)
    quarantined = quarantined.join(rows_as_read, left_on="line", right_on=LINE, how="left").sort("line")
    clean = accepted.select(pl.col(_typed(c.name)).alias(c.name) for c in table.columns)
    return Validated(clean, quarantined.with_columns(shown(pl.col(c)) for c in ("value", *table.column_names)))


def shown(text: pl.Expr) -> pl.Expr:
    """``text`` with every control and bidirectional character written as ``<U+XXXX>``."""
    return text.str.replace_many(_HIDDEN, _SHOWN)


_TARGET = {"string": pl.Utf8, "int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "month": pl.Utf8}


def _typed(name: str) -> str:
    return f"__typed__{name}"


def _present_name(name: str) -> str:
    return f"__present__{name}"


def _presence(dtype: pl.DataType, name: str) -> pl.Expr:
    """A value is present when it is not null and, for text, not empty."""
    value = pl.col(name)
    return value.is_not_null() & (value.str.len_bytes() > 0) if dtype == pl.Utf8 else value.is_not_null()


def _present(column: Column) -> pl.Expr:
    return pl.col(_present_name(column.name))


def _parse(column: Column, dtype: pl.DataType) -> pl.Expr:
    present = _present(column)
    raw = pl.col(column.name)
    if column.kind == "decimal" and dtype.is_numeric():  # NaN and infinities are no amount
        number = raw.cast(pl.Float64)
        return pl.when(present & number.is_finite()).then(number)
    if dtype == _TARGET[column.kind] and column.kind != "month":
        return pl.when(present).then(raw)
    if column.kind == "int" and dtype.is_integer():
        return pl.when(present).then(raw.cast(pl.Int64, strict=False))
    if column.kind == "date" and isinstance(dtype, pl.Datetime):
        return pl.when(present & (raw == raw.dt.truncate("1d"))).then(raw.dt.date())
    value = pl.when(present).then(raw.cast(pl.Utf8))
    if column.kind == "int":
        return pl.when(value.str.contains(_INT)).then(value.str.to_integer(strict=False))
    if column.kind == "decimal":
        number = value.cast(pl.Float64, strict=False)
        exact = value.str.contains(_DECIMAL) & ~value.str.contains(_NEGATIVE_ZERO)
        underflow = (number == 0) & value.str.contains("[1-9]")
        return pl.when(exact & number.is_finite() & ~underflow).then(number)
    if column.kind == "date":
        text = value.str.replace(_MIDNIGHT, "$1")
        dated = text.str.contains(_DATE_DASH) | text.str.contains(_DATE_SLASH)
        return pl.when(dated).then(text.str.replace_all("/", "-", literal=True).str.to_date("%Y-%m-%d", strict=False))
    if column.kind == "month":
        return pl.when(value.str.contains(_MONTH)).then(value)
    return value


def _parts(column: Column) -> pl.Expr | None:
    """The parts of a multi-valued ``a;b`` cell as a list, or None for single-valued columns."""
    return pl.col(_typed(column.name)).str.split(column.separator) if column.separator else None


def _column_checks(column: Column, today: dt.date) -> list[Check]:
    name, present, typed = column.name, _present(column), pl.col(_typed(column.name))
    checks = []
    if column.required:
        checks.append(Check(name, "missing", ~present, "缺少必填值"))
    if column.kind == "string":
        controls = [c for c in _CONTROLS if not (column.multiline and c in _LINE_BREAKS)]
        checks.append(
            Check(
                name,
                "control_character",
                present & typed.str.contains(_class(controls)),
                "含控制字符（如 NUL、回车、换行，C0/C1 控制字符），已显示为 <U+XXXX>",
            )
        )
        checks.append(
            Check(
                name,
                "bidi_control",
                present & typed.str.contains(_class(_BIDI)),
                "含双向文本控制字符（U+202A–U+202E、U+2066–U+2069 等），会使文字显示顺序与实际不同",
            )
        )
        checks.append(
            Check(
                name,
                "invisible_character",
                present & typed.str.contains(_class(_INVISIBLE)),
                "含不可见字符（零宽空格、零宽连接符、软连字符等），看似相同的文字实际不同",
            )
        )
    else:
        checks.append(Check(name, f"invalid_{column.kind}", present & typed.is_null(), f"须为{GRAMMAR[column.kind]}"))
    parts = _parts(column)
    if column.allowed is not None:
        allowed = pl.Series(column.allowed, dtype=pl.Utf8).implode()
        bad = parts.list.eval(~pl.element().is_in(allowed)).list.any() if parts is not None else ~typed.is_in(allowed)
        checks.append(Check(name, "allowed_values", present & bad, _allowed_detail(column.allowed)))
    if column.pattern is not None:
        checks.append(
            Check(name, "pattern", present & ~typed.str.contains(column.pattern), f"格式不符，须匹配 {column.pattern}")
        )
    if column.minimum is not None or column.maximum is not None:
        low = column.minimum if column.minimum is not None else float("-inf")
        high = column.maximum if column.maximum is not None else float("inf")
        checks.append(
            Check(name, "range", typed.is_not_null() & ~typed.is_between(low, high), f"须在 {low:g} 至 {high:g} 之间")
        )
    if column.uscc:
        valid = typed.map_batches(uscc.valid_mask, return_dtype=pl.Boolean)
        checks.append(
            Check(
                name, "uscc_check", present & ~valid, "不是有效的统一社会信用代码（GB 32100-2015：18 位，校验码正确）"
            )
        )
    if column.kind == "date" and not column.future:
        checks.append(Check(name, "date_in_future", typed > pl.lit(today), f"晚于导入日期 {today}"))
    if column.kind == "date":
        checks.append(Check(name, "date_too_early", typed < pl.lit(EARLIEST_DATE), f"早于 {EARLIEST_DATE}"))
    return checks


def _reference_checks(column: Column, known: Mapping[str, pl.Series]) -> list[Check]:
    if column.references is None:
        return []
    keys, parts, typed = known[column.references].implode(), _parts(column), pl.col(_typed(column.name))
    bad = parts.list.eval(~pl.element().is_in(keys)).list.any() if parts is not None else ~typed.is_in(keys)
    detail = f"不在已接受的 {column.references} 中（被引用的记录不存在或已被隔离）"
    return [Check(column.name, "unknown_reference", _present(column) & bad, detail)]


def _allowed_detail(allowed: tuple[str, ...]) -> str:
    if len(allowed) <= 8:
        return "须为 " + "/".join(allowed) + " 之一"
    return f"须为数据规范所列 {len(allowed)} 个值之一"


def _table_checks(table: Table, today: dt.date) -> list[Check]:
    checks = []
    for rule in table.conditionals:
        applies = pl.col(rule.when) == rule.value
        for name in rule.required:
            checks.append(
                Check(name, "missing", applies & ~_present(table.column(name)), f"{rule.when} 为 {rule.value} 时必填")
            )
        for name in rule.not_expired:
            checks.append(
                Check(
                    name,
                    "certificate_expired",
                    applies & (pl.col(_typed(name)) < pl.lit(today)),
                    f"已于导入日期 {today} 前过期",
                )
            )
    checks += [
        Check(later, "date_order", pl.col(_typed(later)) < pl.col(_typed(earlier)), f"早于 {earlier}")
        for later, earlier in table.date_order
    ]
    if table.one_of:
        none = pl.all_horizontal([~_present(table.column(c)) for c in table.one_of])
        checks.append(Check(table.one_of[0], "one_of_required", none, "至少填写 " + "/".join(table.one_of) + " 之一"))
    return checks


def _describe_row_failures(rows: pl.DataFrame, checks: list[Check]) -> pl.DataFrame:
    def pick(values: list[str]) -> pl.Expr:
        return pl.col("__check__").replace_strict(list(range(len(checks))), values, return_dtype=pl.Utf8)

    value = pl.coalesce([pl.when(pl.col("__check__") == i).then(pl.col(c.column)) for i, c in enumerate(checks)])
    return rows.select(
        pl.col(LINE).alias("line"),
        pick([c.column for c in checks]).alias("column"),
        pick([c.rule for c in checks]).alias("rule"),
        value.alias("value"),
        pick([c.detail for c in checks]).alias("detail"),
    )


def describe_duplicates(rows: pl.DataFrame, table: Table, with_row: bool = True) -> pl.DataFrame:
    """Quarantine lines for rows whose key an earlier line (``__first_line__``) already had; with
    ``with_row`` the row itself follows, as text (as :func:`validate_table` adds it)."""
    described = rows.select(
        pl.col(LINE).alias("line"),
        pl.lit("+".join(table.key)).alias("column"),
        pl.lit("duplicate_key").alias("rule"),
        pl.concat_str([pl.col(k).cast(pl.Utf8) for k in table.key], separator="+").alias("value"),
        pl.format("与第 {} 行的键相同（保留第一行）", pl.col("__first_line__")).alias("detail"),
    ).cast({"line": pl.UInt32})
    if not with_row:
        return described
    return pl.concat([described, rows.select(pl.col(c).cast(pl.Utf8) for c in table.column_names)], how="horizontal")
