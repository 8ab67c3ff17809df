"""The command-line reference is in step with the commands, and every command shows an example."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from xinyong.cli.doc import commands, render


def test_reference_is_rendered_from_the_commands() -> None:
    written = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == render(), "run: .venv/bin/python scripts/render_docs.py"


def test_every_command_is_documented_once_with_its_help() -> None:
    found = commands()
    paths = [c.path for c in found]
    assert len(paths) == len(set(paths))
    for path in ("xinyong", "xinyong ingest", "xinyong round frame", "xinyong tiers", "xinyong tiers report"):
        assert path in paths
    for command in found:
        assert command.help, f"{command.path} has no help text"
        assert command.usage.startswith(command.path + " "), command.usage
        for parameter in command.parameters:
            assert parameter.help, f"{command.path} {parameter.names} has no help text"


def test_every_command_that_runs_has_an_example_of_itself() -> None:
    runnable = [c for c in commands() if c.runnable]
    assert {"xinyong tiers", "xinyong round verify"} <= {c.path for c in runnable}
    for command in runnable:
        assert command.examples, f"{command.path}: the epilog must start with 'Example:'"
        for example in command.examples:
            assert example.startswith(command.path + " "), f"{command.path}: example {example!r} runs something else"


def test_the_reference_does_not_depend_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    wide = render()
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("NO_COLOR", "1")
    assert render() == wide
