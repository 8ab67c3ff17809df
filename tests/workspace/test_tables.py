"""Raw tables from CSV, Parquet or xlsx, with the row numbers a person sees; whole-file problems in one line."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from xinyong.errors import InputFileError
from xinyong.ingest import contract
from xinyong.workspace.tables import LINE, read_table

TABLE = contract.table("penalties")


def test_csv_rows_are_numbered_as_lines_after_the_header(tmp_path: Path) -> None:
    path = tmp_path / "penalties.csv"
    columns = TABLE.column_names
    path.write_text(",".join(columns) + "\n" + ",".join("x" for _ in columns) + "\n", encoding="utf-8")
    frame = read_table(path, TABLE)
    assert frame[LINE].to_list() == [2]
    assert set(columns) <= set(frame.columns) and frame["record_id"].to_list() == ["x"]


def test_gbk_bytes_read_as_utf8_get_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "penalties.csv"
    path.write_bytes("处罚,x\n".encode("gbk"))
    with pytest.raises(InputFileError) as caught:
        read_table(path, TABLE)
    assert str(caught.value) == f"{path}: not valid utf-8 at byte 0; if it came from a GBK system, pass --encoding gbk"


def test_a_corrupt_parquet_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "penalties.parquet"
    path.write_bytes(b"PAR1 not really")
    with pytest.raises(InputFileError, match="not a readable Parquet file"):
        read_table(path, TABLE)


def test_an_unknown_kind_of_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "penalties.txt"
    path.write_text("x")
    with pytest.raises(InputFileError) as caught:
        read_table(path, TABLE)
    assert str(caught.value) == f"{path}: unsupported file type '.txt'; use .csv, .parquet, .xlsx or .xls"


def test_suffixes_are_read_in_any_letter_case(tmp_path: Path) -> None:
    """Excel on Windows saves PENALTIES.CSV and 行政处罚.XLSX as readily as the lower-case names."""
    frame = pl.DataFrame({c: ["x"] for c in TABLE.column_names})
    frame.write_csv(tmp_path / "Penalties.CSV")
    frame.write_excel(tmp_path / "行政处罚.XLSX")
    for name in ("Penalties.CSV", "行政处罚.XLSX"):
        read = read_table(tmp_path / name, TABLE)
        assert read.drop(LINE).equals(frame) and read[LINE].to_list() == [2], name


def test_parquet_rows_are_numbered_from_one(tmp_path: Path) -> None:
    path = tmp_path / "penalties.parquet"
    pl.DataFrame({c: ["x", "y"] for c in TABLE.column_names}).write_parquet(path)
    assert read_table(path, TABLE)[LINE].to_list() == [1, 2]
