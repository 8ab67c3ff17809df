"""``xinyong estimate`` as a person runs it (cli/estimate.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl

from tests.cli.conftest import Ran
from tests.conftest import NOVEMBER, NOW
from tests.estimate.test_run import partial_form
from xinyong.results.run import import_results
from xinyong.workspace.layout import ESTIMATES_CSV, ESTIMATES_HTML, RoundPaths


def test_estimate_prints_the_rates_and_writes_them_internally(
    xinyong: Callable[..., Ran], november_copy: Path, november_form: Path
) -> None:
    part = partial_form(november_form, november_copy.parent / "part.csv", 7)
    import_results(november_copy, part, today=dt.date(2026, 11, 28), now=NOW)
    assert xinyong("estimate", NOVEMBER, "--out", november_copy).out.splitlines()[-1] == "暂定：7 项结果待录入"

    import_results(november_copy, november_form, today=dt.date(2026, 11, 28), now=NOW)
    ran = xinyong("estimate", NOVEMBER, "--out", november_copy)
    assert "暂定" not in ran.out
    internal = RoundPaths(november_copy, NOVEMBER).internal
    estimates = pl.read_csv(internal / ESTIMATES_CSV)
    assert f"Violation rates, round {NOVEMBER} (INTERNAL: per tier)" in ran.out
    assert estimates.height >= 5 and all(f" {domain} " in f" {ran.out} " for domain in estimates[:, 0].to_list())
    assert (internal / ESTIMATES_HTML).is_file()
