"""Random inspector teams (spec §6): eligibility by the rules alone, then the lowest inspector keys.

Eligibility (docs/draw-spec.md §6; 国发〔2019〕5号《关于在市场监管领域全面推行部门联合"双随机、一公开"监管的意见》):
an inspector may join a target's team only if, on the inspection date, they hold a valid 执法证; are qualified for
every item of the plan their department carries out; belong to one of the plan's departments; may
act where the firm is (属地管辖: an officer's division covers the firm's division — positions 3–8 of
its USCC — in the GB/T 2260 hierarchy, so a district officer covers that district, a city officer
every district of the city); have declared no relation to the firm or its legal representative
(回避); are not from the firm's own station when the plan asks for cross-station teams (所所交叉);
and were not on the team that last inspected the firm.  Experts and auxiliary staff are never in the
roster of the draw.  Every inspector left out carries its reason, in Chinese for the clerks who read the audit
files (e.g. ``不具备 SJ-SC-01 检查资格``, ``非本计划部门（税务）``): plan-wide reasons (certificate,
qualification, department) once per plan, jurisdiction once per plan and inspector (it names the one
division the officer may act in), the others per target.  Only officers whose jurisdiction covers a
target are looked at for it, which keeps eligibility and keys proportional to the local pools, not
the roster.

Assignment takes targets in order of (plan bytes, key).  For each, the candidates are its eligible
inspectors with capacity left, sorted by ``inspector_key``; from the lowest pool level upwards, the
candidates at that level or below give one inspector per plan department, in department order,
then the lowest-key remaining ones until the team is full; the first level that succeeds gives the
team and each member's capacity drops by one.  If none succeeds the target is unstaffed, with the
reason (e.g. ``卫健：池层级 ≤ 1 内尚有余量的合格检查人员 0 名``), and no capacity is used.  Keys of a
higher level are computed only when the levels below cannot form the team: the order among the
candidates considered is the same, so is the team.

In draw spec v2 eligibility is a function of committed files only — ``plans.json``, ``inspectors.jsonl``,
``targets.jsonl`` (the firm-side facts: :meth:`Firm.record`) and the round id, whose month's last day is the
inspection day (:func:`eligibility`) — so that an auditor re-derives ``eligibility.jsonl`` from the bundle
and nothing read after the commitment can change a team.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from xinyong.draw.keys import V1, Version, inspector_keys
from xinyong.draw.plans import Plan

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
    division: str  # GB/T 2260 code of where the officer may act: 330802 a district, 330800 a city

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Inspector:
        """An inspector of the round's ``inspectors.jsonl`` (spec §3, with what eligibility reads)."""
        expiry = record.get("cert_expiry")
        return cls(
            record["id"],
            record["department"],
            record["level"],
            record["capacity"],
            dt.date.fromisoformat(expiry) if expiry else None,
            frozenset(record.get("qualifications", [])),
            record.get("station", ""),
            record["division"],
        )


@dataclass(frozen=True)
class Firm:
    """The facts of a target firm that eligibility reads: one line of v2's ``targets.jsonl``."""

    uscc: str
    legal_rep: str  # the legal representative's id (回避 declarations name it)
    station: str  # the firm's 市场监管所 (所所交叉)
    last_team: frozenset[str]  # who inspected it last, before the round's month (rotation)

    @property
    def division(self) -> str:
        return self.uscc[2:8]

    def record(self) -> dict[str, object]:
        """The ``targets.jsonl`` record: ``last_team`` sorted, the rest text."""
        return {
            "last_team": sorted(self.last_team),
            "legal_rep": self.legal_rep,
            "station": self.station,
            "uscc": self.uscc,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Firm:
        return cls(record["uscc"], record["legal_rep"], record["station"], frozenset(record["last_team"]))


# inspector division → the plan's usable inspectors registered there, in roster order
Pool = Mapping[str, list[Inspector]]


def jurisdictions(division: str) -> tuple[str, ...]:
    """The divisions whose officers may act in ``division``: itself, its city and its province."""
    return tuple(dict.fromkeys((division, division[:4] + "00", division[:2] + "0000")))


@dataclass(frozen=True)
class Exclusion:
    plan: str
    uscc: str | None  # None: the reason holds for every target of the plan
    inspector: str
    reason: str


def plan_pool(plan: Plan, roster: list[Inspector], inspection_day: dt.date) -> tuple[Pool, list[Exclusion]]:
    """The inspectors a plan may use at all, by division, and why each of the others may not."""
    pool: defaultdict[str, list[Inspector]] = defaultdict(list)
    excluded: list[Exclusion] = []
    for person in roster:
        reason = None
        if person.department not in plan.departments:
            reason = f"非本计划部门（{person.department}）"
        elif person.cert_expiry is None or person.cert_expiry < inspection_day:
            expiry = f"有效期至 {person.cert_expiry}" if person.cert_expiry else "名册未登记执法证有效期"
            reason = f"执法证在 {inspection_day} 无效（{expiry}）"
        elif not plan.own_items(person.department) <= person.qualifications:
            missing = "、".join(sorted(plan.own_items(person.department) - person.qualifications))
            reason = f"不具备 {missing} 检查资格"
        if reason:
            excluded.append(Exclusion(plan.id, None, person.id, reason))
        else:
            pool[person.division].append(person)
    return dict(pool), excluded


def jurisdiction_exclusions(plan_id: str, pool: Pool, target_divisions: Iterable[str]) -> list[Exclusion]:
    """One record per pool member who may not act where some of the plan's targets are."""
    covering = [set(jurisdictions(d)) for d in set(target_divisions)]
    return [
        Exclusion(plan_id, None, person.id, f"属地管辖：仅可在 {division} 范围内执法，不检查辖区外的对象")
        for division, members in sorted(pool.items())
        if not all(division in c for c in covering)
        for person in members
    ]


def declared_by(relations: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """Invert declarations (inspector → USCCs and legal-representative ids) to party → inspectors."""
    parties: defaultdict[str, set[str]] = defaultdict(set)
    for inspector, declared in relations.items():
        for party in declared:
            parties[party].add(inspector)
    return {party: frozenset(ids) for party, ids in parties.items()}


def target_eligible(
    plan: Plan, firm: Firm, pool: Pool, declared: Mapping[str, frozenset[str]]
) -> tuple[list[str], list[Exclusion]]:
    """Eligible inspector ids for one target (sorted), and the target-specific exclusions.

    ``declared`` maps a USCC or legal-representative id to the inspectors who declared a relation
    to it (:func:`declared_by`).  Only officers whose jurisdiction covers the firm are looked at.
    """
    related = declared.get(firm.uscc, frozenset()) | declared.get(firm.legal_rep, frozenset())
    eligible: list[str] = []
    excluded: list[Exclusion] = []
    for person in (p for division in jurisdictions(firm.division) for p in pool.get(division, ())):
        if person.id in related:
            reason = "回避：已申报与该企业或其法定代表人有利害关系"
        elif plan.cross_station and person.station == firm.station:
            reason = f"所所交叉：来自该企业所在的市场监管所（{firm.station}）"
        elif person.id in firm.last_team:
            reason = "轮换：上次检查该企业的检查组成员"
        else:
            eligible.append(person.id)
            continue
        excluded.append(Exclusion(plan.id, firm.uscc, person.id, reason))
    return sorted(eligible), excluded


def eligibility(
    plans: Mapping[str, Plan],
    roster: Iterable[Mapping[str, Any]],
    firms: Mapping[str, Firm],
    targets: Iterable[Target],
    inspection_day: dt.date,
) -> tuple[dict[Target, list[str]], list[Exclusion]]:
    """Eligible inspector ids of every target (plan, uscc) and every exclusion with its reason, from the committed
    plans, roster records (``inspectors.jsonl``: with ``declared`` relations) and firms (``targets.jsonl``) alone."""
    records = list(roster)
    people = [Inspector.from_record(r) for r in records]
    declared = declared_by({r["id"]: r.get("declared", []) for r in records})
    targets = list(targets)
    eligible: dict[Target, list[str]] = {}
    exclusions: list[Exclusion] = []
    pools = {}
    for plan_id, plan in plans.items():
        pools[plan_id], excluded = plan_pool(plan, people, inspection_day)
        divisions = [firms[uscc].division for p, uscc in targets if p == plan_id]
        exclusions += excluded + jurisdiction_exclusions(plan_id, pools[plan_id], divisions)
    for plan_id, uscc in targets:
        eligible[(plan_id, uscc)], excluded = target_eligible(plans[plan_id], firms[uscc], pools[plan_id], declared)
        exclusions += excluded
    return eligible, exclusions


def eligibility_records(eligible: Mapping[Target, list[str]]) -> list[dict[str, object]]:
    """The records of ``eligibility.jsonl`` (spec §6 step 1): ``{"eligible": [ids sorted], "plan", "uscc"}`` per
    target, sorted by (plan, uscc) bytes — what ``round assign`` writes and ``verify --audit`` re-derives."""
    return [
        {"eligible": sorted(eligible[(plan, uscc)]), "plan": plan, "uscc": uscc}
        for plan, uscc in sorted(eligible, key=lambda t: (t[0].encode("utf-8"), t[1].encode("utf-8")))
    ]


@dataclass(frozen=True)
class Assignment:
    plan: str
    uscc: str
    team: list[str]
    reason: str | None  # why it is unstaffed

    @property
    def status(self) -> str:
        return "staffed" if self.team else "unstaffed"

    def record(self) -> dict[str, object]:
        return {"plan": self.plan, "status": self.status, "team": self.team, "uscc": self.uscc}


def assign_teams(
    targets: list[tuple[str, str, str]],
    eligible: Mapping[Target, list[str]],
    roster: Mapping[str, Inspector],
    plans: Mapping[str, Plan],
    seed: bytes,
    version: Version = V1,
) -> list[Assignment]:
    """``targets`` are (plan, key hex, uscc); returns one assignment per target, in draw order."""
    remaining = {i: person.capacity for i, person in roster.items()}
    result = []
    for plan_id, _, uscc in sorted(targets, key=lambda t: (t[0].encode("utf-8"), t[1])):
        candidates = [i for i in eligible.get((plan_id, uscc), []) if remaining[i] > 0]
        team, reason = _team(
            candidates, roster, plans[plan_id], partial(inspector_keys, seed, plan_id, uscc, version=version)
        )
        for member in team:
            remaining[member] -= 1
        result.append(Assignment(plan_id, uscc, team, reason))
    return result


def _team(
    candidates: list[str],
    roster: Mapping[str, Inspector],
    plan: Plan,
    keys_of: Callable[[list[str]], list[bytes]],
) -> tuple[list[str], str | None]:
    reason = f"无尚有余量的合格检查人员（检查组 {plan.team_size} 人，来自 {'、'.join(plan.departments)}）"
    keyed: dict[str, bytes] = {}
    for level in sorted({roster[i].level for i in candidates}):
        new = [i for i in candidates if roster[i].level == level]
        keyed.update(zip(new, keys_of(new), strict=True))
        usable = sorted(keyed, key=keyed.__getitem__)
        team = []
        for department in plan.departments:
            pick = next((i for i in usable if roster[i].department == department and i not in team), None)
            if pick is None:
                have = sum(1 for i in usable if roster[i].department == department)
                reason = f"{department}：池层级 ≤ {level} 内尚有余量的合格检查人员 {have} 名"
                break
            team.append(pick)
        else:
            for i in usable:
                if len(team) == plan.team_size:
                    break
                if i not in team:
                    team.append(i)
            if len(team) == plan.team_size:
                return team, None
            reason = f"检查组需 {plan.team_size} 人：池层级 ≤ {level} 内尚有余量的合格检查人员仅 {len(team)} 名"
    return [], reason
