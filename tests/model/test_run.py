"""Training end to end in region and generic mode: deterministic files, a report, honest errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tests.conftest import INGEST_DAY
from xinyong.errors import InputFileError, UsageError
from xinyong.indicators.catalog import catalog
from xinyong.ingest.run import ingest
from xinyong.model.run import score_table, train_generic, train_region

AS_OF = dt.date(2026, 10, 31)


@pytest.fixture(scope="module")
def default_clean(default_region: Path, tmp_path_factory) -> Path:
    clean = tmp_path_factory.mktemp("clean-default")
    ingest(default_region, clean, today=INGEST_DAY)
    return clean


@pytest.fixture(scope="module")
def trained(default_clean: Path, default_region: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("model") / "m"
    train_region(default_clean, AS_OF, out, truth_dir=default_region / "truth")
    return out


def test_training_twice_gives_byte_identical_model_files(default_clean: Path, trained: Path, tmp_path: Path) -> None:
    train_region(default_clean, AS_OF, tmp_path / "again")
    for name in ("model.txt", "metadata.json"):
        assert (tmp_path / "again" / name).read_bytes() == (trained / name).read_bytes(), name


def test_report_has_every_figure_naive_and_weighted(trained: Path) -> None:
    report = json.loads((trained / "report.json").read_text(encoding="utf-8"))
    for version in ("naive", "weighted"):
        for metric in ("auc", "gini", "ks"):
            value = report[version][metric]
            assert value["low"] <= value["value"] <= value["high"]
        assert 0 < report[version]["brier"] < 0.25 and len(report[version]["reliability"]) >= 5
    assert set(report["tiers"]) == {"A", "B", "C", "D"}
    assert {"score"} <= set(report["psi"]) and len(report["psi"]["features"]) == len(catalog())
    html = (trained / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 4 and "特征重要性" in html and "内部资料" in html


def test_the_metadata_says_what_the_inspections_gave_and_what_they_did_not(trained: Path) -> None:
    metadata = json.loads((trained / "metadata.json").read_text(encoding="utf-8"))
    [source] = metadata["labels"]  # no --work: the clean inspections table alone
    assert source["source"] == "inspections" and source["used"] == sum(metadata["rows"].values())
    assert (source["after_as_of"], source["pending"], source["unfinished"]) == (0, 0, False)
    assert source["unlabelled"] > 0  # code 6 (unreachable) and the like carry no label


def test_weighting_by_inverse_pi_recovers_the_true_rate(trained: Path) -> None:
    overall = json.loads((trained / "report.json").read_text(encoding="utf-8"))["overall"]
    assert overall["weighted_relative_error"] < 0.10  # acceptance: within 10% of the truth
    assert overall["naive_relative_error"] > 0.3  # and the naive rate is visibly biased


def test_tier_rates_rise_on_the_holdout(trained: Path) -> None:
    tiers = json.loads((trained / "report.json").read_text(encoding="utf-8"))["tiers"]
    rates = [tiers[t]["weighted"]["value"] for t in "ABCD"]
    assert rates == sorted(rates) and len(set(rates)) == 4


def test_model_scores_the_monthly_features(trained: Path, default_clean: Path, tmp_path: Path) -> None:
    from xinyong.indicators.run import write_features

    rows = write_features(default_clean, AS_OF, tmp_path / "f.parquet")
    assert score_table(trained, tmp_path / "f.parquet", tmp_path / "s.parquet") == rows
    scores = pl.read_parquet(tmp_path / "s.parquet")
    assert scores.columns == ["uscc", "score"] and scores["score"].is_between(0, 1).all()


def test_region_training_needs_enough_months(default_clean: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        train_region(default_clean, dt.date(2024, 6, 30), tmp_path / "m")
    assert str(caught.value) == "out-of-time training needs at least 15 months of labels, got 8"


def _credit_table(path: Path, n: int = 3000) -> Path:
    rng = np.random.default_rng(4)
    income = rng.lognormal(8, 0.5, n)
    purpose = rng.choice(["car", "home", "education"], n)
    logit = -1.0 - 0.0004 * (income - 3000) + (purpose == "education")
    pl.DataFrame(
        {
            "customer": [f"C{i}" for i in range(n)],
            "income": income,
            "purpose": purpose,
            "default": (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int),
        }
    ).write_csv(path)
    return path


def test_generic_mode_trains_on_any_table(tmp_path: Path) -> None:
    table = _credit_table(tmp_path / "credit.csv")
    trained = train_generic(table, "default", tmp_path / "m", id_column="customer")
    assert trained.holdout.naive.auc > 0.6 and trained.run_id is None and trained.version is None
    metadata = json.loads((tmp_path / "m" / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["features"] == ["income", "purpose"] and metadata["categories"]["purpose"] == [
        "car",
        "education",
        "home",
    ]
    score_table(tmp_path / "m", table, tmp_path / "scores.csv")
    assert pl.read_csv(tmp_path / "scores.csv").columns == ["customer", "score"]


def test_generic_mode_errors_name_the_file_and_column(tmp_path: Path) -> None:
    table = _credit_table(tmp_path / "credit.csv")
    with pytest.raises(InputFileError) as caught:
        train_generic(table, "bad", tmp_path / "m")
    assert str(caught.value) == f"{table}: no label column 'bad'; columns are customer, income, purpose, default"
    with pytest.raises(InputFileError) as caught:
        train_generic(table, "purpose", tmp_path / "m")
    assert (
        str(caught.value)
        == f"{table}: label column 'purpose' must hold two values 0/1, found ['car', 'education', 'home']"
    )


def test_report_renders_chinese_as_text_in_a_real_browser(trained: Path) -> None:
    from tests.browser import ARTIFACTS, page

    with page() as (tab, errors):
        tab.goto((trained / "report.html").as_uri())
        assert errors == []
        # The plots' Chinese labels are SVG text, drawn by the browser with a CJK font: no boxes.
        svg_text = tab.locator("svg text").all_text_contents()
        assert any("假阳性率" in t for t in svg_text) and any("增益" in t for t in svg_text)
        assert tab.evaluate("document.fonts.check(\"16px 'Noto Sans CJK SC'\", '特征重要性')")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "model-report.png"), full_page=True)
    assert (ARTIFACTS / "model-report.png").stat().st_size > 50_000
