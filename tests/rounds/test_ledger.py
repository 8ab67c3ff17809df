"""Month after month in one work folder: each finalised round and its results are inspection history for the
next frame, the next teams, the indicators and the training labels — and a department's newer inspections
table that already holds a round's inspections adds nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import CHAMPION, NOW, POLICY, finalised_round
from xinyong.core.canonical import records_of
from xinyong.core.ids import RoundId
from xinyong.draw.plans import parse_plans_json
from xinyong.indicators.run import scan_clean, write_features
from xinyong.model.labels import read_policy
from xinyong.model.training import region_table
from xinyong.publish.run import disclose
from xinyong.publish.translog import verify_log
from xinyong.results.check import current_results
from xinyong.results.run import import_results, read_results
from xinyong.rounds.ledger import read_history, work_rounds
from xinyong.rounds.tasks import write_task_lists
from xinyong.synth.outcomes import simulate_results
from xinyong.tiers.run import run_tiers
from xinyong.workspace.layout import RoundPaths

ROUNDS = [RoundId.parse(f"330802-{month}", "ROUND") for month in ("2026-11", "2026-12", "2027-01")]


@pytest.fixture(scope="module")
def months(small_inputs: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three consecutive monthly rounds in one work folder, each on tiers from indicators that count the
    rounds before it: frame → commit → reveal → draw → assign → finalize → tasks → results → disclose."""
    out = tmp_path_factory.mktemp("months") / "out"
    clean = small_inputs["clean"]
    for round_id in ROUNDS:
        internal = out / "internal" / round_id.month
        (out / "internal").mkdir(parents=True, exist_ok=True)
        write_features(clean, round_id.first_day - dt.timedelta(days=1), internal / "features.parquet", out)
        run_tiers(internal / "features.parquet", CHAMPION, POLICY, internal / "tiers.parquet")
        finalised_round(out, small_inputs, round_id, internal / "tiers.parquet")
        write_task_lists(out, round_id, clean)
        form = out / f"form-{round_id.month}.xlsx"
        simulate_results(out, round_id, small_inputs["truth"], clean, form, last_day=round_id.last_day)
        import_results(out, form, today=round_id.last_day, now=NOW)
        disclose(out, out / "public", clean, today=round_id.last_day)
    verify_log(out / "public")
    return out


def inspected(out: Path, round_id: RoundId) -> pl.DataFrame:
    """The round's results as (uscc, item_id, ended, team), one row per item of the result's plan, read
    from its files alone."""
    paths = RoundPaths(out, round_id)
    plans = parse_plans_json((paths.audit / "plans.json").read_bytes())
    rows = [
        (r["uscc"], item, dt.date.fromisoformat(r["ended"]), r["team"])
        for r in current_results(read_results(out, round_id)).values()
        for item in plans[r["plan"]].items
    ]
    return pl.DataFrame(rows, schema=["uscc", "item_id", "ended", "team"], orient="row")


def test_no_firm_inspected_for_a_plans_items_in_its_window_is_framed_again_unless_its_tier_is_exempt(
    months: Path,
) -> None:
    assert work_rounds(months) == ROUNDS
    for k, round_id in enumerate(ROUNDS[1:], start=1):
        paths = RoundPaths(months, round_id)
        plans = parse_plans_json((paths.audit / "plans.json").read_bytes())
        frame = pl.DataFrame(records_of((paths.audit / "frame.jsonl").read_bytes()))
        earlier = pl.concat([inspected(months, r) for r in ROUNDS[:k]])
        repeats = 0
        for plan in plans.values():
            seen = earlier.filter(pl.col("item_id").is_in(plan.items))["uscc"]
            framed = frame.filter((pl.col("plan") == plan.id) & pl.col("uscc").is_in(seen.implode()))
            assert set(framed["stratum"]) <= set(plan.exclusion.exempt_tiers), (round_id, plan.id)
            repeats += framed.height
        excluded = records_of((paths.audit / "exclusions.jsonl").read_bytes())
        own = {r["uscc"] for r in excluded} & set(earlier["uscc"])
        assert len(own) > 20, "the rounds before must have excluded firms from this frame"
        assert repeats > 0, "exempt tiers are framed again"


def test_no_team_repeats_the_team_that_last_inspected_the_firm(months: Path, small_inputs: dict) -> None:
    legacy = pl.read_parquet(small_inputs["clean"] / "inspections.parquet").select(
        "uscc", pl.col("inspection_date").alias("ended"), pl.concat_list("inspector_1", "inspector_2").alias("team")
    )
    checked = 0
    for k, round_id in enumerate(ROUNDS[1:], start=1):
        before = pl.concat([legacy, *(inspected(months, r).drop("item_id") for r in ROUNDS[:k])])
        latest = before.filter(pl.col("ended") == pl.col("ended").max().over("uscc"))
        last = {u: {i for team in teams for i in team} for u, teams in latest.group_by("uscc").agg("team").iter_rows()}
        for record in records_of((RoundPaths(months, round_id).audit / "assignment.jsonl").read_bytes()):
            if record["uscc"] in last and record["team"]:
                assert not set(record["team"]) & last[record["uscc"]], (round_id, record)
                checked += 1
    assert checked > 5


def test_the_inspection_history_indicators_count_the_systems_own_rounds(months: Path, small_inputs: dict) -> None:
    clean = small_inputs["clean"]
    day = dt.date(2026, 12, 31)
    with_rounds = build(clean, day, months).sort("uscc")
    without = build(clean, day, None).sort("uscc")
    own = pl.concat([inspected(months, r) for r in ROUNDS[:2]]).group_by("uscc").len()
    added = with_rounds.select("uscc", pl.col("inspections_12m") - without["inspections_12m"]).filter(
        pl.col("inspections_12m") > 0
    )
    assert dict(added.iter_rows()) == dict(own.iter_rows()) and own.height > 100


def build(clean: Path, day: dt.date, work: Path | None) -> pl.DataFrame:
    from xinyong.indicators.features import build_features, live_spine

    tables = scan_clean(clean, work)
    return build_features(tables, live_spine(tables, day)).collect()


def test_the_training_labels_count_the_systems_own_rounds_once_per_result(months: Path, small_inputs: dict) -> None:
    policy = read_policy()
    day = ROUNDS[-1].last_day
    before = region_table(scan_clean(small_inputs["clean"]), policy, day)
    after = region_table(scan_clean(small_inputs["clean"], months, "model train"), policy, day)
    own = after.filter(pl.col("round_month").is_in([r.month for r in ROUNDS]))
    labelled = [
        r
        for round_id in ROUNDS
        for r in current_results(read_results(months, round_id)).values()
        if policy.label_of(r["codes"]) is not None
    ]
    assert before.filter(pl.col("round_month").is_in([r.month for r in ROUNDS])).is_empty()
    assert own.height == len(labelled) and after.height == before.height + own.height
    assert own["weight"].min() >= 1 / own["pi"].max() and set(own["label"]) == {0, 1}


def test_a_newer_inspections_table_holding_a_rounds_inspections_adds_nothing(
    months: Path, small_inputs: dict, tmp_path: Path
) -> None:
    clean = Path(shutil.copytree(small_inputs["clean"], tmp_path / "clean"))
    november = inspected(months, ROUNDS[0])
    table = pl.read_parquet(clean / "inspections.parquet")
    department = november.with_row_index("n").select(  # the department's own record of the same inspections
        pl.format("JC-2026-{}", (pl.col("n") + 9_000_000).cast(pl.Utf8)).alias("record_id"),
        "uscc",
        pl.lit("2026-11").alias("round_month"),
        "item_id",
        pl.lit("市场监管").alias("department"),
        pl.col("ended").alias("inspection_date"),
        pl.lit("1").alias("result_code"),
        pl.lit("B").alias("legacy_tier"),
        pl.lit(0.01).alias("inclusion_probability"),
        pl.col("team").list.get(0).alias("inspector_1"),
        pl.col("team").list.get(1).alias("inspector_2"),
    )
    pl.concat([table, department]).write_parquet(clean / "inspections.parquet")
    old = read_history(small_inputs["clean"], months, "features")
    new = read_history(clean, months, "features")
    assert new.height == old.height and new.sort("record_id", "item_id").equals(old.sort("record_id", "item_id"))
    assert build(clean, dt.date(2026, 12, 31), months).equals(
        build(small_inputs["clean"], dt.date(2026, 12, 31), months)
    )
    # Without the rounds, the department's rows count: the key drops only what the rounds hold.
    assert read_history(clean, None, "features").height == table.height + department.height
