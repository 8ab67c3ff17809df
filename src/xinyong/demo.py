"""``xinyong demo``: the monthly job end to end on the embedded default region.

Stages so far: generate the default region (once; it is deterministic) → ingest and validate.
Each later stage (indicators, model, tiers, the draw, teams, disclosure) is added here as it is
built, so the demo always runs everything that exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .generate import GENERATOR, RegionSpec, generate_region, read_metadata
from .ingest import TableReport, ingest
from .progress import SILENT, Progress


@dataclass(frozen=True)
class DemoResult:
    ingest: dict[str, TableReport]
    outputs: dict[str, Path]  # what a person opens, by description


def run_demo(region: Path, out_dir: Path, progress: Progress = SILENT) -> DemoResult:
    """Run every stage on the default region."""
    ensure_region(region, progress)
    clean = out_dir / "clean"
    reports = ingest(region, clean, progress=progress)
    outputs = {
        "raw region (generated; truth/ is for evaluation only)": region,
        "clean tables (Parquet, one per table)": clean,
        "quarantined rows with file, line, column, rule": clean / "quarantine",
        "ingest manifest (rows in = accepted + quarantined)": clean / "manifest.json",
    }
    return DemoResult(reports, outputs)


def ensure_region(region: Path, progress: Progress = SILENT, spec: RegionSpec = RegionSpec()) -> None:
    """Generate the default region into ``region`` unless the same region is already there."""
    metadata = read_metadata(region)
    wanted = {"generator": GENERATOR, "seed": spec.seed, "enterprises": spec.enterprises, "months": spec.months, "end_month": spec.end_month}
    if metadata is None or any(metadata.get(k) != v for k, v in wanted.items()):
        generate_region(region, spec, progress)
