"""Inspection results of a round: import from the form inspectors fill in, corrections, and status.

``import_results`` reads one 抽查检查结果录入表 (xlsx, xls or CSV; :func:`xinyong.ingest.contract.results_form`;
the sheet and its header are found as :mod:`xinyong.workspace.tables` says) for one round, reads its cells as
offices type them (:mod:`xinyong.results.form`), validates its columns (:mod:`xinyong.ingest.validate`) and checks
every filled-in row against the round and its past results (:mod:`xinyong.results.check`).  Rows with no result
yet are 待录入: counted and listed by row, never rejected, so a form comes back in batches — import it again as
more rows are filled in, and the rows already imported are recognised and left as they are.  One bad row
rejects the whole file: all bad rows are listed by row (as Excel numbers it), column, rule and the value read in a
CSV under ``results/rejected/`` (Chinese headers, UTF-8 with BOM for Excel), and no result is written.  Importing
the same file again adds nothing.  An import holds the round's lock (:func:`xinyong.rounds.stage.changing`): a
second import of the same round at the same time is refused with the pid of the first, never merged with it, so
no result is lost; run it again.

Every 记录号 is keyed by the work root's secret (:func:`record_key`, ``OUT/private/record-id.key``: 32 random
bytes saved, mode 0600 and atomically, with the first records made with it — so a refused import writes nothing
— holding its own lock, so that two first imports never save two keys; :mod:`xinyong.results.check`).

``results_status`` reads a round's teams, results and the log and lists, for each staffed target,
whether its result is awaited, recorded or published, with its due date or, where the official calendar of
that time is not out yet, the year that is missing (:mod:`xinyong.results.status`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from xinyong.core.calendar import NO_SUPPLEMENT, Supplement
from xinyong.core.canonical import jsonl, records_of
from xinyong.core.ids import RoundId
from xinyong.errors import BusyError, InputFileError, InputRowError, UsageError
from xinyong.ingest.contract import Table, results_form
from xinyong.ingest.validate import validate_table
from xinyong.publish import translog
from xinyong.results.check import PROBLEM_COLUMNS, RoundContext, check_rows, current_results
from xinyong.results.form import read_rows
from xinyong.results.status import status_of, status_table
from xinyong.rounds.staffing import read_staffing
from xinyong.rounds.stage import Stage, changing, require
from xinyong.workspace import fsio, lock
from xinyong.workspace.layout import (
    RECORD_ID_LOCK,
    REJECTED,
    RESULTS_STATUS,
    RESULTS_STORE,
    RoundPaths,
    record_id_key,
)
from xinyong.workspace.tables import LINE, read_table

# The headers of the rejected-rows file, which a clerk opens in Excel.
REJECTED_HEADERS = {"line": "行号", "column": "列", "rule": "规则", "value": "读到的值", "detail": "说明"}


@dataclass(frozen=True)
class Imported:
    round: RoundId
    added: int
    corrections: int
    unchanged: int
    pending: tuple[int, ...] = ()  # the rows 待录入 (no result yet), as Excel numbers them


def read_results(out: Path, round_id: RoundId) -> list[dict]:
    path = RoundPaths(out, round_id).results / RESULTS_STORE
    return records_of(path.read_bytes()) if path.exists() else []


KEY_BYTES = 32


def record_key(out: Path) -> bytes:
    """The secret that keys the 记录号 of the results under ``out``: the saved one, else a new one (32 random
    bytes) that :func:`_keep_key` saves with the first records made with it.  A saved key readable by others,
    or not 32 bytes, is refused."""
    path = record_id_key(out)
    if not path.exists():
        return os.urandom(KEY_BYTES)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise UsageError(f"{path}: the record-id key must be readable by its owner only (chmod 600), not {mode:o}")
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise UsageError(f"{path}: not a record-id key ({len(key)} bytes, not {KEY_BYTES}); restore it from a backup")
    return key


def _keep_key(out: Path, key: bytes) -> None:
    """Save a new record-id key (mode 0600, durably) before any record made with it; one saved is never replaced,
    so a first import of another round that saved its own meanwhile makes this one stop (run it again)."""
    path = record_id_key(out)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with lock.held(path.parent / RECORD_ID_LOCK, f"the record-id key {path}"):
            if not path.exists():
                fsio.write_bytes(path, key, durable=True, mode=0o600)
    if path.read_bytes() != key:
        raise BusyError(f"the record-id key {path}", None)


def import_results(out: Path, path: Path, *, today: dt.date, now: dt.datetime, encoding: str | None = None) -> Imported:
    """Validate ``path`` completely (future dates judged against ``today``; a CSV form's ``encoding`` detected
    when None), then append its new records to the round's store, stamped with ``now``."""
    form = results_form()
    raw = read_table(path, form, encoding, optional_may_be_absent=True)
    rows = read_rows(raw, form.column_names)
    if len(rows.rounds) != 1:
        raise InputFileError(
            path,
            f"holds rows of {len(rows.rounds)} rounds ({', '.join(rows.rounds)}); import one file per round",
        )
    round_id = RoundId.parse(rows.rounds[0], f"{path}: column {form.column('round').label}")
    paths = RoundPaths(out, round_id)
    with changing(paths, Stage.FINALIZED, "results import"):  # one import of a round at a time
        checked = validate_table(rows.filled, form, today, {})
        existing = read_results(out, round_id)
        # validate_table keeps the accepted rows in file order; their lines are the ones not quarantined.
        lines = rows.filled[LINE].filter(~rows.filled[LINE].is_in(checked.quarantined["line"].implode()))
        key = record_key(out)
        new, row_problems = check_rows(
            checked.accepted.with_columns(lines.alias(LINE)), _round_context(paths), existing, path.name, key
        )
        quarantined = checked.quarantined.select(*PROBLEM_COLUMNS, "value").cast({"line": pl.Int64})
        problems = pl.concat([rows.problems, quarantined, row_problems], how="diagonal").sort("line")
        if problems.height:
            _reject(path, paths, form, raw, problems, rows.filled.height + rows.problems.height, len(rows.pending))
        known = {r["id"] for r in existing}
        added = [r for r in new if r["id"] not in known]
        if added:
            _keep_key(out, key)
            stamp = now.astimezone(dt.UTC).replace(microsecond=0).isoformat()
            fsio.write_bytes(
                paths.results / RESULTS_STORE, jsonl(existing + [{**r, "imported_at": stamp} for r in added])
            )
        return Imported(
            round_id, len(added), sum(1 for r in added if r["corrects"]), len(new) - len(added), rows.pending
        )


def _reject(
    path: Path, paths: RoundPaths, form: Table, raw: pl.DataFrame, problems: pl.DataFrame, filled: int, pending: int
) -> None:
    """Write every problem with the value read (the cell as it is in the file; for a repeated key, the key) under
    Chinese headers, and raise the first as one line."""
    labels = {c.name: c.label for c in form.columns}
    cells = {(row[LINE], name): row[name] for row in raw.iter_rows(named=True) for name in form.column_names}
    read = [
        cells.get((line, column), value) for line, column, value in problems.select("line", "column", "value").rows()
    ]
    report_rows = problems.with_columns(pl.Series("value", read, pl.Utf8), pl.col("column").replace(labels)).select(
        list(REJECTED_HEADERS)
    )
    report = paths.results / REJECTED / f"{path.stem}-{hashlib.sha256(path.read_bytes()).hexdigest()[:8]}.csv"
    fsio.write_csv(report, report_rows.rename(REJECTED_HEADERS), bom=True)
    first = report_rows.row(0, named=True)
    waiting = f"; {pending} rows 待录入" if pending else ""
    raise InputRowError(
        path,
        first["line"],
        first["column"],
        first["rule"],
        f"{first['detail']} ({problems['line'].n_unique()} of {filled} filled-in rows rejected, all listed in "
        f"{report}; nothing was imported{waiting})",
    )


def _round_context(paths: RoundPaths) -> RoundContext:
    return RoundContext(paths.round_id.first_day, paths.round_id.last_day, read_staffing(paths))


def results_status(
    out: Path,
    round_id: RoundId,
    today: dt.date,
    public_dir: Path | None = None,
    supplement: Supplement = NO_SUPPLEMENT,
) -> pl.DataFrame:
    """One row per staffed target (:func:`xinyong.results.status.status_of`), published meaning in the
    transparency log of ``public_dir`` (by default ``OUT/public``); due dates on the official calendar,
    with the workspace's ``supplement`` for years the installed one does not know yet."""
    paths = RoundPaths(out, round_id)
    require(paths, Stage.FINALIZED, "results status")
    current = current_results(read_results(out, round_id))
    published = translog.published_dates(public_dir or paths.public_root)
    return status_of(_round_context(paths), current, published, today, supplement)


def write_status(
    out: Path, round_id: RoundId, today: dt.date, supplement: Supplement = NO_SUPPLEMENT
) -> tuple[pl.DataFrame, Path]:
    """The round's status, also written to ``results/status.csv`` (UTF-8 with BOM, Chinese headers and values) for
    Excel (:func:`xinyong.results.status.status_table`)."""
    status = results_status(out, round_id, today, supplement=supplement)
    target = RoundPaths(out, round_id).results / RESULTS_STATUS
    fsio.write_csv(target, status_table(status, round_id.last_day), bom=True)
    return status, target
