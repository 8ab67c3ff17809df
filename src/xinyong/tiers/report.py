"""The tier report's page: the month-on-month figures (:mod:`xinyong.tiers.monitor`) as HTML.

It shows the migration matrix as a heat map, tier shares by supervision grid and by industry
section as stacked bars, the PSI of the score and of every indicator highest first with the 0.25
alarm (:mod:`xinyong.model.metrics`), and how many firms each override rule caught.  Internal, like
the tiers themselves; the page is the internal template ``reports/tiers.html``
(:mod:`xinyong.reports.render`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from markupsafe import Markup

from xinyong.core.codes import TIERS
from xinyong.indicators.catalog import by_name
from xinyong.model import metrics
from xinyong.reports.plot import plt, svg
from xinyong.reports.render import PsiRow
from xinyong.reports.render import render as render_page


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
