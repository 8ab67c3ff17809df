"""``xinyong ingest``: validate a folder of raw department tables into clean Parquet plus quarantine.

The edge around :mod:`xinyong.ingest.validate`: it finds each table's file (:mod:`xinyong.ingest.files`),
reads it, checks a typed file's column types (:mod:`xinyong.ingest.dtypes`), validates it against the
accepted keys of the tables it references (enterprises, items and inspectors come first), and writes

- ``CLEAN_DIR/<table>.parquet``: the accepted rows, typed;
- ``CLEAN_DIR/quarantine/<table>.csv``: every rejected row with file, line, column, rule, value
  and the row as it was read (UTF-8 with BOM, so Excel shows the Chinese);
- ``CLEAN_DIR/manifest.json``: per table ``input_rows = accepted + quarantined``, and the limits used.

Whole-file problems (a missing table or column, a table in two files, a column of the wrong type, an
unreadable file) stop the run before anything in CLEAN_DIR changes.  So does a disaster
(:mod:`xinyong.ingest.limits`: a table wholly or mostly quarantined, a registry that lost firms): then
the clean tables and manifest stay as they were, and the run's quarantine and report go to
``CLEAN_DIR/refused/`` (``quarantine/<table>.csv`` and ``refused.json``) for a person to read; the
next ingest that stands removes it.  Outputs are staged in a temporary folder and renamed into place
at the end, the old manifest removed first and the new one moved in last, so a run cut short leaves a
folder without a manifest, which every reader refuses, and running it again finishes it.  One ingest
at a time writes a clean folder (its lock, ``ingest.lock``; :mod:`xinyong.workspace.lock`), and the
staging folders of killed runs are removed when it is taken.  The clean folder is neither the raw
folder nor inside it, nor holds it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from xinyong.errors import IngestRefusedError, InputFileError, UsageError
from xinyong.ingest import contract
from xinyong.ingest.dtypes import conform
from xinyong.ingest.files import table_files
from xinyong.ingest.limits import DEFAULT_LIMITS, Limits, Previous, Refusal, TableReport, refusals
from xinyong.ingest.validate import describe_duplicates, validate_table
from xinyong.reports.progress import SILENT, Progress
from xinyong.workspace import checks, fsio, lock
from xinyong.workspace.layout import (
    CLEAN_LOCK,
    MANIFEST,
    QUARANTINE,
    REFUSED,
    REFUSED_REPORT,
    clean_table,
    quarantine_table,
)
from xinyong.workspace.tables import LINE, read_table_batches

# Parquet tables longer than this are validated a batch at a time: at 10^7 firms the annual
# reports alone are 4 × 10^7 rows, and validating them whole would need more than 12 GB.
BATCH_ROWS = 4_000_000


def ingest(
    raw_dir: Path,
    out_dir: Path,
    *,
    encoding: str | None = None,
    today: dt.date,
    progress: Progress = SILENT,
    towns: tuple[contract.Town, ...] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, TableReport]:
    """Validate every contract table in ``raw_dir`` and write the clean folder ``out_dir``; the registry's
    towns and stations are checked against ``towns`` (a workspace's), or the shipped list when none are given.
    Raises :class:`IngestRefusedError` when the quarantine breaks ``limits``."""
    if not raw_dir.is_dir():
        raise UsageError(f"{raw_dir}: not a folder of raw tables")
    checks.output_folder(out_dir, raw_dir)
    if out_dir.resolve() in raw_dir.resolve().parents:
        raise UsageError(f"{out_dir}: holds the input folder {raw_dir}; write the clean folder elsewhere")
    tables = contract.tables(towns)
    files = table_files(raw_dir, (p.name for p in raw_dir.iterdir() if p.is_file()), tables)
    with lock.held(out_dir / CLEAN_LOCK, f"clean folder {out_dir}", tidy=out_dir):
        previous = _previous_registry(out_dir)
        staging = fsio.staging_folder(out_dir, "ingest")
        try:
            reports = _ingest_tables(tables, files, staging, encoding, today, progress)
            manifest = _manifest(reports, today, encoding, limits)
            refused = refusals(reports, limits, previous)
            if refused:
                kept = _keep_refused(staging, out_dir, manifest, refused)
                raise IngestRefusedError(_refused_message(raw_dir, out_dir, kept, refused), reports, refused, kept)
            fsio.write_json(staging / MANIFEST, manifest)
            fsio.publish_staged(staging, out_dir, last=MANIFEST)
            shutil.rmtree(out_dir / REFUSED, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return reports


def _previous_registry(out_dir: Path) -> Previous | None:
    """The registry of the ingest already in ``out_dir``, if its manifest can be read."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return Previous(int(manifest["tables"]["enterprises"]["accepted"]), str(manifest["ingest_date"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _keep_refused(staging: Path, out_dir: Path, manifest: dict, refused: tuple[Refusal, ...]) -> Path:
    """Move a refused run's quarantine and report into ``out_dir/refused/`` (replacing an earlier one's)."""
    kept = staging / REFUSED
    kept.mkdir()
    (staging / QUARANTINE).rename(kept / QUARANTINE)
    report = {**manifest, "refused": [{"table": r.table, "zh": r.zh, "en": r.en} for r in refused]}
    fsio.write_json(kept / REFUSED_REPORT, report)
    shutil.rmtree(out_dir / REFUSED, ignore_errors=True)
    kept.rename(out_dir / REFUSED)
    return out_dir / REFUSED


def _refused_message(raw_dir: Path, out_dir: Path, kept: Path, refused: tuple[Refusal, ...]) -> str:
    """One line: the first three reasons, then the other tables by name (the summary gives each reason)."""
    reasons = "; ".join(f"{r.table} ({contract.table(r.table).label}): {r.en}" for r in refused[:3])
    if len(refused) > 3:
        reasons += f"; and {len(refused) - 3} more tables ({', '.join(r.table for r in refused[3:])})"
    return (
        f"{raw_dir}: ingest refused (导入被拒绝): {reasons}; {out_dir} was left as it was, and every quarantined row "
        f"with its rule is in {kept / QUARANTINE}"
    )


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
        for batch in read_table_batches(path, table, encoding, BATCH_ROWS):
            raw = conform(batch, table, path)
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


def _manifest(reports: dict[str, TableReport], today: dt.date, encoding: str | None, limits: Limits) -> dict:
    return {
        "ingest_date": today.isoformat(),
        "encoding": encoding or "detected: UTF-8, else GB18030",
        "limits": {"max_quarantined": limits.max_quarantined, "max_registry_loss": limits.max_registry_loss},
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
