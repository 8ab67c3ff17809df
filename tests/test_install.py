"""README command 2's own install path: the commands, the hashed locks, and the set-up script itself."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

LOCK = REPO / "requirements" / "lock.txt"
LOCK_TEST = REPO / "requirements" / "lock-test.txt"
# The environment the locks are made for (scripts/lock.sh: --python-version 3.11, Linux x86_64).
TARGET = {
    "python_version": "3.11",
    "python_full_version": "3.11.0",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}


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


@dataclass(frozen=True)
class Locked:
    version: str
    hashes: tuple[str, ...]


def parse_lock(text: str) -> tuple[dict[str, Locked], str | None]:
    """A hashed requirements file: {canonical name: (version, hashes)} and its recorded input digest."""
    digest = re.search(r"^# input-sha256: ([0-9a-f]{64})\b", text, re.MULTILINE)
    entries: dict[str, Locked] = {}
    logical = re.sub(r"\\\n", " ", text)  # join continuation lines
    for line in logical.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        requirement, *options = line.split(" --hash=")
        name, sep, version = requirement.strip().partition("==")
        assert sep and ";" not in version, f"not an exact, unconditional pin: {line[:80]}"
        key = canonicalize_name(name)
        assert key not in entries, f"{name} twice in the lock"
        entries[key] = Locked(version.strip(), tuple(option.strip() for option in options))
    return entries, digest.group(1) if digest else None


def lock_sections(pyproject: dict) -> dict[str, list[str]]:
    return {
        "build-system.requires": pyproject["build-system"]["requires"],
        "project.dependencies": pyproject["project"]["dependencies"],
        "project.optional-dependencies.test": pyproject["project"]["optional-dependencies"]["test"],
    }


def input_digest(pyproject: dict) -> str:
    """The digest scripts/lock.sh writes: sha256 of the sorted `section: requirement` lines."""
    lines = sorted(f"{section}: {req}" for section, reqs in lock_sections(pyproject).items() for req in reqs)
    return hashlib.sha256("".join(f"{line}\n" for line in lines).encode()).hexdigest()


def lock_problems(pyproject_text: str, lock_text: str, sections: tuple[str, ...]) -> list[str]:
    """Why this lock does not cover these sections of this pyproject.toml (empty when it does)."""
    pyproject = tomllib.loads(pyproject_text)
    entries, digest = parse_lock(lock_text)
    problems = []
    if digest != input_digest(pyproject):
        problems.append(f"input-sha256 {digest} is not pyproject.toml's {input_digest(pyproject)}: run scripts/lock.sh")
    for section in sections:
        for requirement in map(Requirement, lock_sections(pyproject)[section]):
            if requirement.marker and not requirement.marker.evaluate(TARGET):
                continue
            locked = entries.get(canonicalize_name(requirement.name))
            if locked is None:
                problems.append(f"{requirement} ({section}) is not in the lock")
            elif not requirement.specifier.contains(locked.version, prereleases=True):
                problems.append(f"{requirement} ({section}) is locked at {locked.version}")
    for name, locked in entries.items():
        if not locked.hashes:
            problems.append(f"{name} has no hash")
        bad = [h for h in locked.hashes if not re.fullmatch(r"sha256:[0-9a-f]{64}", h)]
        if bad:
            problems.append(f"{name} has hashes that are not sha256: {bad}")
    return problems


RUNTIME = ("build-system.requires", "project.dependencies")
WITH_TEST = (*RUNTIME, "project.optional-dependencies.test")


@pytest.mark.parametrize(("lock", "sections"), [(LOCK, RUNTIME), (LOCK_TEST, WITH_TEST)], ids=["lock", "lock-test"])
def test_lock_covers_pyproject_with_hashes(lock: Path, sections: tuple[str, ...]) -> None:
    problems = lock_problems(
        (REPO / "pyproject.toml").read_text(encoding="utf-8"), lock.read_text(encoding="utf-8"), sections
    )
    assert problems == []


def test_lock_check_catches_drift_from_pyproject() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    lock = LOCK_TEST.read_text(encoding="utf-8")
    added = pyproject.replace("dependencies = [\n", 'dependencies = [\n  "requests-oauthlib>=2",\n', 1)
    assert any("input-sha256" in p for p in lock_problems(added, lock, WITH_TEST))
    assert any(p.startswith("requests-oauthlib>=2 ") for p in lock_problems(added, lock, WITH_TEST))
    narrowed = pyproject.replace('"lightgbm==4.7.0"', '"lightgbm==4.6.0"')
    assert "lightgbm==4.6.0 (project.dependencies) is locked at 4.7.0" in lock_problems(narrowed, lock, WITH_TEST)
    unhashed = re.sub(r"^(typer==\S+) \\\n(    --hash=\S+ \\\n)*    --hash=\S+\n", r"\1\n", lock, flags=re.MULTILINE)
    assert unhashed != lock
    assert lock_problems(pyproject, unhashed, WITH_TEST) == ["typer has no hash"]
    # the runtime lock does not carry the test tools, so it cannot stand in for lock-test.txt
    assert any("pytest" in p for p in lock_problems(pyproject, LOCK.read_text(encoding="utf-8"), WITH_TEST))


def test_runtime_lock_is_the_test_lock_less_the_test_tools() -> None:
    runtime, _ = parse_lock(LOCK.read_text(encoding="utf-8"))
    with_test, _ = parse_lock(LOCK_TEST.read_text(encoding="utf-8"))
    assert {name: with_test.get(name) for name in runtime} == runtime  # same versions, same hashes
    assert {"pytest", "hypothesis", "playwright", "ruff", "mypy"} <= with_test.keys() - runtime.keys()
    assert {"setuptools", "wheel"} <= runtime.keys()  # setup.sh's --no-build-isolation build uses them
    assert runtime["mlflow"].version == "3.17.2" and runtime["lightgbm"].version == "4.7.0"
    assert with_test["ruff"].version == "0.17.5"
    for core in ("polars", "pyarrow", "numpy", "scipy", "jinja2"):
        assert core in runtime


def in_project_venv() -> bool:
    return Path(sys.prefix).resolve() == (REPO / ".venv").resolve()


def test_every_installed_distribution_is_locked_at_its_version() -> None:
    if not in_project_venv():
        pytest.skip("only meaningful inside the project's .venv made by scripts/setup.sh")
    locked = {name: entry.version for name, entry in parse_lock(LOCK_TEST.read_text(encoding="utf-8"))[0].items()}
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    installed.pop("xinyong")
    installed.pop("pip")
    unlocked = {n: v for n, v in installed.items() if locked.get(n) != v}
    assert unlocked == {}, "installed but not locked (or at another version): run scripts/lock.sh"
    assert locked.keys() - installed.keys() == set(), "locked but not installed: run scripts/setup.sh --test"


def test_setup_script_reruns_offline_from_the_lock() -> None:
    if not in_project_venv():
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
