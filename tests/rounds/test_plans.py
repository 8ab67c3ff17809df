"""Plans as data: the TOML parsed once into frozen dataclasses whose ``plans.json`` bytes never move,
and a ``plans.json`` read back into the same values."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rounds.golden_cases import GOLDEN, PLANS, default_plans, reference_items
from xinyong.draw.plans import CountAllocation, RatioAllocation, TargetFilter
from xinyong.errors import InputFileError
from xinyong.rounds.plans import read_plans


def test_the_default_plans_give_the_golden_plans_json() -> None:
    assert default_plans().to_json() == GOLDEN.read_bytes()


def test_the_parsed_plans_carry_what_the_toml_says() -> None:
    p01, p02, p03, p04, _ = default_plans().plans
    assert p01.allocation == RatioAllocation({"A": "0.002", "B": "0.0055", "C": "0.017", "D": "0.042"}, {"D": 1})
    assert p02.allocation.to_record() == {
        "mode": "ratio",
        "ratios": {"A": "0.0011", "B": "0.0028", "C": "0.0085", "D": "0.021"},
    }
    assert (
        p03.lead == "市场监管"
        and p03.departments == ("市场监管", "卫健")
        and p03.target == TargetFilter(industry_sections=("H",))
    )
    assert p03.own_items("卫健") == {"SJ-SC-03", "SJ-WJ-01"} and p03.own_items("市场监管") == {"SJ-SC-03"}
    assert p04.allocation == CountAllocation(25, {"A": "1", "B": "2", "C": "4", "D": "8"})
    assert (p04.exclusion.months, p04.exclusion.exempt_tiers) == (12, ())
    assert p04.sample_sizes({"A": 10, "D": 10}) == {"A": 3, "D": 10}  # 25 × 1/9 → 2.78 and × 8/9 → 22.2, capped


def test_without_the_items_the_plans_do_not_say_who_carries_out_what() -> None:
    plan_file = read_plans(PLANS)
    assert plan_file.division == "330802" and all(p.item_departments is None for p in plan_file.plans)
    assert "item_departments" not in plan_file.plans[0].to_record()
    assert plan_file.plans[0].own_items("卫健") == {"SJ-SC-01"}  # not said: every item


def test_an_unknown_item_is_named(tmp_path: Path) -> None:
    path = tmp_path / "plans.toml"
    path.write_text(PLANS.read_text(encoding="utf-8").replace('"SJ-SC-02"', '"SJ-XX-99"'), encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_plans(path, reference_items())
    assert str(caught.value) == f"{path}: plan P02: items: unknown item SJ-XX-99"


def test_a_weight_that_is_not_a_decimal_string_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "plans.toml"
    path.write_text(PLANS.read_text(encoding="utf-8").replace('B = "2"', "B = 2", 1), encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_plans(path)
    assert str(caught.value) == f"{path}: plan P04: allocation.weights: B: a decimal string ≥ 0 per tier"


def test_the_default_plans_include_a_joint_plan_and_validate() -> None:
    plan_file = read_plans(PLANS)
    assert plan_file.division == "330802" and [p.id for p in plan_file.plans] == ["P01", "P02", "P03", "P04", "P05"]
    assert any(len(p.departments) > 1 for p in plan_file.plans) and all(p.team_size >= 2 for p in plan_file.plans)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("team_size = 2", "team_size = 1", 1),
            "plan P01: team_size: at least 2, and at least one inspector per department",
        ),
        (
            ('departments = ["市场监管"]', 'departments = ["工商"]', 1),
            "plan P01: departments: each one of 市场监管/税务/人社/生态环境/应急管理/卫健/住建, no repeats, the lead "
            "first",
        ),
        (('A = "0.002"', 'A = "2.5"', 1), "plan P01: allocation.ratios.A: must be between 0 and 1"),
        (('mode = "ratio"', 'mode = "share"', 1), "plan P01: allocation.mode: must be ratio or count, not 'share'"),
    ],
)
def test_a_bad_plan_names_the_plan_and_field(tmp_path: Path, change, message: str) -> None:
    old, new, count = change
    path = tmp_path / "plans.toml"
    path.write_text(PLANS.read_text(encoding="utf-8").replace(old, new, count), encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_plans(path)
    assert str(caught.value) == f"{path}: {message}"
