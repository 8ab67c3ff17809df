"""Teams on record by day, and the replacement of a member by the next candidate in the draw's key order."""

from __future__ import annotations

import datetime as dt

import pytest

from xinyong.draw.keys import inspector_key
from xinyong.draw.plans import Plan, RatioAllocation
from xinyong.draw.reassign import Reassignment, Staffing, replaced, replacement
from xinyong.draw.teams import Inspector

SEED = bytes(range(32))
PLAN = Plan("P03", "餐饮联合抽查", ("SJ-SC-03", "SJ-WJ-01"), ("市场监管", "卫健"), 3, RatioAllocation())
TARGET = ("P03", "91330802MA296TDX3C")


def person(i: str, department: str, level: int = 0, capacity: int = 5) -> Inspector:
    return Inspector(i, department, level, capacity, None, frozenset(), "", "330802")


ROSTER = {
    p.id: p
    for p in (
        person("INS-00001", "市场监管"),
        person("INS-00002", "市场监管"),
        person("INS-00003", "市场监管"),
        person("INS-00004", "市场监管", capacity=1),
        person("INS-00005", "卫健"),
        person("INS-00006", "卫健"),
        person("INS-00007", "卫健", level=1),
        person("INS-00008", "市场监管", level=1),
    )
}
ELIGIBLE = sorted(ROSTER)


def by_key(ids: list[str]) -> list[str]:
    """``ids`` in the draw's order for the target: lowest pool level first, then the inspector key."""
    return sorted(ids, key=lambda i: (ROSTER[i].level, inspector_key(SEED, *TARGET, i)))


def change(leaving: str, joining: str, team: tuple[str, ...], day: int) -> Reassignment:
    return Reassignment(*TARGET, leaving, joining, team, "回避：近亲属", dt.date(2026, 11, day))


def test_the_team_on_record_is_the_drawn_one_until_each_change_takes_effect() -> None:
    first = change("INS-00001", "INS-00003", ("INS-00003", "INS-00005", "INS-00002"), 10)
    second = change("INS-00005", "INS-00006", ("INS-00003", "INS-00006", "INS-00002"), 20)
    staffing = Staffing({TARGET: ["INS-00001", "INS-00005", "INS-00002"], ("P01", "X"): []}, (first, second))
    assert staffing.team(TARGET, dt.date(2026, 11, 9)) == ["INS-00001", "INS-00005", "INS-00002"]
    assert staffing.team(TARGET, dt.date(2026, 11, 10)) == list(first.team)
    assert staffing.team(TARGET, dt.date(2026, 11, 25)) == staffing.team(TARGET) == list(second.team)
    assert staffing.teams()[("P01", "X")] == [] and staffing.left(TARGET) == {"INS-00001", "INS-00005"}
    assert replaced(("a", "b", "c"), "b", "d") == ("a", "d", "c")  # the pick order stays


def test_the_replacement_is_the_next_candidate_by_key_of_the_leaving_members_department_when_needed() -> None:
    team = ["INS-00001", "INS-00005", "INS-00002"]
    staffing = Staffing({TARGET: team})
    # 卫健's only member leaves: only 卫健 may replace them, level 0 before level 1.
    assert replacement(staffing, TARGET, "INS-00005", ELIGIBLE, ROSTER, PLAN, SEED) == "INS-00006"
    # A 市场监管 member leaves while another stays: any plan department, the lowest level, then the lowest key.
    expected = by_key(["INS-00003", "INS-00004", "INS-00006"])[0]
    assert replacement(staffing, TARGET, "INS-00001", ELIGIBLE, ROSTER, PLAN, SEED) == expected


def test_no_one_on_the_team_no_one_who_left_it_and_no_one_without_capacity_is_a_candidate() -> None:
    team = ["INS-00001", "INS-00005", "INS-00002"]
    left = change("INS-00003", "INS-00001", tuple(team), 10)  # INS-00003 recused earlier
    busy = {("P01", "X"): ["INS-00004"]}  # INS-00004's one place is taken
    staffing = Staffing({TARGET: ["INS-00003", "INS-00005", "INS-00002"], **busy}, (left,))
    assert replacement(staffing, TARGET, "INS-00001", ELIGIBLE, ROSTER, PLAN, SEED) == "INS-00006"
    # Only level 1 is left for 卫健: the escalation of spec §6 step 3.
    staffing = Staffing({TARGET: team, ("P01", "Y"): ["INS-00006"] * 5})
    assert replacement(staffing, TARGET, "INS-00005", ELIGIBLE, ROSTER, PLAN, SEED) == "INS-00007"
    # Nobody of 卫健 left at all.
    assert replacement(staffing, TARGET, "INS-00005", ["INS-00005", "INS-00006"], ROSTER, PLAN, SEED) is None


def test_a_reassignment_reads_back_from_its_record_and_a_malformed_one_is_named() -> None:
    record = change("INS-00001", "INS-00003", ("INS-00003", "INS-00005", "INS-00002"), 10)
    assert Reassignment.from_record(record.record()) == record
    assert record.record()["effective"] == "2026-11-10" and record.target == TARGET
    with pytest.raises(ValueError, match="a reassignment has joining as text"):
        Reassignment.from_record({**record.record(), "joining": 3})
    with pytest.raises(ValueError, match="team as a list of inspector ids"):
        Reassignment.from_record({**record.record(), "team": "INS-00003"})
    with pytest.raises(ValueError, match="a reassignment is a JSON object"):
        Reassignment.from_record([])
