"""``xinyong generate``, ``ingest`` and ``features`` as a person runs them (cli/data.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from tests.cli.conftest import Ran, run
from tests.conftest import INGEST_DAY


def test_generate_ingest_and_features_through_the_cli(xinyong: Callable[..., Ran], tmp_path: Path) -> None:
    raw, clean, features = tmp_path / "raw", tmp_path / "clean", tmp_path / "internal" / "features.parquet"
    generated = xinyong("generate", "--out", raw, "--enterprises", 2000, "--months", 13, "--seed", 3)
    assert f"tables to {raw}" in generated.out and (raw / "enterprises.csv").is_file()
    ingested = xinyong("ingest", raw, "--out", clean, "--today", INGEST_DAY)
    assert "enterprises" in ingested.out and "2,000" in ingested.out
    assert (clean / "manifest.json").is_file()
    built = xinyong("features", clean, "--as-of", "2026-10-31", "--out", features)
    rows = pl.read_parquet(features).height
    assert built.out.split() == f"Wrote {rows:,} enterprises × indicators to {features}".split()
    assert 1_000 < rows <= 2_000  # the live firms only


def test_a_missing_raw_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = run(["ingest", tmp_path / "nowhere", "--out", tmp_path / "clean"], capsys, monkeypatch)
    assert (ran.code, ran.err) == (2, f"Error: {tmp_path / 'nowhere'}: not a folder of raw tables\n")


def test_a_bad_option_value_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = run(["generate", "--out", tmp_path, "--enterprises", 5], capsys, monkeypatch)
    assert (ran.code, ran.err) == (2, "Error: --enterprises must be at least 1000, got 5\n")
    ran = run(["ingest", tmp_path, "--out", tmp_path / "c", "--today", "27/11/2026"], capsys, monkeypatch)
    assert (ran.code, ran.err) == (2, "Error: --today: not a date YYYY-MM-DD: '27/11/2026'\n")


def test_a_missing_column_stops_ingest_before_anything_is_written(
    small_region: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(small_region, raw, ignore=shutil.ignore_patterns("*.parquet", "truth"))
    pl.read_csv(raw / "enterprises.csv", infer_schema=False).drop("uscc").write_csv(raw / "enterprises.csv")
    ran = run(["ingest", raw, "--out", tmp_path / "clean"], capsys, monkeypatch)
    assert (ran.code, ran.err) == (2, f"Error: {raw / 'enterprises.csv'}: missing column uscc (统一社会信用代码)\n")
    assert not (tmp_path / "clean" / "manifest.json").exists()
