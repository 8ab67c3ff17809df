"""Training sets and splits for the risk model, in region mode and in generic mode.

Region mode turns the region's past inspections into labels (:mod:`xinyong.model.labels`), builds their
features as of the day before each inspection month (:mod:`xinyong.indicators.features`), and splits them
**out of time**: the last months are the holdout the report is computed on, the months before
them validate (early stopping and calibration), and everything earlier trains.  A model is
judged on months it never saw, as it will be used.

Generic mode trains on any CSV or Parquet table with a 0/1 label, so data scientists can use
their own data: every column but the label, id, time and weight is a feature, text and boolean
columns categorical; the split (60/20/20) is by a time column when one is named, otherwise a fixed
pseudo-random split of the rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from xinyong.errors import InputFileError, UsageError
from xinyong.indicators.catalog import catalog
from xinyong.indicators.features import build_features
from xinyong.model.estimator import RiskModel
from xinyong.model.labels import LabelPolicy, adjust_for_nonresponse, inspection_outcomes

LABEL, WEIGHT, PERIOD = "label", "weight", "period"
# Weighting classes for unlabelled inspections: the month, the stratum the firm was drawn from, and
# whether it was listed as unreachable when the month began (the main cause of code 6).
NONRESPONSE_CLASSES = ["round_month", "stratum", "abnormal_unreachable"]


@dataclass(frozen=True)
class Split:
    """Rows of a training table with their role; ``features`` name the model's inputs."""

    train: pl.DataFrame
    valid: pl.DataFrame
    holdout: pl.DataFrame
    features: list[str]
    categorical: tuple[str, ...]
    id_column: str | None

    def fit(self, model: RiskModel) -> RiskModel:
        return model.fit(
            self.train.select(self.features),
            self.train[LABEL].to_numpy(),
            self.train[WEIGHT].to_numpy(),
            X_valid=self.valid.select(self.features),
            y_valid=self.valid[LABEL].to_numpy(),
            sample_weight_valid=self.valid[WEIGHT].to_numpy(),
        )


def data_hash(frame: pl.DataFrame) -> str:
    """SHA-256 over the schema and every row's hash: the identity of a training table."""
    digest = hashlib.sha256(repr(frame.schema).encode("utf-8"))
    digest.update(frame.hash_rows(seed=0).to_numpy().tobytes())
    return digest.hexdigest()


# -- region mode -------------------------------------------------------------------------------
def region_table(tables, policy: LabelPolicy, as_of: dt.date) -> pl.DataFrame:
    """Labelled inspections finished by ``as_of`` with their point-in-time features and
    nonresponse-adjusted 1/π weights (:func:`xinyong.model.labels.adjust_for_nonresponse`).

    The inspections are the history :func:`xinyong.indicators.run.scan_clean` gives: with a work folder,
    the results of this system's own rounds too, each with the π it was drawn with.
    """
    month_end = pl.col("as_of").dt.offset_by("1d").dt.month_end()
    outcomes = inspection_outcomes(tables["inspections"], policy).filter(month_end <= as_of)
    features = build_features(tables, outcomes.select("uscc", "as_of"))
    table = adjust_for_nonresponse(
        outcomes.join(features, on=["uscc", "as_of"], how="left").collect(), NONRESPONSE_CLASSES
    )
    # A fixed row order: LightGBM's seeded bagging depends on it, and training must be repeatable.
    table = table.sort("round_month", "uscc")
    if table.is_empty():
        raise UsageError(f"no labelled inspections finished by {as_of}")
    return table.with_columns(pl.col("round_month").alias(PERIOD))


INGESTED = "inspections"  # the source name of the departments' inspections (the clean table)


@dataclass(frozen=True)
class LabelSource:
    """What one source of inspections — the clean ``inspections`` table or a round under ``--work`` — gave the
    training set (``used``), and what of it was not used, by reason."""

    source: str
    used: int = 0  # labelled inspections in the training set
    unlabelled: int = 0  # results whose codes give no label (6 unreachable, F …): their weight goes to their class
    after_as_of: int = 0  # inspected in a month that ends after --as-of: not usable as of then
    pending: int = 0  # staffed targets of a finalised round whose result is not imported yet (待录入)
    unfinished: bool = False  # a round whose teams are not finalised: none of it is inspection history yet

    def describe(self, as_of: dt.date) -> str:
        if self.unfinished:
            return f"{self.source}: not used — the round is not finalised, so none of it is inspection history yet"
        why = [
            f"{self.after_as_of:,} inspected in a month ending after --as-of {as_of}" if self.after_as_of else "",
            f"{self.pending:,} results not imported yet (待录入)" if self.pending else "",
            f"{self.unlabelled:,} results whose codes give no label (their 1/π weight goes to the labelled "
            "inspections of their class)"
            if self.unlabelled
            else "",
        ]
        shown = "; ".join(w for w in why if w)
        return f"{self.source}: {self.used:,} labels used" + (f"; not used: {shown}" if shown else "")


def label_account(
    outcomes: pl.DataFrame,
    used: pl.DataFrame,
    as_of: dt.date,
    pending: Mapping[str, int],
    unfinished: Sequence[str] = (),
) -> tuple[LabelSource, ...]:
    """Per source, what :func:`region_table` used and what it left out: ``outcomes`` are every inspection of the
    history (:func:`xinyong.model.labels.inspection_outcomes`, with its ``round``), ``used`` the training table,
    ``pending`` the results each finalised round still awaits, ``unfinished`` the rounds not finalised."""
    month_end = pl.col("as_of").dt.offset_by("1d").dt.month_end()
    source = pl.col("round").fill_null(INGESTED)
    counts = outcomes.select(
        source.alias("source"),
        (month_end > as_of).alias("late"),
        ((month_end <= as_of) & pl.col("label").is_null()).alias("unlabelled"),
    )
    late = dict(counts.group_by("source").agg(pl.col("late").sum()).iter_rows())
    unlabelled = dict(counts.group_by("source").agg(pl.col("unlabelled").sum()).iter_rows())
    taken = dict(used.group_by(source.alias("source")).len().iter_rows())
    names = sorted(set(late) | set(pending) | {INGESTED}, key=lambda name: (name != INGESTED, name))
    found = [
        LabelSource(name, taken.get(name, 0), unlabelled.get(name, 0), late.get(name, 0), pending.get(name, 0))
        for name in names
    ]
    return (*found, *(LabelSource(name, unfinished=True) for name in sorted(unfinished)))


def split_by_month(table: pl.DataFrame, holdout_months: int = 6, valid_months: int = 3) -> Split:
    months = sorted(table[PERIOD].unique().to_list())
    if len(months) < holdout_months + valid_months + 6:
        raise UsageError(
            f"out-of-time training needs at least {holdout_months + valid_months + 6} months of labels, got "
            f"{len(months)}"
        )
    holdout = set(months[-holdout_months:])
    valid = set(months[-holdout_months - valid_months : -holdout_months])
    role = pl.col(PERIOD)
    names = [i.name for i in catalog()]
    categorical = tuple(i.name for i in catalog() if i.categorical)
    return Split(
        table.filter(~role.is_in(list(holdout | valid))),
        table.filter(role.is_in(list(valid))),
        table.filter(role.is_in(list(holdout))),
        names,
        categorical,
        "uscc",
    )


def region_model(**overrides) -> RiskModel:
    """A model with the catalog's monotone constraints and categorical indicators."""
    return RiskModel(
        monotone={i.name: i.direction for i in catalog() if not i.categorical},
        categorical=tuple(i.name for i in catalog() if i.categorical),
        **overrides,
    )


# -- generic mode ------------------------------------------------------------------------------
def read_any(path: Path) -> pl.DataFrame:
    if not path.is_file():
        raise InputFileError(path, "no such file")
    try:
        if path.suffix == ".parquet":
            return pl.read_parquet(path)
        if path.suffix == ".csv":
            return pl.read_csv(path, infer_schema_length=10_000)
    except Exception as exc:
        raise InputFileError(path, f"not readable ({str(exc).splitlines()[0]})") from None
    raise InputFileError(path, f"unsupported file type {path.suffix!r}; use .csv or .parquet")


def generic_split(
    path: Path,
    label: str,
    id_column: str | None = None,
    time_column: str | None = None,
    weight_column: str | None = None,
) -> Split:
    table = read_any(path)
    for role, column in (("label", label), ("id", id_column), ("time", time_column), ("weight", weight_column)):
        if column is not None and column not in table.columns:
            raise InputFileError(path, f"no {role} column {column!r}; columns are {', '.join(table.columns)}")
    values = set(table[label].drop_nulls().cast(pl.Utf8).unique().to_list())
    if not values <= {"0", "1", "true", "false"} or len(values) != 2:
        raise InputFileError(path, f"label column {label!r} must hold two values 0/1, found {sorted(values)[:5]}")
    table = table.filter(pl.col(label).is_not_null()).with_columns(
        pl.col(label).cast(pl.Utf8).is_in(["1", "true"]).cast(pl.Int8).alias(LABEL),
        (pl.col(weight_column).cast(pl.Float64) if weight_column else pl.lit(1.0)).alias(WEIGHT),
    )
    reserved = {label, id_column, time_column, weight_column, LABEL, WEIGHT}
    features = [c for c in table.columns if c not in reserved]
    categorical = tuple(c for c in features if table.schema[c] in (pl.Utf8, pl.Categorical, pl.Boolean))
    table = table.with_columns(pl.col(c).cast(pl.Utf8) for c in categorical)
    if time_column:
        rank = pl.col(time_column).rank("ordinal") / pl.len()
    else:  # a fixed scramble of the row number: the same file always splits the same way
        rank = ((pl.int_range(pl.len(), dtype=pl.UInt64) * 2_654_435_761) % 1000) / 1000
    table = table.with_columns(rank.alias("__rank__"))
    parts = [
        table.filter(cond).drop("__rank__")
        for cond in (
            pl.col("__rank__") < 0.6,
            pl.col("__rank__").is_between(0.6, 0.8, closed="left"),
            pl.col("__rank__") >= 0.8,
        )
    ]
    if min(p.height for p in parts) == 0 or any(p[LABEL].n_unique() < 2 for p in parts):
        raise InputFileError(path, "too few rows of each label to split into train, validation and holdout")
    train, valid, holdout = parts
    return Split(train, valid, holdout, features, categorical, id_column)


def generic_model(split: Split, **overrides) -> RiskModel:
    return RiskModel(categorical=split.categorical, **overrides)
