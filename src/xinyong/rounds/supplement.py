"""Supplementary rounds (补抽, draw spec v2 §7a): which targets of a finalised round are replaced, and the frame and
plans of the round that draws their replacements (pure).

Rules (issue 14; docs/draw-spec.md "Supplementary rounds"):

- **Replaced** are the parent round's targets that nobody will inspect: the **unstaffed** ones (no team could be
  formed under the rules, ``unstaffed.jsonl``, accepted when the round was finalised), and those found **closed
  or moved**, whose result in force carries code 7 (已关闭停业或正在组织清算), 9 (已注销), 10 (已被吊销),
  11 (已被撤销) or 12 (已迁出) (:data:`REPLACED_CODES`): the firm is no longer there to inspect in the
  division, so the stratum's sample is short by one.  A result of any other code is an inspection that took
  place: 6 (住所无法联系) is a finding published against the firm (and lists it in 经营异常名录), 8 (不配合检查)
  a violation, F (未发现开展本次抽查涉及的经营活动) a result — none of them is replaced.
- **As many new draws as replaced targets, per plan and stratum**: the supplement's plans are its parent's
  plans that have a replaced target, each with the allocation ``mode = "ratio"``, every tier's ratio ``"0"``
  and ``min`` the number replaced in that tier — in ratio mode ``n_h = min(N_h, max(min_h, ⌈N_h × 0⌉)) =
  min(N_h, min_h)``, exactly the number needed (fewer only when the stratum has no firm left).  Everything
  else of a plan (items, departments, team size, 所所交叉) stays, so the new targets are inspected as the old
  ones would have been.
- **The frame** is the parent's frame, of those plans, without every (plan, uscc) selected in any round of the
  chain (the month's round and each supplement so far), and without every firm found closed or moved in the
  chain (for any plan: it is not there to inspect); each record gets a fresh salt (the caller's), and each pair
  left out is in ``exclusions.jsonl`` with its reason.  The strata are the parent's: the tiers it was framed on.

The supplement is then a round like any other — preview, approve, commit (naming its parent and fresh sources,
:func:`xinyong.rounds.randomness.named_sources`), reveal, draw, assign, finalize — under draw spec v2.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from xinyong.core.codes import RESULT_LABELS, TIERS
from xinyong.draw.plans import Plan, RatioAllocation
from xinyong.draw.teams import Target

REPLACED_CODES = ("7", "9", "10", "11", "12")
UNSTAFFED = "未能派员"


@dataclass(frozen=True)
class Replaced:
    """One target of the parent round that the supplement replaces, and why."""

    plan: str
    uscc: str
    stratum: str
    why: str  # 未能派员, or the result's closed-or-moved codes as the public reads them


def closed_or_moved(codes: Iterable[str]) -> list[str]:
    """The codes of a result that mean the firm is no longer there to inspect."""
    return [code for code in codes if code in REPLACED_CODES]


def replaced_targets(
    strata: Mapping[Target, str], teams: Mapping[Target, Sequence[str]], results: Mapping[Target, Mapping[str, Any]]
) -> list[Replaced]:
    """The targets to replace, by (plan, uscc) bytes: ``teams`` are the parent's teams on record ([] when
    unstaffed), ``results`` its results in force, ``strata`` each target's stratum."""
    found = []
    for target, team in teams.items():
        result = results.get(target)
        gone = closed_or_moved(result["codes"]) if result else []
        if gone:
            found.append(Replaced(*target, strata[target], "；".join(f"{c} {RESULT_LABELS[c]}" for c in gone)))
        elif not team:
            found.append(Replaced(*target, strata[target], UNSTAFFED))
    return sorted(found, key=lambda r: (r.plan.encode("utf-8"), r.uscc.encode("utf-8")))


def needs(replaced: Iterable[Replaced]) -> dict[str, dict[str, int]]:
    """How many new targets each plan and stratum needs."""
    counts: dict[str, dict[str, int]] = {}
    for r in replaced:
        counts.setdefault(r.plan, {}).setdefault(r.stratum, 0)
        counts[r.plan][r.stratum] += 1
    return counts


def supplement_plans(plans: Mapping[str, Plan], needed: Mapping[str, Mapping[str, int]]) -> list[Plan]:
    """The parent's plans that need new targets, each drawing exactly as many per stratum as it needs."""
    return [
        replace(plans[plan], allocation=RatioAllocation(dict.fromkeys(TIERS, "0"), dict(sorted(strata.items()))))
        for plan, strata in sorted(needed.items())
    ]


def supplement_frame(
    parent: pl.DataFrame, chain_selected: pl.DataFrame, gone: pl.DataFrame, plans: Iterable[str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(frame records ``plan, stratum, uscc`` sorted by plan and uscc, exclusions ``plan, reason, uscc``) of a
    supplement: ``parent`` is the parent's frame, ``chain_selected`` every pair selected in the chain (``round``,
    ``plan``, ``uscc``), ``gone`` the firms found closed or moved in it (``uscc``, ``codes``: text)."""
    frame = parent.filter(pl.col("plan").is_in(list(plans))).select("plan", "stratum", "uscc")
    selected = frame.join(chain_selected, on=["plan", "uscc"], how="inner").select(
        "plan", pl.format("已在批次 {} 中抽中", "round").alias("reason"), "uscc"
    )
    rest = frame.join(chain_selected, on=["plan", "uscc"], how="anti")
    closed = rest.join(gone, on="uscc", how="inner").select(
        "plan", pl.format("已关闭停业、注销、吊销、撤销或迁出（抽查结果 {}）", "codes").alias("reason"), "uscc"
    )
    kept = rest.join(gone, on="uscc", how="anti").sort("plan", "uscc")
    return kept, pl.concat([selected, closed]).sort("plan", "uscc")
