"""``xinyong model train`` and ``xinyong model score``: the edges around the pure model code.

Training writes a model folder — ``model.txt``, ``metadata.json``, ``report.json``,
``report.html``, ``importance.csv`` and ``holdout.parquet`` (for promotion gates) — then, given a
data folder (a workspace's ``data/``), logs the run to its MLflow store and registers a version.  The
folder is staged and moved into place whole.  In region mode, training also says what each source of
inspections gave it — the clean ``inspections`` table and each round under ``--work`` — and what it did not use,
and why (:func:`xinyong.model.training.label_account`; ``labels`` in ``metadata.json``).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from xinyong.errors import UsageError
from xinyong.indicators.run import scan_clean
from xinyong.model import registry
from xinyong.model import report as model_report
from xinyong.model.estimator import RiskModel
from xinyong.model.labels import inspection_outcomes, read_policy
from xinyong.model.training import (
    LABEL,
    PERIOD,
    WEIGHT,
    LabelSource,
    Split,
    data_hash,
    generic_model,
    generic_split,
    label_account,
    read_any,
    region_model,
    region_table,
    split_by_month,
)
from xinyong.reports.progress import SILENT, Progress
from xinyong.workspace import checks, fsio
from xinyong.workspace.layout import (
    HOLDOUT,
    IMPORTANCE,
    METADATA_FILE,
    REPORT_HTML,
    REPORT_JSON,
    clean_table,
)


@dataclass(frozen=True)
class Discrimination:
    """How well the scores of one weighting (naive or 1/π) separate violations on the holdout."""

    auc: float
    gini: float
    ks: float
    brier: float


@dataclass(frozen=True)
class Holdout:
    """The headline figures of ``report.json`` (which has every figure, with intervals)."""

    naive: Discrimination
    weighted: Discrimination  # by 1/π: what the whole population would show
    score_psi: float  # of the holdout scores against the training scores
    oracle_naive_auc: float | None  # AUC of the generator's true propensity (only with a truth folder)

    @classmethod
    def of(cls, report: Mapping[str, Any]) -> Holdout:
        """From the report :func:`xinyong.model.report.evaluate` returns."""

        def part(name: str) -> Discrimination:
            p = report[name]
            return Discrimination(p["auc"]["value"], p["gini"]["value"], p["ks"]["value"], p["brier"])

        oracle = report["oracle"]["naive_auc"] if "oracle" in report else None
        return cls(part("naive"), part("weighted"), report["psi"]["score"]["value"], oracle)

    def metrics(self) -> dict[str, float]:
        """As MLflow metrics."""
        metrics = {"score_psi": self.score_psi}
        for name, part in (("naive", self.naive), ("weighted", self.weighted)):
            metrics |= {f"holdout_{name}_{m}": v for m, v in asdict(part).items()}
        if self.oracle_naive_auc is not None:
            metrics["oracle_naive_auc"] = self.oracle_naive_auc
        return metrics


@dataclass(frozen=True)
class Trained:
    model_dir: Path
    holdout: Holdout
    run_id: str | None  # None when not tracked in MLflow
    version: str | None  # the registered model version
    labels: tuple[LabelSource, ...] = ()  # region mode: what each source of inspections gave, and what it did not


def train_region(
    clean_dir: Path,
    as_of: dt.date,
    out_dir: Path,
    *,
    labels: Path | None = None,
    truth_dir: Path | None = None,
    data_dir: Path | None = None,
    progress: Progress = SILENT,
    work: Path | None = None,
) -> Trained:
    """Train on the region's labelled inspections up to ``as_of``, out of time; with ``work`` (the ``--out``
    of ``xinyong round``), the results of the rounds there too (:mod:`xinyong.rounds.ledger`)."""
    checks.output_folder(out_dir, clean_dir)
    policy = read_policy(labels)
    with progress.task("model: features and labels", total=1) as bar:
        tables = scan_clean(clean_dir, work, "model train")
        table = region_table(tables, policy, as_of)
        outcomes = inspection_outcomes(tables["inspections"], policy).collect()
        account = label_account(outcomes, table, as_of, *_own_rounds(work))
        bar.advance()
    split = split_by_month(table)
    truth = _truth_for(split.holdout, truth_dir) if truth_dir else None
    population = _population_truth(clean_dir, truth_dir, table[PERIOD].unique().to_list()) if truth_dir else None
    extra = {
        "mode": "region",
        "as_of": as_of.isoformat(),
        "id_column": "uscc",
        "split": {
            role: sorted(part[PERIOD].unique().to_list())
            for role, part in (("train", split.train), ("valid", split.valid), ("holdout", split.holdout))
        },
        "labels": [asdict(source) for source in account],
    }
    extra["overall"] = model_report.overall_rates(table[LABEL].to_numpy(), table[WEIGHT].to_numpy(), population)
    trained = _train(split, region_model(), out_dir, extra, truth, data_dir, f"region as of {as_of}", progress)
    return replace(trained, labels=account)


def _own_rounds(work: Path | None) -> tuple[dict[str, int], list[str]]:
    """The rounds under ``work``: each finalised one's staffed targets still awaiting a result, and the others."""
    from xinyong.rounds.ledger import read_own_round, work_rounds

    pending: dict[str, int] = {}
    unfinished: list[str] = []
    if work is None:
        return pending, unfinished
    for round_id in work_rounds(work):
        own = read_own_round(work, round_id, "model train")
        if own is None:
            unfinished.append(str(round_id))
            continue
        staffed = [target for target, team in own.staffing.teams().items() if team]
        pending[str(round_id)] = sum(1 for target in staffed if target not in own.results)
    return pending, unfinished


def train_generic(
    table: Path,
    label: str,
    out_dir: Path,
    *,
    id_column: str | None = None,
    time_column: str | None = None,
    weight_column: str | None = None,
    data_dir: Path | None = None,
    progress: Progress = SILENT,
) -> Trained:
    """Train on any CSV/Parquet table with a 0/1 label column."""
    checks.output_folder(out_dir, table)
    split = generic_split(table, label, id_column, time_column, weight_column)
    extra = {
        "mode": "generic",
        "table": str(table),
        "label": label,
        "id_column": id_column,
        "split": {"by": time_column or "fixed scramble of row numbers", "shares": [0.6, 0.2, 0.2]},
    }
    return _train(split, generic_model(split), out_dir, extra, None, data_dir, f"generic {table.name}", progress)


def _train(
    split: Split,
    model: RiskModel,
    out_dir: Path,
    extra: dict,
    truth: np.ndarray | None,
    data_dir: Path | None,
    run_name: str,
    progress: Progress,
) -> Trained:
    for name, part in (("train", split.train), ("valid", split.valid)):
        w = part[WEIGHT].to_numpy()
        if not np.isfinite(w).all() or (w <= 0).any():
            raise UsageError(f"{name} weights must be positive and finite")
    with progress.task(f"model: LightGBM on {split.train.height:,} rows", total=1) as bar:
        split.fit(model)
        bar.advance()
    train_prob = model.predict_risk(split.train.select(split.features))
    holdout_prob = model.predict_risk(split.holdout.select(split.features))
    cutoffs = model_report.cutoffs_from_shares(train_prob)
    importance = dict(
        zip(
            model.features_,
            model.booster_.feature_importance("gain", iteration=model.best_iteration_).tolist(),
            strict=True,
        )
    )
    evaluation = model_report.Evaluation(
        train_prob,
        holdout_prob,
        split.holdout[LABEL].to_numpy(),
        split.holdout[WEIGHT].to_numpy(),
        split.train.select(split.features),
        split.holdout.select(split.features),
        importance,
        truth,
    )
    report = model_report.evaluate(evaluation, cutoffs)
    holdout = Holdout.of(report)
    if "overall" in extra:
        report["overall"] = extra.pop("overall")
    training_hash = data_hash(pl.concat([split.train, split.valid]).select(*split.features, LABEL, WEIGHT))
    extra = {
        **extra,
        "cutoffs": report["cutoffs"],
        "training_data_sha256": training_hash,
        "rows": {"train": split.train.height, "valid": split.valid.height, "holdout": split.holdout.height},
    }

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".train-", dir=out_dir.parent))
    try:
        model.save(staging, extra)
        fsio.write_json(staging / REPORT_JSON, report)
        facts = {
            "模式 mode": extra["mode"],
            "训练数据 SHA-256": training_hash,
            "行数 rows (train/valid/holdout)": (
                f"{split.train.height:,} / {split.valid.height:,} / {split.holdout.height:,}"
            ),
            "树 trees": str(model.best_iteration_),
        }
        title = "信用风险模型验证报告 Model validation report"
        (staging / REPORT_HTML).write_text(model_report.render_html(report, evaluation, title, facts), encoding="utf-8")
        pl.DataFrame({"feature": list(importance), "gain": list(importance.values())}).sort(
            "gain", descending=True
        ).write_csv(staging / IMPORTANCE)
        split.holdout.select(*split.features, LABEL, WEIGHT).write_parquet(staging / HOLDOUT)
        out_dir.mkdir(parents=True, exist_ok=True)
        fsio.publish_staged(staging, out_dir, last=METADATA_FILE)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    run_id = version = None
    if data_dir is not None:  # logged to the MLflow store in data_dir/mlflow (or MLFLOW_TRACKING_URI's)
        with progress.task("model: MLflow run and registry", total=1) as bar:
            params = {
                **model.lightgbm_params(model.features_),
                "best_iteration": model.best_iteration_,
                "mode": extra["mode"],
                "monotone_constraints": {f: c for f, c in model.constraints_.items() if c},
            }
            example = model.encode(split.holdout.head(5).select(split.features)).cast(pl.Float64)
            run_id, version = registry.log_run(
                data_dir,
                out_dir,
                run_name=run_name,
                params=params,
                metrics=holdout.metrics(),
                data_hash=training_hash,
                example=example,
                booster=model.booster_,
                name=registry.registered_name(extra["mode"]),
            )
            bar.advance()
    return Trained(out_dir, holdout, run_id, version)


def _truth_for(holdout: pl.DataFrame, truth_dir: Path) -> np.ndarray:
    """The generator's true propensity of each holdout (firm, month): for the report's oracle only."""
    truth = pl.read_parquet(truth_dir / "propensity.parquet")
    long = truth.unpivot(index="uscc", variable_name=PERIOD, value_name="p")
    return (
        holdout.select("uscc", PERIOD)
        .join(long, on=["uscc", PERIOD], how="left", maintain_order="left")["p"]
        .to_numpy()
    )


def _population_truth(clean_dir: Path, truth_dir: Path, months: list[str]) -> float:
    """Mean true propensity over every live firm in each labelled month: the rate 1/π must recover."""
    firms = pl.read_parquet(
        clean_table(clean_dir, "enterprises"), columns=["uscc", "established", "status", "status_date"]
    )
    truth = pl.read_parquet(truth_dir / "propensity.parquet", columns=["uscc", *sorted(months)])
    means = []
    for month in sorted(months):
        start = dt.date.fromisoformat(f"{month}-01")
        live = firms.filter(
            (pl.col("established") < start) & ((pl.col("status") == "存续") | (pl.col("status_date") >= start))
        )
        means.append(live.join(truth.select("uscc", month), on="uscc").select(pl.col(month).mean()).item())
    return float(np.mean(means))


def score_table(model_dir: Path, table: Path, out: Path, id_column: str | None = None) -> int:
    """Write the id column (when known) and the calibrated ``score`` for every row of ``table``, in the format
    the suffix of ``out`` names (:data:`xinyong.workspace.fsio.TABLE_FORMATS`)."""
    checks.output_file(out, table, model_dir, formats=fsio.TABLE_FORMATS)
    checks.model_folder(model_dir)
    model = RiskModel.load(model_dir)
    frame = read_any(table)
    id_column = id_column or model.metadata_.get("id_column")
    missing = [f for f in model.features_ if f not in frame.columns]
    if missing:
        raise UsageError(f"{table}: missing feature column {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}")
    for name in model.categories_:
        frame = frame.with_columns(pl.col(name).cast(pl.Utf8))
    scores = pl.Series("score", model.predict_risk(frame.select(model.features_)))
    result = (
        pl.DataFrame([frame[id_column], scores]) if id_column and id_column in frame.columns else pl.DataFrame([scores])
    )
    fsio.write_table(out, result)
    return result.height


def load_report(model_dir: Path) -> dict:
    return json.loads((model_dir / REPORT_JSON).read_text(encoding="utf-8"))
