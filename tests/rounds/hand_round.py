"""A small framed round made by hand: a few firms, two plans and five officers, written as ``round frame``
writes its files (the frame's targets too), so preview, approve and commit can be tried in milliseconds.

Its numbers, worked out by hand from the spec (§2, §6) and checked in ``test_preview.py`` against an
independent computation:

- P01 (ratio; 市场监管; teams of 2): A 10 firms × 0.1 → 1, B 5 × 0.2 → 1, C 3 × 0.5 → ceil 1.5 = 2,
  D no firm although it has ratio 1 and min 1 (a warning): 4 targets, 8 seats of 市场监管;
- P02 (count n = 3; 市场监管 + 卫健; teams of 2): A 2 firms weight 1, C 2 firms weight 2 → quotas
  3 × 2/6 = 1 and 3 × 4/6 = 2: 3 targets, one seat of each department each;
- capacity: 市场监管 needs 8 + 3 = 11 seats, has 5 + 5 = 10 at pool level 0 and 14 at levels ≤ 1;
  卫健 needs 3, has 1 at level 0 and 6 at levels ≤ 1 (two warnings: teams come from level 1);
  M-OLD's 执法证 expired and H-OTHER acts in another city, so neither counts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from xinyong.core.canonical import jsonl
from xinyong.core.ids import RoundId
from xinyong.draw.plans import CountAllocation, Plan, RatioAllocation, plans_json
from xinyong.draw.teams import Firm
from xinyong.rounds.preview import TiersUsed
from xinyong.workspace.layout import EXCLUSIONS, FRAME, INSPECTORS, PLANS, TARGETS, TIERS_USED, RoundPaths

ROUND = RoundId.parse("330802-2026-12", "ROUND")
P01 = Plan(
    "P01",
    "企业公示信息双随机抽查",
    ("SJ-SC-01",),
    ("市场监管",),
    2,
    RatioAllocation({"A": "0.1", "B": "0.2", "C": "0.5", "D": "1"}, {"D": 1}),
)
P02 = Plan(
    "P02",
    "餐饮服务食品安全联合抽查",
    ("SJ-SC-03", "SJ-WJ-01"),
    ("市场监管", "卫健"),
    2,
    CountAllocation(3, {"A": "1", "B": "1", "C": "2", "D": "1"}),
    item_departments={"SJ-SC-03": ("市场监管",), "SJ-WJ-01": ("卫健",)},
)
STRATA = {"P01": {"A": 10, "B": 5, "C": 3}, "P02": {"A": 2, "C": 2}}
EXCLUDED = {
    ("P01", "同一事项12个月内已抽查 (inspected for this item since 2025-12-01)"): 2,
    ("P02", "同一事项12个月内已抽查 (inspected for this item since 2025-12-01)"): 1,
}


# The tier file the hand-made round was framed on.
TIERS = TiersUsed("2026-10-31", "330802", 1_000, "t" * 64)


def officer(id_: str, department: str, level: int, capacity: int, **rest: object) -> dict[str, object]:
    items = {"市场监管": ["SJ-SC-01", "SJ-SC-03"], "卫健": ["SJ-WJ-01"]}[department]
    return {
        "capacity": capacity,
        "cert_expiry": "2027-06-30",
        "declared": [],
        "department": department,
        "division": "330802" if level == 0 else "330800",
        "id": id_,
        "level": level,
        "qualifications": items,
        "station": "S1",
        **rest,
    }


ROSTER = [
    officer("H-LOCAL", "卫健", 0, 1),
    officer("H-CITY", "卫健", 1, 5),
    officer("H-OTHER", "卫健", 0, 9, division="330902"),
    officer("M-1", "市场监管", 0, 5),
    officer("M-2", "市场监管", 0, 5),
    officer("M-CITY", "市场监管", 1, 4),
    officer("M-OLD", "市场监管", 0, 9, cert_expiry="2026-11-30"),
]


def uscc(plan: str, tier: str, n: int) -> str:
    return f"91330802{plan}{tier}{n:06d}X"[:18]


def frame_rows(strata: dict[str, dict[str, int]] = STRATA) -> list[dict[str, str]]:
    rows = [
        {"plan": plan, "salt": f"{i:032x}", "stratum": tier, "uscc": uscc(plan, tier, i)}
        for plan, tiers in strata.items()
        for tier, size in tiers.items()
        for i in range(size)
    ]
    return sorted(rows, key=lambda r: (r["plan"].encode(), r["uscc"].encode()))


def target_rows(frame: list[dict[str, str]]) -> list[dict[str, object]]:
    """targets.jsonl of the frame: one firm per USCC (no last team, another station than the officers')."""
    usccs = sorted({r["uscc"] for r in frame}, key=str.encode)
    return [Firm(u, f"LR-{i:04d}", "S2", frozenset()).record() for i, u in enumerate(usccs, start=1)]


def write_round(
    out: Path,
    plans: tuple[Plan, ...] = (P01, P02),
    roster: list[dict[str, object]] = ROSTER,
    change: Callable[[list[dict[str, str]]], list[dict[str, str]]] = lambda rows: rows,
) -> RoundPaths:
    """The files of a framed round under ``out``, exclusions.jsonl last (as ``round frame`` writes them)."""
    paths = RoundPaths(out, ROUND)
    paths.audit.mkdir(parents=True, exist_ok=True)
    frame = change(frame_rows())
    (paths.audit / FRAME).write_bytes(jsonl(frame))
    (paths.audit / PLANS).write_bytes(plans_json(plans))
    (paths.audit / INSPECTORS).write_bytes(jsonl(sorted(roster, key=lambda r: str(r["id"]))))
    (paths.audit / TARGETS).write_bytes(jsonl(target_rows(frame)))
    paths.internal.mkdir(parents=True, exist_ok=True)
    (paths.internal / TIERS_USED).write_bytes(TIERS.to_json())
    excluded = [
        {"plan": plan, "reason": reason, "uscc": f"91330802EX{plan}{i:05d}"}
        for (plan, reason), count in EXCLUDED.items()
        for i in range(count)
    ]
    (paths.audit / EXCLUSIONS).write_bytes(jsonl(excluded))
    return paths
