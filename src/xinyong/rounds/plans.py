"""Round plans (抽查计划/任务) from TOML, validated once into :class:`xinyong.draw.plans.Plan` values (spec §2).

Each plan names its items from the 抽查事项清单 and its departments, the lead first (a joint plan,
联合抽查, lists several: "进一次门、查多项事"); a team size of at least two certified enforcement
officers ("执法人员不得少于两人", 《中华人民共和国行政处罚法》 第四十二条) and at least one per
department; the allocation (``ratio`` per tier with minimums, or ``count``); targeted filters for
定向抽查 (entity types, industry sections, and grids, which are the workspace's: those of its towns, which
the clean registry carries); the repeat-inspection exclusion
(避免重复检查): not again for the same item within N months, except for the tiers it names; and
whether teams must come from another station than the firm's own (``cross_station``, 所所交叉).
A bad plan is a one-line error naming the file, the plan and the field.

The schema is closed (issue 12): an unknown key at any level — the top, a plan, its ``allocation``,
``target`` or ``exclusion`` — is refused with the nearest known key
(:func:`xinyong.workspace.config.check_keys`), every value is of its type, and a ratio or weight
table names every tier the policy produces (A, B, C, D: :data:`xinyong.core.codes.TIERS`), so that
no tier is drawn at a default nobody wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from xinyong.core import divisions
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
from xinyong.ingest.contract import ENTITY_TYPES
from xinyong.workspace import config

# The values a target filter may name; ``grids`` are the registry's, given to :func:`read_plans`.
TARGET_CHECKS: dict[str, tuple[str, ...] | None] = {
    "entity_types": ENTITY_TYPES,
    "industry_sections": tuple("ABCDEFGHIJKLMNOPQRST"),
    "grids": None,
}
FILE_KEYS = ("division", "plan")
PLAN_KEYS = ("id", "name", "items", "departments", "team_size", "allocation", "target", "exclusion", "cross_station")
REQUIRED = ("id", "name", "items", "departments", "team_size", "allocation")
ALLOCATION_KEYS = {"ratio": ("mode", "ratios", "min"), "count": ("mode", "n", "weights")}
EXCLUSION_KEYS = ("months", "exempt_tiers")


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


def read_plans(path: Path, items: Mapping[str, Item] | None = None, grids: Collection[str] | None = None) -> PlanFile:
    """The division and the plans of a TOML file; with the 抽查事项清单 ``items``, the plans' items are
    checked against it and each plan carries which department carries out which of its items; with the
    registry's ``grids``, a target's grids are checked against them."""
    data = config.read_toml(path, "plan")
    config.check_keys(path, "", data, FILE_KEYS)
    division = config.text(path, "division", data.get("division", ""))
    if not re.fullmatch(r"\d{6}", division):
        raise InputFileError(path, f"division must be a 6-digit code, not {division!r}")
    problem = divisions.problem(division)
    if problem:
        raise InputFileError(path, f"division: {problem}")
    plans: list[Plan] = []
    seen: set[str] = set()
    for n, raw in enumerate(config.tables(path, "plan", data.get("plan", [])), start=1):
        plan = _check(path, raw, n, items, grids)
        if plan.id in seen:
            raise InputFileError(path, f"plan {plan.id}: duplicate id")
        seen.add(plan.id)
        plans.append(plan)
    if not plans:
        raise InputFileError(path, "no [[plan]] in the file")
    return PlanFile(division, tuple(sorted(plans, key=lambda p: p.id.encode("utf-8"))))


Fail = Callable[[str, str], InputFileError]


def _check(
    path: Path, raw: dict[str, object], n: int, items: Mapping[str, Item] | None, grids: Collection[str] | None
) -> Plan:
    plan_id = raw.get("id")
    name = f"plan {plan_id if isinstance(plan_id, str) else f'#{n}'}"
    config.check_keys(path, name, raw, PLAN_KEYS)

    def fail(field: str, problem: str) -> InputFileError:
        return InputFileError(path, f"{name}: {field}: {problem}")

    def field(key: str) -> str:
        return f"{name}: {key}"

    for key in REQUIRED:
        if key not in raw:
            raise fail(key, "missing")
    plan_id = config.text(path, field("id"), raw["id"])
    if not re.fullmatch(r"P\d{2,3}", plan_id):
        raise fail("id", f"must look like P01, not {plan_id!r}")
    plan_items = config.texts(path, field("items"), raw["items"])
    unknown = [i for i in plan_items if items is not None and i not in items]
    if not plan_items or unknown:
        raise fail("items", f"unknown item {', '.join(unknown)}" if unknown else "needs at least one item")
    departments = config.texts(path, field("departments"), raw["departments"])
    if not departments or any(d not in DEPARTMENTS for d in departments) or len(set(departments)) != len(departments):
        raise fail("departments", f"each one of {'/'.join(DEPARTMENTS)}, no repeats, the lead first")
    team_size = config.whole(path, field("team_size"), raw["team_size"])
    if team_size < 2 or team_size < len(departments):
        raise fail("team_size", "at least 2, and at least one inspector per department")
    return Plan(
        id=plan_id,
        name=config.text(path, field("name"), raw["name"]),
        items=plan_items,
        departments=departments,
        team_size=team_size,
        allocation=_allocation(path, field("allocation"), raw["allocation"], fail),
        target=_target(path, field("target"), raw.get("target", {}), fail, grids),
        exclusion=_exclusion(path, field("exclusion"), raw.get("exclusion", {}), fail),
        item_departments=None if items is None else {i: items[i].departments for i in plan_items},
        cross_station=config.flag(path, field("cross_station"), raw.get("cross_station", False)),
    )


def _target(path: Path, where: str, value: object, fail: Fail, grids: Collection[str] | None) -> TargetFilter:
    target = config.table(path, where, value)
    config.check_keys(path, where, target, tuple(TARGET_CHECKS))
    filters = {key: config.texts(path, f"{where}.{key}", values) for key, values in target.items()}
    for key, values in filters.items():
        known = grids if key == "grids" else TARGET_CHECKS[key]
        bad = [v for v in values if known is not None and v not in known]
        if bad and key == "grids":
            raise fail("target.grids", f"no grid {', '.join(bad)} in the registry (its grids: {'/'.join(known or ())})")
        if bad:
            raise fail(f"target.{key}", f"unknown value {', '.join(bad)}")
    return TargetFilter(**filters)


def _exclusion(path: Path, where: str, value: object, fail: Fail) -> RepeatExclusion:
    exclusion = config.table(path, where, value)
    config.check_keys(path, where, exclusion, EXCLUSION_KEYS)
    months = config.whole(path, f"{where}.months", exclusion.get("months", DEFAULT_EXCLUSION_MONTHS))
    if months < 0:
        raise fail("exclusion.months", "a whole number of months ≥ 0")
    exempt = config.texts(path, f"{where}.exempt_tiers", exclusion.get("exempt_tiers", []))
    if any(t not in TIERS for t in exempt):
        raise fail("exclusion.exempt_tiers", "tiers from A/B/C/D")
    return RepeatExclusion(months, exempt)


def _allocation(path: Path, where: str, value: object, fail: Fail) -> Allocation:
    allocation = config.table(path, where, value)
    mode = allocation.get("mode")
    if not isinstance(mode, str) or mode not in ALLOCATION_KEYS:
        raise fail("allocation.mode", f"must be ratio or count, not {mode!r}")
    config.check_keys(path, where, allocation, ALLOCATION_KEYS[mode])
    if mode == "ratio":
        if "ratios" not in allocation:
            raise fail("allocation.ratios", f"missing: ratio mode needs a ratio for every tier {', '.join(TIERS)}")
        ratios = _per_tier(path, where, "ratios", allocation["ratios"], fail)
        for tier, ratio in ratios.items():
            try:
                within = 0 <= exact(ratio) <= 1
            except ValueError as exc:
                raise fail(f"allocation.ratios.{tier}", str(exc)) from None
            if not within:
                raise fail(f"allocation.ratios.{tier}", "must be between 0 and 1")
        minimums: dict[str, int] = {}
        given = config.table(path, f"{where}.min", allocation.get("min", {}))
        config.check_keys(path, f"{where}.min", given, TIERS)
        for tier, count in given.items():
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise fail("allocation.min", f"{tier}: a whole number ≥ 0 per tier")
            minimums[tier] = count
        return RatioAllocation(_decimals(ratios), minimums if "min" in allocation else None)
    if "n" not in allocation:
        raise fail("allocation.n", "missing: count mode needs the number of targets n")
    n = config.whole(path, f"{where}.n", allocation["n"])
    if n < 0:
        raise fail("allocation.n", "a whole number ≥ 0")
    if "weights" not in allocation:
        return CountAllocation(n)
    weights = _per_tier(path, where, "weights", allocation["weights"], fail)
    for tier, weight in weights.items():
        if not _decimal_at_least_zero(weight):
            raise fail("allocation.weights", f"{tier}: a decimal string ≥ 0 per tier")
    return CountAllocation(n, _decimals(weights))


def _per_tier(path: Path, where: str, key: str, value: object, fail: Fail) -> dict[str, object]:
    """A ratio or weight table: only tiers, and every tier the policy produces."""
    given = config.table(path, f"{where}.{key}", value)
    config.check_keys(path, f"{where}.{key}", given, TIERS)
    missing = [t for t in TIERS if t not in given]
    if missing:
        what = key.removesuffix("s")
        raise fail(
            f"allocation.{key}",
            f"no {what} for tier {', '.join(missing)}; name every tier {', '.join(TIERS)} "
            '(write "0" to draw none of a tier)',
        )
    return given


def _decimal_at_least_zero(value: object) -> bool:  # a TOML value: a decimal string is wanted
    try:
        return isinstance(value, str) and exact(value) >= 0
    except ValueError:
        return False


def _decimals(checked: dict[str, object]) -> dict[str, str]:
    """A table whose values were checked to be decimal strings, typed as such."""
    return {tier: str(value) for tier, value in checked.items()}
