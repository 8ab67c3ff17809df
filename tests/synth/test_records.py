"""Department records rise with each firm's hidden risk."""

from __future__ import annotations

from pathlib import Path

import polars as pl


def test_records_rise_with_true_risk(default_region: Path, truth: pl.DataFrame) -> None:
    risk = truth.select("uscc", pl.mean_horizontal(pl.exclude("uscc")).alias("risk"))
    top = risk.filter(pl.col("risk") >= pl.col("risk").quantile(0.9))
    bottom = risk.filter(pl.col("risk") <= pl.col("risk").quantile(0.5))
    for table in ("penalties", "complaints_12315", "abnormal_operations", "court_dishonest_debtors"):
        events = pl.read_parquet(default_region / f"{table}.parquet").group_by("uscc").len()
        rate = lambda group, events=events: group.join(events, on="uscc", how="left")["len"].fill_null(0).mean()  # noqa: E731
        assert rate(top) > 3 * rate(bottom), table
