"""``xinyong estimate``: read a round, estimate its rates (:mod:`xinyong.estimate.ht`), write them.

:func:`estimate_round` reads a round, writes the estimates (internal: they are per tier; a CSV and
the page of the internal template ``reports/estimates.html``, :mod:`xinyong.reports.render`).  While staffed
targets of the round still have no result imported, the estimates are provisional, and both say so —
``暂定：N 项结果待录入`` on the page and in the CSV's ``note`` column, with the count per domain in ``pending``.  The
round's results reach the next model through the inspection history (``xinyong model train --work``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from markupsafe import Markup

from xinyong.core.ids import RoundId
from xinyong.errors import RoundStateError
from xinyong.estimate.ht import estimate_rates
from xinyong.model.labels import LabelPolicy, read_policy
from xinyong.reports.plot import plt, svg
from xinyong.reports.render import IntervalText, render
from xinyong.results.check import current_results
from xinyong.results.run import read_results
from xinyong.rounds.staffing import read_staffing
from xinyong.rounds.stage import Stage, require
from xinyong.workspace import fsio
from xinyong.workspace.layout import ESTIMATES_CSV, ESTIMATES_HTML, INCLUSION, RoundPaths


def round_outcomes(out: Path, round_id: RoundId, policy: LabelPolicy) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(strata with N, every drawn unit with its π and outcome) of a round with results."""
    paths = RoundPaths(out, round_id)
    require(paths, Stage.DRAWN, "estimate")
    inclusion = pl.read_parquet(paths.internal / INCLUSION, columns=["plan", "uscc", "stratum", "pi_value", "selected"])
    strata = inclusion.group_by("plan", "stratum").agg(pl.len().alias("N")).sort("plan", "stratum")
    results = current_results(read_results(out, round_id))
    if not results:
        raise RoundStateError(f"round {round_id} has no results yet; import them with `xinyong results import`")
    drawn = inclusion.filter("selected").sort("plan", "uscc")
    targets = list(drawn.select("plan", "uscc").iter_rows())
    found = [results.get(target) for target in targets]
    teams = read_staffing(paths).teams()
    return strata, drawn.with_columns(
        pl.Series("y", [policy.label_of(r["codes"]) if r else None for r in found], pl.Int8),
        pl.Series("result_code", [";".join(r["codes"]) if r else None for r in found], pl.Utf8),
        pl.Series("pending", [r is None and bool(teams.get(t)) for t, r in zip(targets, found, strict=True)]),
    )


def provisional(pending: int) -> str:
    """What the page and the CSV say while results are pending: ``暂定：N 项结果待录入``."""
    return f"暂定：{pending} 项结果待录入" if pending else ""


def estimate_round(out: Path, round_id: RoundId, labels: Path | None = None) -> pl.DataFrame:
    """Estimate a round's rates and write them (internal)."""
    policy = read_policy(labels)
    strata, drawn = round_outcomes(out, round_id, policy)
    estimates = estimate_rates(strata, drawn.select("plan", "stratum", "y", "pending"))
    estimates = estimates.with_columns(pl.Series("note", [provisional(n) for n in estimates["pending"]], pl.Utf8))
    paths = RoundPaths(out, round_id)
    fsio.write_csv(paths.internal / ESTIMATES_CSV, estimates, bom=True)
    fsio.write_bytes(paths.internal / ESTIMATES_HTML, render_html(estimates, round_id).encode("utf-8"))
    return estimates


@dataclass(frozen=True)
class EstimateRow:
    domain: str
    name: str
    frame: str  # N
    drawn: str
    labelled: str
    pending: str  # staffed targets without a result yet
    ht: IntervalText | None  # None: no labelled unit in the domain
    naive: IntervalText | None


@dataclass(frozen=True)
class EstimatesPage:
    """What ``reports/estimates.html`` shows, every number formatted."""

    round_id: str
    plot: Markup
    rows: list[EstimateRow]
    provisional: str  # 暂定：N 项结果待录入 while results are pending; empty once every result is in


def render_html(estimates: pl.DataFrame, round_id: RoundId) -> str:
    """The internal estimates page: the plot first (HT against naive, with intervals), then the table."""
    rows = [
        EstimateRow(
            r["domain"],
            r["name"],
            f"{r['N']:,}",
            f"{r['drawn']:,}",
            f"{r['labelled']:,}",
            f"{r['pending']:,}",
            _interval(r, "ht"),
            _interval(r, "naive"),
        )
        for r in estimates.iter_rows(named=True)
    ]
    overall = estimates.filter(pl.col("domain") == "overall")["pending"].sum()
    page = EstimatesPage(str(round_id), _plot(estimates), rows, provisional(int(overall)))
    return render("reports/estimates.html", page=page)


def _interval(row: dict[str, Any], kind: str) -> IntervalText | None:
    if row[kind] is None:
        return None
    return IntervalText.of(row[kind], row[kind + "_low"], row[kind + "_high"])


def _plot(estimates: pl.DataFrame) -> Markup:
    shown = estimates.filter(pl.col("ht").is_not_null())
    labels = [
        f"{'等级 ' if d == 'tier' else '计划 ' if d == 'plan' else ''}{n}"
        for d, n in shown.select("domain", "name").iter_rows()
    ]
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    x = np.arange(shown.height)
    for offset, kind, label in ((-0.18, "ht", "分层 HT（无偏）"), (0.18, "naive", "未加权 naive")):
        value = shown[kind].to_numpy()
        error = [value - shown[f"{kind}_low"].to_numpy(), shown[f"{kind}_high"].to_numpy() - value]
        ax.bar(x + offset, value, width=0.36, yerr=error, capsize=3, label=label)
    ax.set_xticks(x, labels, rotation=30, ha="right")
    ax.set_ylabel("违法率")
    ax.legend(frameon=False)
    return svg(fig)
