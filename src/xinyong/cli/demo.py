"""``xinyong demo``: the monthly pipeline on the embedded default region."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xinyong.cli.app import app, out


@app.command(epilog="Example: xinyong demo --out out/demo")
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for every output of the demo.")] = Path("out/demo"),
    region: Annotated[Path, typer.Option(help="The default region's raw folder; generated if missing.")] = Path(
        "data/region"
    ),
    policy: Annotated[Path, typer.Option(help="Tier policy TOML.")] = Path("policy.toml"),
    plans: Annotated[Path, typer.Option(help="Round plans TOML.")] = Path("plans/330802-default.toml"),
) -> None:
    """Run the monthly job end to end on the embedded default region."""
    from xinyong.pipeline import run_demo
    from xinyong.reports.progress import Bars
    from xinyong.reports.summary import ingest_summary

    result = run_demo(region, out_dir, Bars(), policy=policy, plans=plans)
    out.print(ingest_summary(result.ingest, out_dir / "clean"))
    out.print("\n[bold]Outputs[/bold]")
    for label, path in result.outputs.items():
        out.print(f"  {label}: {path}", soft_wrap=True)
