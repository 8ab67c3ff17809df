"""Stratified Horvitz–Thompson estimates: right on a hand example, and covering the truth month after month
with the real draw."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tests.conftest import NOVEMBER
from xinyong.core.canonical import FRAME_FIELDS, read_jsonl_table
from xinyong.draw.allocation import allocate
from xinyong.draw.keys import derive_seed
from xinyong.draw.selection import draw_selection, stratum_sizes
from xinyong.estimate.ht import estimate_rates
from xinyong.model.metrics import clopper_pearson
from xinyong.synth.outcomes import true_propensity
from xinyong.workspace.layout import RoundPaths


def test_a_hand_computed_two_stratum_example() -> None:
    strata = pl.DataFrame({"plan": ["P", "P"], "stratum": ["A", "D"], "N": [900, 100]})
    outcomes = pl.DataFrame(
        {"plan": ["P"] * 14, "stratum": ["A"] * 4 + ["D"] * 10, "y": [0, 0, 0, 1] + [1] * 6 + [0] * 3 + [None]},
        schema_overrides={"y": pl.Int8},
    )
    table = {(r["domain"], r["name"]): r for r in estimate_rates(strata, outcomes).iter_rows(named=True)}
    overall = table[("overall", "全部")]
    # ȳ_A = 1/4, ȳ_D = 6/9 (the unknown result is nonresponse): 0.9·0.25 + 0.1·0.6667
    assert overall["ht"] == pytest.approx(0.9 * 0.25 + 0.1 * 6 / 9)
    v = 0.81 * (1 - 4 / 900) * (0.25 * 0.75 * 4 / 3) / 4 + 0.01 * (1 - 9 / 100) * (6 / 9 * 3 / 9 * 9 / 8) / 9
    n_eff = min(overall["ht"] * (1 - overall["ht"]) / v, 13)  # Clopper–Pearson on the effective sample size
    expected = clopper_pearson(overall["ht"] * n_eff, n_eff)
    assert (overall["ht_low"], overall["ht_high"]) == (pytest.approx(expected.low), pytest.approx(expected.high))
    assert overall["naive"] == pytest.approx(7 / 13) and (overall["labelled"], overall["drawn"]) == (13, 14)
    assert table[("tier", "D")]["ht"] == pytest.approx(6 / 9) and table[("plan", "P")]["ht"] == overall["ht"]
    assert overall["pending"] == 0  # nothing said pending


def test_pending_results_are_counted_per_domain() -> None:
    strata = pl.DataFrame({"plan": ["P", "P"], "stratum": ["A", "D"], "N": [900, 100]})
    outcomes = pl.DataFrame(
        {
            "plan": ["P"] * 4,
            "stratum": ["A", "A", "D", "D"],
            "y": [0, None, 1, None],
            "pending": [False, True, False, False],  # D's missing y is a result that says nothing, not pending
        },
        schema_overrides={"y": pl.Int8},
    )
    table = {(r["domain"], r["name"]): r["pending"] for r in estimate_rates(strata, outcomes).iter_rows(named=True)}
    assert table == {("tier", "A"): 1, ("tier", "D"): 0, ("plan", "P"): 1, ("overall", "全部"): 1}


def test_intervals_cover_the_true_tier_rates_in_at_least_90_of_100_months(
    november_round: Path, round_inputs: dict
) -> None:
    audit = RoundPaths(november_round, NOVEMBER).audit
    frame = read_jsonl_table((audit / "frame.jsonl").read_bytes(), FRAME_FIELDS)
    plans = {p["id"]: p for p in json.loads((audit / "plans.json").read_bytes())}
    sizes = stratum_sizes(frame)
    wanted = {plan: allocate(plans[plan]["allocation"], strata) for plan, strata in sizes.items()}
    _, truth = true_propensity(round_inputs["truth"], NOVEMBER)
    units = frame.join(truth, on="uscc", how="left")
    true_rate = dict(units.group_by("stratum").agg(pl.col("p").mean()).iter_rows()) | {"全部": units["p"].mean()}
    strata = units.group_by("plan", "stratum").agg(pl.len().alias("N"))
    covered = dict.fromkeys(true_rate, 0)
    naive_error, ht_error = [], []
    for month in range(100):
        seed = derive_seed(f"{month:064x}", f"simulated month {month}")  # the spec's own draw, month after month
        selected = draw_selection(frame, wanted, seed).join(truth, on="uscc", how="left")
        world = np.random.default_rng([20261127, month])  # the firms' behaviour, not the sampler
        y = (world.random(selected.height) < selected["p"].to_numpy()).astype(np.int8)
        estimates = estimate_rates(strata, selected.select("plan", "stratum", pl.Series("y", y)))
        for r in estimates.filter(pl.col("domain").is_in(["tier", "overall"])).iter_rows(named=True):
            covered[r["name"]] += r["ht_low"] <= true_rate[r["name"]] <= r["ht_high"]
            if r["domain"] == "overall":
                naive_error.append(r["naive"] - true_rate["全部"])
                ht_error.append(r["ht"] - true_rate["全部"])
    assert all(count >= 90 for count in covered.values()), covered
    assert (
        abs(np.mean(ht_error)) < 0.01 < 0.5 * true_rate["全部"] < np.mean(naive_error)
    )  # naive: visibly biased upwards
