"""``xinyong model train`` and ``model score`` as a person runs them (cli/model.py).

Promotion through the gates is tested on a region model in ``tests/model/test_registry.py``; its
refusals through the command line in ``tests/cli/test_bad_input.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.cli.conftest import Ran


def test_train_on_a_table_of_ones_own_then_score_it(
    xinyong: Callable[..., Ran], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    rng = np.random.default_rng(3)
    x = rng.normal(size=2_000)
    table = tmp_path / "credit.csv"
    pl.DataFrame(
        {
            "id": range(2_000),
            "x": x,
            "noise": rng.normal(size=2_000),
            "y": (rng.random(2_000) < 1 / (1 + np.exp(-2 * x))),
        }
    ).with_columns(pl.col("y").cast(pl.Int8)).write_csv(table)
    model = tmp_path / "model"
    ran = xinyong(
        "model",
        "train",
        "--table",
        table,
        "--label",
        "y",
        "--id",
        "id",
        "--out",
        model,
        "--data-dir",
        tmp_path / "data",
    )
    auc = float(ran.out.split("Holdout AUC ")[1].split()[0])
    assert 0.75 < auc < 0.95  # the label follows x through a logistic link: the model must find it
    assert ran.out.rstrip().endswith(f"model version 1 → {model}/report.html")
    assert (tmp_path / "data" / "mlflow" / "mlflow.db").is_file()

    scores = tmp_path / "scores.parquet"
    ran = xinyong("model", "score", "--model", model, "--table", table, "--out", scores)
    assert ran.out.split() == f"Scored 2,000 rows → {scores}".split()
    scored = pl.read_parquet(scores).join(pl.read_csv(table), on="id")
    assert scored.columns[:2] == ["id", "score"] and scored.select(pl.corr("score", "x")).item() > 0.9
    for name, read in (("scores.csv", pl.read_csv), ("scores.xlsx", pl.read_excel)):  # the format the name says
        xinyong("model", "score", "--model", model, "--table", table, "--out", tmp_path / name)
        # (an xlsx number keeps 16 significant digits)
        assert_frame_equal(read(tmp_path / name), pl.read_parquet(scores), check_exact=False, rel_tol=1e-15)
