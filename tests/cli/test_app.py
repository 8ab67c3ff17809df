"""The command line as a person meets it: help with examples, one-line errors, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = (
    "generate",
    "ingest",
    "demo",
    "features",
    "model train",
    "model score",
    "model promote",
    "tiers",
    "tiers report",
    "explain",
    "round assign",
    "round finalize",
    "round frame",
    "round commit",
    "round reveal",
    "round draw",
    "round verify",
)


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "xinyong.cli", *args], capture_output=True, text=True, cwd=cwd, env=env
    )


def test_help_lists_every_command() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in {c.split()[0] for c in COMMANDS}:
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help_with_an_example(command: str) -> None:
    result = run(*command.split(), "--help")
    assert result.returncode == 0
    assert "Example" in result.stdout and f"xinyong {command}" in " ".join(result.stdout.split())


def test_user_error_is_one_line_without_traceback(tmp_path: Path) -> None:
    result = run("ingest", str(tmp_path / "nowhere"), "--out", str(tmp_path / "clean"))
    assert result.returncode == 2
    assert result.stderr == f"Error: {tmp_path / 'nowhere'}: not a folder of raw tables\n"
    assert "Traceback" not in result.stdout + result.stderr


def test_bad_option_value_is_one_line(tmp_path: Path) -> None:
    result = run("generate", "--out", str(tmp_path), "--enterprises", "5")
    assert result.returncode == 2
    assert result.stderr == "Error: --enterprises must be at least 1000, got 5\n"


def test_bad_date_option_is_one_line(tmp_path: Path) -> None:
    result = run("ingest", str(tmp_path), "--out", str(tmp_path / "c"), "--today", "27/11/2026")
    assert result.returncode == 2
    assert result.stderr == "Error: --today: not a date YYYY-MM-DD: '27/11/2026'\n"


def test_missing_column_through_the_cli(small_region: Path, tmp_path: Path) -> None:
    import shutil

    import polars as pl

    raw = tmp_path / "raw"
    shutil.copytree(small_region, raw, ignore=shutil.ignore_patterns("*.parquet", "truth"))
    pl.read_csv(raw / "enterprises.csv", infer_schema=False).drop("uscc").write_csv(raw / "enterprises.csv")
    result = run("ingest", str(raw), "--out", str(tmp_path / "clean"))
    assert result.returncode == 2
    assert result.stderr == f"Error: {raw / 'enterprises.csv'}: missing column uscc (统一社会信用代码)\n"
    assert not (tmp_path / "clean" / "manifest.json").exists()


def test_generate_then_ingest_through_the_cli(tmp_path: Path) -> None:
    generated = run(
        "generate", "--out", str(tmp_path / "raw"), "--enterprises", "2000", "--months", "13", "--seed", "3"
    )
    assert generated.returncode == 0, generated.stderr
    assert f"to {tmp_path / 'raw'}" in generated.stdout
    ingested = run("ingest", str(tmp_path / "raw"), "--out", str(tmp_path / "clean"), "--today", "2026-11-27")
    assert ingested.returncode == 0, ingested.stderr
    assert "enterprises" in ingested.stdout and "2,000" in ingested.stdout
    assert (tmp_path / "clean" / "manifest.json").is_file()


def test_commit_shows_the_exact_description_it_committed(small_world, tmp_path: Path) -> None:
    import json
    import shutil

    from tests.crash import ROUND

    out = shutil.copytree(small_world.bases["commit"], tmp_path / "out")
    result = run(
        "round", "commit", "--round", str(ROUND), "--randomness", ' 福利彩票\u200b双色球 "11-01"\n', "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    committed = json.loads((out / "rounds" / str(ROUND) / "audit" / "commitment.json").read_bytes())
    assert committed["randomness"]["source"] == '福利彩票双色球 "11-01"'
    assert result.stdout.splitlines()[1] == (
        "Randomness description committed (normalised: NFC, trimmed, zero-width characters removed): "
        '"福利彩票双色球 \\"11-01\\""'
    )
