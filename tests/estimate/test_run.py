"""``estimate_round``: a round's internal estimates and the weighted labels that feed the next model's training."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import NOVEMBER
from xinyong.errors import RoundStateError
from xinyong.estimate.run import estimate_round
from xinyong.indicators.run import scan_clean
from xinyong.model.labels import read_policy
from xinyong.model.training import region_table
from xinyong.results.run import import_results
from xinyong.synth.outcomes import simulate_results
from xinyong.workspace.layout import RoundPaths


@pytest.fixture(scope="module")
def estimated(november_round: Path, round_inputs: dict, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("estimated") / "out"
    shutil.copytree(november_round, out)
    with pytest.raises(RoundStateError) as caught:
        estimate_round(out, NOVEMBER)
    assert str(caught.value) == f"round {NOVEMBER} has no results yet; import them with `xinyong results import`"
    form = simulate_results(
        out, NOVEMBER, round_inputs["truth"], round_inputs["clean"], out / "form.xlsx", last_day=dt.date(2026, 11, 27)
    )
    import_results(out, form, today=dt.date(2026, 11, 27))
    estimate_round(out, NOVEMBER)
    return out


def test_the_round_writes_internal_estimates_and_weighted_training_labels(estimated: Path) -> None:
    internal = RoundPaths(estimated, NOVEMBER).internal
    estimates = pl.read_csv(internal / "estimates.csv")
    assert set(estimates["domain"]) == {"tier", "plan", "overall"} and "public" not in str(internal)
    page = (internal / "estimates.html").read_text(encoding="utf-8")
    assert "<svg" in page and "分层 HT" in page and "内部资料" in page
    labels = pl.read_parquet(internal / "training-labels.parquet")
    inclusion = pl.read_parquet(internal / "inclusion.parquet").filter("selected")
    assert labels.height == inclusion.height
    pi = dict(inclusion.select(pl.concat_str("plan", "uscc"), "pi_value").iter_rows())
    assert all(math.isclose(w, 1 / p) for w, p in zip(labels["weight"], labels["pi"], strict=True))
    assert sorted(labels["pi"]) == sorted(pi.values())


def test_the_next_training_table_takes_the_rounds_labels(estimated: Path, round_inputs: dict) -> None:
    tables = scan_clean(round_inputs["clean"])
    extra = pl.scan_parquet(RoundPaths(estimated, NOVEMBER).internal / "training-labels.parquet")
    before = region_table(tables, read_policy(), dt.date(2026, 11, 30))
    after = region_table(tables, read_policy(), dt.date(2026, 11, 30), [extra])
    november = after.filter(pl.col("round_month") == "2026-11")
    assert before.filter(pl.col("round_month") == "2026-11").is_empty() and november.height > 300
    assert after.height == before.height + november.height
    assert november["weight"].min() > 1 and set(november["label"].unique()) == {0, 1}
