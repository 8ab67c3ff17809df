"""Training tables and their splits: out of time in region mode, 60/20/20 in generic mode."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from xinyong.errors import InputFileError, UsageError
from xinyong.model.training import (
    INGESTED,
    LABEL,
    PERIOD,
    WEIGHT,
    LabelSource,
    data_hash,
    generic_split,
    label_account,
    read_any,
    split_by_month,
)


def _monthly(months: int) -> pl.DataFrame:
    starts = [dt.date(2024 + (m // 12), m % 12 + 1, 1) for m in range(months)]
    return pl.DataFrame({PERIOD: [d for d in starts for _ in range(3)], "uscc": [f"F{i}" for i in range(3 * months)]})


def test_split_by_month_holds_out_the_last_months_and_validates_on_the_ones_before() -> None:
    split = split_by_month(_monthly(18))
    months = sorted(set(_monthly(18)[PERIOD]))
    assert sorted(set(split.holdout[PERIOD])) == months[-6:]
    assert sorted(set(split.valid[PERIOD])) == months[-9:-6]
    assert sorted(set(split.train[PERIOD])) == months[:-9]
    assert split.train.height + split.valid.height + split.holdout.height == 54
    assert split.id_column == "uscc"


def test_split_by_month_needs_fifteen_months() -> None:
    with pytest.raises(UsageError) as caught:
        split_by_month(_monthly(14))
    assert str(caught.value) == "out-of-time training needs at least 15 months of labels, got 14"


def test_data_hash_changes_with_any_value_and_with_the_schema() -> None:
    table = pl.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    assert data_hash(table) == data_hash(table.clone())
    assert data_hash(table) != data_hash(table.with_columns(pl.Series("a", [1, 2, 4])))
    assert data_hash(table) != data_hash(table.cast({"a": pl.Int32}))


def test_generic_split_by_a_time_column_trains_on_the_past(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    n = 1_000
    path = tmp_path / "t.csv"
    pl.DataFrame(
        {
            "t": rng.permutation(n),
            "x": rng.normal(size=n),
            "kind": rng.choice(["a", "b"], n),
            "y": rng.integers(0, 2, n),
        }
    ).write_csv(path)
    split = generic_split(path, "y", time_column="t")
    assert split.features == ["x", "kind"] and split.categorical == ("kind",)
    assert split.train["t"].max() < split.valid["t"].min() and split.valid["t"].max() < split.holdout["t"].min()
    assert (split.train.height, split.valid.height, split.holdout.height) == (599, 200, 201)
    assert set(split.train[WEIGHT]) == {1.0} and set(split.train[LABEL]) == {0, 1}


def test_generic_split_without_a_time_column_is_the_same_every_time(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pl.DataFrame({"x": range(500), "y": [i % 2 for i in range(500)]}).write_parquet(path)
    first, second = generic_split(path, "y"), generic_split(path, "y")
    assert (
        first.holdout.equals(second.holdout) and first.train.height + first.valid.height + first.holdout.height == 500
    )
    assert not first.holdout["x"].is_sorted() or first.holdout["x"].min() < 400  # scrambled, not the file's tail


def test_read_any_names_the_file_and_the_problem(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        read_any(tmp_path / "none.csv")
    assert str(caught.value) == f"{tmp_path / 'none.csv'}: no such file"
    (tmp_path / "t.xlsx").write_bytes(b"x")
    with pytest.raises(InputFileError) as caught:
        read_any(tmp_path / "t.xlsx")
    assert str(caught.value) == f"{tmp_path / 't.xlsx'}: unsupported file type '.xlsx'; use .csv or .parquet"
    (tmp_path / "t.parquet").write_bytes(b"not parquet")
    with pytest.raises(InputFileError) as caught:
        read_any(tmp_path / "t.parquet")
    assert str(caught.value).startswith(f"{tmp_path / 't.parquet'}: not readable (")


def test_the_label_account_says_per_source_what_was_used_and_why_the_rest_was_not() -> None:
    day = dt.date(2026, 10, 31)
    outcomes = pl.DataFrame(
        {
            "round": [None, None, None, "330802-2026-10", "330802-2026-10", "330802-2026-11"],
            "as_of": [dt.date(2026, 8, 31), dt.date(2026, 8, 31), dt.date(2026, 10, 31)]
            + [dt.date(2026, 9, 30)] * 2
            + [dt.date(2026, 10, 31)],
            "label": [1, None, 0, 0, 1, 1],
        },
        schema_overrides={"label": pl.Int8},
    )
    used = outcomes.filter(pl.col("label").is_not_null() & (pl.col("as_of") < dt.date(2026, 10, 1)))
    account = label_account(outcomes, used, day, {"330802-2026-10": 3, "330802-2026-11": 0}, ["330802-2026-12"])
    assert account == (
        LabelSource(INGESTED, used=1, unlabelled=1, after_as_of=1),
        LabelSource("330802-2026-10", used=2, pending=3),
        LabelSource("330802-2026-11", after_as_of=1),
        LabelSource("330802-2026-12", unfinished=True),
    )
    assert [source.describe(day) for source in account] == [
        "inspections: 1 labels used; not used: 1 inspected in a month ending after --as-of 2026-10-31; 1 results "
        "whose codes give no label (their 1/π weight goes to the labelled inspections of their class)",
        "330802-2026-10: 2 labels used; not used: 3 results not imported yet (待录入)",
        "330802-2026-11: 0 labels used; not used: 1 inspected in a month ending after --as-of 2026-10-31",
        "330802-2026-12: not used — the round is not finalised, so none of it is inspection history yet",
    ]
