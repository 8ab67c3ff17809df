"""The ``xinyong`` command line: parse arguments, call one library function, report errors in one line.

No logic lives here.  Every :class:`~xinyong.errors.XinyongError` becomes ``Error: …`` on stderr
with its exit code and no traceback; so does a mistake the parser finds (a missing or unknown option,
argument or command: exit code 2).  Typer carries its own copy of Click, so those are Typer's exceptions.

The workspace (:mod:`xinyong.workspace.settings`) is found here and nowhere else: ``xinyong --workspace
W …``, else ``XINYONG_WORKSPACE``, else the nearest ``xinyong.toml`` upwards from the current folder —
looked for once, and only when an option left out takes its default from it.  The options that do
are declared once below (``_OUT``, ``_CLEAN``, ``_POLICY``, …): an option given wins; without a
workspace, the tier policy, the plans and the champion model fall back to the shipped defaults, and
every other such option must be given.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from xinyong import __version__
from xinyong.core.ids import RoundId
from xinyong.errors import UsageError, XinyongError
from xinyong.workspace import layout
from xinyong.workspace.settings import ENVIRONMENT, Workspace, find_workspace

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
        "--round",
        parser=_round_option,
        metavar="ROUND",
        help="Round id: division and month, e.g. 330802-2026-12 (a supplement ends in -S<n>: 330802-2026-12-S1).",
    ),
]
_ROUND_ARGUMENT = Annotated[
    RoundId, typer.Argument(parser=_round_argument, metavar="ROUND", help="Round id, e.g. 330802-2026-11.")
]


# -- the workspace ----------------------------------------------------------------------------------
@dataclass
class _Invocation:
    """This run's ``--workspace`` and, once looked for, its workspace (None: there is none)."""

    option: Path | None = None
    looked: bool = False
    found: Workspace | None = None


_invocation = _Invocation()


def workspace() -> Workspace | None:
    """The workspace of this command: looked for once, from the option, the environment and the current folder."""
    if not _invocation.looked:
        _invocation.found = find_workspace(_invocation.option, os.environ, Path.cwd())
        _invocation.looked = True
    return _invocation.found


def needed(option: str) -> Workspace:
    """The workspace that gives ``option`` its default; one error line when there is none."""
    found = workspace()
    if found is None:
        raise UsageError(
            f"{option}: not given, and there is no workspace to take it from: run in a workspace (a folder with "
            f"{layout.WORKSPACE_FILE}, made by `xinyong init`), or pass --workspace DIR or set {ENVIRONMENT}"
        )
    return found


def _from_workspace(option: str, setting: Callable[[Workspace], Path]) -> Callable[[], Path]:
    """A default taken from the workspace, which must exist."""
    return lambda: setting(needed(option))


def _or_shipped(setting: Callable[[Workspace], Path], shipped: Path) -> Callable[[], Path]:
    """A default taken from the workspace when there is one, else the shipped default."""

    def default() -> Path:
        found = workspace()
        return shipped if found is None else setting(found)

    return default


def plans_for(given: Path | None, round_id: RoundId) -> Path:
    """``--plans`` given, else the workspace's plans of the round's division, else the shipped ones of it."""
    if given is not None:
        return given
    found = workspace()
    if found is not None:
        return found.plans_for(round_id)
    shipped = layout.shipped_plans(round_id.division)
    if not shipped.is_file():
        raise UsageError(
            f"--plans: not given, there is no workspace to take it from, and no plans are shipped for division "
            f"{round_id.division}: pass --plans FILE, or make a workspace with `xinyong init DIR --division "
            f"{round_id.division}`"
        )
    return shipped


def _defaulted(flag: str, default: Callable[[], Path | None], shown: str, help: str) -> Any:
    """An option whose default comes from the workspace (``shown`` says which of its settings, in --help)."""
    return typer.Option(flag, default_factory=default, show_default=f"the workspace's {shown}", help=help)


_OUT = Annotated[
    Path,
    _defaulted(
        "--out",
        _from_workspace("--out", lambda w: w.out),
        "work root",
        "Output root (rounds/ and public/ go under it).",
    ),
]
_CLEAN = Annotated[
    Path,
    _defaulted(
        "--clean", _from_workspace("--clean", lambda w: w.clean), "clean/", "Clean folder written by `xinyong ingest`."
    ),
]
_POLICY = Annotated[
    Path,
    _defaulted(
        "--policy",
        _or_shipped(lambda w: w.policy, layout.SHIPPED_POLICY),
        "policy.toml, else the shipped one",
        "Tier policy TOML: cut-offs and override rules.",
    ),
]
_CHAMPION = Annotated[
    Path,
    _defaulted(
        "--model",
        _or_shipped(lambda w: w.champion, layout.SHIPPED_CHAMPION),
        "champion (models/), else the shipped one",
        "A model folder: the champion `xinyong model promote` exported, or the --out of `xinyong model train`.",
    ),
]
_DATA_DIR = Annotated[
    Path,
    _defaulted(
        "--data-dir",
        _from_workspace("--data-dir", lambda w: w.data),
        "data/",
        "Data folder holding the MLflow store (mlflow/).",
    ),
]
_PUBLIC_ARGUMENT = Annotated[
    Path,
    typer.Argument(
        default_factory=_from_workspace("PUBLIC_DIR", lambda w: w.public),
        show_default="the workspace's public/",
        metavar="PUBLIC_DIR",
        help="A published site folder (with log/).",
    ),
]


def _work_root() -> Path | None:
    """The workspace's work root, when there is a workspace: its finalised rounds are inspection history."""
    found = workspace()
    return None if found is None else found.out


_WORK = Annotated[
    Path | None,
    _defaulted(
        "--work",
        _work_root,
        "work root (none without a workspace)",
        "Work folder (the --out of `xinyong round`): its finalised rounds' inspections are history too.",
    ),
]
_TIERS_FILE = Annotated[
    Path,
    _defaulted(
        "--tiers",
        _from_workspace("--tiers", lambda w: w.tiers),
        "internal/tiers.parquet",
        "A tier file from `xinyong tiers`.",
    ),
]


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
    workspace_option: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            metavar="DIR",
            show_default=f"${ENVIRONMENT}, else the nearest {layout.WORKSPACE_FILE} upwards",
            help="The workspace whose files and folders are the defaults (made by `xinyong init`).",
        ),
    ] = None,
) -> None:
    global _invocation
    _invocation = _Invocation(workspace_option)
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
