"""README command 2's own install path: the commands, the lock, and the set-up script itself."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import REPO


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"<!-- command \d -->\s*```(?:bash|sh)?\n(.+?)\n```", text)


def test_readme_starts_with_exactly_two_commands_and_ci_runs_the_second() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("xinyong demo")
    ci = [
        line
        for line in (REPO / ".ci" / "run").read_text().splitlines()
        if line and not line.startswith(("#", "set ", "cd "))
    ]
    assert ci == [commands[1]]


def pinned() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements" / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_every_installed_distribution_is_pinned_at_its_version() -> None:
    if Path(sys.prefix).resolve() != (REPO / ".venv").resolve():
        pytest.skip("only meaningful inside the project's .venv made by scripts/setup.sh")
    pins = pinned()
    installed = {re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower(): d.version for d in metadata.distributions()}
    installed.pop("xinyong")
    installed.pop("pip")
    unpinned = {n: v for n, v in installed.items() if pins.get(n) != v}
    assert unpinned == {}, "installed but not pinned (or at another version): run scripts/lock.sh"
    for core in ("lightgbm", "mlflow", "polars", "pyarrow", "numpy", "scipy"):
        assert core in pins
    assert pins["mlflow"] == "3.17.2" and pins["lightgbm"].startswith("4.7.")


def test_setup_script_reruns_offline_from_the_lock() -> None:
    if Path(sys.prefix).resolve() != (REPO / ".venv").resolve():
        pytest.skip("only meaningful inside the project's .venv made by scripts/setup.sh")
    env = {**os.environ, "PIP_NO_INDEX": "1"}  # everything must already be there, from the lock
    result = subprocess.run(["bash", "scripts/setup.sh", "--test"], cwd=REPO, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    check = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def test_setup_script_rejects_unknown_options() -> None:
    result = subprocess.run(["bash", "scripts/setup.sh", "--tests"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == "usage: scripts/setup.sh [--test]\n"
