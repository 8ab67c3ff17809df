"""A small ``xinyong-draw-v2`` (or v1) round made from the pure draw functions alone (not the round pipeline).

:func:`build` writes its auditor bundle (``audit/``: the v1 files plus ``targets.jsonl`` and ``strata.json``,
and the teams) and its public site (``public/rounds/<round>/``: commitment, randomness, plans, ``selected.jsonl``)
as spec v2 §7 names them, for the tests of the verifiers, the attestations, the independent re-derivation and
the tier inference; and, with ``version=V1``, the same round as v1 made it, so that v1 bundles keep being
verified whatever contract the round pipeline writes.  The round has every kind of officer the eligibility
rules tell apart — another department, an expired 执法证, a missing qualification, another district, a city
officer one pool level up, declared relations, the firm's own station and last team — so that a re-derivation
that skipped a rule would disagree.  Its randomness is the spec's quicknet round 657413 (the one real signature
the tests hold) and an announced value (v1: that value alone).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from xinyong.core import uscc
from xinyong.core.canonical import CJ, H, jsonl, lines_of, mth
from xinyong.core.ids import RoundId
from xinyong.draw.keys import V1, V2, Version, derive_seed, derive_seed_v2
from xinyong.draw.plans import CountAllocation, Plan, RatioAllocation, plans_json
from xinyong.draw.reassign import Reassignment, Staffing, replaced, replacement
from xinyong.draw.selection import draw_selection, selected_records, selection_records, stratum_sizes
from xinyong.draw.sources import QUICKNET, Announced, Drand, Source, outputs
from xinyong.draw.teams import Firm, Inspector, assign_teams, eligibility, eligibility_records
from xinyong.workspace.layout import (
    ASSIGNMENT,
    COMMITMENT,
    ELIGIBILITY,
    FRAME,
    INSPECTORS,
    PLANS,
    RANDOMNESS,
    REASSIGNMENTS,
    SELECTED,
    SELECTION,
    SITE_ROUNDS,
    STRATA,
    TARGETS,
    RoundPaths,
)

ROUND = "330802-2026-12"
INSPECTION_DAY = dt.date(2026, 12, 31)  # the last day of the round's month
SIGNATURE = "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b"
SOURCES = [
    Drand(QUICKNET.hash, 657413),
    Announced("福利彩票双色球 2026-12-01 开奖号码（中国福利彩票发行管理中心公告）"),
]
VALUES = [SIGNATURE, "03 09 14 22 27 31 + 11"]
STATIONS = ("府山市场监管所", "荷花市场监管所", "衢化市场监管所")
ROUND_PLANS = (
    Plan(
        "P01",
        "企业公示信息双随机抽查",
        ("SJ-SC-01",),
        ("市场监管",),
        2,
        RatioAllocation({"A": "0.05", "B": "0.1", "C": "0.3", "D": "0.6"}, {"A": 1}),
    ),
    Plan(
        "P03",
        "餐饮服务食品安全联合抽查",
        ("SJ-SC-03", "SJ-WJ-01"),
        ("市场监管", "卫健"),
        3,
        CountAllocation(6, {"D": "3"}),
        cross_station=True,
        item_departments={"SJ-SC-03": ("市场监管", "卫健"), "SJ-WJ-01": ("卫健",)},
    ),
)
FIRMS = [uscc.complete(f"9133080{2 if k % 7 else 3}MA{k:07d}") for k in range(48)]
TIERS = {firm: "ABCD"[(k * 5 + k // 4) % 4] if k % 6 else "A" for k, firm in enumerate(FIRMS)}


def _officer(
    i: int,
    department: str = "市场监管",
    *,
    level: int = 0,
    capacity: int = 3,
    expiry: str | None = "2028-06-30",
    qualifications: tuple[str, ...] = ("SJ-SC-01", "SJ-SC-03", "SJ-WJ-01"),
    station: str = STATIONS[0],
    division: str = "330802",
    declared: tuple[str, ...] = (),
) -> dict[str, object]:
    return {
        "capacity": capacity,
        "cert_expiry": expiry,
        "declared": list(declared),
        "department": department,
        "division": division,
        "id": f"INS-{i:04d}",
        "level": level,
        "qualifications": list(qualifications),
        "station": station,
    }


ROSTER = [
    *(_officer(i, station=STATIONS[i % 3]) for i in range(1, 11)),
    _officer(11, expiry="2026-12-30"),  # 执法证 expires the day before the month's last day
    _officer(12, expiry=None),  # no expiry on record
    _officer(13, qualifications=("SJ-SC-03",)),  # not qualified for P01's item
    _officer(14, division="330803"),  # another district: 属地管辖
    _officer(15, level=1, division="330800", capacity=6),  # the city's officer, one pool level up
    _officer(16, declared=(FIRMS[1], "LR0000000002")),  # 回避
    *(_officer(i, "卫健", station=STATIONS[i % 3], qualifications=("SJ-SC-03", "SJ-WJ-01")) for i in range(21, 25)),
    _officer(25, "卫健", expiry="2026-01-31", qualifications=("SJ-SC-03", "SJ-WJ-01")),  # expired, of 卫健
    _officer(26, "卫健", qualifications=("SJ-WJ-01",)),  # lacks SJ-SC-03, an item 卫健 carries out in P03
    _officer(31, "税务"),  # not a department of any plan
]
TARGETS_OF = [
    Firm(firm, f"LR{k:010d}", STATIONS[k % 3], frozenset({f"INS-{k % 10 + 1:04d}"} if k % 4 == 0 else ()))
    for k, firm in enumerate(FIRMS)
]


@dataclass(frozen=True)
class Bundle:
    """The folders :func:`build` wrote and what the round's files hash to."""

    audit: Path
    site: Path  # the public site: rounds/<round>/ inside it
    commitment: str  # C, hex
    seed: bytes
    round: str = ROUND

    @property
    def public(self) -> Path:
        return self.site / SITE_ROUNDS / self.round


def salt(plan: str, firm: str) -> str:
    """A record's 16 salt bytes as hex: fixed here, so that the test round is the same every time."""
    return hashlib.sha256(f"salt {plan} {firm}".encode()).hexdigest()[:32]


def frame() -> pl.DataFrame:
    """The frame of both plans: every firm in P01, two in three in P03, each record with its own salt."""
    rows = [
        {
            "plan": plan.id,
            "salt": salt(plan.id, firm),
            "stratum": TIERS[firm],
            "uscc": firm,
        }
        for plan in ROUND_PLANS
        for k, firm in enumerate(FIRMS)
        if plan.id == "P01" or k % 3
    ]
    return pl.DataFrame(rows).sort("plan", "uscc")


def write(folder: Path, name: str, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def build(
    root: Path,
    *,
    teams: bool = True,
    reassign: bool = False,
    round_id: str = ROUND,
    table: pl.DataFrame | None = None,
    round_plans: tuple[Plan, ...] = ROUND_PLANS,
    version: Version = V2,
    sources: tuple[Source, ...] = SOURCES,
    values: tuple[str, ...] = VALUES,
    parent: dict[str, str] | None = None,
) -> Bundle:
    """Write the round's auditor bundle to ``root/rounds/<round>/audit`` and its public files to
    ``root/public/rounds/<round>/``, as a work root holds them (so that rounds built into one root form a chain).

    ``sources``, ``values`` and ``parent``: another randomness (v2) and the commitment's ``parent``.

    ``table`` and ``round_plans``: another frame (plan, salt, stratum, uscc; sorted) and its plans, whose firms
    get plain facts (no last team).  ``version=V1``: the round as v1 made it — the strata in the commitment, one
    free-text value, unsalted keys, the public ``selection.jsonl`` with keys, no targets or strata files (its
    eligibility lists by the same rules, from the same firm facts)."""
    paths = RoundPaths(root, RoundId.parse(round_id, "round_id"))
    audit, site = paths.audit, paths.public_root
    firms_of = TARGETS_OF
    if table is None:
        table = frame()
    else:
        firms_of = [Firm(u, f"LR-{u}", STATIONS[0], frozenset()) for u in table["uscc"].unique().sort()]
    frame_bytes = jsonl(table.to_dicts())
    plans = {plan.id: plan for plan in round_plans}
    plans_bytes = plans_json(round_plans)
    roster_bytes = jsonl(ROSTER)
    targets_bytes = jsonl(firm.record() for firm in sorted(firms_of, key=lambda f: f.uscc.encode()))
    strata = stratum_sizes(table)
    strata_bytes = CJ(strata)
    wanted = {plan: plans[plan].sample_sizes(sizes) for plan, sizes in strata.items()}
    common = {
        "spec": version.spec,
        "round": round_id,
        "frame_root": mth(lines_of(frame_bytes)),
        "frame_size": table.height,
        "plans_sha256": H(plans_bytes),
        "inspectors_root": mth(lines_of(roster_bytes)),
    }
    if version is V1:
        commitment = CJ({**common, "strata": strata, "randomness": {"source": SOURCES[1].description}})
        c = H(commitment)
        randomness = CJ({"commitment": c, "round": round_id, "value": values[-1]})
        seed = derive_seed(c, values[-1])
    else:
        commitment = CJ(
            {
                **common,
                "targets_root": mth(lines_of(targets_bytes)),
                "strata_sha256": H(strata_bytes),
                "sizes": {
                    p: {"frame": sum(strata[p].values()), "selected": sum(n.values())} for p, n in wanted.items()
                },
                "parent": parent,
                "randomness": {"sources": [source.record() for source in sources]},
            }
        )
        c = H(commitment)
        randomness = CJ({"commitment": c, "round": round_id, "values": list(values)})
        seed = derive_seed_v2(c, outputs(sources, values))
    selection = draw_selection(table, wanted, seed, version)
    records = selection_records(selection)
    files = {
        FRAME: frame_bytes,
        PLANS: plans_bytes,
        INSPECTORS: roster_bytes,
        COMMITMENT: commitment,
        RANDOMNESS: randomness,
        SELECTION: jsonl(records),
    }
    if version is V2:
        files |= {TARGETS: targets_bytes, STRATA: strata_bytes}
    if teams:
        firms = {firm.uscc: firm for firm in firms_of}
        eligible, _ = eligibility(plans, ROSTER, firms, [(r["plan"], r["uscc"]) for r in records], INSPECTION_DAY)
        people = {str(r["id"]): Inspector.from_record(r) for r in ROSTER}
        drawn = assign_teams(
            [(r["plan"], r["key"], r["uscc"]) for r in records], eligible, people, plans, seed, version
        )
        files[ELIGIBILITY] = jsonl(eligibility_records(eligible))
        files[ASSIGNMENT] = jsonl(a.record() for a in sorted(drawn, key=lambda a: (a.plan.encode(), a.uscc.encode())))
        if reassign:
            staffing = Staffing({(a.plan, a.uscc): a.team for a in drawn})
            (target, team) = next((t, team) for t, team in sorted(staffing.teams().items()) if team)
            joining = replacement(staffing, target, team[0], eligible[target], people, plans[target[0]], seed, version)
            assert joining is not None
            change = Reassignment(
                *target, team[0], joining, replaced(team, team[0], joining), "病假", dt.date(2026, 12, 3)
            )
            files[REASSIGNMENTS] = CJ(change.record()) + b"\n"
    for name, data in files.items():
        write(audit, name, data)
    public = paths.public
    for name in (COMMITMENT, RANDOMNESS, PLANS):
        write(public, name, files[name])
    if version is V1:
        write(public, SELECTION, jsonl(selection.select("key", "plan", "uscc").to_dicts()))
    else:
        write(public, SELECTED, jsonl(selected_records(selection)))
    return Bundle(audit, site, c, seed, round_id)
