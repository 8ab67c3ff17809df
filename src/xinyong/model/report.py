"""The model validation report: a JSON of every figure and an HTML page with plots, naive beside weighted.

The page is the internal template ``reports/model.html`` (:mod:`xinyong.reports.render`); this module
computes what it shows (:class:`ModelPage`, every number formatted).  Plots are inline SVG
(:mod:`xinyong.reports.plot`) whose labels, Chinese included, stay text for the browser to draw.  The
page needs no network and no server.  The oracle AUC (from a generated region's ``truth/``) is shown
only when the caller passes the truth: evaluations may read it, the pipeline never does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
import polars as pl
from markupsafe import Markup

from xinyong.core.codes import TIERS
from xinyong.indicators.catalog import by_name
from xinyong.model import metrics
from xinyong.reports.plot import plt, svg
from xinyong.reports.render import IntervalText, PsiRow, render

DEFAULT_SHARES = {"A": 0.4, "B": 0.3, "C": 0.2, "D": 0.1}  # until a tier policy says otherwise


@dataclass(frozen=True)
class Evaluation:
    """Scores of the training and holdout rows, with labels, weights and (optionally) the truth."""

    train_prob: np.ndarray
    holdout_prob: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    train_features: pl.DataFrame
    holdout_features: pl.DataFrame
    importance: dict[str, float]
    truth: np.ndarray | None = None


def cutoffs_from_shares(train_prob: np.ndarray, shares: dict[str, float] = DEFAULT_SHARES) -> list[float]:
    """Probability cut-offs between A|B, B|C, C|D that give the tier shares on the training scores."""
    cumulative = np.cumsum([shares[t] for t in TIERS])[:-1]
    return [float(v) for v in np.quantile(train_prob, cumulative)]


def assign_tiers(prob: np.ndarray, cutoffs: list[float]) -> np.ndarray:
    return np.array(TIERS)[np.searchsorted(np.asarray(cutoffs), prob, side="right")]


def evaluate(ev: Evaluation, cutoffs: list[float]) -> dict:
    """Every figure of the report, as plain data (the JSON report)."""
    y, p, w = ev.y, ev.holdout_prob, ev.weight
    out: dict = {"holdout_rows": len(y), "holdout_violations": int(y.sum())}
    for name, weight in (("naive", None), ("weighted", w)):
        out[name] = {
            **metrics.discrimination(y, p, weight),
            "brier": metrics.brier(y, p, weight),
            "reliability": metrics.reliability(y, p, weight),
            "violation_rate": metrics.rate(y, weight).as_dict(),
        }
    tiers = assign_tiers(p, cutoffs)
    out["cutoffs"] = dict(zip(("A|B", "B|C", "C|D"), cutoffs, strict=True))
    out["tiers"] = {}
    for tier in TIERS:
        m = tiers == tier
        row: dict[str, Any] = {"n": int(m.sum())}
        if m.any():
            row["naive"] = metrics.rate(y[m]).as_dict()
            row["weighted"] = metrics.rate(y[m], w[m]).as_dict()
            if ev.truth is not None:
                row["truth"] = float(np.average(ev.truth[m], weights=w[m]))
        out["tiers"][tier] = row
    if ev.truth is not None:
        out["oracle"] = {
            "naive_auc": metrics.auc(y, ev.truth),
            "weighted_auc": metrics.auc(y, ev.truth, w),
            "violation_rate": float(np.average(ev.truth, weights=w)),
        }
    edges = metrics.psi_bins(ev.train_prob)
    out["psi"] = {"score": {"value": metrics.psi(ev.train_prob, p, edges), "bins": edges.tolist()}, "features": {}}
    for name in ev.train_features.columns:
        out["psi"]["features"][name] = metrics.series_psi(ev.train_features[name], ev.holdout_features[name])
    out["importance"] = dict(sorted(ev.importance.items(), key=lambda kv: -kv[1]))
    return out


def overall_rates(y: np.ndarray, weight: np.ndarray, truth: float | None) -> dict:
    """Violation rate over every labelled month: naive, 1/π-weighted (Hájek), and the true rate."""
    out: dict[str, Any] = {
        "labels": len(y),
        "naive": metrics.rate(y).as_dict(),
        "weighted": metrics.rate(y, weight).as_dict(),
    }
    if truth is not None:
        out["truth"] = truth
        out["weighted_relative_error"] = abs(out["weighted"]["value"] - truth) / truth
        out["naive_relative_error"] = abs(out["naive"]["value"] - truth) / truth
    return out


# -- HTML --------------------------------------------------------------------------------------
T = TypeVar("T")


@dataclass(frozen=True)
class Compared(Generic[T]):
    """A figure unweighted beside 1/π-weighted."""

    naive: T
    weighted: T


@dataclass(frozen=True)
class Oracle:
    naive_auc: str
    weighted_auc: str
    violation_rate: str


@dataclass(frozen=True)
class Overall:
    labels: str
    naive: IntervalText
    weighted: IntervalText
    truth: str | None


@dataclass(frozen=True)
class TierRow:
    tier: str
    n: str
    naive: IntervalText | None  # None: no holdout row in the tier
    weighted: IntervalText | None
    truth: str | None


@dataclass(frozen=True)
class ModelPage:
    """What ``reports/model.html`` shows, every number formatted."""

    title: str
    facts: list[tuple[str, str]]
    auc: Compared[IntervalText]
    gini: Compared[IntervalText]
    ks: Compared[IntervalText]
    brier: Compared[str]
    rate: Compared[IntervalText]
    oracle: Oracle | None
    overall: Overall | None
    roc: Markup
    reliability: Markup
    cutoffs: str
    tiers: list[TierRow]
    tier_rates: Markup
    importance: Markup
    psi: list[PsiRow]
    psi_alert: str


def render_html(report: dict, ev: Evaluation, title: str, facts: dict[str, str]) -> str:
    labels = by_name()

    def compared(metric: str) -> Compared[IntervalText]:
        return Compared(_interval(report["naive"][metric]), _interval(report["weighted"][metric]))

    o = report.get("oracle")
    oracle = (
        None if o is None else Oracle(f"{o['naive_auc']:.3f}", f"{o['weighted_auc']:.3f}", f"{o['violation_rate']:.3f}")
    )
    all_labels = report.get("overall")
    overall = (
        None
        if all_labels is None
        else Overall(
            f"{all_labels['labels']:,}",
            _interval(all_labels["naive"]),
            _interval(all_labels["weighted"]),
            f"{all_labels['truth']:.4f}" if "truth" in all_labels else None,
        )
    )
    tiers = [
        TierRow(
            tier,
            str(row["n"]),
            _interval(row["naive"]) if row["n"] else None,
            _interval(row["weighted"]) if row["n"] else None,
            f"{row['truth']:.3f}" if "truth" in row else None,
        )
        for tier, row in report["tiers"].items()
    ]
    psi = [_psi_row("风险评分 score", report["psi"]["score"])]
    psi += [_psi_row(labels[n].label if n in labels else n, e) for n, e in report["psi"]["features"].items()]
    page = ModelPage(
        title=title,
        facts=list(facts.items()),
        auc=compared("auc"),
        gini=compared("gini"),
        ks=compared("ks"),
        brier=Compared(f"{report['naive']['brier']:.4f}", f"{report['weighted']['brier']:.4f}"),
        rate=compared("violation_rate"),
        oracle=oracle,
        overall=overall,
        roc=_roc_svg(ev),
        reliability=_reliability_svg(report),
        cutoffs=", ".join(f"{k} {v:.4f}" for k, v in report["cutoffs"].items()),
        tiers=tiers,
        tier_rates=_tier_svg(report),
        importance=_importance_svg(report, labels),
        psi=psi,
        psi_alert=f"{metrics.PSI_ALERT:g}",
    )
    return render("reports/model.html", page=page)


def _interval(interval: dict[str, float]) -> IntervalText:
    return IntervalText.of(interval["value"], interval["low"], interval["high"])


def _psi_row(label: str, entry: dict[str, Any]) -> PsiRow:
    bins = ", ".join(f"{b:g}" if isinstance(b, float) else str(b) for b in entry["bins"])
    return PsiRow(label, f"{entry['value']:.3f}", entry["value"] > metrics.PSI_ALERT, bins)


def _roc_svg(ev: Evaluation) -> Markup:
    from sklearn.metrics import roc_curve

    fig, ax = plt.subplots(figsize=(5, 4.2))
    curves = [("模型 未加权 naive", ev.holdout_prob, None), ("模型 加权 weighted", ev.holdout_prob, ev.weight)]
    if ev.truth is not None:
        curves.append(("真值 oracle", ev.truth, None))
    for label, score, weight in curves:
        fpr, tpr, _ = roc_curve(ev.y, score, sample_weight=weight)
        ax.plot(fpr, tpr, label=label)
    ax.plot([0, 1], [0, 1], color="#999", linestyle=":")
    ax.set_xlabel("假阳性率 FPR")
    ax.set_ylabel("真阳性率 TPR")
    ax.legend(loc="lower right")
    return svg(fig)


def _reliability_svg(report: dict) -> Markup:
    fig, ax = plt.subplots(figsize=(5, 4.2))
    for name, label in (("naive", "未加权 naive"), ("weighted", "加权 weighted")):
        rows = report[name]["reliability"]
        ax.plot([r["predicted"] for r in rows], [r["observed"] for r in rows], marker="o", label=label)
    top = max(max(r["predicted"], r["observed"]) for n in ("naive", "weighted") for r in report[n]["reliability"])
    ax.plot([0, top], [0, top], color="#999", linestyle=":")
    ax.set_xlabel("预测概率 predicted")
    ax.set_ylabel("实际违法率 observed")
    ax.legend()
    return svg(fig)


def _tier_svg(report: dict) -> Markup:
    fig, ax = plt.subplots(figsize=(6, 3.8))
    x = np.arange(len(TIERS))
    for offset, name, label in ((-0.18, "naive", "未加权 naive"), (0.18, "weighted", "加权 weighted")):
        rows = [report["tiers"][t].get(name) for t in TIERS]
        values = np.array([r["value"] if r else np.nan for r in rows])
        low = np.array([r["value"] - r["low"] if r else 0 for r in rows])
        high = np.array([r["high"] - r["value"] if r else 0 for r in rows])
        ax.bar(x + offset, values, width=0.36, yerr=[low, high], capsize=3, label=label)
    truth = [report["tiers"][t].get("truth") for t in TIERS]
    if any(v is not None for v in truth):
        ax.plot(x, [np.nan if v is None else v for v in truth], "k_", markersize=22, label="真值 truth")
    ax.set_xticks(x, [f"{t} 级" for t in TIERS])
    ax.set_ylabel("违法率 violation rate")
    ax.legend()
    return svg(fig)


def _importance_svg(report: dict, labels: dict) -> Markup:
    top = list(report["importance"].items())[:15][::-1]
    fig, ax = plt.subplots(figsize=(6.5, 5))
    ax.barh([labels[n].label if n in labels else n for n, _ in top], [v for _, v in top], color="#3b75af")
    ax.set_xlabel("增益 gain")
    return svg(fig)
