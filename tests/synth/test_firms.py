"""Generated firms: valid local codes; risk concentrated in a minority, drifting, shared by legal representatives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from xinyong.core import uscc
from xinyong.ingest import contract


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


def test_every_firm_has_an_address_in_its_own_town(small_region: Path) -> None:
    firms = pl.read_parquet(small_region / "enterprises.parquet")
    pattern = r"^浙江省衢州市柯城区(.+?(?:街道|镇|乡))(.+?(?:路|街|大道))([1-9][0-9]*)号$"
    parts = firms["address"].str.extract_groups(pattern)
    assert parts.struct.field("1").to_list() == firms["town"].to_list()  # every address parsed, in its own town
    assert firms["address"].n_unique() > 0.9 * firms.height


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


def test_firms_sharing_a_legal_representative_share_risk(default_region: Path, truth: pl.DataFrame) -> None:
    firms = pl.read_parquet(default_region / "enterprises.parquet").select("uscc", "legal_rep_id")
    risk = truth.select("uscc", pl.col("2026-10").log().alias("r")).join(firms, on="uscc")
    shared = risk.filter(pl.len().over("legal_rep_id") >= 2).sort("legal_rep_id", "uscc")
    pairs = shared.group_by("legal_rep_id", maintain_order=True).agg(
        pl.col("r").first().alias("a"), pl.col("r").last().alias("b")
    )
    assert pairs.height > 500
    assert np.corrcoef(pairs["a"], pairs["b"])[0, 1] > 0.25
