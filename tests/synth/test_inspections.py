"""Past inspections: drawn by a legacy rule-based tier (selection bias), findings that follow the truth."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

VIOLATIONS = ["A", "B", "C", "D", "E"]


def test_past_inspections_carry_legacy_selection_bias(default_region: Path, truth: pl.DataFrame) -> None:
    inspections = pl.read_parquet(default_region / "inspections.parquet")
    per_month = inspections.group_by("round_month").len()["len"]
    assert 380 <= per_month.mean() <= 520  # the default region: about 470 a month (README)
    pi = inspections.group_by("round_month", "legacy_tier").agg(pl.col("inclusion_probability").n_unique().alias("k"))
    assert (pi["k"] == 1).all()  # one π per stratum and month: n_h / N_h
    mean_pi = inspections.group_by("legacy_tier").agg(pl.col("inclusion_probability").mean()).sort("legacy_tier")
    assert mean_pi["inclusion_probability"].is_sorted() and mean_pi["inclusion_probability"].n_unique() == 4
    # Inspected firms are riskier than the population (that is the bias 1/π must undo) …
    long = truth.unpivot(index="uscc", variable_name="round_month", value_name="p")
    inspected = inspections.join(long, on=["uscc", "round_month"])
    assert inspected["p"].mean() > 1.3 * truth["2026-10"].mean()
    # … while weighting by 1/π recovers the population's mean (within sampling error).
    weighted = (inspected["p"] / inspected["inclusion_probability"]).sum() / (
        1 / inspected["inclusion_probability"]
    ).sum()
    population = long.join(inspections.select("round_month").unique(), on="round_month")["p"]
    assert weighted == pytest.approx(population.mean(), rel=0.15)


def test_findings_follow_the_truth(default_region: Path, truth: pl.DataFrame) -> None:
    inspections = pl.read_parquet(default_region / "inspections.parquet")
    long = truth.unpivot(index="uscc", variable_name="round_month", value_name="p")
    joined = inspections.join(long, on=["uscc", "round_month"]).filter(pl.col("result_code") != "6")
    observed = joined["result_code"].is_in(VIOLATIONS).mean()
    assert observed == pytest.approx(joined["p"].mean(), rel=0.1)
