"""Validation statistics for the risk model, naive or 1/π-weighted (the caller passes the weights).

- AUC (ROC), Gini = 2·AUC − 1 and the Kolmogorov–Smirnov statistic max |TPR − FPR|, with
  percentile bootstrap intervals (Efron & Tibshirani 1993) from a seeded generator;
- the Brier score and a reliability table (mean prediction against observed rate per bin);
- observed violation rate per tier with Jeffreys intervals, Beta(x + ½, n − x + ½) (Brown, Cai &
  DasGupta 2001); weighted rates use Kish's effective sample size n_eff = (Σw)² / Σw²;
- the exact Clopper–Pearson interval (Clopper & Pearson 1934), which :mod:`xinyong.estimate.ht`
  uses on its design-based effective sample sizes;
- the population stability index PSI = Σ (a − e)·ln(a / e) over explicit bins fixed on the
  training data (deciles, or the categories), unweighted; above 0.25 is the conventional alarm.

All functions are pure: arrays in, numbers and small tables out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from scipy.stats import beta
from sklearn.metrics import roc_auc_score, roc_curve

BOOTSTRAP_SEED = 20261127
PSI_ALERT = 0.25
_EPS = 1e-6


# A statistic of labels, scores and optional weights (auc, ks, brier).
Statistic = Callable[[np.ndarray, np.ndarray, "np.ndarray | None"], float]


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high}


def auc(y: np.ndarray, score: np.ndarray, weight: np.ndarray | None = None) -> float:
    return float(roc_auc_score(y, score, sample_weight=weight))


def ks(y: np.ndarray, score: np.ndarray, weight: np.ndarray | None = None) -> float:
    fpr, tpr, _ = roc_curve(y, score, sample_weight=weight)
    return float(np.max(tpr - fpr))


def brier(y: np.ndarray, prob: np.ndarray, weight: np.ndarray | None = None) -> float:
    return float(np.average((prob - y) ** 2, weights=weight))


def bootstrap(
    stat: Statistic, y: np.ndarray, score: np.ndarray, weight: np.ndarray | None, rounds: int = 300
) -> Interval:
    """The statistic with a 95% percentile bootstrap interval over resampled rows."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    values = []
    for _ in range(rounds):
        idx = rng.integers(0, len(y), len(y))
        if y[idx].min() == y[idx].max():
            continue
        values.append(stat(y[idx], score[idx], None if weight is None else weight[idx]))
    low, high = np.percentile(values, [2.5, 97.5])
    return Interval(stat(y, score, weight), float(low), float(high))


def discrimination(y: np.ndarray, score: np.ndarray, weight: np.ndarray | None) -> dict[str, dict[str, float]]:
    auc_interval = bootstrap(auc, y, score, weight)
    gini = Interval(2 * auc_interval.value - 1, 2 * auc_interval.low - 1, 2 * auc_interval.high - 1)
    return {"auc": auc_interval.as_dict(), "gini": gini.as_dict(), "ks": bootstrap(ks, y, score, weight).as_dict()}


def reliability(y: np.ndarray, prob: np.ndarray, weight: np.ndarray | None, bins: int = 10) -> list[dict[str, float]]:
    """Mean predicted probability and observed rate in each decile of the prediction."""
    edges = np.unique(np.quantile(prob, np.linspace(0, 1, bins + 1)))
    which = np.clip(np.searchsorted(edges, prob, side="right") - 1, 0, len(edges) - 2)
    w = np.ones_like(prob) if weight is None else weight
    rows = []
    for b in range(len(edges) - 1):
        m = which == b
        if m.any():
            rows.append(
                {
                    "predicted": float(np.average(prob[m], weights=w[m])),
                    "observed": float(np.average(y[m], weights=w[m])),
                    "n": int(m.sum()),
                }
            )
    return rows


def jeffreys(successes: float, trials: float, level: float = 0.95) -> Interval:
    a = (1 - level) / 2
    low = 0.0 if successes <= 0 else float(beta.ppf(a, successes + 0.5, trials - successes + 0.5))
    high = 1.0 if successes >= trials else float(beta.ppf(1 - a, successes + 0.5, trials - successes + 0.5))
    return Interval(successes / trials if trials else float("nan"), low, high)


def clopper_pearson(successes: float, trials: float, level: float = 0.95) -> Interval:
    """The exact binomial interval (Clopper & Pearson 1934); fractional counts allowed (effective sizes)."""
    a = (1 - level) / 2
    low = 0.0 if successes <= 0 else float(beta.ppf(a, successes, trials - successes + 1))
    high = 1.0 if successes >= trials else float(beta.ppf(1 - a, successes + 1, trials - successes))
    return Interval(successes / trials if trials else float("nan"), low, high)


def rate(y: np.ndarray, weight: np.ndarray | None = None) -> Interval:
    """Observed rate with a Jeffreys interval (weighted: on Kish's effective sample size)."""
    if weight is None:
        return jeffreys(float(y.sum()), float(len(y)))
    n_eff = weight.sum() ** 2 / np.sum(weight**2)
    p = float(np.average(y, weights=weight))
    interval = jeffreys(p * n_eff, n_eff)
    return Interval(p, interval.low, interval.high)


def psi_bins(reference: np.ndarray, bins: int = 10) -> np.ndarray:
    """Inner decile edges of the reference (training) values: the explicit PSI bins."""
    finite = reference[np.isfinite(reference)]
    return np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1)[1:-1])) if len(finite) else np.array([])


def psi(reference: np.ndarray, current: np.ndarray, edges: np.ndarray) -> float:
    """PSI of ``current`` against ``reference`` over ``edges`` (missing values are their own bin)."""

    def shares(values: np.ndarray) -> np.ndarray:
        finite = np.isfinite(values)
        counts = np.bincount(np.searchsorted(edges, values[finite], side="right"), minlength=len(edges) + 1)
        counts = np.append(counts, (~finite).sum())
        return np.maximum(counts / max(len(values), 1), _EPS)

    expected, actual = shares(reference), shares(current)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def series_psi(reference: pl.Series, current: pl.Series) -> dict[str, Any]:
    """PSI of one column with its bins: categories as they are, numbers on the reference's deciles."""
    if isinstance(reference.dtype, (pl.Enum, pl.Categorical)):
        reference, current = reference.cast(pl.Utf8), current.cast(pl.Utf8)
    if reference.dtype == pl.Utf8:
        categories = sorted(reference.drop_nulls().unique().to_list())
        codes = {c: float(i) for i, c in enumerate(categories)}

        def encode(s: pl.Series) -> np.ndarray:
            return s.replace_strict(codes, default=None, return_dtype=pl.Float64).fill_null(np.nan).to_numpy()

        edges = np.arange(len(categories)) + 0.5
        return {"value": psi(encode(reference), encode(current), edges[:-1]), "bins": categories}
    a = reference.cast(pl.Float64).fill_null(np.nan).to_numpy()
    b = current.cast(pl.Float64).fill_null(np.nan).to_numpy()
    edges = psi_bins(a)
    return {"value": psi(a, b, edges), "bins": edges.tolist()}
