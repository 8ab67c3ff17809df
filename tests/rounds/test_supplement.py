"""Supplementary rounds (draw spec v2 §7a): which targets are replaced, how many each plan and stratum draws again,
and a frame without anything the chain already selected or found gone."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from tests.rounds.hand_round import P01, P02
from xinyong.draw.plans import CountAllocation, RatioAllocation
from xinyong.rounds.supplement import (
    REPLACED_CODES,
    UNSTAFFED,
    Replaced,
    closed_or_moved,
    needs,
    replaced_targets,
    shares,
    supplement_frame,
    supplement_plans,
)

TEAMS = {
    ("P01", "F1"): ["M-1", "M-2"],
    ("P01", "F2"): [],  # unstaffed
    ("P01", "F3"): ["M-1", "M-2"],
    ("P02", "F3"): ["M-1", "H-1"],
    ("P02", "F4"): ["M-2", "H-1"],
    ("P02", "F5"): ["M-2", "H-1"],
}
STRATA = {("P01", "F1"): "A", ("P01", "F2"): "C", ("P01", "F3"): "C", ("P02", "F3"): "D", ("P02", "F4"): "D"}
STRATA |= {("P02", "F5"): "B"}
P03 = replace(P01, id="P03", allocation=CountAllocation(4))
RESULTS = {
    ("P01", "F1"): {"codes": ["1"]},
    ("P01", "F3"): {"codes": ["9"]},  # 已注销
    ("P02", "F3"): {"codes": ["B", "12"]},  # a finding, and 已迁出
    ("P02", "F4"): {"codes": ["6"]},  # 住所无法联系: a finding, inspected
    ("P02", "F5"): {"codes": ["F"]},
}


def test_the_codes_that_mean_the_firm_is_not_there_to_inspect() -> None:
    assert REPLACED_CODES == ("7", "9", "10", "11", "12")
    assert closed_or_moved(["B", "12", "7"]) == ["12", "7"] and closed_or_moved(["6", "8", "F", "1"]) == []


def test_unstaffed_targets_and_firms_found_closed_or_moved_are_replaced() -> None:
    assert replaced_targets(STRATA, TEAMS, RESULTS) == [
        Replaced("P01", "F2", "C", UNSTAFFED),
        Replaced("P01", "F3", "C", "9 已注销"),
        Replaced("P02", "F3", "D", "12 已迁出"),
    ]
    assert replaced_targets(STRATA, {("P01", "F1"): ["M-1", "M-2"]}, RESULTS) == []


def test_each_plan_draws_as_many_as_it_replaces_shared_as_its_parent_shares_the_tiers() -> None:
    wanted = needs(replaced_targets(STRATA, TEAMS, RESULTS))
    assert wanted == {"P01": 2, "P02": 1}
    plans = supplement_plans({"P02": P02, "P01": P01, "P03": P03}, wanted)
    assert [p.id for p in plans] == ["P01", "P02", "P03"]  # every plan of the parent, P03 drawing none
    assert plans[0].allocation == CountAllocation(2, {"A": "0.1", "B": "0.2", "C": "0.5", "D": "1"})
    assert plans[1].allocation == CountAllocation(1, {"A": "1", "B": "1", "C": "2", "D": "1"})
    assert plans[2].allocation == CountAllocation(0, {"A": "1", "B": "1", "C": "1", "D": "1"})
    assert (plans[0].items, plans[0].departments, plans[0].team_size) == (P01.items, P01.departments, P01.team_size)
    # the replaced tiers (two of C in P01) are nowhere in the public plans: n is shared by the parent's ratios
    assert plans[0].sample_sizes({"A": 40, "C": 9}) == {"A": 1, "C": 1}
    assert plans[0].sample_sizes({"C": 1}) == {"C": 1}
    assert plans[2].sample_sizes({"A": 3}) == {"A": 0}


def test_a_plan_drawing_by_minimums_only_shares_over_the_tiers_it_has_a_minimum_for() -> None:
    assert shares(RatioAllocation(dict.fromkeys("ABCD", "0"), {"C": 2, "D": 1})) == {
        "A": "0",
        "B": "0",
        "C": "1",
        "D": "1",
    }
    assert shares(RatioAllocation({"D": "0.3"})) == {"A": "0", "B": "0", "C": "0", "D": "0.3"}
    assert shares(CountAllocation(5)) == dict.fromkeys("ABCD", "1")


def test_the_frame_leaves_out_what_the_chain_selected_and_firms_found_gone() -> None:
    parent = pl.DataFrame(
        [
            ("P01", "s1", "A", "F1"),
            ("P01", "s2", "C", "F2"),
            ("P01", "s3", "C", "F3"),
            ("P01", "s4", "C", "F6"),
            ("P01", "s5", "C", "F7"),
            ("P02", "s6", "D", "F3"),
            ("P02", "s7", "D", "F6"),
            ("P03", "s8", "A", "F8"),
        ],
        schema=["plan", "salt", "stratum", "uscc"],
        orient="row",
    )
    chain = pl.DataFrame(
        [("R", "P01", "F1"), ("R", "P01", "F2"), ("R", "P01", "F3"), ("R-S1", "P01", "F6"), ("R", "P02", "F3")],
        schema=["round", "plan", "uscc"],
        orient="row",
    )
    gone = pl.DataFrame([("F3", "9"), ("F6", "12")], schema=["uscc", "codes"], orient="row")
    kept, exclusions = supplement_frame(parent, chain, gone, ["P01", "P02"])
    assert kept.rows() == [("P01", "C", "F7")]  # P03 needs nothing; P02's F6 moved out, found in P01
    assert exclusions.rows() == [
        ("P01", "已在批次 R 中抽中", "F1"),
        ("P01", "已在批次 R 中抽中", "F2"),
        ("P01", "已在批次 R 中抽中", "F3"),
        ("P01", "已在批次 R-S1 中抽中", "F6"),
        ("P02", "已在批次 R 中抽中", "F3"),
        ("P02", "已关闭停业、注销、吊销、撤销或迁出（抽查结果 12）", "F6"),
    ]
