"""Tiers from scores (pure): cut-offs on the calibrated probability, then the policy's override rules.

The model tier is A below the first cut-off, B below the second, C below the third, D at or above it.
Override rules then apply in policy order: ``set`` gives the rule's tier, ``at_least`` raises the
tier to it.  Every firm records each rule that fired on it (``rules``, ids joined by ``;``), so a
regulator can see why a firm's tier differs from its model tier.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from xinyong.core.codes import TIERS
from xinyong.tiers.policy import Policy

_RANK = {t: i for i, t in enumerate(TIERS)}


def cutoffs_for(policy: Policy, scores: np.ndarray, model_cutoffs: dict[str, float] | None) -> list[float]:
    """The three cut-offs (upper bounds of A, B, C) the policy asks for."""
    if policy.source == "values":
        return [policy.values[t] for t in TIERS[:3]]
    if policy.source == "shares":
        cumulative = np.cumsum([policy.shares[t] for t in TIERS])[:-1]
        return [float(v) for v in np.quantile(scores, cumulative)]
    if not model_cutoffs:
        raise ValueError("the model carries no cut-offs; use cutoffs.source = shares or values")
    return [model_cutoffs["A|B"], model_cutoffs["B|C"], model_cutoffs["C|D"]]


def _condition(name: str, op: str, value: float) -> pl.Expr:
    column = pl.col(name)
    return {
        "==": column == value,
        "!=": column != value,
        "<": column < value,
        "<=": column <= value,
        ">": column > value,
        ">=": column >= value,
    }[op].fill_null(False)


def assign_tiers(frame: pl.DataFrame, policy: Policy, cutoffs: list[float]) -> pl.DataFrame:
    """``frame`` has ``uscc``, ``score`` and the indicators the rules read; returns the tier columns.

    One ``select``: the rules' matches are computed once, the tier is folded through them in order,
    and the ``rules`` text is built in a single pass (null-skipping), which keeps tiering a small
    fraction of the scoring time at national scale.
    """
    score = pl.col("score")
    model_rank = (
        pl.when(score < cutoffs[0])
        .then(0)
        .when(score < cutoffs[1])
        .then(1)
        .when(score < cutoffs[2])
        .then(2)
        .otherwise(3)
    )
    rank = model_rank
    for rule in policy.overrides:
        fires = pl.all_horizontal([_condition(*c) for c in rule.when])
        target = pl.lit(_RANK[rule.tier])
        rank = pl.when(fires).then(target if rule.effect == "set" else pl.max_horizontal(rank, target)).otherwise(rank)
    fired = [
        pl.when(pl.all_horizontal([_condition(*c) for c in rule.when])).then(pl.lit(rule.id))
        for rule in policy.overrides
    ]
    letters = pl.lit(pl.Series(TIERS))
    return frame.select(
        "uscc",
        "score",
        letters.gather(model_rank).alias("model_tier"),
        letters.gather(rank).alias("tier"),
        (pl.concat_str(fired, separator=";", ignore_nulls=True) if fired else pl.lit("")).fill_null("").alias("rules"),
    )


def top_reasons(
    contributions: np.ndarray, features: pl.DataFrame, names: list[str], labels: dict[str, str], k: int = 3
) -> pl.DataFrame:
    """The ``k`` indicators that push each firm's risk up most (largest positive contributions)."""
    per_feature = contributions[:, :-1]  # the last column is the bias
    order = np.argsort(-per_feature, axis=1, kind="stable")[:, :k]
    columns: dict[str, list[str | None] | pl.Series] = {}
    for j in range(k):
        index = order[:, j]
        value = per_feature[np.arange(len(index)), index]
        positive = value > 0
        columns[f"reason_{j + 1}"] = [labels[names[i]] if p else None for i, p in zip(index, positive, strict=True)]
        columns[f"reason_{j + 1}_value"] = [
            _show(features[names[i]][r]) if p else None for r, (i, p) in enumerate(zip(index, positive, strict=True))
        ]
        columns[f"reason_{j + 1}_contribution"] = pl.Series(
            [float(v) if p else None for v, p in zip(value, positive, strict=True)], dtype=pl.Float64
        )
    return pl.DataFrame(columns)


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
