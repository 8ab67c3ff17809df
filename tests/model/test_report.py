"""The model report's figures: tier cut-offs from shares, tiers from cut-offs, overall rates, the page."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from xinyong.model.report import Evaluation, assign_tiers, cutoffs_from_shares, evaluate, overall_rates, render_html


def test_cutoffs_give_the_tier_shares_on_the_training_scores() -> None:
    prob = np.linspace(0.0, 1.0, 10_001)
    cutoffs = cutoffs_from_shares(prob, {"A": 0.5, "B": 0.25, "C": 0.15, "D": 0.1})
    assert cutoffs == pytest.approx([0.5, 0.75, 0.9])
    tiers = assign_tiers(prob, cutoffs)
    shares = {t: float((tiers == t).mean()) for t in "ABCD"}
    assert shares == pytest.approx({"A": 0.5, "B": 0.25, "C": 0.15, "D": 0.1}, abs=1e-3)


def test_a_score_on_a_cutoff_goes_to_the_riskier_tier() -> None:
    assert assign_tiers(np.array([0.09, 0.1, 0.2, 0.3, 0.99]), [0.1, 0.2, 0.3]).tolist() == ["A", "B", "C", "D", "D"]


def test_overall_rates_weight_by_inverse_pi() -> None:
    y = np.array([1, 0, 0, 0])
    weight = np.array([3.0, 1.0, 1.0, 1.0])  # the violating firm stands for three
    rates = overall_rates(y, weight, truth=0.5)
    assert rates["labels"] == 4
    assert rates["naive"]["value"] == pytest.approx(0.25)
    assert rates["weighted"]["value"] == pytest.approx(0.5)
    assert rates["weighted_relative_error"] == pytest.approx(0.0)
    assert rates["naive_relative_error"] == pytest.approx(0.5)
    assert "truth" not in overall_rates(y, weight, truth=None)


def _evaluation(truth: bool) -> Evaluation:
    rng = np.random.default_rng(5)
    p = rng.random(2_000)
    y = (rng.random(2_000) < p).astype(int)
    features = pl.DataFrame({"age_months": rng.integers(0, 200, 2_000)})
    return Evaluation(
        train_prob=rng.random(2_000),
        holdout_prob=p,
        y=y,
        weight=np.ones(2_000),
        train_features=features,
        holdout_features=features,
        importance={"age_months": 1.0},
        truth=p if truth else None,
    )


def test_evaluate_reports_every_figure_and_the_oracle_only_with_the_truth() -> None:
    report = evaluate(_evaluation(truth=True), [0.25, 0.5, 0.75])
    assert report["holdout_rows"] == 2_000
    assert set(report["tiers"]) == {"A", "B", "C", "D"}
    rates = [report["tiers"][t]["naive"]["value"] for t in "ABCD"]
    assert rates == sorted(rates)  # the scores are the truth here: riskier tiers violate more
    auc = report["naive"]["auc"]["value"]
    assert auc > 0.7 and report["oracle"]["naive_auc"] == pytest.approx(auc)
    assert "oracle" not in evaluate(_evaluation(truth=False), [0.25, 0.5, 0.75])


def test_the_page_shows_the_figures_and_escapes_the_facts() -> None:
    ev = _evaluation(truth=False)
    report = evaluate(ev, [0.25, 0.5, 0.75])
    page = render_html(report, ev, "模型验证报告", {"数据": "<script>x</script>"})
    assert page.startswith("<!doctype html>") and "模型验证报告" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
    assert page.count("<svg") >= 3
