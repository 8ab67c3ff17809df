"""``xinyong demo``: the monthly pipeline on the embedded default region, in a workspace of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xinyong.cli.app import app, out


@app.command(epilog="Example: xinyong demo --out out/demo")
def demo(
    out_dir: Annotated[
        Path, typer.Option("--out", help="The demo's workspace: made on the first run, reused after.")
    ] = Path("out/demo"),
    region: Annotated[
        Path | None,
        typer.Option(
            help="The default region's raw folder; generated if missing.", show_default="the workspace's raw/"
        ),
    ] = None,
) -> None:
    """Run the monthly job end to end on the embedded default region, in a workspace of its own."""
    from xinyong.pipeline import run_demo
    from xinyong.reports.progress import Bars
    from xinyong.reports.summary import ingest_summary

    result = run_demo(out_dir, Bars(), region=region)
    out.print(ingest_summary(result.ingest, result.workspace.clean))
    out.print("\n[bold]Outputs[/bold]")
    for label, path in result.outputs.items():
        out.print(f"  {label}: {path}", soft_wrap=True)
