"""Training labels from past inspection results, each with its inclusion probability π.

A result code maps to violation yes (1), no (0) or unknown (no label) through a TOML policy
(``reference/labels.toml`` by default).  Each label keeps the π with which its inspection was
drawn, so that weighting by 1/π turns the inspected firms back into the population they were
drawn from (Horvitz & Thompson 1952).  Features for a label are taken as of the day before its
inspection month, so a label never sees its own month.  A label is one inspection record: a result of
this system's own rounds covers every item of its plan (one row per item in the inspection history,
:mod:`xinyong.rounds.history`) and gives one label.

Inspections with no label (unreachable firms above all, code 6) are not missing at random:
firms that cannot be found break the rules more often.  Dropping them would bias every weighted
rate downwards, so their weight is handed to the labelled inspections of the same *weighting
class* — the standard nonresponse adjustment of survey sampling (Kalton & Flores-Cervantes 2003,
"Weighting methods", J. Official Statistics 19(2)): within a class, weight × Σ(1/π of all
inspected) / Σ(1/π of those labelled).  Classes are cells of things known before the visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import polars as pl

from xinyong.core.codes import RESULT_CODES
from xinyong.errors import InputFileError
from xinyong.workspace import config


@dataclass(frozen=True)
class LabelPolicy:
    violation: tuple[str, ...]
    no_violation: tuple[str, ...]

    def label_of(self, codes: list[str]) -> int | None:
        """A result's label from all its codes: 1 when any is a violation, 0 when every one says
        none, else unknown (None)."""
        if any(c in self.violation for c in codes):
            return 1
        if all(c in self.no_violation for c in codes):
            return 0
        return None


LABEL_KEYS = ("violation", "no_violation")


def read_policy(path: Path | None = None) -> LabelPolicy:
    """The label policy from ``path``, or the shipped default; unknown keys and codes are an error."""
    if path is None:
        where = Path("labels.toml")
        data = config.parse_toml(resources.files("xinyong.reference").joinpath("labels.toml").read_text("utf-8"), where)
    else:
        where, data = path, config.read_toml(path, "label policy")
    config.check_keys(where, "", data, LABEL_KEYS)
    lists: dict[str, tuple[str, ...]] = {}
    for key in LABEL_KEYS:
        codes = data.get(key)
        if not isinstance(codes, list) or not codes:
            raise InputFileError(where, f"{key} must be a non-empty list of result codes")
        lists[key] = tuple(map(str, codes))
        unknown = sorted(set(lists[key]) - set(RESULT_CODES))
        if unknown:
            raise InputFileError(where, f"{key}: unknown result code {', '.join(unknown)}")
    both = sorted(set(lists["violation"]) & set(lists["no_violation"]))
    if both:
        raise InputFileError(where, f"code {', '.join(both)} is both a violation and not")
    return LabelPolicy(lists["violation"], lists["no_violation"])


def inspection_labels(inspections: pl.LazyFrame, policy: LabelPolicy) -> pl.LazyFrame:
    """One row per labelled inspection: uscc, round_month, as_of, label, π and weight 1/π."""
    return inspection_outcomes(inspections, policy).filter(pl.col("label").is_not_null())


def inspection_outcomes(inspections: pl.LazyFrame, policy: LabelPolicy) -> pl.LazyFrame:
    """Every inspection as in :func:`inspection_labels`, with a null label where the code says nothing."""
    label = (
        pl.when(pl.col("result_code").is_in(list(policy.violation)))
        .then(pl.lit(1, pl.Int8))
        .when(pl.col("result_code").is_in(list(policy.no_violation)))
        .then(pl.lit(0, pl.Int8))
    )
    month_start = (pl.col("round_month") + "-01").str.to_date("%Y-%m-%d")
    # Where it came from, when the inspections are the history (null: the departments' own table).
    source = ["round"] if "round" in inspections.collect_schema().names() else []
    return (
        inspections.unique("record_id", keep="first", maintain_order=True)
        .with_columns(label.alias("label"), month_start.dt.offset_by("-1d").alias("as_of"))
        .select(
            *source,
            "uscc",
            "round_month",
            "as_of",
            "label",
            "result_code",
            pl.col("legacy_tier").alias("stratum"),
            pl.col("inclusion_probability").alias("pi"),
            (1.0 / pl.col("inclusion_probability")).alias("weight"),
        )
        .sort("round_month", "uscc")
    )


def adjust_for_nonresponse(outcomes: pl.DataFrame, classes: list[str]) -> pl.DataFrame:
    """The labelled rows of ``outcomes``, their ``weight`` carrying the unlabelled rows' weight of their class.

    A class with no labelled row cannot carry its weight; its rows simply drop out.
    """
    labelled = pl.col("label").is_not_null()
    factor = pl.col("weight").sum().over(classes) / pl.when(labelled).then(pl.col("weight")).sum().over(classes)
    return outcomes.with_columns(pl.col("weight") * factor).filter(labelled)
