"""The preview of a framed round: N_h and n_h per plan and tier, exclusions by reason and inspector
capacity, checked against an independent computation on the hand-made round, and each finding."""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import replace
from fractions import Fraction

import polars as pl
import pytest

from tests.rounds.hand_round import EXCLUDED, P01, P02, ROSTER, ROUND, STRATA, TIERS, frame_rows, officer
from xinyong.core.canonical import CJ
from xinyong.core.ids import RoundId
from xinyong.draw.plans import CountAllocation, Plan, RatioAllocation
from xinyong.draw.teams import Inspector
from xinyong.rounds.preview import Finding, Fixed, Preview, fixed_of, preview, report_lines, sheets

FIXED = Fixed("f" * 64, "p" * 64, "i" * 64)


def run(plans: tuple[Plan, ...] = (P01, P02), roster: list[dict[str, object]] = ROSTER, rows=None) -> Preview:
    rows = frame_rows() if rows is None else rows
    frame = pl.DataFrame(rows, schema={"plan": pl.Utf8, "salt": pl.Utf8, "stratum": pl.Utf8, "uscc": pl.Utf8})
    exclusions = [{"plan": p, "reason": r, "uscc": f"X{i}"} for (p, r), n in EXCLUDED.items() for i in range(n)]
    return preview(
        ROUND, FIXED, TIERS, frame, {p.id: p for p in plans}, exclusions, [Inspector.from_record(r) for r in roster]
    )


# -- an independent computation of what the preview must say (spec §2 and §6, written afresh) -------
def expected_sizes(plan: Plan, sizes: dict[str, int]) -> dict[str, int]:
    allocation = plan.allocation
    if isinstance(allocation, RatioAllocation):
        ratios, minimums = allocation.ratios or {}, allocation.min or {}
        return {
            t: min(n, max(minimums.get(t, 0), math.ceil(n * Fraction(ratios.get(t, "0"))))) for t, n in sizes.items()
        }
    assert isinstance(allocation, CountAllocation)
    weights = {t: Fraction((allocation.weights or {}).get(t, "1")) * n for t, n in sizes.items()}
    quotas = {t: allocation.n * w / sum(weights.values()) for t, w in weights.items()}
    floors = {t: math.floor(q) for t, q in quotas.items()}
    for t in sorted(quotas, key=lambda t: (floors[t] - quotas[t], t))[: allocation.n - sum(floors.values())]:
        floors[t] += 1
    return {t: min(n, sizes[t]) for t, n in floors.items()}


def usable_capacity(department: str, level: int) -> int:
    """Officers of the department with a 执法证 valid on 2026-12-31, acting in 330802's district, city or
    province, at levels ≤ ``level`` (every hand-made officer is qualified for the plans' items)."""
    return sum(
        int(str(r["capacity"]))
        for r in ROSTER
        if r["department"] == department
        and str(r["cert_expiry"]) >= "2026-12-31"
        and r["division"] in ("330802", "330800", "330000")
        and int(str(r["level"])) <= level
    )


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_frame_and_sample_sizes_per_plan_and_tier_match_an_independent_computation() -> None:
    result = run()
    counted = Counter((r["plan"], r["stratum"]) for r in frame_rows())
    for plan in (P01, P02):
        sizes = {t: n for (p, t), n in counted.items() if p == plan.id}
        wanted = expected_sizes(plan, sizes)
        rows = {r.tier: r for r in result.strata if r.plan == plan.id}
        assert set(rows) == {"A", "B", "C", "D"}  # every tier, the empty ones too
        assert {t: r.frame for t, r in rows.items()} == {t: sizes.get(t, 0) for t in "ABCD"}
        assert {t: r.sample for t, r in rows.items()} == {t: wanted.get(t, 0) for t in "ABCD"}
    # and the numbers worked out by hand in hand_round.py
    assert {(r.plan, r.tier): r.sample for r in result.strata if r.sample} == {
        ("P01", "A"): 1,
        ("P01", "B"): 1,
        ("P01", "C"): 2,
        ("P02", "A"): 1,
        ("P02", "C"): 2,
    }
    assert [(p.plan, p.mode, p.n, p.frame, p.sample) for p in result.plans] == [
        ("P01", "ratio", None, sum(STRATA["P01"].values()), 4),
        ("P02", "count", 3, sum(STRATA["P02"].values()), 3),
    ]
    assert [(r.share, r.minimum) for r in result.strata if r.plan == "P01"] == [
        ("0.1", 0),
        ("0.2", 0),
        ("0.5", 0),
        ("1", 1),
    ]


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_exclusions_are_counted_by_plan_and_reason() -> None:
    assert {(e.plan, e.reason): e.firms for e in run().exclusions} == EXCLUDED


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_capacity_needed_and_available_per_department_and_level() -> None:
    result = run()
    seats = {"市场监管": 4 * 2 + 3 * 1, "卫健": 3 * 1}  # P01: 4 targets × 2; P02: 3 targets × 1 per department
    assert {(c.departments, c.level): (c.needed, c.available) for c in result.capacity} == {
        ((d,), level): (seats[d], usable_capacity(d, level)) for d in seats for level in (0, 1)
    }
    assert usable_capacity("市场监管", 0) == 10 and usable_capacity("卫健", 1) == 6  # as worked out by hand


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_a_city_rounds_capacity_counts_the_officers_of_its_districts_and_of_the_city() -> None:
    """In round 330800-2026-12 (a city workspace's) 柯城区's officers (330802), the city's (330800) and a
    衢江区 officer (330803) all may act somewhere in the round; 舟山市's (330902) may not."""
    roster = [*ROSTER, officer("H-QUJIANG", "卫健", 0, 7, division="330803")]
    city = RoundId.parse("330800-2026-12", "CITY")
    frame = pl.DataFrame(frame_rows(), schema={"plan": pl.Utf8, "salt": pl.Utf8, "stratum": pl.Utf8, "uscc": pl.Utf8})
    result = preview(
        city, FIXED, TIERS, frame, {p.id: p for p in (P01, P02)}, [], [Inspector.from_record(r) for r in roster]
    )
    available = {(c.departments, c.level): c.available for c in result.capacity}
    assert available[(("卫健",), 0)] == 1 + 7 and available[(("卫健",), 1)] == 1 + 7 + 5
    assert available[(("市场监管",), 1)] == usable_capacity("市场监管", 1)


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_warnings_name_the_empty_stratum_and_the_pool_the_teams_will_need() -> None:
    result = run()
    assert result.errors == ()
    assert tuple(w.message for w in result.warnings) == (
        "plan P01: tier D has ratio 1 and min 1 but no firm in the frame",
        "plan P02: tier B has weight 1 but no firm in the frame",
        "plan P02: tier D has weight 1 but no firm in the frame",
        "capacity: 市场监管: 11 inspections needed, 10 available at pool level 0; teams will draw on pool level 1 "
        "(14 at levels ≤ 1)",
        "capacity: 卫健: 3 inspections needed, 1 available at pool level 0; teams will draw on pool level 1 "
        "(6 at levels ≤ 1)",
    )


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_a_count_larger_than_the_frame_is_an_error() -> None:
    oversize = replace(P02, allocation=CountAllocation(5, {"A": "1", "B": "1", "C": "2", "D": "1"}))
    result = run((P01, oversize))
    assert result.errors == (
        Finding(
            "plan P02: allocation n = 5 is larger than its frame of 4 firms",
            "计划 P02：按数量抽取 5 户，超过名录户数 4",
        ),
    )


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_a_count_the_strata_cannot_give_is_a_warning() -> None:
    # n = 4 of 4 firms, weights 1:8: A's quota 4 × 2/18 = 0.44 → 0, C's 4 × 16/18 = 3.56 → 3 and the leftover
    # unit → 4, capped at C's 2 firms: 2 targets
    skewed = replace(P02, allocation=CountAllocation(4, {"A": "1", "B": "1", "C": "8", "D": "1"}))
    result = run((P01, skewed))
    assert result.errors == ()
    assert "plan P02: allocation n = 4 gives only 2 targets (a stratum has fewer firms than its share)" in (
        w.message for w in result.warnings
    )


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_capacity_below_the_need_at_every_level_is_an_error_per_department() -> None:
    roster = [r for r in ROSTER if r["id"] != "H-CITY"]
    result = run(roster=roster)
    assert result.errors == (
        Finding(
            "capacity: 卫健: 3 inspections needed, only 1 available at pool levels ≤ 1",
            "执法力量：卫健需要 3 人次，人员库级别 ≤ 1 只有 1 人次",
        ),
    )


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_extra_seats_of_a_joint_plan_are_checked_against_its_departments_together() -> None:
    threes = replace(P02, team_size=3)  # one 市场监管, one 卫健, and a third from either
    rows = {(c.departments, c.level): (c.needed, c.available) for c in run((P01, threes)).capacity}
    assert rows[("市场监管", "卫健"), 1] == (4 * 2 + 3 * 3, 14 + 6)
    assert rows[("卫健",), 1] == (3, 6)  # only the one seat a 卫健 officer must take


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_the_preview_reads_back_and_its_bytes_depend_only_on_its_inputs() -> None:
    first, again = run(), run(rows=list(reversed(frame_rows())))
    assert first.to_json() == again.to_json()  # row order does not matter
    assert Preview.from_json(first.to_json()) == first
    assert first.to_json() == CJ(json.loads(first.to_json()))  # canonical JSON: sorted keys, no spaces


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_fixed_hashes_are_those_of_the_commitment() -> None:
    from xinyong.core.canonical import H, mth

    fixed = fixed_of(b'{"a":1}\n{"b":2}\n', b"[]", b"")
    assert fixed == Fixed(mth([b'{"a":1}', b'{"b":2}']), H(b"[]"), mth([]))


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_the_printed_table_and_the_sign_off_sheets_carry_the_numbers() -> None:
    result = run()
    lines = report_lines(result)
    assert "  P01   C             3        2  ratio 0.5" in lines
    assert "  P02   all           4        3  count n = 3; teams of 2" in lines
    assert "  卫健  ≤0  3 / 1  short" in lines
    assert lines[-1] == "Errors: 0"
    book = sheets(result, "s" * 64)
    assert list(book) == ["核对", "计划", "分层", "排除", "执法力量", "问题"]
    assert book["核对"].rows()[1:6] == [
        ("分级基准日", "2026-10-31"),
        ("分级地区（行政区划代码）", "衢州市柯城区（330802）"),
        ("分级户数", "1,000"),
        ("分级文件哈希 (SHA-256)", "t" * 64),
        ("预览哈希 (SHA-256)", "s" * 64),
    ]
    assert (
        lines[1] == f"Tiers as of 2026-10-31, division 330802 衢州市柯城区: 1,000 firms (tier file SHA-256 {'t' * 64})"
    )
    strata = book["分层"].filter(pl.col("计划编号") == "P01")
    assert strata["名录户数 N_h"].to_list() == [10, 5, 3, 0] and strata["抽取户数 n_h"].to_list() == [1, 1, 2, 0]
    assert book["问题"]["类别"].to_list() == ["警告"] * len(result.warnings)
    assert book["问题"]["说明"][0] == "计划 P01：D 类设定了比例 1、最少 1 户，但名录中没有 D 类市场主体"
    assert book["问题"]["说明"][3] == (
        "执法力量：市场监管需要 11 人次，级别 0 人员库只有 10 人次；将动用级别 1 的人员库（级别 ≤ 1 共 14 人次）"
    )


def test_a_round_whose_strata_can_be_guessed_from_its_public_sizes_is_refused() -> None:
    """The hand round (frames of 18 and 4 firms): log2(19) + log2(5) ≈ 6.6 bits, against 40 (xinyong.draw.secrecy)."""
    result = run()
    assert [e for e in result.errors if e.message.startswith("strata:")] == [
        Finding(
            "strata: the per-tier sizes of this round (frames of P01 18, P02 4 firms) could be found from its public "
            "sizes in about 2^7 guesses of strata_sha256; at least 2^40 are needed: draw these plans together with "
            "others in one round",
            "分层保密：本批次各计划名录户数（P01 18，P02 4）太少，约 2^7 次猜测即可由公开的 strata_sha256 "
            "推出各信用等级户数；至少需要 2^40：请与其他计划合并在一个批次中抽取",
        )
    ]


def test_a_round_whose_strata_take_under_2_to_the_64_guesses_is_warned_not_refused() -> None:
    """Four plans of 2,047 firms: 4 × log2(2,048) = 44 bits, between the refusal (40) and the warning (64)."""
    plans = tuple(replace(P01, id=f"P0{k}") for k in range(1, 5))
    rows = [
        {"plan": plan.id, "salt": "0" * 32, "stratum": "ABCD"[i % 4], "uscc": f"91330802MA{i:07d}"}
        for plan in plans
        for i in range(2_047)
    ]
    result = run(plans, rows=rows)
    assert not [e for e in result.errors if e.message.startswith("strata:")]
    (warning,) = [w for w in result.warnings if w.message.startswith("strata:")]
    assert warning.message == (
        "strata: the per-tier sizes of this round (frames of P01 2,047, P02 2,047, P03 2,047, P04 2,047 firms) could "
        "be found from its public sizes in about 2^44 guesses of strata_sha256 (below 2^64)"
    )
