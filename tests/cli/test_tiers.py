"""``xinyong tiers``, ``tiers report`` and ``explain`` as a person runs them (cli/tiers.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from tests.cli.conftest import Ran
from tests.conftest import CHAMPION, POLICY
from xinyong.indicators.run import write_features


@pytest.fixture(scope="module")
def features(round_inputs: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tiers-cli") / "internal" / "features.parquet"

    write_features(round_inputs["clean"], dt.date(2026, 10, 31), path)
    return path


def test_tiers_then_report_then_explain(
    xinyong: Callable[..., Ran], features: Path, round_inputs: dict, tmp_path: Path
) -> None:
    tiers = tmp_path / "internal" / "tiers.parquet"
    ran = xinyong("tiers", "--features", features, "--model", CHAMPION, "--policy", POLICY, "--out", tiers)
    table = pl.read_parquet(tiers)
    counts = ", ".join(f"{t} {n:,}" for t, n in table.group_by("tier").len().sort("tier").iter_rows())
    assert ran.out.startswith(f"Tiers {counts}; override rules fired: ")
    assert table.height == pl.read_parquet(features).height

    report = tmp_path / "internal" / "tier-report.html"
    ran = xinyong(
        "tiers", "report", "--current", tiers, "--previous", round_inputs["tiers_september"],
        "--clean", round_inputs["clean"], "--out", report,
    )  # fmt: skip
    assert ran.out.startswith(f"Tier report → {report}; PSI alerts: ")
    assert report.is_file() and report.with_suffix(".json").is_file()

    firm = table.filter(pl.col("tier") == "D").row(0, named=True)
    ran = xinyong("explain", firm["uscc"], "--tiers", tiers, "--model", CHAMPION)
    assert ran.out.startswith(f"{firm['uscc']}  信用风险分类 tier D  (模型 model {firm['model_tier']}, ")
    assert f"规则 rules: {firm['rules'] or '无 none'}" in ran.out
    assert ran.out.rstrip().endswith("内部资料，不得公开 — internal, never published")
