"""Which file of a raw folder holds each table of the data contract.

A table's file is named after the table (``penalties``) or its Chinese name (``行政处罚``, the
contract's label), in any letter case and width (NFKC: ``Penalties.CSV``, ``１２３１５投诉举报.xlsx``),
with one of the suffixes :data:`SUFFIXES`.  Every problem is found before any table is read and
reported in one error naming the folder: every table that has no file (with the files that matched
no table, in case one was misnamed), and every table that has more than one (``enterprises.csv``
beside ``enterprises.parquet``, or ``enterprises.csv`` beside ``市场主体登记信息.xlsx``) — never one
of them picked silently.  Hidden files and Excel's lock files (``~$…``) are not tables.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path, PurePath

from xinyong.errors import InputFileError
from xinyong.ingest.contract import Table

SUFFIXES = (".parquet", ".csv", ".xlsx", ".xls")


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _is_table_file(name: str) -> bool:
    return not name.startswith((".", "~$")) and PurePath(name).suffix.lower() in SUFFIXES


def table_files(raw_dir: Path, names: Iterable[str], tables: tuple[Table, ...]) -> dict[str, Path]:
    """The file of every table among ``names`` (the files of ``raw_dir``); one :class:`InputFileError` listing
    every table with no file and every table with several."""
    candidates = sorted(n for n in names if _is_table_file(n))
    owner = {_folded(alias): t.name for t in tables for alias in (t.name, t.label)}
    found: dict[str, list[str]] = {t.name: [] for t in tables}
    unmatched = []
    for name in candidates:
        table = owner.get(_folded(PurePath(name).stem))
        if table is None:
            unmatched.append(name)
        else:
            found[table].append(name)
    problems = []
    missing = [t for t in tables if not found[t.name]]
    if missing:
        listed = ", ".join(f"{t.name} ({t.label})" for t in missing)
        problems.append(
            f"{len(missing)} of {len(tables)} tables missing: {listed}; name each file after its table or its "
            f"Chinese name, ending {', '.join(SUFFIXES)} (e.g. {missing[0].name}.csv or {missing[0].label}.xlsx)"
            + (f"; files that match no table: {', '.join(unmatched)}" if unmatched else "")
        )
    for t in tables:
        if len(found[t.name]) > 1:
            *first, last = found[t.name]
            problems.append(
                f"table {t.name} ({t.label}) is in {len(found[t.name])} files, {', '.join(first)} and {last}; keep one"
            )
    if problems:
        raise InputFileError(raw_dir, "; ".join(problems))
    return {t.name: raw_dir / found[t.name][0] for t in tables}
