"""The inspection history: the departments' ingested inspections and this system's own rounds, as one table (pure).

Rule (issue 12; 国发〔2019〕5号: 避免重复检查 and rotating inspectors): what the frame's repeat-inspection
exclusions (docs/draw-spec.md §1), the rotation rule of the teams (§6), the inspection-history indicators
(docs/indicators.md) and the model's training labels read as "past inspections" is everything on record —
the ``inspections`` table ingested from the departments (docs/data-contract.md) and every round this
system finalised (docs/disclosure.md, "The inspection history"):

- a finalised round's staffed target is a **planned** inspection of each item of its plan, by its team on
  record (:class:`xinyong.draw.reassign.Staffing`), dated the last day of the round's month, with no result;
- once its result is imported (the result in force after corrections), it is a **completed** inspection of
  each item of the plan, dated the day it ended (检查完成日期), by the team that recorded it, with the
  result's headline code — its first code in the order of the result-code table, so a result recording any
  violation (A–E) counts as one — the tier it was drawn in as ``legacy_tier`` and its π.

Each row keeps where it came from: ``round`` and ``plan`` (null for an ingested row) and ``record_id`` (the
department's record id, or the result's record id; null while planned).

**The same inspection** is the same firm, the same item, completed on the same day
(:data:`SAME_INSPECTION`): a department's ``inspections`` table that already holds a round's inspections
adds nothing — the round's row stays, with its provenance.  A planned inspection gives way to a completed
one of the same firm and item in the same month from the department's table.  Planned rows have no
``result_code``: the indicators and the labels read only :func:`completed` rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from xinyong.core.codes import RESULT_CODES
from xinyong.core.ids import RoundId
from xinyong.draw.plans import Plan
from xinyong.draw.reassign import Staffing
from xinyong.draw.teams import Target

HISTORY = pl.Schema(
    {
        "uscc": pl.String(),
        "round_month": pl.String(),
        "item_id": pl.String(),
        "department": pl.String(),
        "inspection_date": pl.Date(),
        "result_code": pl.String(),
        "legacy_tier": pl.String(),
        "inclusion_probability": pl.Float64(),
        "team": pl.List(pl.String()),
        "round": pl.String(),
        "plan": pl.String(),
        "record_id": pl.String(),
    }
)
# The key of an inspection: the same firm, the same item, completed the same day.
SAME_INSPECTION = ("uscc", "item_id", "inspection_date")


def ingested(inspections: pl.DataFrame) -> pl.DataFrame:
    """The clean ``inspections`` table as history rows (its two inspectors as the team)."""
    return inspections.select(
        *(c for c in HISTORY if c not in ("team", "round", "plan")),
        pl.concat_list("inspector_1", "inspector_2").alias("team"),
        pl.lit(None, pl.Utf8).alias("round"),
        pl.lit(None, pl.Utf8).alias("plan"),
    ).select(HISTORY.names())


@dataclass(frozen=True)
class OwnRound:
    """What a finalised round holds of its inspections."""

    round_id: RoundId
    plans: Mapping[str, Plan]
    staffing: Staffing
    strata: Mapping[Target, tuple[str, float]]  # each selected target's stratum and π
    results: Mapping[Target, Mapping[str, Any]]  # the result in force of each target that has one


def round_rows(own: OwnRound) -> pl.DataFrame:
    """The round's planned and completed inspections, one row per item of each target's plan."""
    rows = []
    for target, team in sorted(own.staffing.teams().items()):
        result = own.results.get(target)
        if not team and result is None:  # unstaffed: nobody will inspect it
            continue
        plan = own.plans[target[0]]
        stratum, pi = own.strata[target]
        for item in plan.items:
            rows.append(
                {
                    "uscc": target[1],
                    "round_month": own.round_id.month,
                    "item_id": item,
                    "department": next((d for d in plan.departments if item in plan.own_items(d)), plan.lead),
                    "inspection_date": dt.date.fromisoformat(result["ended"]) if result else own.round_id.last_day,
                    "result_code": min(result["codes"], key=RESULT_CODES.index) if result else None,
                    "legacy_tier": stratum,
                    "inclusion_probability": pi,
                    "team": list(result["team"]) if result else team,
                    "round": str(own.round_id),
                    "plan": plan.id,
                    "record_id": result["id"] if result else None,
                }
            )
    return pl.DataFrame(rows, schema=HISTORY, orient="row") if rows else HISTORY.to_frame()


def inspection_history(ingested_rows: pl.DataFrame, rounds: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """Ingested and own rows as one history, each inspection once (:data:`SAME_INSPECTION`): the ingested
    rows in their order, then the rounds' (order is kept, so a history without rounds is the table itself)."""
    own = pl.concat([HISTORY.to_frame(), *rounds])
    done = own.filter(pl.col("result_code").is_not_null())
    planned = own.filter(pl.col("result_code").is_null()).join(
        ingested_rows, on=["uscc", "item_id", "round_month"], how="anti", maintain_order="left"
    )
    others = ingested_rows.join(done, on=list(SAME_INSPECTION), how="anti", maintain_order="left")
    return pl.concat([others, done, planned])


def completed(history: pl.DataFrame) -> pl.DataFrame:
    """The inspections with a result: what the indicators count and the labels learn from."""
    return history.filter(pl.col("result_code").is_not_null())


def last_teams(history: pl.DataFrame, usccs: pl.Series, before: dt.date) -> pl.DataFrame:
    """For each firm of ``usccs`` inspected before ``before``, who inspected it last: every member of every team of
    its latest inspection day, as a sorted list (``uscc``, ``last_team``); firms never inspected have no row."""
    recent = history.join(usccs.to_frame("uscc"), on="uscc", how="semi").filter(pl.col("inspection_date") < before)
    latest = recent.filter(pl.col("inspection_date") == pl.col("inspection_date").max().over("uscc"))
    return (
        latest.select("uscc", "team")
        .explode("team")
        .drop_nulls("team")
        .group_by("uscc")
        .agg(pl.col("team").unique().sort().alias("last_team"))
    )
