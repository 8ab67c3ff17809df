"""Random inspector teams (spec §6): eligibility by the rules alone, then the lowest inspector keys.

Eligibility (DESIGN.md; 《关于在市场监管领域全面推行部门联合"双随机、一公开"监管的意见》): an inspector
may join a target's team only if, on the inspection date, they hold a valid 执法证; are qualified for
every item of the plan their department carries out; belong to one of the plan's departments; have declared no relation to the
firm or its legal representative (回避); are not from the firm's own station when the plan asks for
cross-station teams (所所交叉); and were not on the team that last inspected the firm.  Experts and
auxiliary staff are never in the roster of the draw.  Every inspector left out carries its reason:
plan-wide reasons (certificate, qualification, department) once per plan, the others per target.

Assignment takes targets in order of (plan bytes, key).  For each, the candidates are its eligible
inspectors with capacity left, sorted by ``inspector_key``; from the lowest pool level upwards, the
candidates at that level or below give one inspector per plan department, in department order,
then the lowest-key remaining ones until the team is full; the first level that succeeds gives the
team and each member's capacity drops by one.  If none succeeds the target is unstaffed, with the
reason, and no capacity is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from .keys import inspector_keys

# (plan, uscc): a selected target
Target = tuple[str, str]


@dataclass(frozen=True)
class Inspector:
    id: str
    department: str
    level: int
    capacity: int
    cert_expiry: dt.date | None
    qualifications: frozenset[str]
    station: str


@dataclass(frozen=True)
class Firm:
    uscc: str
    legal_rep: str
    station: str
    last_team: frozenset[str]


@dataclass(frozen=True)
class Exclusion:
    plan: str
    uscc: str | None  # None: the reason holds for every target of the plan
    inspector: str
    reason: str


def plan_pool(plan: Mapping, roster: list[Inspector], inspection_day: dt.date) -> tuple[list[Inspector], list[Exclusion]]:
    """The inspectors a plan may use at all, and why each of the others may not."""
    pool, excluded = [], []
    for person in roster:
        reason = None
        if person.department not in plan["departments"]:
            reason = f"other department ({person.department})"
        elif person.cert_expiry is None or person.cert_expiry < inspection_day:
            reason = f"执法证 not valid on {inspection_day} (expires {person.cert_expiry})"
        elif not _own_items(plan, person.department) <= person.qualifications:
            missing = ", ".join(sorted(_own_items(plan, person.department) - person.qualifications))
            reason = f"not qualified for {missing}"
        if reason:
            excluded.append(Exclusion(plan["id"], None, person.id, reason))
        else:
            pool.append(person)
    return pool, excluded


def _own_items(plan: Mapping, department: str) -> set[str]:
    """The plan's items this department carries out (all of them when the plan does not say)."""
    by_item = plan.get("item_departments")
    if not by_item:
        return set(plan["items"])
    return {item for item in plan["items"] if department in by_item.get(item, [])}


def target_eligible(plan: Mapping, firm: Firm, pool: list[Inspector], relations: Mapping[str, frozenset[str]]) -> tuple[list[str], list[Exclusion]]:
    """Eligible inspector ids for one target (sorted), and the target-specific exclusions.

    ``relations`` maps an inspector id to the USCCs and legal-representative ids they declared.
    """
    eligible, excluded = [], []
    for person in pool:
        declared = relations.get(person.id, frozenset())
        if firm.uscc in declared or firm.legal_rep in declared:
            reason = "回避: declared relation to the firm or its legal representative"
        elif plan.get("cross_station", False) and person.station == firm.station:
            reason = f"所所交叉: from the firm's own station ({firm.station})"
        elif person.id in firm.last_team:
            reason = "rotation: on the team that last inspected this firm"
        else:
            eligible.append(person.id)
            continue
        excluded.append(Exclusion(plan["id"], firm.uscc, person.id, reason))
    return sorted(eligible), excluded


@dataclass(frozen=True)
class Assignment:
    plan: str
    uscc: str
    team: list[str]
    reason: str | None  # why it is unstaffed

    @property
    def status(self) -> str:
        return "staffed" if self.team else "unstaffed"

    def record(self) -> dict:
        return {"plan": self.plan, "status": self.status, "team": self.team, "uscc": self.uscc}


def assign_teams(
    targets: list[tuple[str, str, str]],
    eligible: Mapping[Target, list[str]],
    roster: Mapping[str, Inspector],
    plans: Mapping[str, Mapping],
    seed: bytes,
) -> list[Assignment]:
    """``targets`` are (plan, key hex, uscc); returns one assignment per target, in draw order."""
    remaining = {i: person.capacity for i, person in roster.items()}
    result = []
    for plan_id, _, uscc in sorted(targets, key=lambda t: (t[0].encode("utf-8"), t[1])):
        plan = plans[plan_id]
        candidates = [i for i in eligible.get((plan_id, uscc), []) if remaining[i] > 0]
        keys = dict(zip(candidates, inspector_keys(seed, plan_id, uscc, candidates)))
        candidates.sort(key=keys.__getitem__)
        team, reason = _team(candidates, roster, plan)
        for member in team:
            remaining[member] -= 1
        result.append(Assignment(plan_id, uscc, team, reason))
    return result


def _team(candidates: list[str], roster: Mapping[str, Inspector], plan: Mapping) -> tuple[list[str], str | None]:
    levels = sorted({roster[i].level for i in candidates})
    reason = f"0 eligible inspectors with capacity (team of {plan['team_size']} from {'、'.join(plan['departments'])})"
    for level in levels:
        usable = [i for i in candidates if roster[i].level <= level]
        team = []
        for department in plan["departments"]:
            pick = next((i for i in usable if roster[i].department == department and i not in team), None)
            if pick is None:
                have = sum(1 for i in usable if roster[i].department == department)
                reason = f"{department}: {have} eligible inspectors with capacity at levels ≤ {level}"
                break
            team.append(pick)
        else:
            for i in usable:
                if len(team) == plan["team_size"]:
                    break
                if i not in team:
                    team.append(i)
            if len(team) == plan["team_size"]:
                return team, None
            reason = f"team of {plan['team_size']}: {len(team)} eligible inspectors with capacity at levels ≤ {level}"
    return [], reason
