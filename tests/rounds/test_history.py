"""The inspection history: ingested rows and a round's planned and completed inspections, each inspection once."""

from __future__ import annotations

import datetime as dt

import polars as pl

from xinyong.core.ids import RoundId
from xinyong.draw.plans import Plan, RatioAllocation
from xinyong.draw.reassign import Reassignment, Staffing
from xinyong.rounds.history import (
    HISTORY,
    SAME_INSPECTION,
    OwnRound,
    completed,
    ingested,
    inspection_history,
    last_teams,
    round_rows,
)

ROUND = RoundId.parse("330802-2026-11", "ROUND")
JOINT = Plan(
    "P03",
    "餐饮联合抽查",
    ("SJ-SC-03", "SJ-WJ-01"),
    ("市场监管", "卫健"),
    2,
    RatioAllocation(),
    item_departments={"SJ-SC-03": ("市场监管",), "SJ-WJ-01": ("卫健",)},
)
SINGLE = Plan("P01", "公示信息抽查", ("SJ-SC-01",), ("市场监管",), 2, RatioAllocation())


def inspections(*rows: tuple[str, str, str, dt.date, str, str]) -> pl.DataFrame:
    """Clean ``inspections`` rows: (record id, uscc, item, date, code, inspector_1)."""
    return pl.DataFrame(
        [
            {
                "record_id": record,
                "uscc": uscc,
                "round_month": day.strftime("%Y-%m"),
                "item_id": item,
                "department": "市场监管",
                "inspection_date": day,
                "result_code": code,
                "legacy_tier": "B",
                "inclusion_probability": 0.01,
                "inspector_1": first,
                "inspector_2": "INS-00099",
            }
            for record, uscc, item, day, code, first in rows
        ]
    )


def november(results: dict | None = None) -> OwnRound:
    staffing = Staffing(
        {("P03", "F1"): ["INS-00001", "INS-00005"], ("P01", "F2"): ["INS-00002", "INS-00003"], ("P01", "F3"): []},
        (
            Reassignment(
                "P01", "F2", "INS-00003", "INS-00004", ("INS-00002", "INS-00004"), "回避", dt.date(2026, 11, 5)
            ),
        ),
    )
    strata = {("P03", "F1"): ("C", 0.25), ("P01", "F2"): ("B", 0.01), ("P01", "F3"): ("D", 0.5)}
    return OwnRound(ROUND, {"P03": JOINT, "P01": SINGLE}, staffing, strata, results or {})


def result(team: list[str], codes: list[str], ended: str, record: str = "R-0001") -> dict:
    return {"id": record, "team": team, "codes": codes, "ended": ended}


def test_a_finalised_round_is_planned_history_and_its_results_completed_history() -> None:
    planned = round_rows(november())
    assert planned.schema == HISTORY
    # one row per item of each staffed target's plan; the unstaffed F3 will not be inspected
    assert planned.select("uscc", "item_id", "department").rows() == [
        ("F2", "SJ-SC-01", "市场监管"),
        ("F1", "SJ-SC-03", "市场监管"),
        ("F1", "SJ-WJ-01", "卫健"),
    ]
    assert set(planned["inspection_date"]) == {dt.date(2026, 11, 30)} and planned["result_code"].null_count() == 3
    assert planned.filter(pl.col("uscc") == "F2")["team"].to_list() == [["INS-00002", "INS-00004"]]  # on record
    done = round_rows(november({("P03", "F1"): result(["INS-00001", "INS-00005"], ["B", "6"], "2026-11-12")}))
    f1 = done.filter(pl.col("uscc") == "F1")
    assert f1.select("inspection_date", "result_code", "legacy_tier", "inclusion_probability").unique().rows() == [
        (dt.date(2026, 11, 12), "B", "C", 0.25)  # the headline code: the first in the code table's order
    ]
    assert set(f1["record_id"]) == {"R-0001"} and set(f1["round"]) == {"330802-2026-11"} and set(f1["plan"]) == {"P03"}
    assert completed(done)["uscc"].to_list() == ["F1", "F1"]


def test_a_departments_table_holding_a_rounds_inspections_adds_nothing() -> None:
    own = round_rows(november({("P03", "F1"): result(["INS-00001", "INS-00005"], ["1"], "2026-11-12")}))
    before = inspections(("JC-2025-0000001", "F1", "SJ-SC-03", dt.date(2025, 3, 2), "1", "INS-00007"))
    newer = pl.concat(
        [
            before,
            inspections(  # the same two inspections, as the department recorded them, under its own ids
                ("JC-2026-0000100", "F1", "SJ-SC-03", dt.date(2026, 11, 12), "1", "INS-00001"),
                ("JC-2026-0000101", "F1", "SJ-WJ-01", dt.date(2026, 11, 12), "1", "INS-00005"),
                ("JC-2026-0000102", "F2", "SJ-SC-01", dt.date(2026, 11, 20), "A", "INS-00002"),  # F2 was planned
            ),
        ]
    )
    history = inspection_history(ingested(before), [own])
    again = inspection_history(ingested(newer), [own])
    assert history.height == 4  # one ingested, F1's two items done, F2 planned
    assert again.height == 4 and again.select(SAME_INSPECTION).n_unique() == 4
    f1 = again.filter((pl.col("uscc") == "F1") & (pl.col("inspection_date") == dt.date(2026, 11, 12)))
    assert set(f1["record_id"]) == {"R-0001"}  # the round's rows stay, with their provenance
    f2 = again.filter(pl.col("uscc") == "F2")
    assert f2["record_id"].to_list() == ["JC-2026-0000102"] and f2["round"].to_list() == [None]
    assert completed(again).height == 4 and completed(history).height == 3


def test_a_history_without_rounds_is_the_ingested_table_in_its_order() -> None:
    table = inspections(
        ("JC-2025-0000002", "F9", "SJ-SC-01", dt.date(2025, 5, 2), "1", "INS-00007"),
        ("JC-2025-0000001", "F1", "SJ-SC-03", dt.date(2025, 3, 2), "A", "INS-00008"),
    )
    history = inspection_history(ingested(table), [])
    assert history["record_id"].to_list() == table["record_id"].to_list()
    assert history["team"].to_list() == [["INS-00007", "INS-00099"], ["INS-00008", "INS-00099"]]
    assert history.drop("team", "round", "plan").equals(table.select(history.drop("team", "round", "plan").columns))


def test_the_last_team_is_every_team_of_the_latest_inspection_day_before_the_month() -> None:
    own = round_rows(november())  # F1 and F2 planned on 2026-11-30
    table = inspections(
        ("JC-2026-0000001", "F1", "SJ-SC-03", dt.date(2026, 10, 3), "1", "INS-00007"),
        ("JC-2026-0000002", "F9", "SJ-SC-01", dt.date(2026, 10, 3), "1", "INS-00007"),
        ("JC-2026-0000003", "F9", "SJ-SC-02", dt.date(2026, 10, 3), "1", "INS-00008"),
        ("JC-2026-0000004", "F9", "SJ-SC-02", dt.date(2026, 12, 3), "1", "INS-00009"),
    )
    history = inspection_history(ingested(table), [own])
    firms = pl.Series(["F1", "F2", "F9", "F7"])
    assert dict(last_teams(history, firms, dt.date(2026, 12, 1)).sort("uscc").iter_rows()) == {
        "F1": ["INS-00001", "INS-00005"],
        "F2": ["INS-00002", "INS-00004"],
        "F9": ["INS-00007", "INS-00008", "INS-00099"],
    }
    assert last_teams(history, firms.head(1), dt.date(2026, 11, 1)).rows() == [("F1", ["INS-00007", "INS-00099"])]
