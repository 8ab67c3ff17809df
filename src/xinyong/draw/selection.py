"""Selection of the inspection targets (spec §5): the n_h smallest keys of every (plan, stratum).

This is simple random sampling without replacement inside each stratum, with inclusion
probability π = n_h / N_h, written as the unreduced fraction ``"n_h/N_h"``.  It depends on nothing
but the seed and the frame records (v1: the (plan, uscc) pairs; v2: with each record's salt in its key):
not on row order, and not on how the frame is split — each shard proposes its n_h smallest keys per
stratum and :func:`finalize` keeps the smallest of the proposals, which is exactly the one-shot draw.

``selection.jsonl`` (auditor-only in v2) holds key, π, plan, rank, stratum and uscc of each selected pair;
v2's public list ``selected.jsonl`` (:func:`selected_records`) holds only plan and uscc, sorted by
(plan, uscc) bytes: no key, rank, stratum or π, so nothing public reveals a tier.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from xinyong.draw.keys import V1, Version, unit_keys

# plan → stratum label → count
PlanSizes = Mapping[str, Mapping[str, int]]
SELECTION_COLUMNS = ["key", "pi", "plan", "rank", "stratum", "uscc"]


def stratum_sizes(frame: pl.DataFrame) -> dict[str, dict[str, int]]:
    """N_h per plan and stratum of a frame (plan, salt, stratum, uscc)."""
    sizes: dict[str, dict[str, int]] = {}
    for plan, stratum, count in frame.group_by("plan", "stratum").len().sort("plan", "stratum").iter_rows():
        sizes.setdefault(plan, {})[stratum] = count
    return sizes


def candidates(frame: pl.DataFrame, sample_sizes: PlanSizes, seed: bytes, version: Version = V1) -> pl.DataFrame:
    """The keys of every record and, per (plan, stratum), the n_h smallest of them."""
    parts = []
    for (plan,), rows in frame.group_by("plan"):
        salts = rows["salt"].to_list() if version.salted else None
        keys = pl.Series("key", unit_keys(seed, plan, rows["uscc"].to_list(), version=version, salts=salts), pl.Binary)
        keyed = rows.select("plan", "stratum", "uscc").with_columns(keys)
        wanted = pl.col("stratum").replace_strict(dict(sample_sizes.get(plan, {})), default=0, return_dtype=pl.Int64)
        parts.append(keyed.filter(pl.col("key").rank("ordinal").over("stratum") <= wanted))
    if not parts:
        return pl.DataFrame(schema={"plan": pl.Utf8, "stratum": pl.Utf8, "uscc": pl.Utf8, "key": pl.Binary})
    return pl.concat(parts)


def _size_table(sample_sizes: PlanSizes, sizes: PlanSizes) -> pl.DataFrame:
    rows = [(p, h, n, sizes[p][h]) for p, strata in sample_sizes.items() for h, n in strata.items()]
    return pl.DataFrame(rows, schema={"plan": pl.Utf8, "stratum": pl.Utf8, "n": pl.Int64, "N": pl.Int64}, orient="row")


def finalize(proposals: pl.DataFrame, sample_sizes: PlanSizes, sizes: PlanSizes) -> pl.DataFrame:
    """Keep the n_h smallest proposed keys per (plan, stratum); add rank and π; sort by (plan, key)."""
    ranked = proposals.with_columns(pl.col("key").rank("ordinal").over("plan", "stratum").cast(pl.Int64).alias("rank"))
    joined = ranked.join(_size_table(sample_sizes, sizes), on=["plan", "stratum"], how="inner")
    return (
        joined.filter(pl.col("rank") <= pl.col("n"))
        .with_columns(pl.col("key").bin.encode("hex"), pl.format("{}/{}", "n", "N").alias("pi"))
        .sort("plan", "key")
        .select(SELECTION_COLUMNS)
    )


def draw_selection(frame: pl.DataFrame, sample_sizes: PlanSizes, seed: bytes, version: Version = V1) -> pl.DataFrame:
    """The selection of one frame: one record per selected (plan, uscc), per spec §5."""
    return finalize(candidates(frame, sample_sizes, seed, version), sample_sizes, stratum_sizes(frame))


def selection_records(selection: pl.DataFrame) -> list[dict[str, Any]]:
    """The selection as ``selection.jsonl`` records (rank as an integer, the rest strings)."""
    return selection.select(SELECTION_COLUMNS).to_dicts()


def selected_records(selection: pl.DataFrame) -> list[dict[str, Any]]:
    """v2's public ``selected.jsonl``: plan and uscc of each selected pair, sorted by (plan, uscc) bytes."""
    return sorted(
        selection.select("plan", "uscc").to_dicts(),
        key=lambda r: (r["plan"].encode("utf-8"), r["uscc"].encode("utf-8")),
    )
