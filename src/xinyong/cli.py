"""The ``xinyong`` command line: parse arguments, call one library function, report errors in one line.

No logic lives here.  Every :class:`~xinyong.errors.XinyongError` becomes ``Error: …`` on stderr
with a non-zero exit code and no traceback.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console

from . import __version__
from .errors import UsageError, XinyongError

app = typer.Typer(
    name="xinyong",
    help="xinyong (信用): credit-risk tiers, the verifiable 双随机 sampler and 一公开 disclosures.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
out = Console()


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"not a date YYYY-MM-DD: {value!r}") from None


@app.command(epilog="Example: xinyong generate --out data/region --enterprises 60000 --seed 7")
def generate(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the raw tables (created if missing).")],
    enterprises: Annotated[int, typer.Option(help="Number of market entities.")] = 60_000,
    months: Annotated[int, typer.Option(help="Months of history.")] = 36,
    end_month: Annotated[str, typer.Option(help="Last month of history, YYYY-MM.")] = "2026-10",
    seed: Annotated[int, typer.Option(help="Random seed; the output depends only on it and the sizes.")] = 20261127,
) -> None:
    """Write a realistic raw region (柯城区-like): one table per department, plus truth/."""
    from .generate import RegionSpec, generate_region
    from .progress import Bars

    metadata = generate_region(out_dir, RegionSpec(enterprises, months, end_month, seed), Bars())
    out.print(f"Wrote {sum(metadata['rows'].values()):,} rows in {len(metadata['rows'])} tables to {out_dir}")


@app.command(epilog="Example: xinyong ingest data/region --out out/clean --encoding gbk")
def ingest(
    raw_dir: Annotated[Path, typer.Argument(help="Folder with one file per table (.parquet, .csv or .xlsx).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for clean Parquet, quarantine/ and manifest.json.")],
    encoding: Annotated[str, typer.Option(help="Encoding of CSV files, e.g. utf-8 or gbk.")] = "utf-8",
    today: Annotated[str | None, typer.Option(help="Judge future dates against this day (default: today).")] = None,
) -> None:
    """Validate raw tables against the data contract; bad rows go to quarantine with reasons."""
    from .ingest import ingest as run
    from .progress import Bars
    from .report import ingest_summary

    reports = run(raw_dir, out_dir, encoding=encoding, today=_date(today), progress=Bars())
    out.print(ingest_summary(reports, out_dir))


@app.command(epilog="Example: xinyong demo --out out/demo")
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for every output of the demo.")] = Path("out/demo"),
    region: Annotated[Path, typer.Option(help="The default region's raw folder; generated if missing.")] = Path("data/region"),
) -> None:
    """Run the monthly job end to end on the embedded default region."""
    from .demo import run_demo
    from .progress import Bars
    from .report import ingest_summary

    result = run_demo(region, out_dir, Bars())
    out.print(ingest_summary(result.ingest, out_dir / "clean"))
    out.print("\n[bold]Outputs[/bold]")
    for label, path in result.outputs.items():
        out.print(f"  {label}: {path}", soft_wrap=True)


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
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        err.print("Aborted.")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
