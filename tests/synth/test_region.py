"""The generated region: contract-shaped, deterministic, and with risk that behaves like the real thing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import SMALL
from xinyong.errors import UsageError
from xinyong.ingest import contract
from xinyong.synth import RegionSpec, generate_region, read_metadata


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_files_and_another_seed_does_not(small_region: Path, tmp_path: Path) -> None:
    generate_region(tmp_path / "again", SMALL)
    assert digest(tmp_path / "again") == digest(small_region)
    generate_region(tmp_path / "other", RegionSpec(SMALL.enterprises, SMALL.months, SMALL.end_month, seed=12))
    assert digest(tmp_path / "other")["enterprises.parquet"] != digest(small_region)["enterprises.parquet"]


def test_every_contract_table_is_written_with_its_columns(small_region: Path) -> None:
    for table in contract.tables():
        frame = pl.read_parquet(small_region / f"{table.name}.parquet")
        assert frame.columns == list(table.column_names)
        assert frame.height > 0, table.name
        assert (small_region / "csv" / f"{table.name}.csv").is_file()  # apart: a table in two files is refused
        assert not (small_region / f"{table.name}.csv").exists()
    metadata = read_metadata(small_region)
    assert metadata is not None and metadata.rows["enterprises"] == SMALL.enterprises and metadata.spec == SMALL


def test_other_departments_records_reach_back_before_the_first_inspected_month(small_region: Path) -> None:
    meta = read_metadata(small_region)
    assert meta is not None and (meta.burn_in, meta.first_record_month, meta.first_month) == (24, "2022-11", "2024-11")
    inspected = pl.read_parquet(small_region / "inspections.parquet")["round_month"]
    assert (inspected.min(), inspected.max(), inspected.n_unique()) == ("2024-11", "2026-10", 24)
    penalties = pl.read_parquet(small_region / "penalties.parquet")["decided_date"]
    assert penalties.min().isoformat() < "2023-06-01"
    truth_months = pl.read_parquet(small_region / "truth" / "propensity.parquet").columns[1:]
    assert (truth_months[0], truth_months[-1], len(truth_months)) == ("2024-11", "2026-10", 24)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (RegionSpec(enterprises=10), "--enterprises must be at least 1000, got 10"),
        (RegionSpec(months=3), "--months must be between 13 and 120, got 3"),
        (RegionSpec(burn_in=61), "--burn-in must be between 0 and 60, got 61"),
        (RegionSpec(end_month="2026-13"), "--end-month must be YYYY-MM, got '2026-13'"),
    ],
)
def test_bad_sizes_are_refused(spec: RegionSpec, message: str, tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        generate_region(tmp_path, spec)
    assert str(caught.value) == message


QUJIANG = tuple(
    contract.Town(town, grid, station, "330803")
    for town, grid, station in (
        ("樟潭街道", "衢江东", "樟潭市场监管所"),
        ("高家镇", "衢江东", "高家市场监管所"),
        ("杜泽镇", "衢江西", "杜泽市场监管所"),
    )
)


def test_a_city_region_of_two_districts(tmp_path: Path) -> None:
    """柯城区's shipped towns and three of 衢江区's: each firm's USCC and name carry its town's district, each
    district has its own stations, units and officers, and the city's officers sit in the next pool up."""
    spec = RegionSpec(enterprises=1000, months=13, towns=(*contract.shipped_towns(), *QUJIANG))
    metadata = generate_region(tmp_path, spec)
    assert (metadata.division, metadata.divisions) == ("330800", ["330802", "330803"])
    assert read_metadata(tmp_path) == metadata and metadata.spec == spec
    firms = pl.read_parquet(tmp_path / "enterprises.parquet").with_columns(
        pl.col("uscc").str.slice(2, 6).alias("division")
    )
    towns = {t.town: t for t in spec.towns}
    assert all(towns[town].division == division for town, division in firms.select("town", "division").iter_rows())
    assert 400 < firms.filter(pl.col("division") == "330803").height < 600  # each district its equal share
    qujiang = firms.filter(pl.col("division") == "330803")
    assert set(qujiang["station"]) == {t.station for t in QUJIANG} and set(qujiang["grid"]) == {"衢江东", "衢江西"}
    shops = qujiang.filter(pl.col("entity_type") == "个体工商户")["name"]
    companies = qujiang.filter(pl.col("entity_type") != "个体工商户")["name"]
    assert shops.str.starts_with("衢江区").all() and companies.str.starts_with("衢州").all()
    branches = qujiang.filter(pl.col("entity_type") == "分支机构")["name"]
    assert branches.len() > 0 and branches.str.ends_with("有限公司衢江分公司").all()
    roster = pl.read_parquet(tmp_path / "inspectors.parquet")
    assert set(roster["division"]) == {"330802", "330803", "330800"}
    assert set(roster.filter(pl.col("pool_level") == 1)["division"]) == {"330800"}
    units = set(roster.filter(pl.col("department") == "税务")["station"])
    assert units == {"柯城区税务局稽查局", "衢江区税务局稽查局"}
    local = roster.filter(pl.col("pool_level") == 0)
    assert (local["id_card_no"].str.slice(0, 6) == local["division"]).all()  # born where they serve
    market = local.filter((pl.col("department") == "市场监管") & (pl.col("division") == "330803"))
    assert set(market["station"]) <= {t.station for t in QUJIANG} and set(market["grid"]) <= {"衢江东", "衢江西"}
