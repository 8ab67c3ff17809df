"""SIMULATED results: drawn from the generated truth, for every staffed target, labelled, repeatable."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from tests.conftest import NOVEMBER
from xinyong.core.canonical import records_of
from xinyong.ingest.contract import results_form
from xinyong.synth.outcomes import SIMULATED, simulate_results, true_propensity
from xinyong.workspace.layout import ASSIGNMENT, RoundPaths

LABELS = {c.name: c.label for c in results_form().columns}
LAST_DAY = dt.date(2026, 11, 30)


def _simulate(november_round: Path, round_inputs: dict, target: Path, seed: int = 0) -> pl.DataFrame:
    simulate_results(
        november_round, NOVEMBER, round_inputs["truth"], round_inputs["clean"], target, last_day=LAST_DAY, seed=seed
    )
    return pl.read_excel(target, infer_schema_length=0)


def test_every_staffed_target_gets_one_labelled_row_within_the_month(
    november_round: Path, round_inputs: dict, tmp_path: Path
) -> None:
    form = _simulate(november_round, round_inputs, tmp_path / "form.xlsx")
    assignment = records_of((RoundPaths(november_round, NOVEMBER).audit / ASSIGNMENT).read_bytes())
    staffed = sorted((a["plan"], a["uscc"]) for a in assignment if a["team"])
    assert sorted(zip(form[LABELS["plan"]], form[LABELS["uscc"]], strict=True)) == staffed
    assert (form[LABELS["remarks"]] == SIMULATED).all()
    started = form[LABELS["started"]].str.slice(0, 10).str.to_date()
    ended = form[LABELS["ended"]].str.slice(0, 10).str.to_date()
    assert started.min() >= NOVEMBER.first_day and ended.max() <= LAST_DAY and (ended >= started).all()


def test_violations_follow_the_true_propensity(november_round: Path, round_inputs: dict, tmp_path: Path) -> None:
    form = _simulate(november_round, round_inputs, tmp_path / "form.xlsx")
    _, truth = true_propensity(round_inputs["truth"], NOVEMBER)
    rows = form.rename({LABELS["uscc"]: "uscc"}).join(truth, on="uscc")
    violated = (rows[LABELS["codes"]] != "1").to_numpy()
    p = rows["p"].to_numpy()
    expected, sd = p.sum(), np.sqrt((p * (1 - p)).sum())
    assert abs(violated.sum() - expected) < 4 * sd  # the observed count is what the truth predicts
    assert violated[p > np.quantile(p, 0.75)].mean() > violated[p < np.quantile(p, 0.25)].mean()


def test_the_same_seed_gives_the_same_results_and_another_seed_others(
    november_round: Path, round_inputs: dict, tmp_path: Path
) -> None:
    first = _simulate(november_round, round_inputs, tmp_path / "a.xlsx")
    again = _simulate(november_round, round_inputs, tmp_path / "b.xlsx")
    other = _simulate(november_round, round_inputs, tmp_path / "c.xlsx", seed=1)
    assert first.equals(again)
    assert not first[LABELS["codes"]].equals(other[LABELS["codes"]])
