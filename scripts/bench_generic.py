"""Benchmark: generic mode on a public credit dataset, against plain LightGBM and logistic regression.

The German Credit data (data/public/german_credit.csv, 1,000 applicants, `creditability` bad = 1)
goes through `xinyong model train --table` (generic mode: early stopping on a validation part,
Platt calibration). Two baselines are fitted in the same run on the same training part and scored
on the same holdout part: LightGBM with its default parameters, and an L2 logistic regression on
one-hot categories and standardised numbers (scikit-learn). With 1,000 rows the holdout has 200, so
the AUCs come with bootstrap intervals.

    .venv/bin/python scripts/bench_generic.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np
import polars as pl
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from xinyong.model import metrics
from xinyong.model.run import train_generic
from xinyong.model.training import LABEL, generic_split

DATA = Path(__file__).resolve().parent.parent / "data" / "public" / "german_credit.csv"


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        table = Path(scratch) / "german_credit.csv"
        raw = pl.read_csv(DATA)
        raw.with_columns((pl.col("creditability") == "bad").cast(pl.Int8).alias("default")).drop(
            "creditability"
        ).write_csv(table)

        start = time.perf_counter()
        trained = train_generic(table, "default", Path(scratch) / "model")
        ours_seconds = time.perf_counter() - start
        split = generic_split(table, "default")

    train = pl.concat([split.train, split.valid])  # the baselines have no early stopping: give them both parts
    numeric = [f for f in split.features if f not in split.categorical]
    y_train, y_test = train[LABEL].to_numpy(), split.holdout[LABEL].to_numpy()

    def lgb_matrix(frame: pl.DataFrame):
        return frame.select(split.features).to_pandas().astype(dict.fromkeys(split.categorical, "category"))

    start = time.perf_counter()
    default = lgb.LGBMClassifier(verbosity=-1, random_state=0).fit(lgb_matrix(train), y_train)
    default_scores = default.predict_proba(lgb_matrix(split.holdout))[:, 1]
    default_seconds = time.perf_counter() - start

    start = time.perf_counter()
    encoder = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), list(split.categorical)), (StandardScaler(), numeric)
    )
    logistic = make_pipeline(encoder, LogisticRegression(max_iter=2000)).fit(
        train.select(split.features).to_pandas(), y_train
    )
    logistic_scores = logistic.predict_proba(split.holdout.select(split.features).to_pandas())[:, 1]
    logistic_seconds = time.perf_counter() - start

    ours = trained.report["naive"]["auc"]
    print(
        f"German Credit: {raw.height} rows, {len(split.features)} features ({len(split.categorical)} categorical); "
        f"train/valid/holdout {split.train.height}/{split.valid.height}/{split.holdout.height}"
    )
    rows = [
        ("xinyong generic mode", ours, ours_seconds),
        ("LightGBM defaults", metrics.bootstrap(metrics.auc, y_test, default_scores, None).as_dict(), default_seconds),
        (
            "logistic regression",
            metrics.bootstrap(metrics.auc, y_test, logistic_scores, None).as_dict(),
            logistic_seconds,
        ),
    ]
    for name, auc, seconds in rows:
        print(f"{name:>22}: holdout AUC {auc['value']:.3f} [{auc['low']:.3f}, {auc['high']:.3f}]  fit {seconds:5.2f} s")
    print(
        f"ratio of AUC, xinyong / LightGBM defaults: {ours['value'] / rows[1][1]['value']:.3f}; "
        f"/ logistic regression: {ours['value'] / rows[2][1]['value']:.3f}"
    )
    print(
        f"holdout Brier, xinyong (calibrated): {trained.report['naive']['brier']:.4f}; "
        f"LightGBM defaults: {metrics.brier(y_test, default_scores):.4f}; logistic: "
        f"{metrics.brier(y_test, logistic_scores):.4f}"
    )
    assert np.isfinite([r[1]["value"] for r in rows]).all()


if __name__ == "__main__":
    main()
