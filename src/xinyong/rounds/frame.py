"""A round's frame (docs/draw-spec.md §1): which live firms each plan may draw, and who is left out and why (pure).

For each plan, the live firms with a tier are narrowed to the items' target type (企业, 个体工商户 or
全部市场主体) and to the plan's target (entity types, industry sections, grids); a firm inspected for
one of the plan's items within the plan's exclusion window before the round's month is left out,
with its reason, unless its tier is exempt.  The frame's stratum is the firm's tier.

Under draw spec v2 the frame comes with its **targets** (``targets.jsonl``, §1a; :func:`targets_of`): one record per
firm of the frame, sorted by USCC, with every fact about the firm that team eligibility reads (docs/draw-spec.md
§6), so that the commitment fixes them before any randomness exists and nothing read later can change a team:

- ``legal_rep``: the registry's legal representative id (``enterprises.legal_rep_id``), which 回避 declarations
  name;
- ``station``: the registry's 市场监管所 of the firm (``enterprises.station``), which 所所交叉 keeps away;
- ``last_team``: who inspected it last before the round's month — every member of every team of its latest
  inspection day, in the whole inspection history (:func:`xinyong.rounds.history.last_teams`), sorted — whom
  rotation keeps away;
- ``uscc``; the firm's division (属地管辖) is positions 3–8 of it.

A firm without a registry row has empty ``legal_rep`` and ``station``; one never inspected an empty ``last_team``.

The tier file must fit the round (issue 12; :func:`check_tiers`): it is of one as-of date, no more than
two months before the round's month (tiers of 2026-10 or later for round 2026-12) and not after it,
and of the round's division: more of its firms lie within that division by positions 3–8 of their USCC
(GB 32100-2015) than within any other division of its level (a firm that moved in keeps its code, so not
all of them need to).  A district's round (330802-2026-12) takes a tier file of that district's firms; a
city's round (330800-2026-12, a workspace of several of the city's districts) one of the city's firms, of
any of its districts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

import polars as pl

from xinyong.core import divisions
from xinyong.core.codes import industry_section
from xinyong.core.ids import RoundId
from xinyong.draw.plans import Plan
from xinyong.errors import InputFileError
from xinyong.rounds.history import last_teams
from xinyong.rounds.plans import Item

MAX_TIER_AGE_MONTHS = 2
TARGET_FIELDS = ("last_team", "legal_rep", "station", "uscc")  # a targets.jsonl record (draw.teams.Firm.record)


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


def targets_of(usccs: pl.Series, registry: pl.DataFrame, history: pl.DataFrame, round_id: RoundId) -> pl.DataFrame:
    """The targets of the firms ``usccs`` (:data:`TARGET_FIELDS`, one row per distinct USCC, sorted by it) from the
    registry (``uscc``, ``legal_rep_id``, ``station``) and the inspection history."""
    firms = usccs.unique().to_frame("uscc")
    facts = registry.select("uscc", pl.col("legal_rep_id").alias("legal_rep"), "station")
    return (
        firms.join(facts, on="uscc", how="left")
        .join(last_teams(history, firms["uscc"], round_id.first_day), on="uscc", how="left")
        .select(
            pl.col("last_team").fill_null(pl.lit([], pl.List(pl.Utf8))),
            pl.col("legal_rep").fill_null(""),
            pl.col("station").fill_null(""),
            "uscc",
        )
        .sort("uscc")
    )


def check_tiers(path: Path, tiers: pl.DataFrame, round_id: RoundId) -> None:
    """Refuse a tier file (``uscc``, ``as_of``) of another division, or too old or too new for the round."""
    if tiers.is_empty():
        raise InputFileError(path, "has no firms (0 rows), so there is nothing to frame")
    dates: list[dt.date] = tiers["as_of"].unique().sort().to_list()
    if len(dates) > 1:
        raise InputFileError(
            path, f"firms tiered as of {len(dates)} dates ({dates[0]} … {dates[-1]}); a tier file is of one day"
        )
    as_of = dates[0]
    earliest = round_id.months_before(MAX_TIER_AGE_MONTHS)
    if as_of < earliest:
        raise InputFileError(
            path,
            f"tiers as of {as_of} are more than {MAX_TIER_AGE_MONTHS} months older than round {round_id}; "
            f"tier the firms as of {earliest} or later",
        )
    if as_of > round_id.last_day:
        raise InputFileError(path, f"tiers as of {as_of} are after the month of round {round_id}")
    # Each firm's division at the round's level: its own for a district's round, its city's for a city's.
    digits = len(divisions.prefix(round_id.division))
    found = (
        tiers.select(pl.col("uscc").str.slice(2, digits).str.pad_end(6, "0").alias("division"))
        .group_by("division")
        .len()
    )
    counts: dict[str, int] = dict(found.iter_rows())
    top = max(counts, key=lambda division: (counts[division], division == round_id.division))
    if top != round_id.division:
        raise InputFileError(
            path,
            f"a tier file of division {top} {divisions.place(top)} ({counts[top]:,} of {tiers.height:,} firms' "
            f"USCCs, positions 3–8), not of round {round_id}'s division {round_id.division} "
            f"{divisions.place(round_id.division)}",
        )
