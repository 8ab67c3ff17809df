"""``xinyong ingest``: validate a folder of raw department tables into clean Parquet plus quarantine.

The edge around :mod:`xinyong.ingest.validate`: it finds and reads each table of the contract, validates
it against the accepted keys of the tables it references (enterprises, items and inspectors come
first), and writes

- ``CLEAN_DIR/<table>.parquet``: the accepted rows, typed;
- ``CLEAN_DIR/quarantine/<table>.csv``: every rejected row with file, line, column, rule, value
  and the row as it was read (UTF-8 with BOM, so Excel shows the Chinese);
- ``CLEAN_DIR/manifest.json``: per table ``input_rows = accepted + quarantined``.

Whole-file problems (a missing table or column, an unreadable file) stop the run before anything
in CLEAN_DIR changes: outputs are staged in a temporary folder and renamed into place at the end,
the old manifest removed first and the new one moved in last, so a run cut short leaves a folder
without a manifest, which every reader refuses, and running it again finishes it.  One ingest at a
time writes a clean folder (its lock, ``ingest.lock``; :mod:`xinyong.workspace.lock`), and the
staging folders of killed runs are removed when it is taken.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from xinyong.errors import InputFileError, UsageError
from xinyong.ingest import contract
from xinyong.ingest.validate import describe_duplicates, validate_table
from xinyong.reports.progress import SILENT, Progress
from xinyong.workspace import checks, fsio, lock
from xinyong.workspace.layout import CLEAN_LOCK, MANIFEST, clean_table, quarantine_table
from xinyong.workspace.tables import LINE, find_table_file, read_table_batches

# Parquet tables longer than this are validated a batch at a time: at 10^7 firms the annual
# reports alone are 4 × 10^7 rows, and validating them whole would need more than 12 GB.
BATCH_ROWS = 4_000_000


@dataclass(frozen=True)
class TableReport:
    file: str
    input_rows: int
    accepted: int
    quarantined: int
    by_rule: dict[str, int]


def ingest(
    raw_dir: Path,
    out_dir: Path,
    *,
    encoding: str | None = None,
    today: dt.date,
    progress: Progress = SILENT,
    towns: tuple[contract.Town, ...] = (),
) -> dict[str, TableReport]:
    """Validate every contract table in ``raw_dir`` and write the clean folder ``out_dir``; the registry's
    towns and stations are checked against ``towns`` (a workspace's), or the shipped list when none are given."""
    if not raw_dir.is_dir():
        raise UsageError(f"{raw_dir}: not a folder of raw tables")
    checks.output_folder(out_dir, raw_dir)
    tables = contract.tables(towns)
    files = {t.name: find_table_file(raw_dir, t) for t in tables}
    with lock.held(out_dir / CLEAN_LOCK, f"clean folder {out_dir}", tidy=out_dir):
        staging = fsio.staging_folder(out_dir, "ingest")
        try:
            reports = _ingest_tables(tables, files, staging, encoding, today, progress)
            fsio.write_json(staging / MANIFEST, _manifest(reports, today, encoding))
            fsio.publish_staged(staging, out_dir, last=MANIFEST)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return reports


def _ingest_tables(
    tables: tuple[contract.Table, ...],
    files: dict[str, Path],
    staging: Path,
    encoding: str | None,
    today: dt.date,
    progress: Progress,
) -> dict[str, TableReport]:
    known: dict[str, pl.Series] = {}
    referenced = {c.references for t in tables for c in t.columns if c.references}
    reports = {}
    with progress.task("ingest: validating tables", total=len(files)) as bar:
        for table in tables:
            path = files[table.name]
            needed = [ref.split(".")[1] for ref in sorted(referenced) if ref.split(".")[0] == table.name]
            accepted, quarantined, rows = _validate_in_batches(
                path, table, encoding, today, known, clean_table(staging, table.name), needed
            )
            quarantine = quarantined.select(pl.lit(path.name).alias("file"), pl.all())
            fsio.write_csv(quarantine_table(staging, table.name), quarantine, bom=True)
            for ref in referenced:
                ref_table, ref_column = ref.split(".")
                if ref_table == table.name:
                    known[ref] = accepted[ref_column]
            rules = Counter(quarantined["rule"].to_list())
            reports[table.name] = TableReport(
                path.name, rows, accepted.height, quarantined.height, dict(sorted(rules.items()))
            )
            if rows != accepted.height + quarantined.height:
                raise AssertionError(f"{path}: rows were lost in validation")  # a bug, never user error
            bar.advance()
    return reports


def _validate_in_batches(
    path: Path,
    table: contract.Table,
    encoding: str | None,
    today: dt.date,
    known: dict[str, pl.Series],
    target: Path,
    needed: list[str],
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Validate a table a batch at a time (so memory stays bounded at national scale) and write the
    accepted rows to ``target``; a key seen in an earlier batch is a duplicate like any other.

    Returns the accepted key columns and the ``needed`` columns other tables refer to, every
    quarantined row, and the number of rows read.
    """
    keep = list(dict.fromkeys([*table.key, *needed]))
    seen: pl.DataFrame | None = None
    kept, quarantined, rows, writer = [], [], 0, None
    try:
        for raw in read_table_batches(path, table, encoding, BATCH_ROWS):
            result = validate_table(raw, table, today, known)
            lines = raw[LINE].filter(~raw[LINE].is_in(result.quarantined["line"].implode()))
            accepted = result.accepted.with_columns(lines.alias(LINE))
            if seen is not None:
                again = accepted.join(seen, on=list(table.key), how="inner", nulls_equal=True)
                accepted = accepted.join(again.select(LINE), on=LINE, how="anti")
                quarantined.append(describe_duplicates(again, table))
            first = accepted.select(*table.key, pl.col(LINE).alias("__first_line__"))
            seen = first if seen is None else pl.concat([seen, first])
            batch = accepted.drop(LINE).to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(target, batch.schema, compression="zstd")
            writer.write_table(batch.cast(writer.schema))
            kept.append(accepted.select(keep))
            quarantined.append(result.quarantined)
            rows += raw.height
    finally:
        if writer is not None:
            writer.close()
    return pl.concat(kept), pl.concat(quarantined, how="diagonal_relaxed").sort("line"), rows


def _manifest(reports: dict[str, TableReport], today: dt.date, encoding: str | None) -> dict:
    return {
        "ingest_date": today.isoformat(),
        "encoding": encoding or "detected: UTF-8, else GB18030",
        "tables": {
            name: {
                "file": r.file,
                "input_rows": r.input_rows,
                "accepted": r.accepted,
                "quarantined": r.quarantined,
                "quarantined_by_rule": r.by_rule,
            }
            for name, r in reports.items()
        },
    }


def read_manifest(clean_dir: Path) -> dict:
    path = clean_dir / MANIFEST
    if not path.is_file():
        raise InputFileError(path, "no manifest; run `xinyong ingest` on the raw folder first")
    return json.loads(path.read_text(encoding="utf-8"))
