"""``xinyong features``: read the clean tables, compute the indicators (:mod:`xinyong.indicators.features`), write them.

The edge of the stage: :func:`scan_clean` opens every clean table written by ``xinyong ingest``
lazily — its ``inspections`` being the whole inspection history, the clean folder's and, with a work
folder, every round this system finalised there (:mod:`xinyong.rounds.ledger`), each inspection once;
:func:`write_features` computes the indicators of every live enterprise on a day and writes them to
Parquet (atomically, :mod:`xinyong.workspace.fsio`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from xinyong.errors import InputFileError
from xinyong.indicators.features import build_features, live_spine
from xinyong.ingest import contract
from xinyong.workspace import checks, fsio
from xinyong.workspace.layout import clean_table


def scan_clean(clean_dir: Path, work: Path | None = None, command: str = "features") -> dict[str, pl.LazyFrame]:
    """Lazy scans of every clean table written by ``xinyong ingest``; ``inspections`` is the completed
    inspections of the history (:func:`xinyong.rounds.history.completed`), with the rounds under ``work``."""
    from xinyong.rounds.history import completed
    from xinyong.rounds.ledger import read_history

    checks.clean_folder(clean_dir)
    if work is not None:
        checks.work_folder(work)
    tables = {table.name: pl.scan_parquet(clean_table(clean_dir, table.name)) for table in contract.tables()}
    tables["inspections"] = completed(read_history(clean_dir, work, command)).lazy()
    return tables


# A features file for `xinyong tiers` (Parquet), or for any other program (CSV).
FEATURE_FORMATS = (".parquet", ".csv")


def write_features(clean_dir: Path, as_of: dt.date, out: Path, work: Path | None = None) -> int:
    """``xinyong features``: the indicators of every live enterprise on ``as_of``, to Parquet or CSV (as the
    suffix of ``out`` says); with ``work``, the inspections of its rounds count beside the clean folder's."""
    tables = scan_clean(clean_dir, work)
    checks.output_file(out, clean_dir, formats=FEATURE_FORMATS)
    spine = live_spine(tables, as_of).collect()
    if spine.height == 0:
        firms = tables["enterprises"].select(pl.len()).collect().item()
        raise InputFileError(
            clean_table(clean_dir, "enterprises"),
            f"no enterprise is live on {as_of} (the clean registry holds {firms:,}), so there is nothing to build "
            "indicators for and nothing was written; check --as-of, and the registry's quarantine "
            "(quarantine/enterprises.csv)",
        )
    frame = build_features(tables, spine.lazy()).collect()
    fsio.write_table(out, frame)
    return frame.height
