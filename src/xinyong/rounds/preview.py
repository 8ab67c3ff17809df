"""A round's preview (issue 12): what the commitment would fix, checked, for a person to sign off (pure).

After ``round frame`` and before the irrevocable ``round commit``, the preview shows per plan and
tier the frame size ``N_h`` and the sample size ``n_h`` the draw will take (the plans' own
:meth:`~xinyong.draw.plans.Plan.sample_sizes` over the frame's :func:`~xinyong.draw.selection.stratum_sizes`,
exactly as ``round draw`` computes them), the firms left out of the frame by plan and reason
(``exclusions.jsonl``), and the inspector capacity the teams need against what the roster has, per
department and pool level.  It records the hashes of the files the commitment will fix
(:class:`Fixed`), so that an :class:`Approval` of it (``round approve``: who approved the preview
whose ``preview.json`` has this SHA-256) is an approval of exactly those files, and ``round commit``
can tell whether the files on disk are still the approved ones.

Findings are **errors**, which refuse the approval and so the commitment, or **warnings**, shown and
recorded:

- ``count`` mode with ``n`` larger than the plan's frame is an error (the draw would take every firm
  and still fall short); a ``count`` allocation that gives fewer than ``n`` because strata are capped
  at their size is a warning;
- a tier given a ratio, a minimum or a weight above 0 whose stratum is empty is a warning;
- secrecy: strata that could be guessed from the round's public sizes (:mod:`xinyong.draw.secrecy`) in fewer
  than 2^40 hashes are an error, in fewer than 2^64 a warning;
- capacity: a team of ``team_size`` certified officers with at least one per plan department (spec
  §6) for every target.  For a set of departments S, the seats that must come from S are, per plan,
  all of its ``team_size`` when its departments lie within S, else one per department of S it has;
  S is every single department, and the departments of every joint plan whose team has seats beyond
  one per department.  What S has is the capacity of its officers who may serve at least one plan of
  the round (:func:`xinyong.draw.teams.plan_pool`: a plan department, a 执法证 valid on the last day of
  the round's month, the plan's items) and may act in the round's division or part of it
  (:func:`~xinyong.draw.teams.jurisdictions`: the division's own officers, its city's and its province's,
  and in a city's round its districts' too), counted from the lowest pool level up, as the teams are
  drawn.  More seats than the capacity at every level is an error; more than the lowest level has, a
  warning that teams will come from a higher pool (上级/跨区).  This aggregate check is necessary, not
  sufficient: per-target rules (回避, 所所交叉, rotation) can still leave a target unstaffed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl

from xinyong.core import divisions
from xinyong.core.canonical import CJ, H, Stored, lines_of, mth
from xinyong.core.codes import DEPARTMENTS, TIERS
from xinyong.core.ids import RoundId
from xinyong.draw.allocation import exact
from xinyong.draw.plans import CountAllocation, Plan, RatioAllocation
from xinyong.draw.secrecy import REFUSED_BELOW, WARNED_BELOW, guess_bits
from xinyong.draw.selection import stratum_sizes
from xinyong.draw.teams import Inspector, jurisdictions, plan_pool


@dataclass(frozen=True)
class Fixed:
    """The hashes of what the commitment fixes (spec §4): the frame, the plans and the roster."""

    frame_root: str
    plans_sha256: str
    inspectors_root: str


def fixed_of(frame: bytes, plans: bytes, inspectors: bytes) -> Fixed:
    """The hashes of the three files, as the commitment carries them (spec §4)."""
    return Fixed(mth(lines_of(frame)), H(plans), mth(lines_of(inspectors)))


@dataclass(frozen=True)
class Approval(Stored):
    """``audit/approval.json``: who approved which preview (by its SHA-256), of which frame, plans and roster."""

    round: str
    preview_sha256: str
    frame_root: str
    plans_sha256: str
    inspectors_root: str
    approved_by: str
    approved_at: str  # UTC, ISO 8601 to the second

    @property
    def fixed(self) -> Fixed:
        return Fixed(self.frame_root, self.plans_sha256, self.inspectors_root)


@dataclass(frozen=True)
class StratumRow:
    """One plan and tier: the allocation as written (ratio or weight, minimum), N_h and n_h."""

    plan: str
    tier: str
    share: str  # the ratio (ratio mode) or the weight (count mode) of the tier, as written
    minimum: int  # ratio mode's min (0 when not given; count mode has none)
    frame: int  # N_h
    sample: int  # n_h


@dataclass(frozen=True)
class PlanRow:
    plan: str
    name: str
    departments: tuple[str, ...]
    team_size: int
    mode: str  # ratio or count
    n: int | None  # count mode's n
    frame: int  # N of the plan
    sample: int  # n of the plan


@dataclass(frozen=True)
class ExclusionRow:
    plan: str
    reason: str
    firms: int


@dataclass(frozen=True)
class CapacityRow:
    """Seats the teams need from ``departments`` against the capacity of their officers at levels ≤ ``level``."""

    departments: tuple[str, ...]
    level: int
    needed: int
    available: int


@dataclass(frozen=True)
class Finding:
    """An error or a warning: ``message`` for the command line (English, as its other messages), ``zh``
    for the sign-off workbook (Chinese, as every sheet a person signs)."""

    message: str
    zh: str


@dataclass(frozen=True)
class TiersUsed(Stored):
    """The tier file a round was framed on (``internal/tiers-used.json``): its as-of day, the division of its
    firms, how many, and its SHA-256 — so the approver sees which tiers the strata come from."""

    as_of: str
    division: str
    firms: int
    sha256: str


@dataclass(frozen=True)
class Preview:
    round: str
    fixed: Fixed
    tiers: TiersUsed
    plans: tuple[PlanRow, ...]
    strata: tuple[StratumRow, ...]
    exclusions: tuple[ExclusionRow, ...]
    capacity: tuple[CapacityRow, ...]
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]

    def to_json(self) -> bytes:
        """``internal/preview.json``: canonical JSON, so the same round files give the same bytes."""
        return CJ(asdict(self))

    @classmethod
    def from_json(cls, data: bytes) -> Preview:
        raw: dict[str, Any] = json.loads(data)
        return cls(
            round=raw["round"],
            fixed=Fixed(**raw["fixed"]),
            tiers=TiersUsed(**raw["tiers"]),
            plans=tuple(PlanRow(**{**r, "departments": tuple(r["departments"])}) for r in raw["plans"]),
            strata=tuple(StratumRow(**r) for r in raw["strata"]),
            exclusions=tuple(ExclusionRow(**r) for r in raw["exclusions"]),
            capacity=tuple(CapacityRow(**{**r, "departments": tuple(r["departments"])}) for r in raw["capacity"]),
            errors=tuple(Finding(**f) for f in raw["errors"]),
            warnings=tuple(Finding(**f) for f in raw["warnings"]),
        )


def preview(
    round_id: RoundId,
    fixed: Fixed,
    tiers: TiersUsed,
    frame: pl.DataFrame,
    plans: Mapping[str, Plan],
    exclusions: Iterable[Mapping[str, str]],
    roster: Iterable[Inspector],
) -> Preview:
    """The preview of a framed round: ``frame`` has the frame's plan and stratum columns, ``exclusions``
    the records of ``exclusions.jsonl``, ``roster`` the officers of ``inspectors.jsonl``."""
    sizes = stratum_sizes(frame)
    errors: list[Finding] = []
    warnings: list[Finding] = []
    plan_rows, strata = [], []
    samples: dict[str, int] = {}
    for plan_id, plan in sorted(plans.items(), key=lambda item: item[0].encode("utf-8")):
        frame_sizes = sizes.get(plan_id, {})
        wanted = plan.sample_sizes(frame_sizes) if frame_sizes else {}
        size, samples[plan_id] = sum(frame_sizes.values()), sum(wanted.values())
        allocation = plan.allocation
        for tier in TIERS:
            share, minimum = allocation.share(tier)
            strata.append(StratumRow(plan_id, tier, share, minimum, frame_sizes.get(tier, 0), wanted.get(tier, 0)))
            if tier not in frame_sizes and (exact(share) > 0 or minimum > 0):
                ratio = isinstance(allocation, RatioAllocation)
                given = (f"ratio {share}" if ratio else f"weight {share}") + (f" and min {minimum}" if minimum else "")
                zh = (f"比例 {share}" if ratio else f"权重 {share}") + (f"、最少 {minimum} 户" if minimum else "")
                warnings.append(
                    Finding(
                        f"plan {plan_id}: tier {tier} has {given} but no firm in the frame",
                        f"计划 {plan_id}：{tier} 类设定了{zh}，但名录中没有 {tier} 类市场主体",
                    )
                )
        n = allocation.n if isinstance(allocation, CountAllocation) else None
        if n is not None and n > size:
            errors.append(
                Finding(
                    f"plan {plan_id}: allocation n = {n} is larger than its frame of {size} firms",
                    f"计划 {plan_id}：按数量抽取 {n} 户，超过名录户数 {size}",
                )
            )
        elif n is not None and samples[plan_id] < n:
            warnings.append(
                Finding(
                    f"plan {plan_id}: allocation n = {n} gives only {samples[plan_id]} targets "
                    "(a stratum has fewer firms than its share)",
                    f"计划 {plan_id}：按数量抽取 {n} 户，但受各类名录户数所限只能抽取 {samples[plan_id]} 户",
                )
            )
        mode = "count" if n is not None else "ratio"
        plan_rows.append(PlanRow(plan_id, plan.name, plan.departments, plan.team_size, mode, n, size, samples[plan_id]))
    counts = Counter((e["plan"], e["reason"]) for e in exclusions)
    excluded = tuple(
        ExclusionRow(plan, reason, firms)
        for (plan, reason), firms in sorted(counts.items(), key=lambda item: (item[0][0].encode(), item[0][1].encode()))
    )
    bits = guess_bits({row.plan: row.frame for row in plan_rows})
    if bits < WARNED_BELOW:
        (errors if bits < REFUSED_BELOW else warnings).append(_guessable(plan_rows, bits))
    capacity = capacity_rows(round_id, plans, samples, list(roster))
    errors += _capacity_errors(capacity)
    warnings += _capacity_warnings(capacity)
    return Preview(
        str(round_id), fixed, tiers, tuple(plan_rows), tuple(strata), excluded, capacity, tuple(errors), tuple(warnings)
    )


def _guessable(rows: Iterable[PlanRow], bits: float) -> Finding:
    """The strata could be guessed from the public sizes in about 2^bits hashes (:mod:`xinyong.draw.secrecy`)."""
    sizes = [f"{row.plan} {row.frame:,}" for row in rows]
    message = (
        f"strata: the per-tier sizes of this round (frames of {', '.join(sizes)} firms) could be found from its public "
        f"sizes in about 2^{bits:.0f} guesses of strata_sha256"
    )
    zh = (
        f"分层保密：本批次各计划名录户数（{'，'.join(sizes)}）太少，"
        f"约 2^{bits:.0f} 次猜测即可由公开的 strata_sha256 推出各信用等级户数"
    )
    if bits < REFUSED_BELOW:
        return Finding(
            f"{message}; at least 2^{REFUSED_BELOW} are needed: draw these plans together with others in one round",
            f"{zh}；至少需要 2^{REFUSED_BELOW}：请与其他计划合并在一个批次中抽取",
        )
    return Finding(f"{message} (below 2^{WARNED_BELOW})", f"{zh}（低于 2^{WARNED_BELOW}）")


def capacity_rows(
    round_id: RoundId, plans: Mapping[str, Plan], samples: Mapping[str, int], roster: list[Inspector]
) -> tuple[CapacityRow, ...]:
    """Seats needed against capacity for every department set worth checking, at every pool level."""
    usable: dict[str, Inspector] = {}
    for plan in plans.values():
        pool, _ = plan_pool(plan, roster, round_id.last_day)
        for division, members in pool.items():
            if division in jurisdictions(round_id.division) or divisions.within(division, round_id.division):
                usable.update((person.id, person) for person in members)
    levels = sorted({person.level for person in usable.values()}) or [0]
    order = {d: i for i, d in enumerate(DEPARTMENTS)}
    sets: set[tuple[str, ...]] = {(d,) for plan in plans.values() for d in plan.departments}
    sets |= {
        tuple(sorted(plan.departments, key=order.__getitem__))
        for plan in plans.values()
        if len(plan.departments) > 1 and plan.team_size > len(plan.departments)
    }
    rows = []
    for departments in sorted(sets, key=lambda s: (len(s), [order[d] for d in s])):
        group = set(departments)
        needed = sum(samples.get(plan.id, 0) * _seats(plan, group) for plan in plans.values())
        for level in levels:
            available = sum(p.capacity for p in usable.values() if p.department in group and p.level <= level)
            rows.append(CapacityRow(departments, level, needed, available))
    return tuple(rows)


def _seats(plan: Plan, group: set[str]) -> int:
    """The seats of one of the plan's teams that must go to officers of the ``group`` of departments."""
    return plan.team_size if group >= set(plan.departments) else len(group & set(plan.departments))


def _by_departments(rows: Iterable[CapacityRow]) -> dict[tuple[str, ...], list[CapacityRow]]:
    grouped: dict[tuple[str, ...], list[CapacityRow]] = {}
    for row in rows:
        grouped.setdefault(row.departments, []).append(row)
    return grouped


def _capacity_errors(rows: Iterable[CapacityRow]) -> list[Finding]:
    return [
        Finding(
            f"capacity: {'+'.join(departments)}: {top.needed} inspections needed, only {top.available} available "
            f"at pool levels ≤ {top.level}",
            f"执法力量：{'、'.join(departments)}需要 {top.needed} 人次，"
            f"人员库级别 ≤ {top.level} 只有 {top.available} 人次",
        )
        for departments, levels in _by_departments(rows).items()
        if (top := levels[-1]).needed > top.available
    ]


def _capacity_warnings(rows: Iterable[CapacityRow]) -> list[Finding]:
    found = []
    for departments, levels in _by_departments(rows).items():
        local, top = levels[0], levels[-1]
        if local.needed > local.available and top.needed <= top.available:
            enough = next(row for row in levels if row.needed <= row.available)
            found.append(
                Finding(
                    f"capacity: {'+'.join(departments)}: {local.needed} inspections needed, {local.available} "
                    f"available at pool level {local.level}; teams will draw on pool level {enough.level} "
                    f"({enough.available} at levels ≤ {enough.level})",
                    f"执法力量：{'、'.join(departments)}需要 {local.needed} 人次，级别 {local.level} 人员库只有 "
                    f"{local.available} 人次；将动用级别 {enough.level} 的人员库（级别 ≤ {enough.level} 共 "
                    f"{enough.available} 人次）",
                )
            )
    return found


def report_lines(p: Preview) -> list[str]:
    """The preview as the lines ``xinyong round preview`` prints."""
    lines = [
        f"Preview of round {p.round} (internal: it shows tiers)",
        f"Tiers as of {p.tiers.as_of}, division {p.tiers.division} {divisions.place(p.tiers.division)}: "
        f"{p.tiers.firms:,} firms "
        f"(tier file SHA-256 {p.tiers.sha256})",
        "  plan  tier        N_h      n_h  allocation",
    ]
    by_plan: dict[str, list[StratumRow]] = {}
    for row in p.strata:
        by_plan.setdefault(row.plan, []).append(row)
    for plan in p.plans:
        for row in by_plan[plan.plan]:
            given = f"ratio {row.share}" + (f", min {row.minimum}" if row.minimum else "")
            if plan.mode == "count":
                given = f"weight {row.share}"
            lines.append(f"  {row.plan:<5} {row.tier:<4} {row.frame:>10,} {row.sample:>8,}  {given}")
        total = f"count n = {plan.n}" if plan.n is not None else "ratio"
        lines.append(f"  {plan.plan:<5} all  {plan.frame:>10,} {plan.sample:>8,}  {total}; teams of {plan.team_size}")
    lines.append(f"Left out of the frame (exclusions.jsonl): {sum(e.firms for e in p.exclusions):,}")
    lines += [f"  {e.plan:<5} {e.firms:>8,}  {e.reason}" for e in p.exclusions]
    lines.append("Inspector capacity (inspections needed / available at pool levels ≤ L):")
    lines += [
        f"  {'+'.join(c.departments)}  ≤{c.level}  {c.needed:,} / {c.available:,}"
        + ("  short" if c.needed > c.available else "")
        for c in p.capacity
    ]
    lines.append(f"Warnings: {len(p.warnings)}")
    lines += [f"  warning: {w.message}" for w in p.warnings]
    lines.append(f"Errors: {len(p.errors)}" + (" (the round cannot be approved)" if p.errors else ""))
    lines += [f"  error: {e.message}" for e in p.errors]
    return lines


NOTICE = "内部资料，不得公开（含信用风险分类）"


def sheets(p: Preview, sha256: str) -> dict[str, pl.DataFrame]:
    """The sign-off workbook's sheets, with Chinese headers (``internal/preview.xlsx``)."""
    names = {plan.plan: plan.name for plan in p.plans}
    mode = {plan.plan: plan.mode for plan in p.plans}
    return {
        "核对": pl.DataFrame(
            {
                "项目": [
                    "抽查批次",
                    "分级基准日",
                    "分级地区（行政区划代码）",
                    "分级户数",
                    "分级文件哈希 (SHA-256)",
                    "预览哈希 (SHA-256)",
                    "名录根哈希",
                    "计划哈希",
                    "执法人员名录根哈希",
                    "错误",
                    "警告",
                    "说明",
                ],
                "内容": [
                    p.round,
                    p.tiers.as_of,
                    f"{divisions.place(p.tiers.division)}（{p.tiers.division}）",
                    f"{p.tiers.firms:,}",
                    p.tiers.sha256,
                    sha256,
                    p.fixed.frame_root,
                    p.fixed.plans_sha256,
                    p.fixed.inspectors_root,
                    str(len(p.errors)),
                    str(len(p.warnings)),
                    NOTICE,
                ],
            }
        ),
        "计划": pl.DataFrame(
            {
                "计划编号": [plan.plan for plan in p.plans],
                "抽查计划": [plan.name for plan in p.plans],
                "参与部门": ["、".join(plan.departments) for plan in p.plans],
                "每组人数": [plan.team_size for plan in p.plans],
                "分配方式": ["按数量" if plan.mode == "count" else "按比例" for plan in p.plans],
                "抽取总数 n": [plan.n for plan in p.plans],
                "名录户数": [plan.frame for plan in p.plans],
                "抽取户数": [plan.sample for plan in p.plans],
            },
            schema_overrides={"每组人数": pl.Int64, "抽取总数 n": pl.Int64, "名录户数": pl.Int64, "抽取户数": pl.Int64},
        ),
        "分层": pl.DataFrame(
            {
                "计划编号": [r.plan for r in p.strata],
                "抽查计划": [names[r.plan] for r in p.strata],
                "信用风险分类": [r.tier for r in p.strata],
                "比例或权重": [("权重 " if mode[r.plan] == "count" else "比例 ") + r.share for r in p.strata],
                "最少抽取": [r.minimum for r in p.strata],
                "名录户数 N_h": [r.frame for r in p.strata],
                "抽取户数 n_h": [r.sample for r in p.strata],
            },
            schema_overrides={"最少抽取": pl.Int64, "名录户数 N_h": pl.Int64, "抽取户数 n_h": pl.Int64},
        ),
        "排除": pl.DataFrame(
            {
                "计划编号": [e.plan for e in p.exclusions],
                "排除原因": [e.reason for e in p.exclusions],
                "户数": [e.firms for e in p.exclusions],
            },
            schema_overrides={"户数": pl.Int64},
        ),
        "执法力量": pl.DataFrame(
            {
                "部门": ["、".join(c.departments) for c in p.capacity],
                "人员库级别 (≤)": [c.level for c in p.capacity],
                "需要人次": [c.needed for c in p.capacity],
                "可用人次": [c.available for c in p.capacity],
                "是否足够": ["足够" if c.needed <= c.available else "不足" for c in p.capacity],
            },
            schema_overrides={"人员库级别 (≤)": pl.Int64, "需要人次": pl.Int64, "可用人次": pl.Int64},
        ),
        "问题": pl.DataFrame(
            {
                "类别": ["错误"] * len(p.errors) + ["警告"] * len(p.warnings),
                "说明": [f.zh for f in (*p.errors, *p.warnings)],
            },
            schema={"类别": pl.Utf8, "说明": pl.Utf8},
        ),
    }
