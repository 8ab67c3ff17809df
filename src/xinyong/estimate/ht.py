"""Stratified Horvitz–Thompson rates: how often each tier, plan and the district break the rules, unbiased.

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
over-weights the high-risk tiers the sampler favours, so it is biased.  While some staffed targets have no
result imported yet (``pending``, counted per domain) the estimates are provisional: those results are missing,
not nonresponse, and will change them.

Pure: frames in, frames out.  The edge is :mod:`xinyong.estimate.run`.  (The next model learns from a
round's results through the inspection history, :mod:`xinyong.rounds.history`, each with its π.)
"""

from __future__ import annotations

import numpy as np
import polars as pl

from xinyong.model.metrics import clopper_pearson


def stratum_estimates(strata: pl.DataFrame, outcomes: pl.DataFrame) -> pl.DataFrame:
    """Per stratum: N, n drawn, r labelled, violations, mean ȳ and the variance of ȳ (fpc included).

    ``strata``: plan, stratum, N.  ``outcomes``: plan, stratum, y (1/0/null) of each drawn unit, and optionally
    ``pending`` (true: a staffed target whose result is not imported yet, so its y is null for now).
    """
    pending = pl.col("pending").sum() if "pending" in outcomes.columns else pl.lit(0, pl.UInt32)
    per = outcomes.group_by("plan", "stratum").agg(
        pl.len().alias("n"), pl.col("y").count().alias("r"), pl.col("y").sum().alias("x"), pending.alias("pending")
    )
    frame = strata.join(per, on=["plan", "stratum"], how="left").with_columns(
        pl.col("n", "r", "x", "pending").fill_null(0)
    )
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


def _domain(part: pl.DataFrame, level: float) -> dict[str, float | int | None]:
    known = part.filter(pl.col("r") > 0)
    total, covered = float(part["N"].sum()), float(known["N"].sum())
    r, x = int(part["r"].sum()), int(part["x"].sum())
    out = {
        "N": int(total),
        "drawn": int(part["n"].sum()),
        "labelled": r,
        "violations": x,
        "N_without_results": int(total - covered),
        "pending": int(part["pending"].sum()),
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
