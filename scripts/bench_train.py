"""Benchmark: training the risk model on 10^6 labelled rows with the 60 catalog indicators.

A region of 10^6 firms has only ~2 × 10^5 real inspection labels, so for this timing every live
firm, as of the ends of two consecutive months, gets a label drawn from the generator's truth for
the month after (an evaluation may read truth/; the pipeline never does); the first 10^6 rows are
used. The rows are split 60/20/20 by a fixed scramble; the model is
the project's own (monotone constraints, early stopping, Platt calibration, 2 threads). The
baseline in the same run is one plain `lightgbm.train` of the same number of rounds without
constraints or calibration, so the ratio shows what they cost.

    .venv/bin/python scripts/bench_train.py --clean /work/bench/e6c --truth /work/bench/e6/truth
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np
import polars as pl

from xinyong.indicators.catalog import catalog
from xinyong.indicators.features import build_features, live_spine
from xinyong.indicators.run import scan_clean
from xinyong.model import metrics
from xinyong.model.training import region_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clean", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--as-of", default="2026-09-30")
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    earlier = as_of.replace(day=1) - dt.timedelta(days=1)
    next_month = {d: (d + dt.timedelta(days=1)).strftime("%Y-%m") for d in (earlier, as_of)}

    tables = scan_clean(args.clean)
    spine = pl.concat([live_spine(tables, d) for d in (earlier, as_of)])
    frame = build_features(tables, spine).collect().head(1_000_000)
    truth = pl.read_parquet(args.truth / "propensity.parquet", columns=["uscc", *next_month.values()])
    long = truth.unpivot(index="uscc", variable_name="month", value_name="p")
    frame = frame.with_columns(pl.col("as_of").replace_strict(next_month, return_dtype=pl.Utf8).alias("month"))
    frame = frame.join(long, on=["uscc", "month"], how="left", maintain_order="left")
    rng = np.random.default_rng(7)
    y = (rng.random(frame.height) < frame["p"].to_numpy()).astype(np.int8)
    part = (np.arange(frame.height) * 2_654_435_761) % 10
    names = [i.name for i in catalog()]
    X = frame.select(names)
    train, valid, test = part < 6, (part >= 6) & (part < 8), part >= 8
    w = np.ones(frame.height)
    print(
        f"{frame.height:,} labelled rows × {len(names)} indicators; train {train.sum():,} / valid {valid.sum():,} / "
        f"holdout {test.sum():,}"
    )

    start = time.perf_counter()
    model = region_model().fit(
        X.filter(train), y[train], w[train], X_valid=X.filter(valid), y_valid=y[valid], sample_weight_valid=w[valid]
    )
    ours = time.perf_counter() - start
    auc = metrics.auc(y[test], model.predict_risk(X.filter(test)))
    oracle = metrics.auc(y[test], frame["p"].to_numpy()[test])
    print(
        f"xinyong RiskModel: {ours:6.1f} s, {model.best_iteration_} trees (+{model.early_stopping_rounds} past the "
        "best), "
        f"holdout AUC {auc:.4f} (oracle {oracle:.4f})"
    )

    rounds = model.best_iteration_ + model.early_stopping_rounds
    params = {
        "objective": "binary",
        "learning_rate": model.learning_rate,
        "num_leaves": model.num_leaves,
        "num_threads": 2,
        "verbosity": -1,
        "seed": 1,
    }
    data = lgb.Dataset(
        model._matrix(X.filter(train)), y[train], categorical_feature=[names.index(c) for c in model.categorical]
    )
    start = time.perf_counter()
    lgb.train(params, data, num_boost_round=rounds)
    plain = time.perf_counter() - start
    print(f"plain lightgbm.train, {rounds} rounds, no constraints: {plain:6.1f} s")
    print(f"ratio xinyong / plain: {ours / plain:.2f}x   (limit for the issue: 180 s for xinyong)")


if __name__ == "__main__":
    main()
