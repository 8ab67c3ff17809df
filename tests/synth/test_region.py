"""The generated region: contract-shaped, deterministic, and with risk that behaves like the real thing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tests.conftest import SMALL
from xinyong.core import codes, uscc
from xinyong.errors import UsageError
from xinyong.ingest import contract
from xinyong.synth import RegionSpec, generate_region, read_metadata

VIOLATIONS = ["A", "B", "C", "D", "E"]


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
        assert (small_region / f"{table.name}.csv").is_file()
    assert read_metadata(small_region)["rows"]["enterprises"] == SMALL.enterprises


def test_registry_codes_are_valid_unique_and_local(default_region: Path) -> None:
    firms = pl.read_parquet(default_region / "enterprises.parquet")
    assert firms.height == 60_000
    assert firms["uscc"].n_unique() == 60_000
    assert uscc.valid_mask(firms["uscc"]).all()
    assert (firms["uscc"].str.slice(2, 6) == "330802").all()
    kinds = firms.group_by(firms["uscc"].str.slice(1, 1).alias("kind")).agg(pl.col("entity_type").unique())
    by_kind = {row["kind"]: set(row["entity_type"]) for row in kinds.iter_rows(named=True)}
    assert by_kind["2"] == {"个体工商户"} and by_kind["3"] == {"农民专业合作社"}
    assert set(firms["town"]) == set(contract.towns())
    town_grid = {r["town"]: r["grid"] for r in contract.reference_rows("towns.csv")}
    assert all(town_grid[t] == g for t, g in firms.select("town", "grid").unique().iter_rows())


def test_other_departments_records_reach_back_before_the_first_inspected_month(small_region: Path) -> None:
    meta = read_metadata(small_region)
    assert (meta["burn_in"], meta["first_record_month"], meta["first_month"]) == (24, "2022-11", "2024-11")
    inspected = pl.read_parquet(small_region / "inspections.parquet")["round_month"]
    assert (inspected.min(), inspected.max(), inspected.n_unique()) == ("2024-11", "2026-10", 24)
    penalties = pl.read_parquet(small_region / "penalties.parquet")["decided_date"]
    assert penalties.min().isoformat() < "2023-06-01"
    truth_months = pl.read_parquet(small_region / "truth" / "propensity.parquet").columns[1:]
    assert (truth_months[0], truth_months[-1], len(truth_months)) == ("2024-11", "2026-10", 24)


@pytest.fixture(scope="module")
def truth(default_region: Path) -> pl.DataFrame:
    return pl.read_parquet(default_region / "truth" / "propensity.parquet")


def test_risk_is_concentrated_in_a_minority(truth: pl.DataFrame) -> None:
    last = truth["2026-10"].sort(descending=True).to_numpy()
    top_tenth = last[: len(last) // 10].sum() / last.sum()
    assert top_tenth > 0.35  # a uniform spread would give 0.10
    assert np.median(last) < last.mean()


def test_risk_drifts_slowly(truth: pl.DataFrame) -> None:
    months = [c for c in truth.columns if c != "uscc"]
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    first, nxt, last = (logit(truth[m].to_numpy().astype(float)) for m in (months[0], months[1], months[-1]))
    assert np.corrcoef(first, nxt)[0, 1] > 0.99  # month to month: nearly the same
    assert 0.8 < np.corrcoef(first, last)[0, 1] < 0.99  # over three years: visibly moved


def test_records_rise_with_true_risk(default_region: Path, truth: pl.DataFrame) -> None:
    risk = truth.select("uscc", pl.mean_horizontal(pl.exclude("uscc")).alias("risk"))
    top = risk.filter(pl.col("risk") >= pl.col("risk").quantile(0.9))
    bottom = risk.filter(pl.col("risk") <= pl.col("risk").quantile(0.5))
    for table in ("penalties", "complaints_12315", "abnormal_operations", "court_dishonest_debtors"):
        events = pl.read_parquet(default_region / f"{table}.parquet").group_by("uscc").len()
        rate = lambda group, events=events: group.join(events, on="uscc", how="left")["len"].fill_null(0).mean()  # noqa: E731
        assert rate(top) > 3 * rate(bottom), table


def test_firms_sharing_a_legal_representative_share_risk(default_region: Path, truth: pl.DataFrame) -> None:
    firms = pl.read_parquet(default_region / "enterprises.parquet").select("uscc", "legal_rep_id")
    risk = truth.select("uscc", pl.col("2026-10").log().alias("r")).join(firms, on="uscc")
    shared = risk.filter(pl.len().over("legal_rep_id") >= 2).sort("legal_rep_id", "uscc")
    pairs = shared.group_by("legal_rep_id", maintain_order=True).agg(
        pl.col("r").first().alias("a"), pl.col("r").last().alias("b")
    )
    assert pairs.height > 500
    assert np.corrcoef(pairs["a"], pairs["b"])[0, 1] > 0.25


def test_past_inspections_carry_legacy_selection_bias(default_region: Path, truth: pl.DataFrame) -> None:
    inspections = pl.read_parquet(default_region / "inspections.parquet")
    per_month = inspections.group_by("round_month").len()["len"]
    assert 380 <= per_month.mean() <= 520  # the default region: about 470 a month (README)
    pi = inspections.group_by("round_month", "legacy_tier").agg(pl.col("inclusion_probability").n_unique().alias("k"))
    assert (pi["k"] == 1).all()  # one π per stratum and month: n_h / N_h
    mean_pi = inspections.group_by("legacy_tier").agg(pl.col("inclusion_probability").mean()).sort("legacy_tier")
    assert mean_pi["inclusion_probability"].is_sorted() and mean_pi["inclusion_probability"].n_unique() == 4
    # Inspected firms are riskier than the population (that is the bias 1/π must undo) …
    long = truth.unpivot(index="uscc", variable_name="round_month", value_name="p")
    inspected = inspections.join(long, on=["uscc", "round_month"])
    assert inspected["p"].mean() > 1.3 * truth["2026-10"].mean()
    # … while weighting by 1/π recovers the population's mean (within sampling error).
    weighted = (inspected["p"] / inspected["inclusion_probability"]).sum() / (
        1 / inspected["inclusion_probability"]
    ).sum()
    population = long.join(inspections.select("round_month").unique(), on="round_month")["p"]
    assert weighted == pytest.approx(population.mean(), rel=0.15)


def test_findings_follow_the_truth(default_region: Path, truth: pl.DataFrame) -> None:
    inspections = pl.read_parquet(default_region / "inspections.parquet")
    long = truth.unpivot(index="uscc", variable_name="round_month", value_name="p")
    joined = inspections.join(long, on=["uscc", "round_month"]).filter(pl.col("result_code") != "6")
    observed = joined["result_code"].is_in(VIOLATIONS).mean()
    assert observed == pytest.approx(joined["p"].mean(), rel=0.1)


def test_roster_has_every_department_and_non_enforcement_staff(default_region: Path) -> None:
    roster = pl.read_parquet(default_region / "inspectors.parquet")
    assert 200 <= roster.height <= 600
    enforcement = roster.filter(pl.col("staff_type") == "执法人员")
    assert set(enforcement["department"]) == set(codes.DEPARTMENTS)
    assert (enforcement.group_by("department").len()["len"] >= 2).all()
    others = roster.filter(pl.col("staff_type") != "执法人员")
    assert others.height > 0 and others["cert_no"].is_null().all()
    assert set(roster["pool_level"]) == {0, 1}


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
