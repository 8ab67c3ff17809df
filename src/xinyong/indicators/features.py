"""Point-in-time indicators: the catalog (:mod:`xinyong.indicators.catalog`) computed for a spine of (uscc, as_of).

A *spine* lists which enterprise is described as of which day: one as-of date for every live firm
when a month is scored, or the day before each past inspection's month when labels are built.
Only records dated on or before a row's as-of date are used, and a listing removed after that
date still counts as in force, so nothing from the future leaks in.  One source table is joined
once per spine; the kinds of the catalog become polars expressions over that join.  The registry
is a current snapshot: status changes are read through their dates, other attributes are taken
as they are now.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

import polars as pl

from xinyong.core.codes import industry_section
from xinyong.indicators.catalog import DAYS_SINCE_CAP, Indicator, catalog

KEYS = ["uscc", "as_of"]
Tables = Mapping[str, pl.LazyFrame]


def live_spine(tables: Tables, as_of: dt.date) -> pl.LazyFrame:
    """Every enterprise established by ``as_of`` and not deregistered, revoked or moved out by then."""
    alive = (pl.col("established") <= as_of) & ((pl.col("status") == "存续") | (pl.col("status_date") > as_of))
    return tables["enterprises"].filter(alive).select("uscc", pl.lit(as_of).alias("as_of")).sort("uscc")


def build_features(
    tables: Tables, spine: pl.LazyFrame, indicators: tuple[Indicator, ...] | None = None
) -> pl.LazyFrame:
    """One row per spine row, in spine order: ``uscc``, ``as_of``, then the indicators in catalog order."""
    indicators = indicators or catalog()
    spine = spine.select(KEYS).unique(maintain_order=True)
    by_group: dict[tuple[str, str], list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        group: str = indicator.kind if indicator.kind in ("registry", "annual_report", "tax", "relation") else "events"
        by_group[(group, indicator.table)].append(indicator)
    result = spine
    for (group, table), members in by_group.items():
        part = _BUILDERS[group](tables, spine, table, members)
        result = result.join(part, on=KEYS, how="left", maintain_order="left")
    fills = [pl.col(i.name).fill_null(_empty_value(i)) for i in indicators if _empty_value(i) is not None]
    return result.with_columns(fills).select(*KEYS, *(i.name for i in indicators))


def _empty_value(indicator: Indicator) -> float | int | None:
    """What an indicator reads when its source has no row for the firm."""
    if indicator.kind == "days_since":
        return DAYS_SINCE_CAP
    if indicator.kind in ("count", "amount", "active", "annual_report", "relation"):
        return 0
    if indicator.kind == "tax" and indicator.column in ("cd", "missing"):
        return 1 if indicator.column == "missing" else 0
    return None


def _registry(tables: Tables, spine: pl.LazyFrame, table: str, members: list[Indicator]) -> pl.LazyFrame:
    reg = tables["enterprises"]
    as_of, est = pl.col("as_of"), pl.col("established")
    derived = {
        "age_months": (as_of.dt.year() - est.dt.year()) * 12
        + as_of.dt.month().cast(pl.Int32)
        - est.dt.month().cast(pl.Int32),
        "log_capital": (pl.col("registered_capital") + 1).log(),
        "is_individual": (pl.col("entity_type") == "个体工商户").cast(pl.Int8),
        "entity_type": pl.col("entity_type"),
        "industry_code": pl.col("industry_code"),
        "industry_section": industry_section(pl.col("industry_code")),
        "grid": pl.col("grid"),
    }
    joined = spine.join(reg, on="uscc", how="left")
    return joined.select(
        *KEYS,
        *(
            (derived[i.column].cast(pl.Enum(i.categories)) if i.categorical else derived[i.column]).alias(i.name)
            for i in members
        ),
    )


def _in_window(date: pl.Expr, months: int | None) -> pl.Expr:
    upto = date <= pl.col("as_of")
    return upto if months is None else upto & (date > pl.col("as_of").dt.offset_by(f"-{months}mo"))


def _where(indicator: Indicator) -> pl.Expr:
    if indicator.where is None:
        return pl.lit(True)
    column, values = indicator.where
    return pl.col(column).is_in(list(values))


def _events(tables: Tables, spine: pl.LazyFrame, table: str, members: list[Indicator]) -> pl.LazyFrame:
    """count / amount / days_since / active indicators of one event table, from one join."""
    joined = spine.join(tables[table], on="uscc", how="inner")
    aggs = []
    for i in members:
        where = _where(i)
        if i.kind == "active":
            start, end = (pl.col(c) for c in i.column.split(":"))
            in_force = (start <= pl.col("as_of")) & (end.is_null() | (end > pl.col("as_of"))) & where
            aggs.append(in_force.any().cast(pl.Int8).alias(i.name))
            continue
        date = pl.col(i.column)
        selected = _in_window(date, i.window_months) & where
        if i.kind == "count":
            aggs.append(selected.sum().cast(pl.Int32).alias(i.name))
        elif i.kind == "amount":
            aggs.append(pl.col(i.amount).filter(selected).sum().alias(i.name))
        elif i.kind == "days_since":
            last = date.filter(selected).max()
            aggs.append((pl.col("as_of").first() - last).dt.total_days().clip(upper_bound=DAYS_SINCE_CAP).alias(i.name))
    return joined.group_by(KEYS).agg(aggs)


def _annual_reports(tables: Tables, spine: pl.LazyFrame, table: str, members: list[Indicator]) -> pl.LazyFrame:
    """Report years whose 30 June deadline fell in the window: missed the deadline / still unfiled."""
    deadline = pl.date(pl.col("report_year") + 1, 6, 30)
    filed = pl.col("filed_date")
    flags = {
        "missed": filed.is_null() | (filed > deadline) | (filed > pl.col("as_of")),
        "unfiled": filed.is_null() | (filed > pl.col("as_of")),
    }
    joined = spine.join(tables["annual_reports"], on="uscc", how="inner")
    return joined.group_by(KEYS).agg(
        (flags[i.column] & _in_window(deadline, i.window_months)).sum().cast(pl.Int32).alias(i.name) for i in members
    )


_TAX_LEVEL = {"A": 1, "B": 2, "M": 2, "C": 3, "D": 4}


def _tax(tables: Tables, spine: pl.LazyFrame, table: str, members: list[Indicator]) -> pl.LazyFrame:
    """The latest rating already published on the as-of date (year Y is published 1 April Y+1)."""
    published = pl.date(pl.col("rating_year") + 1, 4, 1) <= pl.col("as_of")
    latest = (
        spine.join(tables["tax_credit_ratings"], on="uscc", how="inner")
        .filter(published)
        .group_by(KEYS)
        .agg(pl.col("rating").sort_by("rating_year").last())
    )
    derived = {
        "level": pl.col("rating").replace_strict(_TAX_LEVEL, return_dtype=pl.Int8),
        "cd": pl.col("rating").is_in(["C", "D"]).cast(pl.Int8),
        "missing": pl.lit(0, pl.Int8),
    }
    return latest.select(*KEYS, *(derived[i.column].alias(i.name) for i in members))


def _relations(tables: Tables, spine: pl.LazyFrame, table: str, members: list[Indicator]) -> pl.LazyFrame:
    """Indicators over the other firms of the same legal representative, each as of the same day."""
    reg = tables["enterprises"].select("uscc", "legal_rep_id", "established", "status", "status_date")
    siblings = (
        spine.join(reg.select("uscc", "legal_rep_id"), on="uscc", how="inner")
        .join(reg.rename({"uscc": "sibling"}), on="legal_rep_id", how="inner")
        .filter((pl.col("sibling") != pl.col("uscc")) & (pl.col("established") <= pl.col("as_of")))
        .with_columns(
            ((pl.col("status") == "吊销") & (pl.col("status_date") <= pl.col("as_of"))).cast(pl.Int8).alias("revoked")
        )
        .select(*KEYS, "sibling", "revoked")
    )
    wanted = {i.column for i in members} - {"firms", "revoked"}
    base = [i for i in catalog() if i.name in wanted]
    sibling_spine = siblings.select(pl.col("sibling").alias("uscc"), "as_of").unique()
    sibling_features = build_features(tables, sibling_spine, tuple(base)).rename({"uscc": "sibling"})
    joined = siblings.join(sibling_features, on=["sibling", "as_of"], how="left")
    # Yes/no indicators become the share of related firms; counts and amounts their sum.
    flags = {i.name for i in base if i.kind == "active" or (i.kind == "tax" and i.column == "cd")} | {"revoked"}
    aggregate = {name: pl.col(name).mean() for name in flags} | {"firms": pl.len().cast(pl.Int32)}
    return joined.group_by(KEYS).agg(aggregate.get(i.column, pl.col(i.column).sum()).alias(i.name) for i in members)


_BUILDERS = {
    "registry": _registry,
    "events": _events,
    "annual_report": _annual_reports,
    "tax": _tax,
    "relation": _relations,
}
