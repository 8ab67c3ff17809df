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
- **As many new draws as replaced targets, per plan, with no tier public**: the supplement has every plan of
  its parent, each with the allocation ``mode = "count"``, ``n`` the number of its targets replaced (0 for a
  plan with none) and as ``weights`` the parent's shares per tier (:func:`shares`: the ratios of a ratio-mode
  plan, the weights of a count-mode one), so the n replacements are shared over the tiers as the parent shares
  its sample.  ``plans.json`` is public: an allocation that gave only the replaced tiers a share (ratio 0, a
  minimum per replaced tier) would tell every replacement's tier (docs/draw-spec.md, "Known limits").  The
  plans needing none are in the supplement all the same: ``strata_sha256`` hashes the strata of every plan
  together, and one plan's strata alone could be guessed (:mod:`xinyong.draw.secrecy`).  Everything else of a
  plan (items, departments, team size, 所所交叉) stays, so the new targets are inspected as the old ones would
  have been.
- **The frame** is the parent's frame without every (plan, uscc) selected in any round of the
  chain (the month's round and each supplement so far), and without every firm found closed or moved in the
  chain (for any plan: it is not there to inspect); each record gets a fresh salt (the caller's), and each pair
  left out is in ``exclusions.jsonl`` with its reason.  The strata are the parent's: the tiers it was framed on.

The supplement is then a round like any other — preview, approve, commit (naming its parent and fresh sources,
:func:`xinyong.rounds.randomness.named_sources`), reveal, draw, assign, finalize — under draw spec v2.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from xinyong.core.codes import RESULT_LABELS, TIERS
from xinyong.draw.allocation import exact
from xinyong.draw.plans import Allocation, CountAllocation, Plan
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


def needs(replaced: Iterable[Replaced]) -> dict[str, int]:
    """How many new targets each plan needs."""
    return dict(Counter(r.plan for r in replaced))


def shares(allocation: Allocation) -> dict[str, str]:
    """The parent's share of each tier as count-mode weights (spec §2's defaults, ``Allocation.share``):
    a ratio-mode plan's ratios, or, when it gives every tier ratio 0 and draws by minimums only, weight 1 for each
    tier with a minimum; a count-mode plan's weights."""
    given = {tier: allocation.share(tier) for tier in TIERS}
    if all(exact(share) == 0 for share, _ in given.values()):
        return {tier: "1" if minimum > 0 else "0" for tier, (_, minimum) in given.items()}
    return {tier: share for tier, (share, _) in given.items()}


def supplement_plans(plans: Mapping[str, Plan], needed: Mapping[str, int]) -> list[Plan]:
    """Every plan of the parent, each drawing as many new targets as it needs, shared over the tiers as the
    parent's plan shares them."""
    return [
        replace(plan, allocation=CountAllocation(needed.get(plan_id, 0), shares(plan.allocation)))
        for plan_id, plan in sorted(plans.items(), key=lambda item: item[0].encode("utf-8"))
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
