"""The ``xinyong`` command line: parse arguments, call one library function, report errors in one line.

No logic lives here.  Every :class:`~xinyong.errors.XinyongError` becomes ``Error: …`` on stderr
with its exit code and no traceback; so does a mistake the parser finds (a missing or unknown option,
argument or command: exit code 2).  Typer carries its own copy of Click, so those are Typer's exceptions.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from xinyong import __version__
from xinyong.core.ids import RoundId
from xinyong.errors import UsageError, XinyongError

app = typer.Typer(
    name="xinyong",
    help="xinyong (信用): credit-risk tiers, the verifiable 双随机 sampler and 一公开 disclosures.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
out = Console()


def _required_date(value: str | None, option: str = "--as-of") -> dt.date:
    if value is None:
        raise UsageError(f"{option} is required")
    return _parse_date(value, option)


def _date(value: str | None, option: str) -> dt.date | None:
    return None if value is None else _parse_date(value, option)


def _parse_date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: not a date YYYY-MM-DD: {value!r}") from None


def _round_option(text: str) -> RoundId:
    return RoundId.parse(text, "--round")


def _round_argument(text: str) -> RoundId:
    return RoundId.parse(text, "ROUND")


_ROUND = Annotated[
    RoundId,
    typer.Option(
        "--round", parser=_round_option, metavar="ROUND", help="Round id: division and month, e.g. 330802-2026-12."
    ),
]
_ROUND_ARGUMENT = Annotated[
    RoundId, typer.Argument(parser=_round_argument, metavar="ROUND", help="Round id, e.g. 330802-2026-11.")
]
_OUT = Annotated[Path, typer.Option("--out", help="Output root (rounds/ and public/ go under it).")]


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"xinyong {__version__}")
        raise typer.Exit()


def main() -> None:
    """Entry point: run the app; turn user errors into one line and an exit code."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        code = app(standalone_mode=False)
    except XinyongError as exc:
        err.print(f"Error: {exc}", markup=False)
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # the parser's: a missing or unknown option, argument or command
        if exc.format_message():  # empty when no arguments were given and the help was shown instead
            err.print(f"Error: {exc.format_message()}", markup=False)
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("Aborted.")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
