"""``xinyong init``: a new workspace for an office."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xinyong.cli.app import app, out


@app.command("init", epilog="Example: xinyong init 柯城区 --division 330802 --name 柯城区")
def init(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="A new or empty folder for the workspace.")],
    division: Annotated[
        list[str],
        typer.Option(
            help=(
                "The office's division code (GB/T 2260, 6 digits); repeatable: several districts of a city run the "
                "city's rounds (docs/workspace.md)."
            )
        ),
    ],
    name: Annotated[str, typer.Option(help="The office's name, for people (e.g. 柯城区).")] = "",
) -> None:
    """Make a workspace: xinyong.toml, the folders, and the shipped policy and plans to edit."""
    from xinyong.workspace.settings import create_workspace

    made = create_workspace(folder, division, name)
    out.print(f"Workspace {made.name or ', '.join(made.divisions)} in {made.root}: edit {made.file}", markup=False)
    for division_code, plans in made.plans.items():
        out.print(f"  plans of {division_code}: {plans} (rounds {division_code}-YYYY-MM)", markup=False)
    out.print(f"  tier policy: {made.policy}", markup=False)
    out.print(
        f"Put the departments' exports in {made.raw} and run `xinyong ingest` there; every command in the folder "
        "finds the workspace",
        markup=False,
    )
