"""``xinyong tiers`` and ``xinyong explain``: the month's internal tier file, and why a firm has its tier.

The tier file holds, per live firm, the calibrated score, the model tier, the final tier, the
override rules that fired, the top three reasons for every C and D firm (LightGBM ``pred_contrib``:
exact per-feature contributions to the margin, Lundberg et al. 2020, computed only where they are
needed), and the indicators it was computed from.  It is internal: it must be written under an
``internal/`` folder, and its Parquet metadata says ``xinyong.classification = internal``.

``xinyong tiers report`` reads this month's and last month's tier files and the clean registry,
computes the month-on-month figures (:mod:`xinyong.tiers.monitor`) and writes the internal page
(:mod:`xinyong.tiers.report`) and, beside it, the same figures as JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from xinyong.core.codes import industry_section
from xinyong.errors import InputFileError, UsageError
from xinyong.indicators.catalog import by_name
from xinyong.model.estimator import RiskModel
from xinyong.tiers.assign import assign_tiers, cutoffs_for, top_reasons
from xinyong.tiers.monitor import tier_monitoring
from xinyong.tiers.policy import read_policy
from xinyong.tiers.report import render
from xinyong.workspace import checks, fsio, layout
from xinyong.workspace.layout import FEATURES, TIERS

INTERNAL_METADATA = {
    "xinyong.classification": "internal",
    "xinyong.notice": "内部资料，不得公开 — internal, never published",
}
REASONS_FOR = ("C", "D")


def require_internal(path: Path) -> None:
    if "internal" not in path.resolve().parts:
        raise UsageError(f"{path}: tier files are internal; write them under an internal/ folder")


@dataclass(frozen=True)
class TierSummary:
    counts: dict[str, int]
    rules: dict[str, int]
    cutoffs: list[float]


def run_tiers(features_path: Path, model_dir: Path, policy_path: Path, out_path: Path) -> TierSummary:
    """Tier every firm of ``features_path`` with the model folder ``model_dir`` under the policy."""
    require_internal(out_path)
    checks.output_file(out_path, features_path, formats=(".parquet",))
    checks.model_folder(model_dir)
    model = RiskModel.load(model_dir)
    policy = read_policy(policy_path)
    checks.table_file(features_path, FEATURES)
    features = pl.read_parquet(features_path)
    missing = [f for f in model.features_ if f not in features.columns]
    if missing:
        raise InputFileError(features_path, f"missing indicator {', '.join(missing[:5])}")
    if features.is_empty():
        raise InputFileError(features_path, "has no enterprises (0 rows), so there is nothing to tier")
    scored = features.with_columns(pl.Series("score", model.predict_risk(features.select(model.features_))))
    cutoffs = cutoffs_for(policy, scored["score"].to_numpy(), model.metadata_.get("cutoffs"))
    tiers = assign_tiers(scored, policy, cutoffs)
    tiers = tiers.with_columns(reason_columns(model, features, tiers))
    table = tiers.join(
        features.drop("uscc").with_columns(features["uscc"]), on="uscc", how="left", maintain_order="left"
    )
    metadata = {**INTERNAL_METADATA, "xinyong.cutoffs": json.dumps(cutoffs), "xinyong.policy": str(policy_path)}
    from xinyong.workspace.fsio import atomic_path

    with atomic_path(out_path) as tmp:
        table.write_parquet(tmp, metadata=metadata)
    counts = dict(sorted(table.group_by("tier").len().iter_rows()))
    rules = {rule.id: int(table["rules"].str.split(";").list.contains(rule.id).sum()) for rule in policy.overrides}
    return TierSummary(counts, rules, cutoffs)


def reason_columns(model: RiskModel, features: pl.DataFrame, tiers: pl.DataFrame) -> list[pl.Series]:
    """Top-3 reasons for the C and D firms (null for the others)."""
    wanted = tiers["tier"].is_in(list(REASONS_FOR)).to_numpy()
    labels = {name: indicator.label for name, indicator in by_name().items()}
    subset = features.filter(pl.Series(wanted))
    reasons = top_reasons(model.contributions(subset.select(model.features_)), subset, model.features_, labels)
    full = pl.DataFrame({"__row__": range(tiers.height)}).join(
        reasons.with_columns(pl.Series("__row__", [i for i, w in enumerate(wanted) if w])),
        on="__row__",
        how="left",
        maintain_order="left",
    )
    return [full[c] for c in reasons.columns]


def explain(uscc: str, tiers_path: Path, model_dir: Path) -> str:
    """Tier, model tier, rules and top reasons of one firm, in Chinese labels."""
    checks.table_file(tiers_path, TIERS)
    table = pl.read_parquet(tiers_path)
    row = table.filter(pl.col("uscc") == uscc)
    if row.is_empty():
        raise UsageError(f"{uscc} is not in {tiers_path} (not a live firm on its as-of date?)")
    checks.model_folder(model_dir)
    model = RiskModel.load(model_dir)
    labels = {name: indicator.label for name, indicator in by_name().items()}
    reasons = top_reasons(model.contributions(row.select(model.features_)), row, model.features_, labels).row(
        0, named=True
    )
    r = row.row(0, named=True)
    policy_rules = r["rules"] or "无 none"
    lines = [
        f"{uscc}  信用风险分类 tier {r['tier']}  (模型 model {r['model_tier']}, 评分 score {r['score']:.4f}, "
        f"基准日 as of {r['as_of']})",
        f"  规则 rules: {policy_rules}",
        "  主要风险因素 top reasons (push the risk up):",
    ]
    shown = [
        (reasons[f"reason_{j}"], reasons[f"reason_{j}_value"], reasons[f"reason_{j}_contribution"]) for j in (1, 2, 3)
    ]
    shown = [s for s in shown if s[0] is not None]
    lines += [
        f"    {j}. {label} = {value}  (+{contribution:.3f} log-odds)"
        for j, (label, value, contribution) in enumerate(shown, 1)
    ]
    if not shown:
        lines.append("    (none: every indicator lowers or leaves this firm's risk)")
    lines.append("  内部资料，不得公开 — internal, never published")
    return "\n".join(lines)


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
    checks.output_file(out_path, current_path, previous_path, clean_dir, formats=(".html",))
    checks.clean_folder(clean_dir)
    current, previous = _read(current_path), _read(previous_path)
    firms = pl.read_parquet(layout.clean_table(clean_dir, "enterprises"), columns=["uscc", "grid", "industry_code"])
    firms = firms.with_columns(industry_section(pl.col("industry_code")).alias("section"))
    data = tier_monitoring(current, previous, firms)
    fsio.write_json(out_path.with_suffix(".json"), data)
    fsio.write_bytes(out_path, render(data).encode("utf-8"))
    return TierReport(out_path, out_path.with_suffix(".json"), tuple(data["alerts"]))
