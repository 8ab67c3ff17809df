"""``xinyong results import`` and ``results status`` as a person runs them (cli/results.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from tests.cli.conftest import Ran
from tests.conftest import NOVEMBER
from xinyong.results.run import read_results
from xinyong.workspace.layout import RoundPaths


def test_a_form_imports_once_and_the_status_shows_what_is_recorded(
    xinyong: Callable[..., Ran], november_copy: Path, november_form: Path
) -> None:
    rows = pl.read_excel(november_form).height
    ran = xinyong("results", "import", november_form, "--out", november_copy, "--today", "2026-11-28")
    assert ran.out == f"Round {NOVEMBER}: {rows} new results (0 corrections), 0 already imported\n"
    assert len(read_results(november_copy, NOVEMBER)) == rows
    again = xinyong("results", "import", november_form, "--out", november_copy, "--today", "2026-11-28")
    assert again.out == f"Round {NOVEMBER}: 0 new results (0 corrections), {rows} already imported\n"

    ran = xinyong("results", "status", "--round", NOVEMBER, "--out", november_copy, "--today", "2026-12-01")
    status = pl.read_csv(RoundPaths(november_copy, NOVEMBER).results / "status.csv")
    assert status.filter(pl.col("状态") == "待公示").height == rows  # recorded, not yet published
    assert ran.out.startswith(f"轮次 {NOVEMBER} 检查结果（2026-12-01）")
    assert ran.out.rstrip().endswith(str(RoundPaths(november_copy, NOVEMBER).results / "status.csv"))
