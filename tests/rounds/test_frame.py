"""A round's frame from hand-made firms: the items' target type, the plan's 定向 target, and the
repeat-inspection exclusion with its window and exempt tiers."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from xinyong.core.ids import RoundId
from xinyong.draw.plans import CountAllocation, Plan, RepeatExclusion, TargetFilter
from xinyong.errors import InputFileError
from xinyong.rounds.frame import check_tiers, frame_records
from xinyong.rounds.plans import Item

ROUND = RoundId.parse("330802-2026-12", "test")
ITEMS = {"SJ-01": Item("企业", ("市场监管",)), "SJ-02": Item("全部市场主体", ("市场监管",))}
FIRMS = pl.DataFrame(
    {
        "uscc": ["f1", "f2", "f3", "f4", "f5"],
        "tier": ["A", "B", "C", "D", "D"],
        "entity_type": ["有限责任公司", "有限责任公司", "个体工商户", "股份有限公司", "有限责任公司"],
        "industry_code": ["F5211", "H6210", "F5211", "F5211", "C1311"],
        "grid": ["G1", "G1", "G1", "G2", "G1"],
    }
)
PAST = pl.DataFrame(
    {
        "uscc": ["f1", "f2", "f4", "f5"],
        "item_id": ["SJ-01", "SJ-01", "SJ-01", "SJ-02"],
        "inspection_date": [dt.date(2026, 3, 10), dt.date(2025, 11, 30), dt.date(2026, 6, 1), dt.date(2026, 1, 5)],
    }
)


def _plan(plan_id: str, item: str, **change: object) -> Plan:
    return replace(Plan(plan_id, plan_id, (item,), ("市场监管",), 2, CountAllocation(1)), **change)


def test_only_firms_the_items_and_target_are_for_are_in_the_frame() -> None:
    plans = [
        _plan("P01", "SJ-01", exclusion=RepeatExclusion(months=0)),
        _plan(
            "P02", "SJ-02", target=TargetFilter(industry_sections=("F",), grids=("G1",)), exclusion=RepeatExclusion(0)
        ),
    ]
    frame, exclusions = frame_records(plans, ITEMS, FIRMS, PAST, ROUND)
    assert frame.rows() == [
        ("P01", "A", "f1"),
        ("P01", "B", "f2"),
        ("P01", "D", "f4"),
        ("P01", "D", "f5"),  # 企业 only: the 个体工商户 f3 is not for SJ-01
        ("P02", "A", "f1"),
        ("P02", "C", "f3"),  # section F and grid G1 only
    ]
    assert exclusions.is_empty()


def test_a_firm_inspected_for_the_item_in_the_window_is_left_out_unless_its_tier_is_exempt() -> None:
    plans = [_plan("P01", "SJ-01", exclusion=RepeatExclusion(months=12, exempt_tiers=("D",)))]
    frame, exclusions = frame_records(plans, ITEMS, FIRMS, PAST, ROUND)
    # f1 (March 2026) is in the 12 months from 2025-12-01; f2 (November 2025) is not; f4 is exempt (D);
    # f5 was inspected for another item.
    assert frame["uscc"].to_list() == ["f2", "f4", "f5"]
    assert exclusions.rows() == [("P01", "f1", "同一事项12个月内已抽查 (inspected for this item since 2025-12-01)")]


# -- the tier file must fit the round: one as-of date, at most two months old, of the round's division --
def _tiers(as_of: dt.date, *divisions: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"uscc": [f"91{d}MA{i:08d}" for i, d in enumerate(divisions)], "as_of": [as_of] * len(divisions)}
    )


@pytest.mark.parametrize(
    "as_of", [dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 11, 30), dt.date(2026, 12, 31)]
)
def test_tiers_of_the_two_months_before_or_of_the_round_month_fit(as_of: dt.date) -> None:
    check_tiers(Path("t.parquet"), _tiers(as_of, "330802", "330802", "330803"), ROUND)


@pytest.mark.parametrize(
    ("tiers", "problem"),
    [
        (
            _tiers(dt.date(2026, 9, 30), "330802"),
            "tiers as of 2026-09-30 are more than 2 months older than round 330802-2026-12; tier the firms as of "
            "2026-10-01 or later",
        ),
        (_tiers(dt.date(2027, 1, 1), "330802"), "tiers as of 2027-01-01 are after the month of round 330802-2026-12"),
        (
            _tiers(dt.date(2026, 10, 31), "330802", "330803", "330803"),
            "a tier file of division 330803 衢州市衢江区 (2 of 3 firms' USCCs, positions 3–8), not of round "
            "330802-2026-12's division 330802 衢州市柯城区",
        ),
        (
            pl.concat([_tiers(dt.date(2026, 10, 31), "330802"), _tiers(dt.date(2026, 11, 30), "330802")]),
            "firms tiered as of 2 dates (2026-10-31 … 2026-11-30); a tier file is of one day",
        ),
        (_tiers(dt.date(2026, 10, 31)), "has no firms (0 rows), so there is nothing to frame"),
    ],
)
def test_a_tier_file_that_does_not_fit_the_round_is_refused(tiers: pl.DataFrame, problem: str) -> None:
    with pytest.raises(InputFileError) as caught:
        check_tiers(Path("t.parquet"), tiers, ROUND)
    assert str(caught.value) == f"t.parquet: {problem}"


CITY_ROUND = RoundId.parse("330800-2026-12", "CITY_ROUND")


def test_a_city_round_takes_the_tiers_of_its_districts_firms() -> None:
    """A city's round (a workspace of several of its districts) frames the firms of all of them: each firm
    counts for its city, so a tier file of 柯城区 and 衢江区 firms fits 330800, and fits neither district alone."""
    city = _tiers(dt.date(2026, 10, 31), "330802", "330803", "330803")
    check_tiers(Path("t.parquet"), city, CITY_ROUND)
    with pytest.raises(InputFileError) as caught:
        check_tiers(Path("t.parquet"), _tiers(dt.date(2026, 10, 31), "330802", "330102", "330105"), CITY_ROUND)
    assert str(caught.value) == (
        "t.parquet: a tier file of division 330100 杭州市 (2 of 3 firms' USCCs, positions 3–8), not of round "
        "330800-2026-12's division 330800 衢州市"
    )


def test_the_targets_are_each_framed_firms_facts_that_eligibility_reads() -> None:
    from xinyong.core.canonical import jsonl, jsonl_table
    from xinyong.draw.teams import Firm
    from xinyong.rounds.frame import TARGET_FIELDS, targets_of
    from xinyong.rounds.history import HISTORY

    registry = pl.DataFrame(
        {
            "uscc": ["f1", "f2", "f3", "f9"],
            "legal_rep_id": ["LR-1", "LR-2", "LR-1", "LR-9"],
            "station": ["府山所", "衢化所", "府山所", "花园所"],
        }
    )
    history = pl.DataFrame(
        [
            ("f1", dt.date(2026, 10, 3), ["INS-2", "INS-1"]),
            ("f1", dt.date(2026, 10, 3), ["INS-3", "INS-1"]),  # two teams on its last day: all of them
            ("f1", dt.date(2026, 5, 3), ["INS-9", "INS-8"]),
            ("f2", dt.date(2026, 12, 2), ["INS-7", "INS-6"]),  # in the round's month: not before it
            ("f9", dt.date(2026, 10, 3), ["INS-5", "INS-4"]),  # not framed
        ],
        schema={"uscc": pl.Utf8, "inspection_date": pl.Date, "team": pl.List(pl.Utf8)},
        orient="row",
    ).with_columns(
        pl.lit(None, pl.Utf8).alias(c) for c in HISTORY.names() if c not in ("uscc", "inspection_date", "team")
    )
    targets = targets_of(pl.Series(["f3", "f1", "f2", "f1", "fX"]), registry, history, ROUND)
    expected = [
        Firm("f1", "LR-1", "府山所", frozenset({"INS-1", "INS-2", "INS-3"})),
        Firm("f2", "LR-2", "衢化所", frozenset()),
        Firm("f3", "LR-1", "府山所", frozenset()),
        Firm("fX", "", "", frozenset()),  # not in the registry
    ]
    assert targets.to_dicts() == [firm.record() for firm in expected]
    assert jsonl_table(targets, TARGET_FIELDS) == jsonl(firm.record() for firm in expected)
