"""``estimate_round``: a round's internal estimates (its results reach the next model through the inspection
history: tests/rounds/test_ledger.py)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import NOVEMBER, NOW
from xinyong.errors import RoundStateError
from xinyong.estimate.run import estimate_round
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
    import_results(out, form, today=dt.date(2026, 11, 27), now=NOW)
    estimate_round(out, NOVEMBER)
    return out


def test_the_round_writes_internal_estimates(estimated: Path) -> None:
    internal = RoundPaths(estimated, NOVEMBER).internal
    estimates = pl.read_csv(internal / "estimates.csv")
    assert set(estimates["domain"]) == {"tier", "plan", "overall"} and "public" not in str(internal)
    page = (internal / "estimates.html").read_text(encoding="utf-8")
    assert "<svg" in page and "分层 HT" in page and "内部资料" in page
    drawn = pl.read_parquet(internal / "inclusion.parquet").filter("selected")
    assert estimates.filter(pl.col("domain") == "overall")["drawn"].item() == drawn.height
