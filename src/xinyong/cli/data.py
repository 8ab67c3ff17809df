"""``xinyong generate``, ``ingest`` and ``features``: raw tables in, clean tables and indicators out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from xinyong.cli.app import _WORK, _date, _from_workspace, _required_date, app, out, workspace
from xinyong.ingest.limits import Limits


@app.command(epilog="Example: xinyong generate --out data/region --enterprises 60000 --seed 7")
def generate(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the raw tables (created if missing).")],
    enterprises: Annotated[int, typer.Option(help="Number of market entities.")] = 60_000,
    months: Annotated[int, typer.Option(help="Months of 双随机 history (inspections and labels).")] = 36,
    burn_in: Annotated[int, typer.Option(help="Months of other departments' records before that history.")] = 24,
    end_month: Annotated[str, typer.Option(help="Last month of history, YYYY-MM.")] = "2026-10",
    seed: Annotated[int, typer.Option(help="Random seed; the output depends only on it and the sizes.")] = 20261127,
) -> None:
    """Write a realistic raw region: one table per department, plus truth/. In a workspace, the region of its
    divisions and towns (a city workspace's: several districts); else the default 柯城区-like region."""
    from xinyong.ingest.contract import shipped_towns
    from xinyong.reports.progress import Bars
    from xinyong.synth import RegionSpec, generate_region

    found = workspace()
    towns = found.region_towns() if found is not None else ()
    spec = RegionSpec(enterprises, months, end_month, seed, burn_in, () if towns == shipped_towns() else towns)
    metadata = generate_region(out_dir, spec, Bars())
    out.print(f"Wrote {sum(metadata.rows.values()):,} rows in {len(metadata.rows)} tables to {out_dir}")


@app.command(
    epilog=(
        "Examples: xinyong ingest raw --out clean --encoding gbk\n\n"
        "xinyong ingest raw --out clean --max-quarantined 0.1 --max-registry-loss 0.02"
    )
)
def ingest(
    raw_dir: Annotated[
        Path,
        typer.Argument(
            default_factory=_from_workspace("RAW_DIR", lambda w: w.raw),
            show_default="the workspace's raw/",
            metavar="RAW_DIR",
            help="Folder with one file per table, named after the table or its Chinese name "
            "(.parquet, .csv, .xlsx or .xls).",
        ),
    ],
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out",
            default_factory=_from_workspace("--out", lambda w: w.clean),
            show_default="the workspace's clean/",
            help="Folder for clean Parquet, quarantine/ and manifest.json.",
        ),
    ],
    encoding: Annotated[
        str | None,
        typer.Option(help="Encoding of CSV files, e.g. utf-8 or gbk (default: UTF-8 when valid, else GB18030)."),
    ] = None,
    today: Annotated[str | None, typer.Option(help="Judge future dates against this day (default: today).")] = None,
    max_quarantined: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Refuse the ingest (exit code 6) when more than this share of any table's rows is quarantined; "
            "a table quarantined whole is always refused.",
        ),
    ] = Limits.max_quarantined,
    max_registry_loss: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Refuse the ingest (exit code 6) when the registry (enterprises) loses more than this share of "
            "its firms: quarantined, or fewer accepted than by the previous ingest into --out.",
        ),
    ] = Limits.max_registry_loss,
) -> None:
    """Validate raw tables against the data contract; bad rows go to quarantine with reasons, and an ingest
    that quarantines too much is refused, leaving --out as it was."""
    from xinyong.errors import IngestRefusedError
    from xinyong.ingest.run import ingest as run
    from xinyong.reports.progress import Bars
    from xinyong.reports.summary import ingest_summary

    found = workspace()
    towns = found.region_towns() if found is not None else ()
    try:
        reports = run(
            raw_dir,
            out_dir,
            encoding=encoding,
            today=_date(today, "--today") or dt.date.today(),
            progress=Bars(),
            towns=towns,
            limits=Limits(max_quarantined, max_registry_loss),
        )
    except IngestRefusedError as refused:
        out.print(ingest_summary(refused.reports, out_dir, refused.refusals))
        raise
    out.print(ingest_summary(reports, out_dir))


@app.command(epilog="Example: xinyong features clean --as-of 2026-10-31 --out internal/features.parquet")
def features(
    clean_dir: Annotated[
        Path,
        typer.Argument(
            default_factory=_from_workspace("CLEAN_DIR", lambda w: w.clean),
            show_default="the workspace's clean/",
            metavar="CLEAN_DIR",
            help="Clean folder written by `xinyong ingest`.",
        ),
    ],
    as_of: Annotated[str, typer.Option(help="Only records dated on or before this day are used (YYYY-MM-DD).")],
    out_path: Annotated[
        Path,
        typer.Option(
            "--out", help="Output .parquet (what `xinyong tiers` reads) or .csv: one row per live enterprise."
        ),
    ],
    work: _WORK,
) -> None:
    """Build the indicator table (one row per live enterprise), point-in-time."""
    from xinyong.indicators.run import write_features

    rows = write_features(clean_dir, _required_date(as_of), out_path, work)
    out.print(f"Wrote {rows:,} enterprises × indicators to {out_path}")
