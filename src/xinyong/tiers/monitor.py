"""This month's tiers against last month's, as plain data (pure): what ``xinyong tiers report`` shows.

- the migration matrix: firms in both months, last month's tier × this month's;
- tier shares by supervision grid and by industry section (:func:`xinyong.core.codes.industry_section`);
- the PSI of the score (bins fixed on last month's scores) and of every numeric indicator against last
  month, and the ones above the 0.25 alarm (:mod:`xinyong.model.metrics`);
- how many firms each override rule caught, last month and this month.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl

from xinyong.core.codes import TIERS
from xinyong.indicators.catalog import by_name
from xinyong.model import metrics


def tier_monitoring(current: pl.DataFrame, previous: pl.DataFrame, firms: pl.DataFrame) -> dict[str, Any]:
    """Every figure of the tier report as plain data (pure)."""
    both = previous.select("uscc", pl.col("tier").alias("before")).join(
        current.select("uscc", pl.col("tier").alias("after")), on="uscc"
    )
    matrix = {b: dict.fromkeys(TIERS, 0) for b in TIERS}
    for before, after, n in both.group_by("before", "after").len().iter_rows():
        matrix[before][after] = n
    with_firms = current.join(firms, on="uscc", how="left")
    shares = {
        key: {group: {t: n / total for t, n in counts.items()} for group, counts, total in _shares(with_firms, key)}
        for key in ("grid", "section")
    }
    psi = {
        "score": metrics.psi(
            previous["score"].to_numpy(), current["score"].to_numpy(), metrics.psi_bins(previous["score"].to_numpy())
        )
    }
    for name, indicator in by_name().items():
        if name in current.columns and name in previous.columns and not indicator.categorical:
            psi[name] = metrics.series_psi(previous[name], current[name])["value"]
    rules = sorted(
        {r for column in (current["rules"], previous["rules"]) for v in column.drop_nulls() for r in v.split(";") if r}
    )
    caught = {
        r: {
            "previous": int(previous["rules"].str.split(";").list.contains(r).sum()),
            "current": int(current["rules"].str.split(";").list.contains(r).sum()),
        }
        for r in rules
    }
    return {
        "as_of": {"previous": str(previous["as_of"][0]), "current": str(current["as_of"][0])},
        "counts": {"previous": _counts(previous), "current": _counts(current)},
        "migration": matrix,
        "shares": shares,
        "psi": psi,
        "alerts": sorted(k for k, v in psi.items() if v > metrics.PSI_ALERT),
        "overrides": caught,
    }


def _counts(frame: pl.DataFrame) -> dict[str, int]:
    counts = dict(frame.group_by("tier").len().iter_rows())
    return {t: int(counts.get(t, 0)) for t in TIERS}


def _shares(frame: pl.DataFrame, key: str) -> Iterator[tuple[str, dict[str, int], int]]:
    for (group,), part in sorted(frame.group_by(key), key=lambda g: str(g[0][0])):
        counts = dict(part.group_by("tier").len().iter_rows())
        yield str(group), {t: int(counts.get(t, 0)) for t in TIERS}, part.height
