"""The month's tiers on the default region: rules fire on the right firms, tiers order risk, files stay internal."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest

from tests.conftest import CHAMPION, INGEST_DAY, POLICY
from xinyong.errors import UsageError
from xinyong.indicators.features import build_features
from xinyong.indicators.run import scan_clean, write_features
from xinyong.ingest.run import ingest
from xinyong.model.estimator import RiskModel
from xinyong.model.labels import inspection_labels
from xinyong.model.labels import read_policy as label_policy
from xinyong.tiers.assign import assign_tiers, cutoffs_for
from xinyong.tiers.policy import read_policy
from xinyong.tiers.run import run_tiers

AS_OF = dt.date(2026, 10, 31)


@pytest.fixture(scope="module")
def month(default_region: Path, tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("tiers")
    ingest(default_region, root / "clean", today=INGEST_DAY)
    write_features(root / "clean", AS_OF, root / "internal" / "features.parquet")
    summary = run_tiers(
        root / "internal" / "features.parquet",
        CHAMPION,
        POLICY,
        root / "internal" / "tiers.parquet",
    )
    return {"root": root, "summary": summary, "tiers": pl.read_parquet(root / "internal" / "tiers.parquet")}


def _active(raw: pl.DataFrame, start: str, end: str) -> set[str]:
    on = raw.filter((pl.col(start) <= AS_OF) & (pl.col(end).is_null() | (pl.col(end) > AS_OF)))
    return set(on["uscc"])


def _fired(tiers: pl.DataFrame, rule: str) -> pl.DataFrame:
    return tiers.filter(pl.col("rules").str.split(";").list.contains(rule))


def test_r1_fires_on_exactly_the_live_firms_on_the_dishonesty_list(month, default_region: Path) -> None:
    listed = _active(pl.read_parquet(default_region / "serious_dishonesty.parquet"), "listed_date", "removed_date")
    fired = _fired(month["tiers"], "R1")
    assert set(fired["uscc"]) == listed & set(month["tiers"]["uscc"]) and fired.height > 50
    assert (fired["tier"] == "D").all()


def test_r2_fires_on_exactly_the_live_firms_on_the_abnormal_list(month, default_region: Path) -> None:
    listed = _active(pl.read_parquet(default_region / "abnormal_operations.parquet"), "listed_date", "removed_date")
    fired = _fired(month["tiers"], "R2")
    assert set(fired["uscc"]) == listed & set(month["tiers"]["uscc"]) and fired.height > 1000
    assert fired["tier"].is_in(["C", "D"]).all()
    assert (fired["model_tier"].is_in(["A", "B"])).any()  # the rule really raised some firms


def test_r3_fires_on_new_firms_without_any_record(month, default_region: Path) -> None:
    firms = pl.read_parquet(default_region / "enterprises.parquet")
    months_old = (
        (AS_OF.year - firms["established"].dt.year()) * 12
        + AS_OF.month
        - firms["established"].dt.month().cast(pl.Int32)
    )
    new = set(firms.filter(months_old < 6)["uscc"])
    dates = {
        "penalties": "decided_date",
        "complaints_12315": "received_date",
        "abnormal_operations": "listed_date",
        "serious_dishonesty": "listed_date",
        "court_dishonest_debtors": "published_date",
        "inspections": "inspection_date",
    }
    with_records = set()
    for table, column in dates.items():
        with_records |= set(
            pl.read_parquet(default_region / f"{table}.parquet").filter(pl.col(column) <= AS_OF)["uscc"]
        )
    expected = (new - with_records) & set(month["tiers"]["uscc"])
    fired = _fired(month["tiers"], "R3")
    assert set(fired["uscc"]) == expected and fired.height > 100
    assert (fired["tier"] == "B").all()


def test_summary_counts_match_the_file(month) -> None:
    tiers, summary = month["tiers"], month["summary"]
    assert summary.counts == {t: int((tiers["tier"] == t).sum()) for t in "ABCD"}
    assert summary.rules == {r: _fired(tiers, r).height for r in ("R1", "R2", "R3")}


def test_c_and_d_firms_have_reasons_in_chinese_and_others_do_not(month) -> None:
    tiers = month["tiers"]
    cd = tiers.filter(pl.col("tier").is_in(["C", "D"]))
    assert cd["reason_1"].null_count() < cd.height * 0.01
    assert cd["reason_1"].drop_nulls().str.contains(r"[\u4e00-\u9fff]").all()
    assert (
        tiers.filter(pl.col("tier").is_in(["A", "B"]))["reason_1"].null_count()
        == tiers.filter(pl.col("tier").is_in(["A", "B"])).height
    )


def test_the_tier_report_names_a_score_that_moved(month) -> None:
    import json

    from xinyong.tiers.run import write_tier_report

    internal = month["root"] / "internal"
    shifted = month["tiers"].with_columns((pl.col("score") * 0.2).alias("score"))  # last month: far lower scores
    shifted.write_parquet(internal / "tiers-shifted.parquet")
    report = write_tier_report(
        internal / "tiers.parquet", internal / "tiers-shifted.parquet", month["root"] / "clean", internal / "r.html"
    )
    assert "score" in report.alerts and report.page == internal / "r.html" and report.page.is_file()
    assert tuple(json.loads(report.data.read_text(encoding="utf-8"))["alerts"]) == report.alerts


def test_the_tier_file_is_marked_internal(month) -> None:
    metadata = pq.read_metadata(month["root"] / "internal" / "tiers.parquet").metadata
    assert metadata[b"xinyong.classification"] == b"internal"
    assert set(metadata) >= {b"xinyong.notice", b"xinyong.cutoffs", b"xinyong.policy"}  # the keys readers look up


def test_tiers_refuse_to_be_written_outside_an_internal_folder(month, tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        run_tiers(
            month["root"] / "internal" / "features.parquet",
            CHAMPION,
            POLICY,
            tmp_path / "public" / "t.parquet",
        )
    assert (
        str(caught.value)
        == f"{tmp_path / 'public' / 't.parquet'}: tier files are internal; write them under an internal/ folder"
    )


def test_weighted_violation_rate_rises_a_to_d_on_the_holdout(month, default_region: Path) -> None:
    """Acceptance: on the model's holdout months, 1/π-weighted observed rates rise strictly A→D, as the truth does."""
    tables = scan_clean(month["root"] / "clean")
    model = RiskModel.load(CHAMPION)
    policy = read_policy(POLICY)
    holdout = model.metadata_["split"]["holdout"]
    labels = (
        inspection_labels(tables["inspections"], label_policy()).filter(pl.col("round_month").is_in(holdout)).collect()
    )
    features = build_features(tables, labels.lazy().select("uscc", "as_of")).collect()
    scored = features.with_columns(pl.Series("score", model.predict_risk(features.select(model.features_))))
    tiers = assign_tiers(scored, policy, cutoffs_for(policy, scored["score"].to_numpy(), model.metadata_["cutoffs"]))
    truth = pl.read_parquet(default_region / "truth" / "propensity.parquet").unpivot(
        index="uscc", variable_name="round_month", value_name="p"
    )
    joined = labels.with_row_index().join(tiers.with_row_index(), on="index").join(truth, on=["uscc", "round_month"])
    rates = (
        joined.group_by("tier")
        .agg(
            ((pl.col("label") * pl.col("weight")).sum() / pl.col("weight").sum()).alias("observed"),
            ((pl.col("p") * pl.col("weight")).sum() / pl.col("weight").sum()).alias("truth"),
        )
        .sort("tier")
    )
    assert np.all(np.diff(rates["observed"].to_numpy()) > 0), rates
    rising_months = []
    for month_label in holdout:  # the truth is in that order in every single holdout month …
        one = (
            joined.filter(pl.col("round_month") == month_label)
            .group_by("tier")
            .agg(
                ((pl.col("label") * pl.col("weight")).sum() / pl.col("weight").sum()).alias("observed"),
                ((pl.col("p") * pl.col("weight")).sum() / pl.col("weight").sum()).alias("truth"),
            )
            .sort("tier")
        )
        assert np.all(np.diff(one["truth"].to_numpy()) > 0), (month_label, one)
        if np.all(np.diff(one["observed"].to_numpy()) > 0):
            rising_months.append(month_label)
    # … and with ~400 labels a month, the observed rates rise strictly in some single months too.
    assert rising_months, "no single holdout month where observed rates rise strictly"


def test_explain_prints_tier_rules_and_reasons(month) -> None:
    firm = _fired(month["tiers"], "R2").filter(pl.col("tier") == "D")["uscc"][0]
    env = {**os.environ, "COLUMNS": "200"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "xinyong.cli",
            "explain",
            firm,
            "--tiers",
            str(month["root"] / "internal" / "tiers.parquet"),
            "--model",
            str(CHAMPION),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{firm}  信用风险分类 tier D")
    assert lines[1] == "  规则 rules: R2"
    assert lines[3].startswith("    1. ") and any("\u4e00" <= ch <= "\u9fff" for ch in lines[3])
