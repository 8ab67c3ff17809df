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


# -- a closed schema: typos are refused with the nearest known key, never ignored (issue 12) ---------
def _changed(tmp_path: Path, old: str, new: str) -> Path:
    text = PLANS.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "plans.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # `targets` once turned the restaurants-only P03 into a plan of all firms (frame 11,104 → 17,000)
        (
            'target = { industry_sections = ["H"] }',
            'targets = { industry_sections = ["H"] }',
            "plan P03: unknown key 'targets' (did you mean 'target'?)",
        ),
        # `exclusions` dropped the tier exemptions
        (
            'exclusion = { months = 12, exempt_tiers = ["C", "D"] }',
            'exclusions = { months = 12, exempt_tiers = ["C", "D"] }',
            "plan P03: unknown key 'exclusions' (did you mean 'exclusion'?)",
        ),
        # `cross_staton` dropped 所所交叉
        ("team_size = 2\ntarget", "team_size = 2\ncross_staton = true\ntarget", None),
        # `minimum` was committed as a meaningless key
        (
            "min = { D = 1 } }",
            "minimum = { D = 1 } }",
            "plan P01: allocation: unknown key 'minimum' (did you mean 'min'?)",
        ),
        # a ratio table without D: D got only its min of 1
        (
            'C = "0.017", D = "0.042" }',
            'C = "0.017" }',
            'plan P01: allocation.ratios: no ratio for tier D; name every tier A, B, C, D (write "0" to draw none '
            "of a tier)",
        ),
        (
            'weights = { A = "1", B = "2", C = "4", D = "8" } }\nexclusion = { months = 12, exempt_tiers = [] }',
            'weights = { A = "1", B = "2", C = "4" } }\nexclusion = { months = 12, exempt_tiers = [] }',
            'plan P04: allocation.weights: no weight for tier D; name every tier A, B, C, D (write "0" to draw none '
            "of a tier)",
        ),
        (
            'industry_sections = ["H"]',
            'industry_section = ["H"]',
            "plan P03: target: unknown key 'industry_section' (did you mean 'industry_sections'?)",
        ),
        (
            "exclusion = { months = 12, exempt_tiers = [] }",
            "exclusion = { month = 12, exempt_tiers = [] }",
            "plan P04: exclusion: unknown key 'month' (did you mean 'months'?)",
        ),
        ('mode = "count", n = 25,', 'mode = "count", n = 25, min = { D = 1 },', None),
        ('division = "330802"', 'divison = "330802"', "unknown key 'divison' (did you mean 'division'?)"),
        ('name = "企业公示信息双随机抽查"', 'name = "企业公示信息双随机抽查"\nowner = "张三"', None),
        ('ratios = { A = "0.002",', 'ratios = { E = "0.1", A = "0.002",', None),
    ],
)
def test_an_unknown_key_anywhere_is_named_with_the_nearest_known_one(
    tmp_path: Path, old: str, new: str, message: str | None
) -> None:
    path = _changed(tmp_path, old, new)
    expected = {
        "cross_staton": "plan P03: unknown key 'cross_staton' (did you mean 'cross_station'?)",
        "min = { D": "plan P04: allocation: unknown key 'min' (known keys: mode, n, weights)",
        "owner": "plan P01: unknown key 'owner' (known keys: id, name, items, departments, team_size, allocation, "
        "target, exclusion, cross_station)",
        "E = ": "plan P01: allocation.ratios: unknown key 'E' (known keys: A, B, C, D)",
    }
    message = message or next(text for key, text in expected.items() if key in new)
    with pytest.raises(InputFileError) as caught:
        read_plans(path, reference_items())
    assert str(caught.value) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("team_size = 2", 'team_size = "2"', "plan P01: team_size: must be a whole number, not '2'"),
        (
            'items = ["SJ-SC-01"]',
            'items = "SJ-SC-01"',
            "plan P01: items: must be a list of text values, not 'SJ-SC-01'",
        ),
        ('division = "330802"', "division = 330802", "division: must be text, not 330802"),
        (
            'division = "330802"',
            'division = "330801"',  # 衢州市市辖区: no longer on 民政部's list
            "division: 330801 is not a division of GB/T 2260, 民政部 2024年县以上行政区划代码; the nearest are "
            "330800 衢州市, 330802 衢州市柯城区, 330803 衢州市衢江区",
        ),
        (
            'mode = "count", n = 25,',
            'mode = "count", n = 25.0,',
            "plan P04: allocation.n: must be a whole number, not 25.0",
        ),
        (
            "exclusion = { months = 12, exempt_tiers = [] }",
            'exclusion = { months = 12, exempt_tiers = "D" }',
            "plan P04: exclusion.exempt_tiers: must be a list of text values, not 'D'",
        ),
        ('target = { industry_sections = ["H"] }', 'target = ["H"]', "plan P03: target: must be a table, not ['H']"),
        (
            'mode = "count", n = 25,',
            'mode = ["count"], n = 25,',
            "plan P04: allocation.mode: must be ratio or count, not ['count']",
        ),
        (
            'target = { industry_sections = ["H"] }',
            "cross_station = 1",
            "plan P03: cross_station: must be true or false, not 1",
        ),
        (
            'mode = "count", n = 25,',
            'mode = "count",',
            "plan P04: allocation.n: missing: count mode needs the number of targets n",
        ),
    ],
)
def test_a_value_of_the_wrong_type_names_the_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = _changed(tmp_path, old, new)
    with pytest.raises(InputFileError) as caught:
        read_plans(path, reference_items())
    assert str(caught.value) == f"{path}: {message}"


def test_a_single_plan_table_is_not_an_array_of_plans(tmp_path: Path) -> None:
    path = tmp_path / "plans.toml"
    path.write_text('division = "330802"\n[plan]\nid = "P01"\n', encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_plans(path)
    assert str(caught.value) == f"{path}: plan: must be an array of tables [[plan]], not {{'id': 'P01'}}"


def test_cross_station_is_settable_from_the_plans_file(tmp_path: Path) -> None:
    path = _changed(
        tmp_path,
        'team_size = 2\ntarget = { industry_sections = ["H"] }',
        'team_size = 2\ncross_station = true\ntarget = { industry_sections = ["H"] }',
    )
    p03 = next(p for p in read_plans(path, reference_items()).plans if p.id == "P03")
    assert p03.cross_station and p03.to_record()["cross_station"] is True
    assert not any(p.cross_station for p in default_plans().plans)  # and the default plans.json is unchanged


def test_a_targets_grids_are_the_registrys(tmp_path: Path) -> None:
    """Grids are the workspace's (its towns'), so a plan's target grids are checked against the registry's
    grids, given by `round frame`; without them the names are not checked."""
    path = _changed(tmp_path, 'target = { industry_sections = ["H"] }', 'target = { grids = ["衢江东", "东"] }')
    p03 = next(p for p in read_plans(path, reference_items(), ["东", "衢江东"]).plans if p.id == "P03")
    assert p03.target.grids == ("衢江东", "东")
    assert next(p for p in read_plans(path).plans if p.id == "P03").target.grids == ("衢江东", "东")  # unchecked
    with pytest.raises(InputFileError) as caught:
        read_plans(path, reference_items(), ["东", "南", "西", "北"])
    assert (
        str(caught.value) == f"{path}: plan P03: target.grids: no grid 衢江东 in the registry (its grids: 东/南/西/北)"
    )
