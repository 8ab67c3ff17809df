"""The model validation report: a JSON of every figure and an HTML page with plots, naive beside weighted.

Plots are inline SVG (:mod:`xinyong.reports.plot`) whose labels, Chinese included, stay text for the
browser to draw.  The page needs no network and no server.  The oracle AUC (from a generated region's ``truth/``) is shown only when the caller
passes the truth: evaluations may read it, the pipeline never does.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import polars as pl

from xinyong.core.codes import TIERS
from xinyong.indicators.catalog import by_name
from xinyong.model import metrics
from xinyong.reports.plot import figure, page, plt, svg

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
        row = {"n": int(m.sum())}
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
    out = {"labels": len(y), "naive": metrics.rate(y).as_dict(), "weighted": metrics.rate(y, weight).as_dict()}
    if truth is not None:
        out["truth"] = truth
        out["weighted_relative_error"] = abs(out["weighted"]["value"] - truth) / truth
        out["naive_relative_error"] = abs(out["naive"]["value"] - truth) / truth
    return out


# -- HTML --------------------------------------------------------------------------------------
def render_html(report: dict, ev: Evaluation, title: str, facts: dict[str, str]) -> str:
    labels = by_name()
    sections = [
        _facts(facts),
        _discrimination_table(report),
        _overall_table(report),
        figure("区分能力 ROC（保留期）", _roc_svg(ev)),
        figure("校准 Reliability（保留期）", _reliability_svg(report)),
        _tier_table(report),
        figure("各等级违法率 Observed violation rate by tier (95% Jeffreys)", _tier_svg(report)),
        figure("特征重要性 Feature importance (gain, top 15)", _importance_svg(report, labels)),
        _psi_table(report, labels),
    ]
    return page(title, sections, "内部资料 INTERNAL — 含风险评分，不得公开。")


def _fmt(interval: dict) -> str:
    return f"{interval['value']:.3f} <small>[{interval['low']:.3f}, {interval['high']:.3f}]</small>"


def _facts(facts: dict[str, str]) -> str:
    rows = "".join(
        f"<tr><th class=l>{html.escape(k)}</th><td class=l>{html.escape(v)}</td></tr>" for k, v in facts.items()
    )
    return f"<table>{rows}</table>"


def _discrimination_table(report: dict) -> str:
    rows = []
    for metric, label in (("auc", "AUC"), ("gini", "Gini"), ("ks", "KS")):
        rows.append(
            f"<tr><th class=l>{label}</th><td>{_fmt(report['naive'][metric])}</td><td>{_fmt(report['weighted'][metric])}</td></tr>"
        )
    rows.append(
        f"<tr><th class=l>Brier</th><td>{report['naive']['brier']:.4f}</td><td>{report['weighted']['brier']:.4f}</td></tr>"
    )
    rows.append(
        f"<tr><th class=l>违法率 violation rate</th><td>{_fmt(report['naive']['violation_rate'])}</td>"
        f"<td>{_fmt(report['weighted']['violation_rate'])}</td></tr>"
    )
    if "oracle" in report:
        o = report["oracle"]
        rows.append(
            f"<tr><th class=l>Oracle AUC（生成器真值）</th><td>{o['naive_auc']:.3f}</td><td>{o['weighted_auc']:.3f}</td></tr>"
        )
        rows.append(f"<tr><th class=l>真实违法率 true rate</th><td colspan=2>{o['violation_rate']:.3f}</td></tr>")
    return (
        "<h2>保留期表现 Holdout performance</h2><table><tr><th class=l></th><th>未加权 naive</th>"
        "<th>1/π 加权 weighted</th></tr>" + "".join(rows) + "</table>"
    )


def _overall_table(report: dict) -> str:
    if "overall" not in report:
        return ""
    o = report["overall"]
    truth = f"{o['truth']:.4f}" if "truth" in o else "—（仅生成数据 only for generated regions）"
    rows = (
        f"<tr><th class=l>未加权 naive</th><td>{_fmt(o['naive'])}</td></tr>"
        f"<tr><th class=l>1/π 加权 weighted (Hájek)</th><td>{_fmt(o['weighted'])}</td></tr>"
        f"<tr><th class=l>真实总体违法率 true population rate</th><td>{truth}</td></tr>"
    )
    return (
        f"<h2>选择偏差校正 Selection-bias correction (all {o['labels']:,} labels)</h2>"
        "<p>Inspected firms were drawn by risk, so their raw violation rate overstates the population's; "
        "weighting each label by 1/π recovers it.</p><table>" + rows + "</table>"
    )


def _tier_table(report: dict) -> str:
    rows = []
    for tier, row in report["tiers"].items():
        if row["n"] == 0:
            rows.append(f"<tr><th>{tier}</th><td>0</td><td colspan=3>—</td></tr>")
            continue
        truth = f"{row['truth']:.3f}" if "truth" in row else "—"
        rows.append(
            f"<tr><th>{tier}</th><td>{row['n']}</td><td>{_fmt(row['naive'])}</td><td>{_fmt(row['weighted'])}</td><td>{truth}</td></tr>"
        )
    cut = ", ".join(f"{k} {v:.4f}" for k, v in report["cutoffs"].items())
    return (
        f"<h2>分级 Tiers</h2><p>Cut-offs on the calibrated probability: {cut}</p><table><tr><th>等级</th><th>n</th>"
        "<th>未加权 naive</th><th>加权 weighted</th><th>真值 truth</th></tr>" + "".join(rows) + "</table>"
    )


def _psi_table(report: dict, labels: dict) -> str:
    def row(name: str, entry: dict) -> str:
        label = labels[name].label if name in labels else name
        alert = " class=alert" if entry["value"] > metrics.PSI_ALERT else ""
        bins = ", ".join(f"{b:g}" if isinstance(b, float) else str(b) for b in entry["bins"])
        return f"<tr><td class=l>{html.escape(label)}</td><td{alert}>{entry['value']:.3f}</td><td class=l><small>{html.escape(bins)}</small></td></tr>"

    rows = [row("score", report["psi"]["score"]).replace(">score<", ">风险评分 score<")]
    rows += [row(n, e) for n, e in report["psi"]["features"].items()]
    return (
        "<h2>稳定性 PSI (holdout vs training; bins fixed on training; alert &gt; 0.25)</h2>"
        "<table><tr><th class=l>指标</th><th>PSI</th><th class=l>bin edges / categories</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _roc_svg(ev: Evaluation) -> str:
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


def _reliability_svg(report: dict) -> str:
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


def _tier_svg(report: dict) -> str:
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


def _importance_svg(report: dict, labels: dict) -> str:
    top = list(report["importance"].items())[:15][::-1]
    fig, ax = plt.subplots(figsize=(6.5, 5))
    ax.barh([labels[n].label if n in labels else n for n, _ in top], [v for _, v in top], color="#3b75af")
    ax.set_xlabel("增益 gain")
    return svg(fig)
