"""The command line as a person meets it (cli/app.py): every command listed, each with help and an example,
and the version."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = (
    "init",
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
    "round preview",
    "round approve",
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


def test_version() -> None:
    from xinyong import __version__

    result = run("--version")
    assert (result.returncode, result.stdout) == (0, f"xinyong {__version__}\n")


def test_no_arguments_shows_the_help() -> None:
    result = run()
    assert result.returncode == 2 and "Usage" in result.stdout and result.stderr == ""
