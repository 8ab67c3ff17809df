"""Round plans (抽查计划/任务) from TOML, validated, and their ``plans.json`` form (spec §2).

Each plan names its items from the 抽查事项清单 and its departments, the lead first (a joint plan,
联合抽查, lists several: "进一次门、查多项事"); a team size of at least two (DESIGN.md: two certified
inspectors per target); the allocation (``ratio`` per tier with minimums, or ``count``); targeted
filters for 定向抽查 (entity types, industry sections, grids); and the repeat-inspection exclusion
(避免重复检查): not again for the same item within N months, except for the tiers it names.
A bad plan is a one-line error naming the file, the plan and the field.
"""

from __future__ import annotations

import re
from pathlib import Path

from xinyong.core.codes import DEPARTMENTS, TIERS
from xinyong.draw.allocation import exact
from xinyong.errors import InputFileError
from xinyong.ingest.contract import ENTITY_TYPES, GRIDS
from xinyong.workspace.config import read_toml


def read_plans(path: Path, items: dict[str, str] | None = None) -> tuple[str, list[dict]]:
    """(division, plans sorted by id); ``items`` maps item id → target type for checking."""
    data = read_toml(path, "plan")
    division = str(data.get("division", ""))
    if not re.fullmatch(r"\d{6}", division):
        raise InputFileError(path, f"division must be a 6-digit code, not {division!r}")
    plans, seen = [], set()
    for n, raw in enumerate(data.get("plan", []), start=1):
        plan = _check(path, raw, n, items)
        if plan["id"] in seen:
            raise InputFileError(path, f"plan {plan['id']}: duplicate id")
        seen.add(plan["id"])
        plans.append(plan)
    if not plans:
        raise InputFileError(path, "no [[plan]] in the file")
    return division, sorted(plans, key=lambda p: p["id"].encode("utf-8"))


def _check(path: Path, raw: dict, n: int, items: dict[str, str] | None) -> dict:
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
    allocation = raw["allocation"]
    mode = allocation.get("mode")
    if mode == "ratio":
        for tier, value in {**allocation.get("ratios", {})}.items():
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
    elif mode == "count":
        if not isinstance(allocation.get("n"), int) or allocation["n"] < 0:
            raise fail("allocation.n", "a whole number ≥ 0")
        for tier, value in allocation.get("weights", {}).items():
            if tier not in TIERS or exact(value) < 0:
                raise fail("allocation.weights", f"{tier}: a decimal string ≥ 0 per tier")
    else:
        raise fail("allocation.mode", f"must be ratio or count, not {mode!r}")
    target = raw.get("target", {})
    checks = {"entity_types": ENTITY_TYPES, "industry_sections": tuple("ABCDEFGHIJKLMNOPQRST"), "grids": GRIDS}
    for key, values in target.items():
        if key not in checks:
            raise fail("target", f"unknown filter {key!r} (use {', '.join(checks)})")
        bad = [v for v in values if v not in checks[key]]
        if bad:
            raise fail(f"target.{key}", f"unknown value {', '.join(map(str, bad))}")
    exclusion = raw.get("exclusion", {"months": 12, "exempt_tiers": []})
    if not isinstance(exclusion.get("months", 0), int) or exclusion.get("months", 0) < 0:
        raise fail("exclusion.months", "a whole number of months ≥ 0")
    if any(t not in TIERS for t in exclusion.get("exempt_tiers", [])):
        raise fail("exclusion.exempt_tiers", "tiers from A/B/C/D")
    plan = {
        "id": raw["id"],
        "name": raw["name"],
        "items": list(raw["items"]),
        "departments": list(departments),
        "team_size": raw["team_size"],
        "allocation": allocation,
        "target": {k: list(v) for k, v in target.items()},
        "exclusion": {"months": exclusion.get("months", 12), "exempt_tiers": list(exclusion.get("exempt_tiers", []))},
    }
    return plan
