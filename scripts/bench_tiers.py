"""Benchmark: scoring and tiering 10^7 enterprises against a bare `Booster.predict` on the same matrix.

The indicators of a 10^6-firm region are repeated to 10^7 rows (the scoring cost does not depend on
which firms they are). xinyong's path starts from the polars indicator table: category codes,
LightGBM predict (from polars, through Arrow: no dense copy), calibration, cut-offs and the
policy's override rules. Two baselines run in the same process on the same rows, 2 threads:
`Booster.predict` on the same indicator table (LightGBM 4.7 takes polars), and `Booster.predict`
on a ready C-ordered float64 numpy matrix, LightGBM's fastest input, built outside the timing. Reason codes
(TreeSHAP via `pred_contrib`) are timed separately, for the C and D firms
of the default region.

    .venv/bin/python scripts/bench_tiers.py --clean /work/bench/e6c --region-features out/demo/internal/features.parquet
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import polars as pl

from xinyong.indicators.features import build_features, live_spine
from xinyong.indicators.run import scan_clean
from xinyong.model.estimator import THREADS, RiskModel
from xinyong.tiers.assign import assign_tiers, cutoffs_for
from xinyong.tiers.policy import read_policy
from xinyong.tiers.run import reason_columns
from xinyong.workspace.layout import SHIPPED_CHAMPION, SHIPPED_POLICY


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clean", type=Path, required=True, help="clean folder of a large region (e.g. 10^6 firms)")
    parser.add_argument(
        "--region-features", type=Path, required=True, help="the default region's features (for reason timing)"
    )
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    model = RiskModel.load(SHIPPED_CHAMPION)
    policy = read_policy(SHIPPED_POLICY)

    tables = scan_clean(args.clean)
    base = build_features(tables, live_spine(tables, dt.date(2026, 10, 31))).collect()
    frame = pl.concat([base] * (args.rows // base.height + 1)).head(args.rows)
    print(f"{frame.height:,} rows × {len(model.features_)} indicators; model: {model.best_iteration_} trees")
    table = model.encode(frame)
    start = time.perf_counter()
    model.booster_.predict(table, num_iteration=model.best_iteration_, num_threads=THREADS)
    bare_table = time.perf_counter() - start
    matrix = np.ascontiguousarray(table.cast(pl.Float64).to_numpy())
    start = time.perf_counter()
    model.booster_.predict(matrix, num_iteration=model.best_iteration_, num_threads=THREADS)
    bare_matrix = time.perf_counter() - start
    del matrix, table

    start = time.perf_counter()
    scored = frame.with_columns(pl.Series("score", model.predict_risk(frame.select(model.features_))))
    cutoffs = cutoffs_for(policy, scored["score"].to_numpy(), model.metadata_["cutoffs"])
    tiers = assign_tiers(scored, policy, cutoffs)
    ours = time.perf_counter() - start
    print(f"bare Booster.predict on the indicator table:       {bare_table:7.1f} s")
    print(f"bare Booster.predict on a ready C-order matrix:     {bare_matrix:7.1f} s")
    print(f"xinyong score + tiers from the indicator table:     {ours:7.1f} s  ({tiers.height / ours:,.0f} firms/s)")
    print(
        f"ratio to predict on the same table: {ours / bare_table:.3f}x; to predict on a ready matrix: "
        f"{ours / bare_matrix:.3f}x  (limit 1.2x)"
    )

    region = pl.read_parquet(args.region_features)
    scored = region.with_columns(pl.Series("score", model.predict_risk(region.select(model.features_))))
    tiers = assign_tiers(scored, policy, cutoffs_for(policy, scored["score"].to_numpy(), model.metadata_["cutoffs"]))
    wanted = int(tiers["tier"].is_in(["C", "D"]).sum())
    start = time.perf_counter()
    reason_columns(model, region, tiers)
    reasons = time.perf_counter() - start
    start = time.perf_counter()
    model.contributions(region.select(model.features_))
    everyone = time.perf_counter() - start
    print(
        f"reason codes for the {wanted:,} C/D firms of the default region: {reasons:.2f} s "
        f"(TreeSHAP for all {region.height:,} firms: {everyone:.2f} s)"
    )


if __name__ == "__main__":
    main()
