"""Progress bars for long jobs (rich), with a silent stand-in for library and test use.

Library functions take a :class:`Progress` and never print; the CLI passes a live one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress


class Task(Protocol):
    def advance(self, steps: int = 1) -> None: ...


class Progress(Protocol):
    def task(self, description: str, total: int) -> AbstractContextManager[Task]: ...


class _SilentTask:
    def advance(self, steps: int = 1) -> None:
        return None


class Silent:
    """Reports nothing: the default for library calls and tests."""

    @contextmanager
    def task(self, description: str, total: int) -> Iterator[Task]:
        yield _SilentTask()


class _RichTask:
    def __init__(self, bars: RichProgress, task_id: TaskID) -> None:
        self._bars = bars
        self._id = task_id

    def advance(self, steps: int = 1) -> None:
        self._bars.advance(self._id, steps)


class Bars:
    """Rich progress bars on stderr, one line per task, kept on screen when finished.

    Only on a terminal: in logs and pipes they would be noise.  A task that fails removes its
    bar, so that the error line is the last thing a person reads.
    """

    def __init__(self, console: Console | None = None) -> None:
        self._console = console or Console(stderr=True)

    @contextmanager
    def task(self, description: str, total: int) -> Iterator[Task]:
        with RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self._console,
            transient=False,
            disable=not self._console.is_terminal,
        ) as bars:
            task_id = bars.add_task(description, total=total)
            try:
                yield _RichTask(bars, task_id)
            except BaseException:
                bars.update(task_id, visible=False)
                raise


SILENT = Silent()
