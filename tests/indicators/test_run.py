"""``xinyong features``: the indicators of every live firm written to Parquet, from a clean folder only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from xinyong.errors import InputFileError, UsageError
from xinyong.indicators.catalog import catalog
from xinyong.indicators.features import live_spine
from xinyong.indicators.run import scan_clean, write_features

AS_OF = dt.date(2025, 12, 31)


def test_every_live_firm_gets_one_row_of_catalog_columns(small_clean: Path, tmp_path: Path) -> None:
    out = tmp_path / "features.parquet"
    rows = write_features(small_clean, AS_OF, out)
    written = pl.read_parquet(out)
    live = live_spine(scan_clean(small_clean), AS_OF).collect()
    assert written.height == rows == live.height > 0
    assert written.columns == ["uscc", "as_of", *(i.name for i in catalog())]
    assert written["uscc"].to_list() == live["uscc"].to_list() and set(written["as_of"]) == {AS_OF}
    write_features(small_clean, AS_OF, tmp_path / "features.csv")  # a CSV when the name says so
    assert pl.read_csv(tmp_path / "features.csv", try_parse_dates=True).equals(written)


def test_features_are_not_written_into_the_clean_folder(small_clean: Path) -> None:
    out = small_clean / "features.parquet"
    with pytest.raises(UsageError) as caught:
        write_features(small_clean, AS_OF, out)
    assert str(caught.value) == f"{out}: is inside the input folder {small_clean}; write the output elsewhere"
    assert not out.exists()


def test_a_folder_ingest_did_not_write_is_not_scanned(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        scan_clean(tmp_path)
    made = "make one with `xinyong ingest`"
    assert str(caught.value) == f"{tmp_path}: not a clean folder (it has no manifest.json); {made}"
