"""Indicators are point-in-time: nothing dated after the as-of day can change a feature."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from xinyong.indicators.catalog import catalog
from xinyong.indicators.features import build_features, live_spine
from xinyong.ingest import contract

AS_OF = dt.date(2025, 12, 31)
EVENT_DATES = {
    "abnormal_operations": "listed_date",
    "serious_dishonesty": "listed_date",
    "penalties": "decided_date",
    "social_insurance_arrears": "arrears_start",
    "court_dishonest_debtors": "published_date",
    "environmental_violations": "found_date",
    "complaints_12315": "received_date",
    "inspections": "inspection_date",
}


@pytest.fixture(scope="module")
def clean_tables(small_clean: Path) -> dict[str, pl.DataFrame]:
    return {t.name: pl.read_parquet(small_clean / f"{t.name}.parquet") for t in contract.tables()}


def features(tables: dict[str, pl.DataFrame], as_of: dt.date = AS_OF) -> pl.DataFrame:
    lazy = {k: v.lazy() for k, v in tables.items()}
    return build_features(lazy, live_spine(lazy, as_of)).collect()


def after(days: int) -> pl.Expr:
    return pl.lit(AS_OF + dt.timedelta(days=days))


def test_records_after_the_as_of_date_change_no_feature(clean_tables) -> None:
    before = features(clean_tables)
    leaked = dict(clean_tables)
    for name, column in EVENT_DATES.items():
        # Every record again, dated after the as-of day (new ids so they are distinct records).
        offset = pl.duration(days=1 + pl.int_range(pl.len()) % 90)
        copies = clean_tables[name].with_columns((pl.lit(AS_OF) + offset).cast(pl.Date).alias(column))
        if "record_id" in copies.columns:
            copies = copies.with_columns(pl.col("record_id").str.replace(r"-(\d{4})-", "-2099-"))
        leaked[name] = pl.concat([clean_tables[name], copies])
    # Removals and filings that happen after the as-of day must not count either.
    leaked["abnormal_operations"] = leaked["abnormal_operations"].with_columns(
        pl.when(pl.col("removed_date").is_null() & (pl.col("listed_date") <= AS_OF))
        .then(after(5))
        .otherwise("removed_date")
        .alias("removed_date")
    )
    leaked["annual_reports"] = clean_tables["annual_reports"].with_columns(
        pl.when(pl.col("filed_date").is_null()).then(after(3)).otherwise("filed_date").alias("filed_date")
    )
    leaked["tax_credit_ratings"] = pl.concat(
        [
            clean_tables["tax_credit_ratings"],
            clean_tables["tax_credit_ratings"]
            .filter(pl.col("rating_year") == 2024)
            .with_columns(pl.lit(2025).cast(pl.Int64).alias("rating_year"), pl.lit("D").alias("rating")),
        ]
    )
    leaked["enterprises"] = clean_tables[
        "enterprises"
    ].with_columns(  # deregistered after the as-of day: still live then
        pl.when(pl.col("status") == "存续").then(pl.lit("注销")).otherwise("status").alias("status"),
        pl.when(pl.col("status") == "存续").then(after(10)).otherwise("status_date").alias("status_date"),
    )
    assert features(leaked).equals(before)


def test_moving_a_record_before_the_as_of_date_does_change_features(clean_tables) -> None:
    """The control for the test above: the same kind of edit, on the right side of the date, shows."""
    before = features(clean_tables)
    penalty = clean_tables["penalties"].filter(pl.col("decided_date") > AS_OF).row(0, named=True)
    moved = dict(clean_tables)
    moved["penalties"] = clean_tables["penalties"].with_columns(
        pl.when(pl.col("record_id") == penalty["record_id"])
        .then(pl.lit(AS_OF))
        .otherwise("decided_date")
        .alias("decided_date")
    )
    changed = features(moved).filter(pl.col("uscc") == penalty["uscc"]).row(0, named=True)
    old = before.filter(pl.col("uscc") == penalty["uscc"]).row(0, named=True)
    assert changed["penalties_12m"] == old["penalties_12m"] + 1
    assert changed["penalty_days_since"] == 0


def test_every_catalog_indicator_is_a_column_in_order(clean_tables) -> None:
    frame = features(clean_tables)
    assert frame.columns == ["uscc", "as_of", *(i.name for i in catalog())]
    assert frame["uscc"].n_unique() == frame.height


def _tiny(enterprises: list[dict], **tables: list[dict]) -> dict[str, pl.DataFrame]:
    result = {}
    for table in contract.tables():
        rows = enterprises if table.name == "enterprises" else tables.get(table.name, [])
        schema = {
            c.name: {"string": pl.Utf8, "int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "month": pl.Utf8}[
                c.kind
            ]
            for c in table.columns
        }
        result[table.name] = pl.DataFrame(rows, schema=schema)
    return result


def _firm(uscc: str, rep: str) -> dict:
    return {
        "uscc": uscc,
        "name": "x",
        "entity_type": "有限责任公司",
        "industry_code": "F52",
        "registered_capital": 10.0,
        "established": dt.date(2020, 1, 1),
        "town": "府山街道",
        "grid": "西",
        "station": "府山市场监管所",
        "status": "存续",
        "status_date": None,
        "legal_rep_id": rep,
    }


def test_relation_indicators_count_the_other_firms_of_the_legal_representative() -> None:
    firms = [_firm("X", "LR1"), _firm("Y", "LR1"), _firm("Z", "LR1"), _firm("W", "LR2")]
    listing = {
        "record_id": "YC-2025-000000001",
        "uscc": "Y",
        "listed_date": dt.date(2025, 7, 1),
        "reason": "未按规定报送年度报告",
        "removed_date": None,
    }
    frame = features(_tiny(firms, abnormal_operations=[listing])).sort("uscc")
    rows = {r["uscc"]: r for r in frame.iter_rows(named=True)}
    assert (rows["X"]["rep_firms"], rows["X"]["rep_abnormal_share"]) == (2, 0.5)
    assert (rows["Y"]["rep_firms"], rows["Y"]["rep_abnormal_share"], rows["Y"]["abnormal_listed"]) == (2, 0.0, 1)
    assert (rows["W"]["rep_firms"], rows["W"]["rep_abnormal_share"]) == (0, 0.0)


def test_tax_rating_counts_from_its_publication_on_1_april() -> None:
    ratings = [{"uscc": "X", "rating_year": 2024, "rating": "B"}, {"uscc": "X", "rating_year": 2025, "rating": "D"}]
    tables = _tiny([_firm("X", "LR1")], tax_credit_ratings=ratings)
    march = features(tables, dt.date(2026, 3, 31)).row(0, named=True)
    april = features(tables, dt.date(2026, 4, 1)).row(0, named=True)
    assert (march["tax_rating_level"], march["tax_rating_cd"]) == (2, 0)
    assert (april["tax_rating_level"], april["tax_rating_cd"]) == (4, 1)
    assert features(_tiny([_firm("X", "LR1")]), dt.date(2026, 4, 1)).row(0, named=True)["tax_rating_missing"] == 1


def test_annual_report_missed_counts_the_30_june_deadline() -> None:
    reports = [
        {"uscc": "X", "report_year": 2024, "filed_date": dt.date(2025, 7, 2)},
        {"uscc": "X", "report_year": 2023, "filed_date": dt.date(2024, 6, 30)},
    ]
    row = features(_tiny([_firm("X", "LR1")], annual_reports=reports), dt.date(2025, 12, 31)).row(0, named=True)
    assert (row["reports_missed_3y"], row["reports_unfiled_3y"]) == (1, 0)
    early = features(_tiny([_firm("X", "LR1")], annual_reports=reports), dt.date(2025, 7, 1)).row(0, named=True)
    assert (early["reports_missed_3y"], early["reports_unfiled_3y"]) == (1, 1)
