"""Progress bars: silent for library calls, on screen only on a terminal, and gone when a task fails."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from xinyong.reports.progress import SILENT, Bars


def test_the_silent_stand_in_takes_every_call() -> None:
    with SILENT.task("ingest", total=3) as task:
        task.advance()
        task.advance(2)


def test_bars_print_nothing_into_a_pipe() -> None:
    stream = io.StringIO()
    with Bars(Console(file=stream, force_terminal=False)).task("ingest", total=2) as task:
        task.advance(2)
    assert stream.getvalue() == ""


def test_bars_show_the_task_on_a_terminal_and_let_a_failure_through() -> None:
    shown = io.StringIO()
    with Bars(Console(file=shown, force_terminal=True, width=100)).task("ingest 市场主体", total=4) as task:
        task.advance(4)
    assert "ingest 市场主体" in shown.getvalue() and "4/4" in shown.getvalue()
    with pytest.raises(RuntimeError, match="stop"), Bars(Console(file=io.StringIO(), force_terminal=True)).task("x", 4):
        raise RuntimeError("stop")
