"""What a command is given is checked before anything is read in bulk or written: whole messages."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from xinyong.errors import XinyongError
from xinyong.workspace import checks
from xinyong.workspace.layout import FEATURES, MANIFEST, TIERS


def _message(call, *args) -> str:
    with pytest.raises(XinyongError) as caught:
        call(*args)
    return str(caught.value)


def test_an_output_folder_is_not_a_file_nor_an_input_nor_inside_one(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("x", encoding="utf-8")
    (tmp_path / "raw").mkdir()
    assert (
        _message(checks.output_folder, tmp_path / "f.txt")
        == f"{tmp_path / 'f.txt'}: is a file, not a folder to write into"
    )
    assert _message(checks.output_folder, tmp_path / "raw", tmp_path / "raw") == (
        f"{tmp_path / 'raw'}: is also an input; write the output elsewhere"
    )
    assert _message(checks.output_folder, tmp_path / "raw" / "out", tmp_path / "raw") == (
        f"{tmp_path / 'raw' / 'out'}: is inside the input folder {tmp_path / 'raw'}; write the output elsewhere"
    )
    assert _message(checks.output_folder, tmp_path / "f.txt" / "out") == (
        f"{tmp_path / 'f.txt' / 'out'}: {tmp_path / 'f.txt'} is a file, so nothing can be written under it"
    )
    checks.output_folder(tmp_path / "new" / "deeper", tmp_path / "raw")  # apart and makeable: no error


def test_an_output_file_is_not_a_folder(tmp_path: Path) -> None:
    assert _message(checks.output_file, tmp_path) == f"{tmp_path}: is a folder, not a file to write"
    checks.output_file(tmp_path / "features.parquet")


def test_a_clean_folder_is_one_ingest_wrote(tmp_path: Path) -> None:
    made = "make one with `xinyong ingest`"
    assert _message(checks.clean_folder, tmp_path / "none") == f"{tmp_path / 'none'}: no such clean folder; {made}"
    (tmp_path / "f").write_text("x", encoding="utf-8")
    assert _message(checks.clean_folder, tmp_path / "f") == f"{tmp_path / 'f'}: is a file, not a clean folder; {made}"
    assert _message(checks.clean_folder, tmp_path) == f"{tmp_path}: not a clean folder (it has no {MANIFEST}); {made}"
    (tmp_path / MANIFEST).write_text("{}", encoding="utf-8")
    assert _message(checks.clean_folder, tmp_path) == (
        f"{tmp_path / 'enterprises.parquet'}: missing; run `xinyong ingest` into this folder first"
    )


def test_a_model_folder_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "model.txt").write_text("x", encoding="utf-8")
    assert _message(checks.model_folder, tmp_path / "model.txt") == (
        f"{tmp_path / 'model.txt'}: is a file, not a model folder (the folder `xinyong model train --out` writes)"
    )
    checks.model_folder(tmp_path)


def test_a_table_file_has_the_columns_of_its_kind(tmp_path: Path) -> None:
    made = "make one with `xinyong tiers`"
    features = tmp_path / "features.parquet"
    pl.DataFrame({"uscc": ["x"], "as_of": ["2026-10-31"]}).write_parquet(features)
    checks.table_file(features, FEATURES)
    assert _message(checks.table_file, features, TIERS) == (
        f"{features}: not a tier file: it has no column score, model_tier, tier, rules; {made}"
    )
    assert _message(checks.table_file, tmp_path, TIERS) == f"{tmp_path}: is a folder, not a tier file; {made}"
    assert _message(checks.table_file, tmp_path / "no.parquet", TIERS) == (
        f"{tmp_path / 'no.parquet'}: no such tier file; {made}"
    )
    (tmp_path / "t.csv").write_text("uscc\n", encoding="utf-8")
    assert _message(checks.table_file, tmp_path / "t.csv", TIERS) == (
        f"{tmp_path / 't.csv'}: not a Parquet file, so not a tier file; {made}"
    )
