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


def partial_form(form: Path, target: Path, missing: int) -> Path:
    """The results form without its last ``missing`` rows, as CSV: those targets' results are still pending."""
    rows = pl.read_excel(form)
    rows.head(rows.height - missing).write_csv(target)
    return target


@pytest.fixture(scope="module")
def provisional(november_round: Path, round_inputs: dict, tmp_path_factory) -> Path:
    """November with 10 of its staffed targets' results not imported yet."""
    out = tmp_path_factory.mktemp("provisional") / "out"
    shutil.copytree(november_round, out)
    form = simulate_results(
        out, NOVEMBER, round_inputs["truth"], round_inputs["clean"], out / "form.xlsx", last_day=dt.date(2026, 11, 27)
    )
    import_results(out, partial_form(form, out / "part.csv", 10), today=dt.date(2026, 11, 27), now=NOW)
    estimate_round(out, NOVEMBER)
    return out


def test_a_round_with_results_pending_is_provisional_on_the_page_and_in_the_csv(provisional: Path) -> None:
    internal = RoundPaths(provisional, NOVEMBER).internal
    estimates = pl.read_csv(internal / "estimates.csv")
    overall = estimates.filter(pl.col("domain") == "overall").row(0, named=True)
    assert (overall["pending"], overall["note"]) == (10, "暂定：10 项结果待录入")
    per_tier = estimates.filter(pl.col("domain") == "tier")
    assert per_tier["pending"].sum() == 10 and set(per_tier.filter(pl.col("pending") == 0)["note"].fill_null("")) <= {
        ""
    }
    page = (internal / "estimates.html").read_text(encoding="utf-8")
    assert '<p class="alert">暂定：10 项结果待录入（下列估计将随这些结果录入而变化）</p>' in page


def test_the_round_writes_internal_estimates(estimated: Path) -> None:
    internal = RoundPaths(estimated, NOVEMBER).internal
    estimates = pl.read_csv(internal / "estimates.csv")
    assert set(estimates["domain"]) == {"tier", "plan", "overall"} and "public" not in str(internal)
    page = (internal / "estimates.html").read_text(encoding="utf-8")
    assert "<svg" in page and "分层 HT" in page and "内部资料" in page
    drawn = pl.read_parquet(internal / "inclusion.parquet").filter("selected")
    assert estimates.filter(pl.col("domain") == "overall")["drawn"].item() == drawn.height
    assert estimates["pending"].sum() == 0 and "暂定" not in page  # every staffed target has its result
