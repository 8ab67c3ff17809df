"""The estimator: monotone where the catalog says, calibrated, deterministic, checked after fitting."""

from __future__ import annotations

import numpy as np
import polars as pl
from sklearn.utils.estimator_checks import parametrize_with_checks

from xinyong.model.estimator import RECORDED_PARAMS, RiskModel, monotone_violations, platt


def synthetic(n: int = 4000, seed: int = 0) -> tuple[pl.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    wiggle = rng.uniform(-3, 3, size=n)
    kind = rng.choice(["甲", "乙", "丙"], size=n)
    logit = 1.2 * x + np.sin(2 * wiggle) + (kind == "甲") - 1.5
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pl.DataFrame({"x": x, "wiggle": wiggle, "kind": kind}), y


def fit(monotone: dict[str, int], **params: int) -> RiskModel:
    X, y = synthetic()
    w = np.ones(len(y))
    return RiskModel(monotone=monotone, categorical=("kind",), max_rounds=300, **params).fit(
        X[:3000], y[:3000], w[:3000], X_valid=X[3000:], y_valid=y[3000:], sample_weight_valid=w[3000:]
    )


def test_constraint_is_obeyed_and_the_check_catches_a_model_that_breaks_it() -> None:
    constrained = fit({"x": 1, "wiggle": 1})
    assert constrained.monotone_violations_ == []
    free = fit({"x": 1})  # wiggle's true effect is a sine: a free model follows it
    X, _ = synthetic()
    assert monotone_violations(free, X) == []
    # now judge it against a constraint it was not trained with
    assert monotone_violations(free, X, {"x": 1, "wiggle": 1}) == ["wiggle"]


def test_categories_are_learned_and_unknown_ones_still_score() -> None:
    model = fit({"x": 1})
    assert model.categories_ == {"kind": ["丙", "乙", "甲"]}
    scores = model.predict_risk(pl.DataFrame({"x": [0.0, 0.0], "wiggle": [0.0, 0.0], "kind": ["甲", "未知"]}))
    assert np.all((scores > 0) & (scores < 1)) and scores[0] > scores[1]


def test_platt_recovers_a_known_calibration() -> None:
    rng = np.random.default_rng(1)
    margin = rng.normal(size=20000)
    y = (rng.random(20000) < 1 / (1 + np.exp(-(0.5 * margin - 1.0)))).astype(float)
    slope, intercept = platt(margin, y, np.ones_like(y))
    assert abs(slope - 0.5) < 0.05 and abs(intercept + 1.0) < 0.05


def test_save_load_round_trip_gives_the_same_scores_and_hyper_parameters(tmp_path) -> None:
    model = fit({"x": 1}, num_leaves=7)
    model.save(tmp_path / "m")
    again = RiskModel.load(tmp_path / "m")
    X, _ = synthetic(500, seed=3)
    assert np.array_equal(model.predict_risk(X), again.predict_risk(X))
    assert np.array_equal(model.predict_proba(X), again.predict_proba(X))
    recorded = (*RECORDED_PARAMS, "categorical")
    assert {k: again.get_params()[k] for k in recorded} == {k: model.get_params()[k] for k in recorded}
    assert again.get_params()["num_leaves"] == 7
    assert again.constraints_ == model.constraints_ == {"x": 1, "wiggle": 0, "kind": 0}


def test_probabilities_are_the_two_class_columns_and_predict_is_their_argmax() -> None:
    model = fit({"x": 1})
    X, _ = synthetic(500, seed=3)
    proba, risk = model.predict_proba(X), model.predict_risk(X)
    assert proba.shape == (500, 2) and np.array_equal(proba[:, 1], risk) and np.allclose(proba.sum(axis=1), 1)
    assert np.array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])
    assert list(model.classes_) == [0, 1] and model.n_features_in_ == 3


# scikit-learn's checks, on a configuration for its tables of tens of rows.  Without a validation period
# the model boosts max_rounds trees and calibrates on the training rows.
CHECKED = RiskModel(max_rounds=30, min_data_in_leaf=2)
# Checks that do not apply, and why (marked xfail, strictly: one that starts to pass fails the test).
# - The multiclass and multi-output checks are not generated at all: the model's tags say it is a binary
#   classifier, and check_classifier_not_supporting_multiclass checks that it refuses three classes.
# - The array-API check is skipped by scikit-learn itself unless SCIPY_ARRAY_API is set; the model
#   reads numpy and polars, not other array libraries.
EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "LightGBM's bagging and min_data_in_leaf count rows, not weight: a row of weight 2 is not the same "
        "as the row twice"
    ),
}


@parametrize_with_checks([CHECKED], expected_failed_checks=lambda _: EXPECTED_FAILURES, xfail_strict=True)
def test_check_estimator(estimator: RiskModel, check) -> None:
    check(estimator)
