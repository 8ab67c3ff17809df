"""``xinyong model train`` and ``model score`` as a person runs them (cli/model.py).

Promotion through the gates is tested on a region model in ``tests/model/test_registry.py``; its
refusals through the command line in ``tests/cli/test_bad_input.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.cli.conftest import Ran
from tests.conftest import NOVEMBER, NOW
from tests.estimate.test_run import partial_form
from xinyong.results.run import import_results


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


def test_train_with_work_says_which_rounds_and_labels_it_used_and_which_it_dropped_and_why(
    xinyong: Callable[..., Ran],
    november_copy: Path,
    november_form: Path,
    round_inputs: dict,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """November's round is finalised and 7 of its results are not imported yet; training as of October's end
    cannot use the rest either: November ends after --as-of.  None of it is dropped silently."""
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    import_results(
        november_copy, partial_form(november_form, tmp_path / "part.csv", 7), today=NOVEMBER.last_day, now=NOW
    )
    imported = pl.read_excel(november_form).height - 7
    model = tmp_path / "model"
    ran = xinyong(
        *("model", "train", "--clean", round_inputs["clean"], "--as-of", "2026-10-31", "--out", model),
        *("--data-dir", tmp_path / "data", "--work", november_copy),
    )
    [clean, november] = json.loads((model / "metadata.json").read_text(encoding="utf-8"))["labels"]
    assert ran.out.splitlines()[:3] == [
        "Labels as of 2026-10-31, by source of inspections:",
        f"  inspections: {clean['used']:,} labels used; not used: {clean['unlabelled']:,} results whose codes give no "
        "label (their 1/π weight goes to the labelled inspections of their class)",
        f"  {NOVEMBER}: 0 labels used; not used: {imported:,} inspected in a month ending after --as-of 2026-10-31; "
        "7 results not imported yet (待录入)",
    ]
    assert (november["source"], november["after_as_of"], november["pending"]) == (str(NOVEMBER), imported, 7)
