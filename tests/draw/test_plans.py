"""plans.json (spec §2): canonical form, read back into the same frozen dataclasses; a malformed one says why."""

from __future__ import annotations

import json

import pytest

from tests.rounds.golden_cases import GOLDEN, default_plans
from xinyong.draw.plans import CountAllocation, Plan, parse_plans_json, plans_json


def test_plans_json_reads_back_into_the_same_plans() -> None:
    plans = default_plans().plans
    again = parse_plans_json(GOLDEN.read_bytes())
    assert list(again) == ["P01", "P02", "P03", "P04", "P05"] and tuple(again.values()) == plans
    assert plans_json(again.values()) == GOLDEN.read_bytes()


def test_cross_station_is_written_only_when_set() -> None:
    plan = Plan("P09", "x", ("SJ-SC-01",), ("市场监管",), 2, CountAllocation(3), cross_station=True)
    record = plan.to_record()
    assert record["cross_station"] is True and Plan.from_record(record) == plan
    assert "cross_station" not in Plan.from_record({**record, "cross_station": False}).to_record()


BASE = {"id": "P01", "name": "x", "items": ["SJ-SC-01"], "departments": ["市场监管"], "team_size": 2}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"id": "P01"}', "plans.json is not a list of plans"),
        (b"[1", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
        (json.dumps([BASE]).encode(), "plan P01: allocation: not an object"),
        (json.dumps([{**BASE, "items": "SJ-SC-01", "allocation": {}}]).encode(), "plan P01: items: not a list"),
        (
            json.dumps([{**BASE, "team_size": "2", "allocation": {}}]).encode(),
            "plan P01: team_size: not a whole number",
        ),
        (
            json.dumps([{**BASE, "allocation": {"mode": "all"}}]).encode(),
            "plan P01: allocation.mode: must be ratio or count, not 'all'",
        ),
        (
            json.dumps([{**BASE, "allocation": {"mode": "count", "n": 3, "weights": {"A": 1}}}]).encode(),
            "plan P01: allocation.weights.A: not text",
        ),
    ],
)
def test_a_malformed_plans_json_says_what_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_plans_json(data)
    assert str(caught.value) == message
