"""Running ``xinyong …`` in-process, as a person runs it: the parsing, the call and the error handling of
:func:`xinyong.cli.main`, with the exit code and both output streams."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import NOVEMBER
from xinyong.cli import main


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _no_workspace_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands of a test find only the workspace it names or makes, never one the person running the
    tests has set in ``XINYONG_WORKSPACE``."""
    monkeypatch.delenv("XINYONG_WORKSPACE", raising=False)


def run(args: list[object], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Ran:
    """``xinyong ARGS``: its exit code, stdout and stderr."""
    monkeypatch.setattr(sys, "argv", ["xinyong", *map(str, args)])
    monkeypatch.setenv("COLUMNS", "200")
    capsys.readouterr()
    try:
        main()
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    assert isinstance(code, int)
    return Ran(code, captured.out, captured.err)


@pytest.fixture
def xinyong(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Ran]:
    """``xinyong(*args)`` runs the command and checks it succeeded (libraries such as MLflow may log to stderr)."""

    def call(*args: object) -> Ran:
        ran = run(list(args), capsys, monkeypatch)
        assert ran.code == 0 and "Error" not in ran.err and "Traceback" not in ran.err, ran.err
        return ran

    return call


INSPECTED_BY = dt.date(2026, 11, 27)


@pytest.fixture(scope="session")
def november_form(november_round: Path, round_inputs: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The finalised November round's results form, SIMULATED and filled in by 11-27 (not imported)."""
    from xinyong.synth.outcomes import simulate_results

    target = tmp_path_factory.mktemp("november-form") / "330802-2026-11-检查结果.xlsx"
    return simulate_results(
        november_round, NOVEMBER, round_inputs["truth"], round_inputs["clean"], target, last_day=INSPECTED_BY
    )


@pytest.fixture
def november_copy(november_round: Path, tmp_path: Path) -> Path:
    """A copy of the finalised November round's OUT folder, for a test to change."""
    copy = tmp_path / "out"
    shutil.copytree(november_round, copy)
    return copy
