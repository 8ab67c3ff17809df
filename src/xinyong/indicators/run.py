"""``xinyong features``: read the clean tables, compute the indicators (:mod:`xinyong.indicators.features`), write them.

The edge of the stage: :func:`scan_clean` opens every clean table written by ``xinyong ingest``
lazily; :func:`write_features` computes the indicators of every live enterprise on a day and
writes them to Parquet (atomically, :mod:`xinyong.workspace.fsio`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from xinyong.indicators.features import build_features, live_spine
from xinyong.ingest import contract
from xinyong.workspace import checks, fsio
from xinyong.workspace.layout import clean_table


def scan_clean(clean_dir: Path) -> dict[str, pl.LazyFrame]:
    """Lazy scans of every clean table written by ``xinyong ingest``."""
    checks.clean_folder(clean_dir)
    return {table.name: pl.scan_parquet(clean_table(clean_dir, table.name)) for table in contract.tables()}


def write_features(clean_dir: Path, as_of: dt.date, out: Path) -> int:
    """``xinyong features``: the indicators of every live enterprise on ``as_of``, to Parquet."""
    tables = scan_clean(clean_dir)
    checks.output_file(out, clean_dir)
    frame = build_features(tables, live_spine(tables, as_of)).collect()
    fsio.write_parquet(out, frame)
    return frame.height
