"""Inspector teams: each eligibility rule excludes exactly whom it should; §6 picks, escalates, gives up."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.draw.independent import teams as independent_teams
from xinyong.draw.plans import Plan, RatioAllocation
from xinyong.draw.teams import (
    Firm,
    Inspector,
    assign_teams,
    declared_by,
    jurisdiction_exclusions,
    jurisdictions,
    plan_pool,
    target_eligible,
)

DAY = dt.date(2026, 12, 31)
SEED = hashlib.sha256("团队 seed".encode()).digest()
PLAN = Plan("P01", "企业公示信息双随机抽查", ("SJ-SC-01",), ("市场监管",), 2, RatioAllocation())
JOINT = Plan(
    "P03",
    "餐饮服务食品安全联合抽查",
    ("SJ-SC-03", "SJ-WJ-01"),
    ("市场监管", "卫健"),
    3,
    RatioAllocation(),
    cross_station=True,
    item_departments={"SJ-SC-03": ("市场监管", "卫健"), "SJ-WJ-01": ("卫健",)},
)


def person(
    i: str,
    department: str = "市场监管",
    level: int = 0,
    capacity: int = 5,
    expiry: dt.date = dt.date(2028, 1, 1),
    items: tuple[str, ...] = ("SJ-SC-01", "SJ-SC-03", "SJ-WJ-01"),
    station: str = "府山市场监管所",
    division: str = "330802",
) -> Inspector:
    return Inspector(i, department, level, capacity, expiry, frozenset(items), station, division)


def pool_of(people: list[Inspector]) -> dict[str, list[Inspector]]:
    pool = {}
    for p in people:
        pool.setdefault(p.division, []).append(p)
    return pool


FIRM = Firm("91330802MA29U0QJ36", "LR0000000001", "荷花市场监管所", frozenset({"INS-9"}))


def test_plan_wide_rules_exclude_exactly_the_inspectors_they_should() -> None:
    roster = [
        person("INS-1"),
        person("INS-2", department="税务"),
        person("INS-3", expiry=dt.date(2026, 12, 30)),
        person("INS-4", items=("SJ-SC-02",)),
        person("INS-5", expiry=None),
    ]
    pool, excluded = plan_pool(PLAN, roster, DAY)
    assert {d: [p.id for p in members] for d, members in pool.items()} == {"330802": ["INS-1"]}
    assert [(e.inspector, e.uscc, e.reason) for e in excluded] == [
        ("INS-2", None, "非本计划部门（税务）"),
        ("INS-3", None, "执法证在 2026-12-31 无效（有效期至 2026-12-30）"),
        ("INS-4", None, "不具备 SJ-SC-01 检查资格"),
        ("INS-5", None, "执法证在 2026-12-31 无效（名册未登记执法证有效期）"),
    ]


def test_in_a_joint_plan_each_department_needs_only_its_own_items() -> None:
    roster = [
        person("A1", items=("SJ-SC-03",)),
        person("W1", department="卫健", items=("SJ-SC-03", "SJ-WJ-01")),
        person("W2", department="卫健", items=("SJ-WJ-01",)),
    ]
    pool, excluded = plan_pool(JOINT, roster, DAY)
    assert [p.id for p in pool["330802"]] == ["A1", "W1"]
    assert [(e.inspector, e.reason) for e in excluded] == [("W2", "不具备 SJ-SC-03 检查资格")]


def test_target_rules_exclude_exactly_the_inspectors_they_should() -> None:
    pool = pool_of(
        [person("INS-1"), person("INS-6"), person("INS-7"), person("INS-8", station="荷花市场监管所"), person("INS-9")]
    )
    declared = declared_by(
        {"INS-6": [FIRM.uscc, "LR0000000002"], "INS-7": [FIRM.legal_rep], "INS-1": ["91330802MA29U0QK1X"]}
    )
    eligible, excluded = target_eligible(JOINT, FIRM, pool, declared)
    assert eligible == ["INS-1"]
    assert [(e.inspector, e.reason) for e in excluded] == [
        ("INS-6", "回避：已申报与该企业或其法定代表人有利害关系"),
        ("INS-7", "回避：已申报与该企业或其法定代表人有利害关系"),
        ("INS-8", "所所交叉：来自该企业所在的市场监管所（荷花市场监管所）"),
        ("INS-9", "轮换：上次检查该企业的检查组成员"),
    ]
    same_station_allowed, _ = target_eligible(PLAN, FIRM, pool, {})  # P01 does not ask for cross-station teams
    assert "INS-8" in same_station_allowed


def test_jurisdiction_lets_only_officers_of_the_firms_district_city_or_province_act() -> None:
    assert jurisdictions("330802") == ("330802", "330800", "330000")
    people = [
        person("D-OWN"),
        person("D-NEXT", division="330803"),
        person("CITY", division="330800"),
        person("PROV", division="330000"),
        person("CITY-OTHER", division="330700"),
    ]
    pool, _ = plan_pool(PLAN, people, DAY)
    eligible, excluded = target_eligible(PLAN, FIRM, pool, {})
    assert eligible == ["CITY", "D-OWN", "PROV"] and excluded == []
    records = jurisdiction_exclusions("P01", pool, [FIRM.division])
    assert [(e.inspector, e.uscc, e.reason) for e in records] == [
        ("CITY-OTHER", None, "属地管辖：仅可在 330700 范围内执法，不检查辖区外的对象"),
        ("D-NEXT", None, "属地管辖：仅可在 330803 范围内执法，不检查辖区外的对象"),
    ]
    # With targets in two districts, each district's officers are out for the other district's targets.
    assert [e.inspector for e in jurisdiction_exclusions("P01", pool, [FIRM.division, "330803"])] == [
        "CITY-OTHER",
        "D-OWN",
        "D-NEXT",
    ]
    assert jurisdiction_exclusions("P01", {"330800": pool["330800"]}, [FIRM.division, "330803"]) == []


@settings(max_examples=40, deadline=None)
@given(
    people=st.lists(
        st.tuples(
            st.sampled_from(["市场监管", "卫健", "税务"]),
            st.sampled_from(["330802", "330803", "330800", "330700"]),
            st.sampled_from(["府山市场监管所", "荷花市场监管所"]),
            st.booleans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=10,
    ),
    firms=st.lists(
        st.tuples(st.sampled_from(["330802", "330803"]), st.sampled_from(["府山市场监管所", "荷花市场监管所"])),
        min_size=1,
        max_size=6,
    ),
)
def test_every_inspector_left_out_of_a_list_has_a_recorded_reason_that_applies(people, firms) -> None:
    roster = [
        person(
            f"I{k}",
            department=d,
            division=div,
            station=st_,
            expiry=DAY if valid else DAY - dt.timedelta(days=1),
            items=("SJ-SC-01", "SJ-SC-03", "SJ-WJ-01") if qualified else (),
        )
        for k, (d, div, st_, valid, qualified) in enumerate(people)
    ]
    targets = [
        Firm(f"91{div}MA{k:08d}", f"LR{k:010d}", station, frozenset({"I0"})) for k, (div, station) in enumerate(firms)
    ]
    declared = declared_by({"I1": [targets[0].uscc]})
    for plan in (PLAN, JOINT):
        pool, records = plan_pool(plan, roster, DAY)
        records += jurisdiction_exclusions(plan.id, pool, [t.division for t in targets])
        for firm in targets:
            eligible, own = target_eligible(plan, firm, pool, declared)
            reasons = {e.inspector: e.reason for e in records + own if e.uscc in (None, firm.uscc)}
            for p in roster:
                if p.id in eligible:
                    assert p.id not in {e.inspector for e in own}
                    continue
                reason = reasons[p.id]  # every left-out inspector has one
                if reason.startswith("属地管辖"):
                    assert p.division not in jurisdictions(firm.division)


def test_a_joint_team_has_every_department_and_the_lead_first() -> None:
    roster = {
        p.id: p for p in [person("A1"), person("A2"), person("W1", department="卫健"), person("W2", department="卫健")]
    }
    [assignment] = assign_teams(
        [("P03", "00", FIRM.uscc)], {("P03", FIRM.uscc): sorted(roster)}, roster, {"P03": JOINT}, SEED
    )
    assert len(assignment.team) == 3 and assignment.team[0].startswith("A") and assignment.team[1].startswith("W")


def test_a_pool_too_small_at_level_0_escalates_to_level_1() -> None:
    roster = {p.id: p for p in [person("L0"), person("L1a", level=1), person("L1b", level=1)]}
    [assignment] = assign_teams(
        [("P01", "00", FIRM.uscc)], {("P01", FIRM.uscc): sorted(roster)}, roster, {"P01": PLAN}, SEED
    )
    assert assignment.status == "staffed" and len(assignment.team) == 2
    assert any(roster[i].level == 1 for i in assignment.team)
    only_local = {k: v for k, v in roster.items() if k == "L0"} | {"L0b": person("L0b")}
    [local] = assign_teams(
        [("P01", "00", FIRM.uscc)], {("P01", FIRM.uscc): sorted(only_local)}, only_local, {"P01": PLAN}, SEED
    )
    assert sorted(local.team) == ["L0", "L0b"]  # no escalation when the local pool suffices


def test_a_pool_too_small_everywhere_is_unstaffed_with_the_reason() -> None:
    roster = {p.id: p for p in [person("A1"), person("A2", level=1), person("W1", department="卫健", capacity=0)]}
    [assignment] = assign_teams(
        [("P03", "00", FIRM.uscc)], {("P03", FIRM.uscc): sorted(roster)}, roster, {"P03": JOINT}, SEED
    )
    assert assignment.record() == {"plan": "P03", "status": "unstaffed", "team": [], "uscc": FIRM.uscc}
    assert assignment.reason == "卫健：池层级 ≤ 1 内尚有余量的合格检查人员 0 名"
    assert roster["A1"].capacity == 5  # nothing was consumed
    [nobody] = assign_teams([("P03", "00", FIRM.uscc)], {}, roster, {"P03": JOINT}, SEED)
    assert nobody.reason == "无尚有余量的合格检查人员（检查组 3 人，来自 市场监管、卫健）"


def test_a_city_rounds_targets_take_their_districts_officers_then_the_shared_city_pool() -> None:
    """One draw over two districts (a city's round): each target is staffed from its own district first, and
    escalates to the city's officers, whose capacity is one pool for both districts — never to the other
    district's officers."""
    people = [
        person("KC-1", capacity=2),
        person("KC-2", capacity=2),
        person("QJ-1", division="330803", capacity=3),
        person("CITY-1", level=1, division="330800", capacity=1),
        person("CITY-2", level=1, division="330800", capacity=1),
    ]
    firms = [Firm("91330802MA29U0QJ36", "LR0000000001", "荷花市场监管所", frozenset())] + [
        Firm(f"91330803MA29U0QJ3{k}", f"LR000000000{k}", "樟潭市场监管所", frozenset()) for k in (7, 8, 9)
    ]
    pool, _ = plan_pool(PLAN, people, DAY)
    eligible = {("P01", f.uscc): target_eligible(PLAN, f, pool, {})[0] for f in firms}
    assert eligible[("P01", firms[0].uscc)] == ["CITY-1", "CITY-2", "KC-1", "KC-2"]
    assert eligible[("P01", firms[1].uscc)] == ["CITY-1", "CITY-2", "QJ-1"]
    roster = {p.id: p for p in people}
    targets = [("P01", f"{k:02x}", f.uscc) for k, f in enumerate(firms)]
    kecheng, *qujiang = assign_teams(targets, eligible, roster, {"P01": PLAN}, SEED)
    assert sorted(kecheng.team) == ["KC-1", "KC-2"]  # its own district suffices: no escalation
    city = [next(i for i in staffed.team if i != "QJ-1") for staffed in qujiang[:2]]
    assert all("QJ-1" in staffed.team and len(staffed.team) == 2 for staffed in qujiang[:2])
    assert sorted(city) == ["CITY-1", "CITY-2"]  # the city's pool, each officer used once
    # the city's pool is spent and 柯城区's officers (capacity left) may not act in 衢江区
    assert qujiang[2].status == "unstaffed"
    assert qujiang[2].reason == "检查组需 2 人：池层级 ≤ 0 内尚有余量的合格检查人员仅 1 名"


def test_capacity_is_consumed_in_draw_order() -> None:
    roster = {p.id: p for p in [person("X", capacity=1), person("Y", capacity=1), person("Z", capacity=1)]}
    targets = [("P01", f"{k:02x}", f"F{k}") for k in range(3)]
    eligible = {("P01", f"F{k}"): sorted(roster) for k in range(3)}
    result = assign_teams(targets, eligible, roster, {"P01": PLAN}, SEED)
    assert [a.status for a in result] == ["staffed", "unstaffed", "unstaffed"]  # 3 inspectors, 1 slot each, teams of 2
    assert result[1].reason == "检查组需 2 人：池层级 ≤ 0 内尚有余量的合格检查人员仅 1 名"


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(
        st.tuples(st.sampled_from(["市场监管", "卫健"]), st.integers(0, 2), st.integers(0, 3)), min_size=1, max_size=12
    ),
    n_targets=st.integers(1, 15),
    drop=st.integers(0, 2**16),
)
def test_assignment_agrees_with_an_independent_implementation(sizes, n_targets: int, drop: int) -> None:
    roster = {
        f"I{k:02d}": person(f"I{k:02d}", department=d, level=lvl, capacity=cap) for k, (d, lvl, cap) in enumerate(sizes)
    }
    targets = [("P03" if k % 2 else "P01", hashlib.sha256(bytes([k])).hexdigest(), f"F{k}") for k in range(n_targets)]
    eligible = {
        (p, u): sorted(i for j, i in enumerate(roster) if (drop >> ((j + k) % 16)) & 1 == 0)
        for k, (p, _, u) in enumerate(targets)
    }
    plans = {"P01": PLAN, "P03": replace(JOINT, team_size=2)}
    ours = {(a.plan, a.uscc): a.team for a in assign_teams(targets, eligible, roster, plans, SEED)}
    plain = {i: (p.department, p.level, p.capacity) for i, p in roster.items()}
    records = {plan_id: plan.to_record() for plan_id, plan in plans.items()}  # the spec's plain data
    assert ours == independent_teams(targets, eligible, plain, records, SEED)
