"""Validation statistics, naive and weighted: AUC, KS, Brier, PSI and rate intervals on hand-checkable inputs."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from xinyong.model import metrics

Y = np.array([0, 0, 1, 1])
SCORE = np.array([0.1, 0.4, 0.35, 0.8])


def test_auc_and_ks_on_a_four_row_example() -> None:
    assert metrics.auc(Y, SCORE) == pytest.approx(0.75)  # 3 of the 4 (positive, negative) pairs are ordered right
    assert metrics.ks(Y, np.array([0.1, 0.2, 0.8, 0.9])) == pytest.approx(1.0)


def test_a_weight_counts_like_repeated_rows() -> None:
    repeated = metrics.auc(np.array([0, 0, 0, 1, 1]), np.array([0.1, 0.4, 0.4, 0.35, 0.8]))
    assert metrics.auc(Y, SCORE, np.array([1.0, 2.0, 1.0, 1.0])) == pytest.approx(repeated)


def test_brier_is_the_mean_squared_error_of_the_probability() -> None:
    assert metrics.brier(Y, np.array([0.0, 0.5, 1.0, 0.5])) == pytest.approx((0 + 0.25 + 0 + 0.25) / 4)


def test_psi_is_zero_for_the_same_distribution_and_grows_with_a_shift() -> None:
    rng = np.random.default_rng(1)
    reference = rng.normal(size=5_000)
    edges = metrics.psi_bins(reference)
    assert metrics.psi(reference, reference, edges) == pytest.approx(0.0, abs=1e-9)
    assert metrics.psi(reference, reference + 1.0, edges) > metrics.PSI_ALERT


def test_series_psi_bins_categories_as_they_are() -> None:
    result = metrics.series_psi(pl.Series(["a", "a", "b", None]), pl.Series(["b", "b", "b", "a"]))
    assert result["bins"] == ["a", "b"] and result["value"] > 0


def test_clopper_pearson_is_exact_at_the_edges() -> None:
    interval = metrics.clopper_pearson(0, 10)
    assert interval.value == 0 and interval.low == 0 and interval.high == pytest.approx(1 - 0.025 ** (1 / 10))
