"""The estimator: monotone where the catalog says, calibrated, deterministic, checked after fitting."""

from __future__ import annotations

import numpy as np
import polars as pl

from xinyong.model.estimator import RiskModel, monotone_violations, platt


def synthetic(n: int = 4000, seed: int = 0) -> tuple[pl.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    wiggle = rng.uniform(-3, 3, size=n)
    kind = rng.choice(["甲", "乙", "丙"], size=n)
    logit = 1.2 * x + np.sin(2 * wiggle) + (kind == "甲") - 1.5
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pl.DataFrame({"x": x, "wiggle": wiggle, "kind": kind}), y


def fit(monotone: dict[str, int]) -> RiskModel:
    X, y = synthetic()
    w = np.ones(len(y))
    return RiskModel(monotone=monotone, categorical=("kind",), max_rounds=300).fit(
        X[:3000], y[:3000], w[:3000], X[3000:], y[3000:], w[3000:]
    )


def test_constraint_is_obeyed_and_the_check_catches_a_model_that_breaks_it() -> None:
    constrained = fit({"x": 1, "wiggle": 1})
    assert constrained.monotone_violations_ == []
    free = fit({"x": 1})  # wiggle's true effect is a sine: a free model follows it
    free.monotone = {"x": 1, "wiggle": 1}  # now judge it against a constraint it was not trained with
    X, _ = synthetic()
    assert monotone_violations(free, X) == ["wiggle"]


def test_categories_are_learned_and_unknown_ones_still_score() -> None:
    model = fit({"x": 1})
    assert model.categories_ == {"kind": ["丙", "乙", "甲"]}
    scores = model.predict_proba(pl.DataFrame({"x": [0.0, 0.0], "wiggle": [0.0, 0.0], "kind": ["甲", "未知"]}))
    assert np.all((scores > 0) & (scores < 1)) and scores[0] > scores[1]


def test_platt_recovers_a_known_calibration() -> None:
    rng = np.random.default_rng(1)
    margin = rng.normal(size=20000)
    y = (rng.random(20000) < 1 / (1 + np.exp(-(0.5 * margin - 1.0)))).astype(float)
    slope, intercept = platt(margin, y, np.ones_like(y))
    assert abs(slope - 0.5) < 0.05 and abs(intercept + 1.0) < 0.05


def test_save_load_round_trip_gives_the_same_scores(tmp_path) -> None:
    model = fit({"x": 1})
    model.save(tmp_path / "m")
    again = RiskModel.load(tmp_path / "m")
    X, _ = synthetic(500, seed=3)
    assert np.array_equal(model.predict_proba(X), again.predict_proba(X))
