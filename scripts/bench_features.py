"""Benchmark: the 60 catalog indicators for every live firm, polars (the project's code) against pandas.

The pandas baseline below computes the same catalog the same way (merge each source table onto the
spine, filter the window, group by firm), written as a pandas user would. Both run in this process
on the same clean tables; the script checks they agree on every indicator before it prints times.

    .venv/bin/python scripts/bench_features.py --clean /work/bench/e6c     # a 10^6-firm ingest
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from xinyong.indicators.catalog import DAYS_SINCE_CAP, catalog
from xinyong.indicators.features import build_features, live_spine
from xinyong.indicators.run import scan_clean
from xinyong.ingest import contract

KEYS = ["uscc", "as_of"]


def pandas_features(tables: dict[str, pd.DataFrame], spine: pd.DataFrame, indicators=None) -> pd.DataFrame:
    indicators = indicators or catalog()
    result = spine[KEYS].copy()
    reg = spine.merge(tables["enterprises"], on="uscc", how="left")
    registry = {
        "age_months": (reg["as_of"].dt.year - reg["established"].dt.year) * 12
        + reg["as_of"].dt.month
        - reg["established"].dt.month,
        "log_capital": np.log(reg["registered_capital"] + 1),
        "is_individual": (reg["entity_type"] == "个体工商户").astype("int8"),
        "entity_type": reg["entity_type"],
        "industry_code": reg["industry_code"],
        "industry_section": reg["industry_code"].str[0],
        "grid": reg["grid"],
    }
    columns: dict[str, pd.Series] = {}
    for i in indicators:
        if i.kind == "registry":
            columns[i.name] = registry[i.column].to_numpy()
    by_table: dict[str, list] = {}
    for i in indicators:
        if i.kind in ("count", "amount", "days_since", "active"):
            by_table.setdefault(i.table, []).append(i)
    for table, members in by_table.items():
        joined = spine[KEYS].merge(tables[table], on="uscc", how="inner")
        aggregated = {}
        for i in members:
            where = joined[i.where[0]].isin(i.where[1]) if i.where else pd.Series(True, index=joined.index)
            if i.kind == "active":
                start, end = i.column.split(":")
                mask = (
                    (joined[start] <= joined["as_of"]) & (joined[end].isna() | (joined[end] > joined["as_of"])) & where
                )
                aggregated[i.name] = mask.groupby([joined["uscc"], joined["as_of"]]).any().astype("int8")
                continue
            date = joined[i.column]
            mask = (date <= joined["as_of"]) & where
            if i.window_months:
                mask &= date > joined["as_of"] - pd.DateOffset(months=i.window_months)
            group = [joined["uscc"], joined["as_of"]]
            if i.kind == "count":
                aggregated[i.name] = mask.groupby(group).sum()
            elif i.kind == "amount":
                aggregated[i.name] = joined[i.amount].where(mask, 0.0).groupby(group).sum()
            else:
                last = date.where(mask).groupby(group).max()
                aggregated[i.name] = (last.index.get_level_values("as_of") - last).dt.days.clip(upper=DAYS_SINCE_CAP)
        frame = pd.DataFrame(aggregated).reset_index()
        merged = spine[KEYS].merge(frame, on=KEYS, how="left")
        for i in members:
            columns[i.name] = merged[i.name].fillna(DAYS_SINCE_CAP if i.kind == "days_since" else 0).to_numpy()
    reports = spine[KEYS].merge(tables["annual_reports"], on="uscc", how="inner")
    deadline = pd.to_datetime((reports["report_year"] + 1).astype(str) + "-06-30")
    filed = reports["filed_date"]
    late = {
        "missed": filed.isna() | (filed > deadline) | (filed > reports["as_of"]),
        "unfiled": filed.isna() | (filed > reports["as_of"]),
    }
    for i in indicators:
        if i.kind == "annual_report":
            window = (deadline <= reports["as_of"]) & (
                deadline > reports["as_of"] - pd.DateOffset(months=i.window_months)
            )
            counts = (
                (late[i.column] & window)
                .groupby([reports["uscc"], reports["as_of"]])
                .sum()
                .rename(i.name)
                .reset_index()
            )
            columns[i.name] = spine[KEYS].merge(counts, on=KEYS, how="left")[i.name].fillna(0).to_numpy()
    ratings = spine[KEYS].merge(tables["tax_credit_ratings"], on="uscc", how="inner")
    ratings = ratings[pd.to_datetime((ratings["rating_year"] + 1).astype(str) + "-04-01") <= ratings["as_of"]]
    latest = spine[KEYS].merge(
        ratings.sort_values("rating_year").groupby(KEYS, as_index=False).last(), on=KEYS, how="left"
    )
    tax = {
        "level": latest["rating"].map({"A": 1, "B": 2, "M": 2, "C": 3, "D": 4}),
        "cd": latest["rating"].isin(["C", "D"]).astype("int8"),
        "missing": latest["rating"].isna().astype("int8"),
    }
    for i in indicators:
        if i.kind == "tax":
            columns[i.name] = tax[i.column].to_numpy()
    relations = [i for i in indicators if i.kind == "relation"]
    if relations:
        firms = tables["enterprises"][["uscc", "legal_rep_id", "established", "status", "status_date"]]
        siblings = (
            spine[KEYS]
            .merge(firms[["uscc", "legal_rep_id"]], on="uscc")
            .merge(firms.rename(columns={"uscc": "sibling"}), on="legal_rep_id")
        )
        siblings = siblings[
            (siblings["sibling"] != siblings["uscc"]) & (siblings["established"] <= siblings["as_of"])
        ].copy()
        siblings["revoked"] = ((siblings["status"] == "吊销") & (siblings["status_date"] <= siblings["as_of"])).astype(
            "int8"
        )
        base = [i for i in catalog() if i.name in {r.column for r in relations}]
        sib_spine = (
            siblings[["sibling", "as_of"]].drop_duplicates().rename(columns={"sibling": "uscc"}).reset_index(drop=True)
        )
        sib = pandas_features(tables, sib_spine, tuple(base)).rename(columns={"uscc": "sibling"})
        joined = siblings[[*KEYS, "sibling", "revoked"]].merge(sib, on=["sibling", "as_of"], how="left")
        flags = {i.name for i in base if i.kind == "active" or (i.kind == "tax" and i.column == "cd")} | {"revoked"}
        grouped = joined.groupby(KEYS)
        agg = {
            r.name: (
                grouped.size()
                if r.column == "firms"
                else grouped[r.column].mean()
                if r.column in flags
                else grouped[r.column].sum()
            )
            for r in relations
        }
        frame = pd.DataFrame(agg).reset_index()
        merged = spine[KEYS].merge(frame, on=KEYS, how="left")
        for r in relations:
            columns[r.name] = merged[r.name].fillna(0).to_numpy()
    for i in indicators:
        result[i.name] = columns[i.name]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clean", type=Path, required=True, help="a clean folder written by `xinyong ingest`")
    parser.add_argument("--as-of", default="2026-10-31")
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)

    start = time.perf_counter()
    lazy = scan_clean(args.clean)
    ours = build_features(lazy, live_spine(lazy, as_of)).collect()
    polars_seconds = time.perf_counter() - start

    start = time.perf_counter()
    tables = {t.name: pd.read_parquet(args.clean / f"{t.name}.parquet") for t in contract.tables()}
    for frame in tables.values():
        for column in frame.columns:
            if frame[column].dtype == object and column.endswith(
                ("date", "established", "start", "declared", "expiry")
            ):
                frame[column] = pd.to_datetime(frame[column])
    spine = (
        live_spine({k: pl.scan_parquet(args.clean / f"{k}.parquet") for k in ("enterprises",)}, as_of)
        .collect()
        .to_pandas()
    )
    spine["as_of"] = pd.to_datetime(spine["as_of"])
    theirs = pandas_features(tables, spine)
    pandas_seconds = time.perf_counter() - start

    mismatched = []
    for i in catalog():
        a = ours[i.name].to_numpy()
        b = theirs[i.name].to_numpy()
        if i.categorical:
            same = np.array_equal(a.astype(str), b.astype(str))
        else:
            same = np.allclose(a.astype(float), b.astype(float), equal_nan=True, rtol=1e-9, atol=1e-9)
        if not same:
            mismatched.append(i.name)
    if mismatched:
        raise SystemExit(f"pandas and polars disagree on: {', '.join(mismatched)}")
    print(
        f"{ours.height:,} live firms × {len(catalog())} indicators, as of {as_of}; both implementations agree on "
        "every value"
    )
    print(
        f"polars (xinyong.indicators.features, lazy): {polars_seconds:7.2f} s  {ours.height / polars_seconds:12,.0f} "
        "firms/s"
    )
    print(f"pandas baseline (same catalog):  {pandas_seconds:7.2f} s  {ours.height / pandas_seconds:12,.0f} firms/s")
    print(f"speed-up polars / pandas: {pandas_seconds / polars_seconds:.1f}x")


if __name__ == "__main__":
    main()
