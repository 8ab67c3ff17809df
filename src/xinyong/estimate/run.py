"""``xinyong estimate``: how often each tier, plan and the district break the rules, without bias.

A round is a stratified simple random sample without replacement: stratum h = (plan, tier) of
N_h frame units, n_h drawn (docs/draw-spec.md §5), so every unit of h had inclusion probability
π = n_h/N_h.  The stratified Horvitz–Thompson estimator of a domain's violation rate (Horvitz &
Thompson 1952; Cochran, *Sampling Techniques*, 3rd ed., §5.3) is p = Σ_h N_h ȳ_h / Σ_h N_h over the
domain's strata that have a labelled unit (the others are reported as ``N_without_results``), with
variance v = Σ_h (N_h/N)² (1 − r_h/N_h) s_h²/r_h (0 for a stratum with one labelled unit).  Results
that say nothing about compliance (code 6 unreachable, F no such activity, …;
:mod:`xinyong.model.labels`) are nonresponse: ȳ_h and s_h are taken over the r_h labelled units of
the stratum, the weighting-class adjustment with the strata as classes.  The 95% interval is the
Clopper–Pearson interval on the effective sample size n* = p(1−p)/v, capped at the r labelled units
(r itself when v = 0 or p is 0 or 1), with p·n* violations (Korn & Graubard 1998, Survey Methodology
24(2)); it stays inside [0, 1] and behaves when a tier has few violations.  The naive rate —
violations over labelled inspections, with its Clopper–Pearson interval — is shown beside it: it
over-weights the high-risk tiers the sampler favours, so it is biased.

The estimation is pure (:func:`estimate_rates`); :func:`estimate_round` reads a round, writes the
estimates (internal: they are per tier; a CSV and the page of the internal template
``reports/estimates.html``, :mod:`xinyong.reports.render`) and the round's labelled outcomes with
their 1/π weights, the training labels of the next model (``xinyong model train --labels-from``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from markupsafe import Markup

from xinyong.core.ids import RoundId
from xinyong.errors import RoundStateError
from xinyong.model.labels import LabelPolicy, read_policy
from xinyong.model.metrics import clopper_pearson
from xinyong.reports.plot import plt, svg
from xinyong.reports.render import IntervalText, render
from xinyong.results.run import current_results, read_results
from xinyong.rounds.stage import Stage, require
from xinyong.workspace import fsio
from xinyong.workspace.layout import ESTIMATES_CSV, ESTIMATES_HTML, INCLUSION, TRAINING_LABELS, RoundPaths


def stratum_estimates(strata: pl.DataFrame, outcomes: pl.DataFrame) -> pl.DataFrame:
    """Per stratum: N, n drawn, r labelled, violations, mean ȳ and the variance of ȳ (fpc included).

    ``strata``: plan, stratum, N.  ``outcomes``: plan, stratum, y (1/0/null) of each drawn unit.
    """
    per = outcomes.group_by("plan", "stratum").agg(
        pl.len().alias("n"), pl.col("y").count().alias("r"), pl.col("y").sum().alias("x")
    )
    frame = strata.join(per, on=["plan", "stratum"], how="left").with_columns(pl.col("n", "r", "x").fill_null(0))
    mean = pl.col("x") / pl.col("r")
    s2 = mean * (1 - mean) * pl.col("r") / (pl.col("r") - 1)
    variance = pl.when(pl.col("r") > 1).then((1 - pl.col("r") / pl.col("N")) * s2 / pl.col("r")).otherwise(0.0)
    return frame.with_columns(pl.when(pl.col("r") > 0).then(mean).alias("mean"), variance.alias("variance"))


def estimate_rates(strata: pl.DataFrame, outcomes: pl.DataFrame, level: float = 0.95) -> pl.DataFrame:
    """HT estimates with intervals, and naive rates, per tier, per plan and overall (pure)."""
    per = stratum_estimates(strata, outcomes)
    rows = []
    for kind, key in (("tier", "stratum"), ("plan", "plan"), ("overall", None)):
        groups = per.group_by(key, maintain_order=True) if key else [(("全部",), per)]
        for (name,), part in sorted(groups, key=lambda g: str(g[0][0])):
            rows.append({"domain": kind, "name": str(name), **_domain(part, level)})
    return pl.DataFrame(rows)


def _domain(part: pl.DataFrame, level: float) -> dict:
    known = part.filter(pl.col("r") > 0)
    total, covered = float(part["N"].sum()), float(known["N"].sum())
    r, x = int(part["r"].sum()), int(part["x"].sum())
    out = {
        "N": int(total),
        "drawn": int(part["n"].sum()),
        "labelled": r,
        "violations": x,
        "N_without_results": int(total - covered),
    }
    if r == 0:
        return out | {"ht": None, "ht_low": None, "ht_high": None, "naive": None, "naive_low": None, "naive_high": None}
    share = known["N"].to_numpy() / covered
    p = float(np.sum(share * known["mean"].to_numpy()))
    v = float(np.sum(share**2 * known["variance"].to_numpy()))
    n_eff = min(p * (1 - p) / v, float(r)) if v > 0 and 0 < p < 1 else float(r)
    ht = clopper_pearson(p * n_eff, n_eff, level)
    naive = clopper_pearson(float(x), float(r), level)
    return out | {
        "ht": p,
        "ht_low": ht.low,
        "ht_high": ht.high,
        "naive": naive.value,
        "naive_low": naive.low,
        "naive_high": naive.high,
    }


# -- the edge: a round on disk ----------------------------------------------------------------------
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
    found = [results.get(target) for target in drawn.select("plan", "uscc").iter_rows()]
    return strata, drawn.with_columns(
        pl.Series("y", [policy.label_of(r["codes"]) if r else None for r in found], pl.Int8),
        pl.Series("result_code", [";".join(r["codes"]) if r else None for r in found], pl.Utf8),
    )


def estimate_round(out: Path, round_id: RoundId, labels: Path | None = None) -> pl.DataFrame:
    """Estimate a round's rates; write them and the next model's training labels (internal)."""
    policy = read_policy(labels)
    strata, drawn = round_outcomes(out, round_id, policy)
    estimates = estimate_rates(strata, drawn.select("plan", "stratum", "y"))
    paths = RoundPaths(out, round_id)
    fsio.write_csv(paths.internal / ESTIMATES_CSV, estimates, bom=True)
    fsio.write_bytes(paths.internal / ESTIMATES_HTML, render_html(estimates, round_id).encode("utf-8"))
    fsio.write_parquet(paths.internal / TRAINING_LABELS, training_labels(drawn, round_id))
    return estimates


@dataclass(frozen=True)
class EstimateRow:
    domain: str
    name: str
    frame: str  # N
    drawn: str
    labelled: str
    ht: IntervalText | None  # None: no labelled unit in the domain
    naive: IntervalText | None


@dataclass(frozen=True)
class EstimatesPage:
    """What ``reports/estimates.html`` shows, every number formatted."""

    round_id: str
    plot: Markup
    rows: list[EstimateRow]


def render_html(estimates: pl.DataFrame, round_id: RoundId) -> str:
    """The internal estimates page: the plot first (HT against naive, with intervals), then the table."""
    rows = [
        EstimateRow(
            r["domain"],
            r["name"],
            f"{r['N']:,}",
            f"{r['drawn']:,}",
            f"{r['labelled']:,}",
            _interval(r, "ht"),
            _interval(r, "naive"),
        )
        for r in estimates.iter_rows(named=True)
    ]
    return render("reports/estimates.html", page=EstimatesPage(str(round_id), _plot(estimates), rows))


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


def training_labels(drawn: pl.DataFrame, round_id: RoundId) -> pl.DataFrame:
    """Every drawn unit with a result, shaped like :func:`xinyong.model.labels.inspection_outcomes`: the
    label (null when the code says nothing), π and the weight 1/π."""
    as_of = round_id.first_day - dt.timedelta(days=1)
    return drawn.filter(pl.col("result_code").is_not_null()).select(
        "uscc",
        pl.lit(round_id.month).alias("round_month"),
        pl.lit(as_of).alias("as_of"),
        pl.col("y").alias("label"),
        "result_code",
        "stratum",
        pl.col("pi_value").alias("pi"),
        (1.0 / pl.col("pi_value")).alias("weight"),
    )
