"""Round plans (抽查计划/任务) from TOML, validated once into :class:`xinyong.draw.plans.Plan` values (spec §2).

Each plan names its items from the 抽查事项清单 and its departments, the lead first (a joint plan,
联合抽查, lists several: "进一次门、查多项事"); a team size of at least two certified enforcement
officers ("执法人员不得少于两人", 《中华人民共和国行政处罚法》 第四十二条) and at least one per
department; the allocation (``ratio`` per tier with minimums, or ``count``); targeted filters for
定向抽查 (entity types, industry sections, grids); and the repeat-inspection exclusion
(避免重复检查): not again for the same item within N months, except for the tiers it names.
A bad plan is a one-line error naming the file, the plan and the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xinyong.core.codes import DEPARTMENTS, TIERS
from xinyong.draw.allocation import exact
from xinyong.draw.plans import (
    DEFAULT_EXCLUSION_MONTHS,
    Allocation,
    CountAllocation,
    Plan,
    RatioAllocation,
    RepeatExclusion,
    TargetFilter,
    plans_json,
)
from xinyong.errors import InputFileError
from xinyong.ingest.contract import ENTITY_TYPES, GRIDS
from xinyong.workspace.config import read_toml

TARGET_CHECKS: dict[str, tuple[str, ...]] = {
    "entity_types": ENTITY_TYPES,
    "industry_sections": tuple("ABCDEFGHIJKLMNOPQRST"),
    "grids": GRIDS,
}


@dataclass(frozen=True)
class Item:
    """One entry of the 抽查事项清单: whom it is for (企业, 个体工商户 or 全部市场主体) and who carries it out."""

    target_type: str
    departments: tuple[str, ...]


@dataclass(frozen=True)
class PlanFile:
    """A plans TOML: the division it is for and its plans, sorted by id (UTF-8 bytes)."""

    division: str
    plans: tuple[Plan, ...]

    def to_json(self) -> bytes:
        """The round's ``plans.json`` (spec §2)."""
        return plans_json(self.plans)


def read_plans(path: Path, items: Mapping[str, Item] | None = None) -> PlanFile:
    """The division and the plans of a TOML file; with the 抽查事项清单 ``items``, the plans' items are
    checked against it and each plan carries which department carries out which of its items."""
    data = read_toml(path, "plan")
    division = str(data.get("division", ""))
    if not re.fullmatch(r"\d{6}", division):
        raise InputFileError(path, f"division must be a 6-digit code, not {division!r}")
    plans: list[Plan] = []
    seen: set[str] = set()
    for n, raw in enumerate(data.get("plan", []), start=1):
        plan = _check(path, raw, n, items)
        if plan.id in seen:
            raise InputFileError(path, f"plan {plan.id}: duplicate id")
        seen.add(plan.id)
        plans.append(plan)
    if not plans:
        raise InputFileError(path, "no [[plan]] in the file")
    return PlanFile(division, tuple(sorted(plans, key=lambda p: p.id.encode("utf-8"))))


def _check(path: Path, raw: dict[str, Any], n: int, items: Mapping[str, Item] | None) -> Plan:
    name = f"plan {raw.get('id', f'#{n}')}"

    def fail(field: str, problem: str) -> InputFileError:
        return InputFileError(path, f"{name}: {field}: {problem}")

    for key in ("id", "name", "items", "departments", "team_size", "allocation"):
        if key not in raw:
            raise fail(key, "missing")
    if not re.fullmatch(r"P\d{2,3}", str(raw["id"])):
        raise fail("id", f"must look like P01, not {raw['id']!r}")
    if not raw["items"] or (items is not None and any(i not in items for i in raw["items"])):
        unknown = [i for i in raw["items"] if items is not None and i not in items]
        raise fail("items", f"unknown item {', '.join(unknown)}" if unknown else "needs at least one item")
    departments = raw["departments"]
    if not departments or any(d not in DEPARTMENTS for d in departments) or len(set(departments)) != len(departments):
        raise fail("departments", f"each one of {'/'.join(DEPARTMENTS)}, no repeats, the lead first")
    if not isinstance(raw["team_size"], int) or raw["team_size"] < 2 or raw["team_size"] < len(departments):
        raise fail("team_size", "at least 2, and at least one inspector per department")
    target = raw.get("target", {})
    for key, values in target.items():
        if key not in TARGET_CHECKS:
            raise fail("target", f"unknown filter {key!r} (use {', '.join(TARGET_CHECKS)})")
        bad = [v for v in values if v not in TARGET_CHECKS[key]]
        if bad:
            raise fail(f"target.{key}", f"unknown value {', '.join(map(str, bad))}")
    exclusion = raw.get("exclusion", {"months": DEFAULT_EXCLUSION_MONTHS, "exempt_tiers": []})
    if not isinstance(exclusion.get("months", 0), int) or exclusion.get("months", 0) < 0:
        raise fail("exclusion.months", "a whole number of months ≥ 0")
    if any(t not in TIERS for t in exclusion.get("exempt_tiers", [])):
        raise fail("exclusion.exempt_tiers", "tiers from A/B/C/D")
    plan_items = tuple(raw["items"])
    return Plan(
        id=raw["id"],
        name=raw["name"],
        items=plan_items,
        departments=tuple(departments),
        team_size=raw["team_size"],
        allocation=_allocation(raw["allocation"], fail),
        target=TargetFilter(**{key: tuple(values) for key, values in target.items()}),
        exclusion=RepeatExclusion(
            exclusion.get("months", DEFAULT_EXCLUSION_MONTHS), tuple(exclusion.get("exempt_tiers", []))
        ),
        item_departments=None if items is None else {i: items[i].departments for i in plan_items},
    )


def _allocation(allocation: dict[str, Any], fail: Callable[[str, str], InputFileError]) -> Allocation:
    mode = allocation.get("mode")
    if mode == "ratio":
        for tier, value in allocation.get("ratios", {}).items():
            if tier not in TIERS:
                raise fail("allocation.ratios", f"unknown tier {tier!r}")
            try:
                ratio = exact(value)
            except ValueError as exc:
                raise fail(f"allocation.ratios.{tier}", str(exc)) from None
            if not 0 <= ratio <= 1:
                raise fail(f"allocation.ratios.{tier}", "must be between 0 and 1")
        for tier, value in allocation.get("min", {}).items():
            if tier not in TIERS or not isinstance(value, int) or value < 0:
                raise fail("allocation.min", f"{tier}: a whole number ≥ 0 per tier")
        return RatioAllocation(
            dict(allocation["ratios"]) if "ratios" in allocation else None,
            dict(allocation["min"]) if "min" in allocation else None,
        )
    if mode == "count":
        if not isinstance(allocation.get("n"), int) or allocation["n"] < 0:
            raise fail("allocation.n", "a whole number ≥ 0")
        for tier, value in allocation.get("weights", {}).items():
            if tier not in TIERS or not _decimal_at_least_zero(value):
                raise fail("allocation.weights", f"{tier}: a decimal string ≥ 0 per tier")
        return CountAllocation(allocation["n"], dict(allocation["weights"]) if "weights" in allocation else None)
    raise fail("allocation.mode", f"must be ratio or count, not {mode!r}")


def _decimal_at_least_zero(value: Any) -> bool:  # a TOML value: a decimal string is wanted
    try:
        return exact(value) >= 0
    except ValueError:
        return False
