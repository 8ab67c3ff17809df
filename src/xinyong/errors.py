"""The one exception tree of xinyong.

Every error a user can cause is a :class:`XinyongError`; :mod:`xinyong.cli` prints it as a single line
``Error: …`` and exits non-zero, without a traceback. Messages name the file and, where there is
one, the row, the column and the rule, so that the person who owns the data can fix it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xinyong.ingest.limits import Refusal, TableReport


class XinyongError(Exception):
    """Base of every error a user of xinyong can cause and fix."""

    exit_code = 2


class UsageError(XinyongError):
    """A command was called with arguments that cannot work (bad option value, missing folder)."""


class RoundIdError(UsageError):
    """A round id that is not one: it names where the id came from (an option, a file) and the rule it breaks."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}")


class InputFileError(XinyongError):
    """A whole input file cannot be used: unreadable, wrong encoding, a column missing."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class InputRowError(XinyongError):
    """One row of an input breaks a rule; used where a row cannot simply be quarantined."""

    def __init__(self, path: Path | str, row: int, column: str, rule: str, detail: str) -> None:
        self.path = Path(path)
        self.row = row
        self.column = column
        self.rule = rule
        super().__init__(f"{path}: row {row}, column {column!r}: {rule}: {detail}")


class GateError(XinyongError):
    """A model failed a promotion gate; nothing was promoted."""

    exit_code = 3


class RoundStateError(XinyongError):
    """A round step was asked for out of order, or twice."""


class SourceError(XinyongError):
    """A randomness source or value that draw spec v2 §4 refuses (:mod:`xinyong.draw.sources`); the edge that
    read it names the option or file before the message."""


class CalendarUnavailableError(XinyongError):
    """The official calendar of a year is neither in the installed chinese-calendar nor in the workspace's
    calendar supplement."""

    def __init__(self, year: int, problem: str) -> None:
        self.year = year
        super().__init__(problem)


class IngestRefusedError(XinyongError):
    """Ingest read every table but quarantined too much of one (all its rows, more than --max-quarantined of
    them, or more than --max-registry-loss of the registry's firms); the clean folder was left as it was and
    the quarantine is in its refused/ folder."""

    exit_code = 6

    def __init__(
        self, message: str, reports: dict[str, TableReport], refusals: tuple[Refusal, ...], kept: Path
    ) -> None:
        self.reports = reports
        self.refusals = refusals
        self.kept = kept
        super().__init__(message)


class VerificationError(XinyongError):
    """Published or audit files do not re-derive: the message names the file and the check."""

    exit_code = 4


class BusyError(XinyongError):
    """Another process is changing the same round, transparency log or clean folder (it holds its lock);
    nothing was changed: run the command again once that process has finished."""

    exit_code = 5

    def __init__(self, what: str, pid: int | None) -> None:
        self.what = what
        self.pid = pid
        super().__init__(f"{what} is being changed by another process (pid {pid if pid is not None else 'unknown'})")
