"""Row-level validation of one raw table against the data contract (pure: frames in, frames out).

Every input row ends in exactly one of two frames: ``accepted`` (typed per the contract) or
``quarantined`` (with the column, the rule and the offending value of the first rule it breaks),
so that rows in = rows accepted + rows quarantined always holds.  Nothing is coerced: a value
that does not parse is quarantined, never replaced.  The rules, in the order they are tried:

========================  ===========================================================
``missing``               a required value is empty
``invalid_<kind>``        the text does not parse as the column's kind (int, decimal,
                          date ``YYYY-MM-DD``, month ``YYYY-MM``)
``allowed_values``        not one of the enumeration (each part, for ``a;b`` cells)
``pattern``               does not match the column's format
``range``                 a number outside [minimum, maximum]
``uscc_check``            not a GB 32100-2015 code (length, alphabet, check character)
``date_in_future``        a date after the ingest date
``date_too_early``        a date before 1949-10-01
``date_order``            e.g. removed before listed
``certificate_expired``   an enforcement officer's 执法证 expired before the ingest date
``one_of_required``       none of the columns that need at least one value has one
``unknown_reference``     refers to an enterprise/item/inspector not accepted upstream
``duplicate_key``         repeats the key of an earlier accepted row (the first is kept)
========================  ===========================================================
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
    return Validated(clean, quarantined)


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
    if dtype == _TARGET[column.kind] and column.kind != "month":
        return pl.when(present).then(pl.col(column.name))
    value = pl.when(present).then(pl.col(column.name).cast(pl.Utf8))
    if column.kind == "int":
        return value.str.to_integer(strict=False)
    if column.kind == "decimal":
        number = value.cast(pl.Float64, strict=False)
        return pl.when(number.is_finite()).then(number)
    if column.kind == "date":
        # xlsx date cells arrive as "YYYY-MM-DD 00:00:00".
        return value.str.replace(r"^(\d{4}-\d{2}-\d{2})(?: 00:00:00(?:\.0+)?)?$", "$1").str.to_date(
            "%Y-%m-%d", strict=False
        )
    if column.kind == "month":
        return pl.when(value.str.contains(r"^\d{4}-(0[1-9]|1[0-2])$")).then(value)
    return value


def _parts(column: Column) -> pl.Expr | None:
    """The parts of a multi-valued ``a;b`` cell as a list, or None for single-valued columns."""
    return pl.col(_typed(column.name)).str.split(column.separator) if column.separator else None


def _column_checks(column: Column, today: dt.date) -> list[Check]:
    name, present, typed = column.name, _present(column), pl.col(_typed(column.name))
    checks = []
    if column.required:
        checks.append(Check(name, "missing", ~present, "a value is required"))
    if column.kind != "string":
        fmt = {"int": "a whole number", "decimal": "a number", "date": "a date YYYY-MM-DD", "month": "a month YYYY-MM"}
        checks.append(Check(name, f"invalid_{column.kind}", present & typed.is_null(), f"not {fmt[column.kind]}"))
    parts = _parts(column)
    if column.allowed is not None:
        allowed = pl.Series(column.allowed, dtype=pl.Utf8).implode()
        bad = parts.list.eval(~pl.element().is_in(allowed)).list.any() if parts is not None else ~typed.is_in(allowed)
        checks.append(Check(name, "allowed_values", present & bad, _allowed_detail(column.allowed)))
    if column.pattern is not None:
        checks.append(
            Check(name, "pattern", present & ~typed.str.contains(column.pattern), f"must match {column.pattern}")
        )
    if column.minimum is not None or column.maximum is not None:
        low = column.minimum if column.minimum is not None else float("-inf")
        high = column.maximum if column.maximum is not None else float("inf")
        checks.append(
            Check(name, "range", typed.is_not_null() & ~typed.is_between(low, high), f"must be in [{low:g}, {high:g}]")
        )
    if column.uscc:
        valid = pl.col(name).map_batches(uscc.valid_mask, return_dtype=pl.Boolean)
        checks.append(Check(name, "uscc_check", present & ~valid, "not a valid GB 32100-2015 code"))
    if column.kind == "date" and not column.future:
        checks.append(Check(name, "date_in_future", typed > pl.lit(today), f"after the ingest date {today}"))
    if column.kind == "date":
        checks.append(Check(name, "date_too_early", typed < pl.lit(EARLIEST_DATE), f"before {EARLIEST_DATE}"))
    return checks


def _reference_checks(column: Column, known: Mapping[str, pl.Series]) -> list[Check]:
    if column.references is None:
        return []
    keys, parts, typed = known[column.references].implode(), _parts(column), pl.col(_typed(column.name))
    bad = parts.list.eval(~pl.element().is_in(keys)).list.any() if parts is not None else ~typed.is_in(keys)
    return [Check(column.name, "unknown_reference", _present(column) & bad, f"not in {column.references}")]


def _allowed_detail(allowed: tuple[str, ...]) -> str:
    if len(allowed) <= 8:
        return "must be one of " + "/".join(allowed)
    return f"must be one of the {len(allowed)} values in the data contract"


def _table_checks(table: Table, today: dt.date) -> list[Check]:
    checks = []
    for rule in table.conditionals:
        applies = pl.col(rule.when) == rule.value
        for name in rule.required:
            checks.append(
                Check(
                    name,
                    "missing",
                    applies & ~_present(table.column(name)),
                    f"required when {rule.when} is {rule.value}",
                )
            )
        for name in rule.not_expired:
            checks.append(
                Check(
                    name,
                    "certificate_expired",
                    applies & (pl.col(_typed(name)) < pl.lit(today)),
                    f"expired before the ingest date {today}",
                )
            )
    checks += [
        Check(later, "date_order", pl.col(_typed(later)) < pl.col(_typed(earlier)), f"before {earlier}")
        for later, earlier in table.date_order
    ]
    if table.one_of:
        none = pl.all_horizontal([~_present(table.column(c)) for c in table.one_of])
        checks.append(
            Check(table.one_of[0], "one_of_required", none, "fill in at least one of " + "/".join(table.one_of))
        )
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
        pl.format("same key as line {}", pl.col("__first_line__")).alias("detail"),
    ).cast({"line": pl.UInt32})
    if not with_row:
        return described
    return pl.concat([described, rows.select(pl.col(c).cast(pl.Utf8) for c in table.column_names)], how="horizontal")
