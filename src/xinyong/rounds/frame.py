"""A round's frame (docs/draw-spec.md §1): which live firms each plan may draw, and who is left out and why (pure).

For each plan, the live firms with a tier are narrowed to the items' target type (企业, 个体工商户 or
全部市场主体) and to the plan's target (entity types, industry sections, grids); a firm inspected for
one of the plan's items within the plan's exclusion window before the round's month is left out,
with its reason, unless its tier is exempt.  The frame's stratum is the firm's tier.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from xinyong.core.codes import industry_section
from xinyong.core.ids import RoundId
from xinyong.draw.plans import Plan
from xinyong.rounds.plans import Item


def frame_records(
    plans: Iterable[Plan], items: Mapping[str, Item], firms: pl.DataFrame, past: pl.DataFrame, round_id: RoundId
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(frame rows, exclusions with reasons) for the live firms with tiers (pure)."""
    month_start = round_id.first_day
    frames, excluded = [], []
    for plan in plans:
        targets = {items[i].target_type for i in plan.items}
        eligible = firms
        if "全部市场主体" not in targets:
            individual = pl.col("entity_type") == "个体工商户"
            eligible = eligible.filter(
                individual if targets == {"个体工商户"} else ~individual if targets == {"企业"} else pl.lit(True)
            )
        target = plan.target
        if target.entity_types is not None:
            eligible = eligible.filter(pl.col("entity_type").is_in(target.entity_types))
        if target.industry_sections is not None:
            eligible = eligible.filter(industry_section(pl.col("industry_code")).is_in(target.industry_sections))
        if target.grids is not None:
            eligible = eligible.filter(pl.col("grid").is_in(target.grids))
        window_start = round_id.months_before(plan.exclusion.months)
        recent = (
            past.filter(
                pl.col("item_id").is_in(plan.items)
                & (pl.col("inspection_date") >= window_start)
                & (pl.col("inspection_date") < month_start)
            )
            .select("uscc")
            .unique()
        )
        repeat = eligible.join(recent, on="uscc", how="semi").filter(~pl.col("tier").is_in(plan.exclusion.exempt_tiers))
        excluded.append(
            repeat.select(
                pl.lit(plan.id).alias("plan"),
                "uscc",
                pl.lit(
                    f"同一事项{plan.exclusion.months}个月内已抽查 (inspected for this item since {window_start})"
                ).alias("reason"),
            )
        )
        kept = eligible.join(repeat, on="uscc", how="anti")
        frames.append(kept.select(pl.lit(plan.id).alias("plan"), pl.col("tier").alias("stratum"), "uscc"))
    frame = pl.concat(frames).sort(pl.col("plan"), pl.col("uscc"))
    return frame, pl.concat(excluded).sort("plan", "uscc")
