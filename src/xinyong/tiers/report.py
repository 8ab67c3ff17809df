"""``xinyong tiers report``: this month's tiers against last month's, for the people who watch them.

It shows the migration matrix (last month's tier × this month's, firms in both), tier shares by
supervision grid and by industry section, the PSI of the score and of every indicator against last
month with the 0.25 alarm (:mod:`xinyong.model.metrics`), and how many firms each override rule caught.
Internal, like the tiers themselves: it must be written under an ``internal/`` folder.  The page is the
internal template ``reports/tiers.html`` (:mod:`xinyong.reports.render`); beside it, the same figures
as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from markupsafe import Markup

from xinyong.core.codes import TIERS, industry_section
from xinyong.indicators.catalog import by_name
from xinyong.model import metrics
from xinyong.reports.plot import plt, svg
from xinyong.reports.render import PsiRow
from xinyong.reports.render import render as render_page
from xinyong.tiers.run import require_internal
from xinyong.workspace import checks, fsio, layout


def _read(path: Path) -> pl.DataFrame:
    checks.table_file(path, layout.TIERS)
    return pl.read_parquet(path)


@dataclass(frozen=True)
class TierReport:
    """What :func:`write_tier_report` wrote, and what a caller reports."""

    page: Path  # the HTML report
    data: Path  # every figure of it as JSON, beside it
    alerts: tuple[str, ...]  # the score and indicators whose PSI is above the alarm, sorted


def write_tier_report(current_path: Path, previous_path: Path, clean_dir: Path, out_path: Path) -> TierReport:
    require_internal(out_path)
    checks.output_file(out_path, current_path, previous_path, clean_dir)
    checks.clean_folder(clean_dir)
    current, previous = _read(current_path), _read(previous_path)
    firms = pl.read_parquet(layout.clean_table(clean_dir, "enterprises"), columns=["uscc", "grid", "industry_code"])
    firms = firms.with_columns(industry_section(pl.col("industry_code")).alias("section"))
    data = tier_monitoring(current, previous, firms)
    fsio.write_json(out_path.with_suffix(".json"), data)
    fsio.write_bytes(out_path, render(data).encode("utf-8"))
    return TierReport(out_path, out_path.with_suffix(".json"), tuple(data["alerts"]))


def tier_monitoring(current: pl.DataFrame, previous: pl.DataFrame, firms: pl.DataFrame) -> dict:
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


def _shares(frame: pl.DataFrame, key: str):
    for (group,), part in sorted(frame.group_by(key), key=lambda g: str(g[0][0])):
        counts = dict(part.group_by("tier").len().iter_rows())
        yield str(group), {t: int(counts.get(t, 0)) for t in TIERS}, part.height


@dataclass(frozen=True)
class TierPage:
    """What ``reports/tiers.html`` shows, every number formatted."""

    current: str  # as-of dates
    previous: str
    counts: list[tuple[str, str, str]]  # tier, last month, this month
    migration: Markup
    grid_shares: Markup
    section_shares: Markup
    psi: list[PsiRow]  # highest first
    psi_alert: str
    alerts: list[str]
    overrides: list[tuple[str, str, str]]  # rule, firms caught last month, this month


def render(data: dict) -> str:
    labels = {name: indicator.label for name, indicator in by_name().items()}
    counts = data["counts"]
    page = TierPage(
        current=data["as_of"]["current"],
        previous=data["as_of"]["previous"],
        counts=[(t, f"{counts['previous'][t]:,}", f"{counts['current'][t]:,}") for t in TIERS],
        migration=_migration_svg(data["migration"]),
        grid_shares=_shares_svg(data["shares"]["grid"], "网格 grid"),
        section_shares=_shares_svg(data["shares"]["section"], "门类 section"),
        psi=[
            PsiRow(
                "风险评分 score" if name == "score" else labels.get(name, name),
                f"{value:.3f}",
                value > metrics.PSI_ALERT,
            )
            for name, value in sorted(data["psi"].items(), key=lambda kv: -kv[1])
        ],
        psi_alert=f"{metrics.PSI_ALERT:g}",
        alerts=data["alerts"],
        overrides=[(r, f"{v['previous']:,}", f"{v['current']:,}") for r, v in data["overrides"].items()],
    )
    return render_page("reports/tiers.html", page=page)


def _migration_svg(matrix: dict) -> Markup:
    values = np.array([[matrix[b][a] for a in TIERS] for b in TIERS], dtype=float)
    fig, ax = plt.subplots(figsize=(4.6, 4))
    ax.imshow(np.log1p(values), cmap="Blues")
    for i in range(4):
        for j in range(4):
            ax.text(
                j,
                i,
                f"{int(values[i, j]):,}",
                ha="center",
                va="center",
                color="#000" if values[i, j] < values.max() / 3 else "#fff",
            )
    ax.set_xticks(range(4), [f"{t} 本月" for t in TIERS])
    ax.set_yticks(range(4), [f"{t} 上月" for t in TIERS])
    return svg(fig)


def _shares_svg(shares: dict, axis_label: str) -> Markup:
    groups = list(shares)
    fig, ax = plt.subplots(figsize=(max(4.5, 0.5 * len(groups) + 2), 3.6))
    bottom = np.zeros(len(groups))
    for tier, colour in zip(TIERS, ("#4c9a2a", "#a3c940", "#f2a93b", "#d64541"), strict=True):
        values = np.array([shares[g][tier] for g in groups])
        ax.bar(groups, values, bottom=bottom, label=f"{tier} 级", color=colour)
        bottom += values
    ax.set_ylabel("占比 share")
    ax.set_xlabel(axis_label)
    ax.legend(ncol=4, loc="upper center", bbox_to_anchor=(0.5, 1.15))
    return svg(fig)
