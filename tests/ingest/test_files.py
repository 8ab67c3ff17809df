"""Each table's file is found by its name or its Chinese name, in any case; every missing or doubled table is
named in one error, and no file is ever picked over another."""

from __future__ import annotations

from pathlib import Path

import pytest

from xinyong.errors import InputFileError
from xinyong.ingest import contract
from xinyong.ingest.files import table_files

TABLES = contract.tables()
EVERY = [f"{t.name}.parquet" for t in TABLES]


def test_names_and_chinese_names_in_any_case_and_width_with_any_table_suffix() -> None:
    names = [n for n in EVERY if not n.startswith(("penalties", "enterprises", "complaints_12315", "inspectors."))]
    names += ["Penalties.CSV", "市场主体登记信息.xls", "１２３１５投诉举报.XLSX", "执法检查人员名录.csv"]
    names += [".hidden.csv", "~$执法检查人员名录.xlsx", "region.json", "说明.txt"]
    found = table_files(Path("raw"), names, TABLES)
    assert found["penalties"] == Path("raw/Penalties.CSV")
    assert found["enterprises"] == Path("raw/市场主体登记信息.xls")
    assert found["complaints_12315"] == Path("raw/１２３１５投诉举报.XLSX")
    assert found["inspectors"] == Path("raw/执法检查人员名录.csv")
    assert found["tax_credit_ratings"] == Path("raw/tax_credit_ratings.parquet")
    assert len(found) == len(TABLES)


def test_every_missing_table_is_listed_at_once_with_the_files_that_matched_none() -> None:
    names = [n for n in EVERY if not n.startswith(("penalties", "complaints_12315"))] + ["Penalties_2024.csv"]
    with pytest.raises(InputFileError) as caught:
        table_files(Path("raw"), names, TABLES)
    assert str(caught.value) == (
        "raw: 2 of 14 tables missing: penalties (行政处罚), complaints_12315 (12315投诉举报); name each file after "
        "its table or its Chinese name, ending .parquet, .csv, .xlsx, .xls (e.g. penalties.csv or 行政处罚.xlsx); "
        "files that match no table: Penalties_2024.csv"
    )


def test_a_table_in_two_files_is_an_error_naming_both_never_a_silent_choice() -> None:
    names = [*EVERY, "enterprises.csv", "行政处罚.xlsx", "PENALTIES.parquet"]
    with pytest.raises(InputFileError) as caught:
        table_files(Path("raw"), names, TABLES)
    assert str(caught.value) == (
        "raw: table enterprises (市场主体登记信息) is in 2 files, enterprises.csv and enterprises.parquet; keep one; "
        "table penalties (行政处罚) is in 3 files, PENALTIES.parquet, penalties.parquet and 行政处罚.xlsx; keep one"
    )


def test_missing_and_doubled_tables_are_reported_together() -> None:
    names = [n for n in EVERY if not n.startswith("inspections")] + ["enterprises.xlsx"]
    with pytest.raises(InputFileError) as caught:
        table_files(Path("raw"), names, TABLES)
    message = str(caught.value)
    assert message.startswith("raw: 1 of 14 tables missing: inspections (历史双随机抽查结果); ")
    assert message.endswith(
        "; table enterprises (市场主体登记信息) is in 2 files, enterprises.parquet and enterprises.xlsx; keep one"
    )
