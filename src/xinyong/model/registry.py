"""MLflow tracking and the model registry: every training run logged, a champion promoted through gates.

Tracking uses an embedded SQLite store inside a workspace's data folder (``data/mlflow/``) with an
explicit artifact location beside it, unless ``MLFLOW_TRACKING_URI`` names another store.  Each run
logs its parameters, metrics, training-data hash, the LightGBM model with signature and input
example, the validation report and feature importance, and registers a model version — a region-mode
model (the regulator's tiers) as ``xinyong-risk``, a generic-mode one (a table of one's own) as
``xinyong-generic``, so neither can be promoted in the other's place.

``promote`` moves the ``champion`` alias of its registered name to a version only when its gates pass:

1. on the challenger's own holdout, its weighted AUC is not worse than the current champion's by
   more than the tolerance.  The current champion is the registry's; when the registry has none (a fresh
   clone, a new workspace), the champion exported in the ``--models`` folder, and for a region-mode model
   without one there, the champion shipped with the package — the one the monthly job runs on.  A champion
   that cannot be scored on the holdout (trained on other indicators) fails the gate "comparable with the
   champion";
2. the weighted observed violation rate rises strictly from tier A to tier D;
3. the score PSI (holdout against training) is below 0.25.

``--force`` (only with a ``--reason``) overrides failed gates and records that it did, on the version and in
the export.  The champion is exported to a workspace's ``models/``, from which the monthly job runs without
MLflow; a folder holding the export of the other mode is refused.  The champion shipped with the package
(``xinyong/defaults/models/``) is package data: no command writes there (:mod:`xinyong.workspace.checks`).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from xinyong.errors import UsageError
from xinyong.workspace import checks, fsio
from xinyong.workspace.layout import HOLDOUT, METADATA_FILE, MODEL_CARD, MODEL_FILE, REPORT_JSON, SHIPPED_CHAMPION

MODEL_NAME = "xinyong-risk"  # region mode: the regulator's tiers
GENERIC_MODEL_NAME = "xinyong-generic"  # generic mode: a table of one's own
EXPERIMENT = "xinyong-risk"
ALIAS = "champion"
BUNDLE = "xinyong_model"  # the run's artifact folder holding model.txt, metadata.json and the report
AUC_TOLERANCE = 0.01
PSI_LIMIT = 0.25
NOT_WORSE, COMPARABLE = "not worse than champion", "comparable with the champion"


def registered_name(mode: str) -> str:
    """The registry name of a model trained in ``mode`` (``region`` or ``generic``)."""
    return GENERIC_MODEL_NAME if mode == "generic" else MODEL_NAME


def tracking_uri(data_dir: Path) -> str:
    override = os.environ.get("MLFLOW_TRACKING_URI")
    if override:
        return override
    _store(data_dir).parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{_store(data_dir).resolve()}"


def _store(data_dir: Path) -> Path:
    return data_dir / "mlflow" / "mlflow.db"


def _client(data_dir: Path):
    import mlflow
    from mlflow import MlflowClient

    given = os.environ.get("MLFLOW_TRACKING_URI")
    mlflow.set_tracking_uri(tracking_uri(data_dir))
    # set_tracking_uri also exports MLFLOW_TRACKING_URI; put back what the user gave, or the next data folder
    # would be taken for their override
    if given is None:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    else:
        os.environ["MLFLOW_TRACKING_URI"] = given
    if mlflow.get_experiment_by_name(EXPERIMENT) is None:
        artifacts = (data_dir / "mlflow" / "artifacts").resolve()
        mlflow.create_experiment(EXPERIMENT, artifact_location=artifacts.as_uri())
    mlflow.set_experiment(EXPERIMENT)
    return mlflow, MlflowClient()


def log_run(
    data_dir: Path,
    model_dir: Path,
    *,
    run_name: str,
    params: dict,
    metrics: dict[str, float],
    data_hash: str,
    example: pl.DataFrame,
    booster,
    name: str = MODEL_NAME,
) -> tuple[str, str]:
    """Log one training run and register its model under ``name``; returns (run id, model version)."""
    import lightgbm
    from mlflow.models import infer_signature

    mlflow, client = _client(data_dir)
    example_pd = example.to_pandas()
    with mlflow.start_run(run_name=run_name) as run:
        mlflow.log_params(
            {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v) for k, v in params.items()}
        )
        mlflow.log_metrics(metrics)
        mlflow.set_tags({"training_data_sha256": data_hash, "xinyong.model_dir": str(model_dir)})
        signature = infer_signature(example_pd, booster.predict(example_pd.to_numpy()))
        info = mlflow.lightgbm.log_model(
            booster,
            name="model",
            signature=signature,
            input_example=example_pd,
            pip_requirements=[f"lightgbm=={lightgbm.__version__}"],
            registered_model_name=name,
        )
        mlflow.log_artifacts(str(model_dir), artifact_path=BUNDLE)
    version = str(info.registered_model_version)
    client.set_model_version_tag(name, version, "training_data_sha256", data_hash)
    return run.info.run_id, version


@dataclass(frozen=True)
class Gate:
    name: str
    passed: bool
    detail: str


def promote(
    data_dir: Path,
    version: str,
    models_dir: Path,
    *,
    generic: bool = False,
    force: bool = False,
    reason: str = "",
) -> list[Gate]:
    """Check the gates for ``version`` of the region-mode registry (``generic``: the generic-mode one); move its
    champion alias and export it to ``models_dir`` when they pass, or when ``force`` with a ``reason``."""
    from mlflow.exceptions import MlflowException

    if force and not reason.strip():
        raise UsageError("--force needs --reason '…': why the gates are overridden is recorded with the champion")
    checks.output_folder(models_dir)
    if "MLFLOW_TRACKING_URI" not in os.environ and not _store(data_dir).is_file():
        raise UsageError(f"{data_dir}: no MLflow store ({_store(data_dir)}); train a model with `xinyong model train`")
    mode = "generic" if generic else "region"
    name = registered_name(mode)
    mlflow, client = _client(data_dir)
    try:
        challenger = client.get_model_version(name, version)
    except MlflowException:
        other = "without --generic" if generic else "with --generic"
        raise UsageError(
            f"model version {version} of {name} is not in the registry at {tracking_uri(data_dir)} (a "
            f"{'region' if generic else 'generic'}-mode model is promoted {other})"
        ) from None
    if client.get_run(challenger.run_id).data.params.get("mode", "region") != mode:
        raise UsageError(
            f"model version {version} of {name}: a generic-mode model (trained with --table) cannot be the "
            "regulator's champion; train it again to register it as "
            f"{GENERIC_MODEL_NAME}, and promote it with --generic"
        )
    exported = _mode_of(models_dir)
    if exported is not None and exported != mode:
        raise UsageError(
            f"{models_dir}: holds the {exported}-mode champion; export a {mode}-mode model to a folder of its own"
        )
    with tempfile.TemporaryDirectory() as scratch:
        bundle = Path(
            mlflow.artifacts.download_artifacts(
                run_id=challenger.run_id, artifact_path=BUNDLE, dst_path=str(Path(scratch) / "challenger")
            )
        )
        champion = _champion(mlflow, client, name, models_dir, generic, Path(scratch) / "champion")
        gates = _gates(bundle, champion)
        failed = [g for g in gates if not g.passed]
        if failed and not force:
            return gates
        if failed:
            client.set_model_version_tag(name, version, "promotion_override", "; ".join(g.name for g in failed))
            client.set_model_version_tag(name, version, "promotion_override_reason", reason.strip())
        client.set_registered_model_alias(name, ALIAS, version)
        _export(bundle, models_dir, name, version, challenger.run_id, gates, forced=bool(failed))
    return gates


def _mode_of(models_dir: Path) -> str | None:
    """The mode of the champion exported in ``models_dir``; None when it holds none."""
    metadata = models_dir / METADATA_FILE
    if not metadata.is_file():
        return None
    return json.loads(metadata.read_text(encoding="utf-8")).get("mode", "region")


@dataclass(frozen=True)
class Champion:
    """The champion a challenger is compared with, and where it came from (for the gate's detail)."""

    folder: Path
    where: str


def _champion(mlflow, client, name: str, models_dir: Path, generic: bool, scratch: Path) -> Champion | None:
    """The registry's champion of ``name``; else the one exported in ``models_dir``; else (region mode) the
    shipped one; None when there is none."""
    from mlflow.exceptions import MlflowException

    try:
        current = client.get_model_version_by_alias(name, ALIAS)
    except MlflowException:
        current = None
    if current is not None:
        folder = mlflow.artifacts.download_artifacts(run_id=current.run_id, artifact_path=BUNDLE, dst_path=str(scratch))
        return Champion(Path(folder), f"version {current.version}, the registry's champion")
    if (models_dir / MODEL_FILE).is_file():
        return Champion(models_dir, f"the champion exported in {models_dir}; the registry has none")
    if not generic and (SHIPPED_CHAMPION / MODEL_FILE).is_file():
        return Champion(
            SHIPPED_CHAMPION, f"the champion shipped with xinyong, {SHIPPED_CHAMPION}; none is registered or exported"
        )
    return None


def _gates(bundle: Path, champion: Champion | None) -> list[Gate]:
    from xinyong.model.estimator import RiskModel

    report = json.loads((bundle / REPORT_JSON).read_text(encoding="utf-8"))
    holdout = pl.read_parquet(bundle / HOLDOUT)
    gates = []
    weighted = report["weighted"]["auc"]["value"]
    if champion is None:
        gates.append(Gate(NOT_WORSE, True, "no champion yet: none is registered, exported or shipped"))
    else:
        from xinyong.model.metrics import auc

        old = RiskModel.load(champion.folder)
        lacking = [f for f in old.features_ if f not in holdout.columns]
        if lacking:
            gates.append(
                Gate(
                    COMPARABLE,
                    False,
                    f"the champion ({champion.where}) uses {len(lacking)} indicators the holdout lacks "
                    f"({', '.join(lacking[:3])}{' …' if len(lacking) > 3 else ''}), so the two cannot be compared; "
                    "promote only with --force --reason …",
                )
            )
        else:
            old_auc = auc(
                holdout["label"].to_numpy(),
                old.predict_risk(holdout.select(old.features_)),
                holdout["weight"].to_numpy(),
            )
            gates.append(
                Gate(
                    NOT_WORSE,
                    weighted >= old_auc - AUC_TOLERANCE,
                    f"weighted AUC {weighted:.4f} vs champion {old_auc:.4f} ({champion.where}) on the same holdout "
                    f"(tolerance {AUC_TOLERANCE})",
                )
            )
    rates = [report["tiers"][t].get("weighted", {}).get("value", float("nan")) for t in "ABCD"]
    rising = all(np.isfinite(rates)) and all(a < b for a, b in itertools.pairwise(rates))
    gates.append(
        Gate("tier rates rise A<B<C<D", rising, "weighted observed rates " + " < ".join(f"{r:.3f}" for r in rates))
    )
    score_psi = report["psi"]["score"]["value"]
    gates.append(Gate("score PSI below 0.25", score_psi < PSI_LIMIT, f"PSI {score_psi:.3f}"))
    return gates


def _export(
    bundle: Path, models_dir: Path, name: str, version: str, run_id: str, gates: list[Gate], forced: bool
) -> None:
    """Write ``models_dir``: the text model, its metadata (with the promotion record) and the model card."""
    staging = Path(tempfile.mkdtemp(prefix=".promote-", dir=models_dir.parent if models_dir.parent.exists() else None))
    try:
        shutil.copy2(bundle / MODEL_FILE, staging / MODEL_FILE)
        metadata = json.loads((bundle / METADATA_FILE).read_text(encoding="utf-8"))
        metadata["registry"] = {
            "model": name,
            "version": version,
            "run_id": run_id,
            "alias": ALIAS,
            "gates": [{"name": g.name, "passed": g.passed, "detail": g.detail} for g in gates],
            "forced": forced,
        }
        fsio.write_json(staging / METADATA_FILE, metadata)
        (staging / MODEL_CARD).write_text(
            model_card(metadata, json.loads((bundle / REPORT_JSON).read_text("utf-8"))), "utf-8"
        )
        models_dir.mkdir(parents=True, exist_ok=True)
        fsio.publish_staged(staging, models_dir, last=METADATA_FILE)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _describe_split(split: dict) -> str:
    if all(isinstance(v, list) and v for v in split.values()) and split:
        return "; ".join(f"{role} {months[0]}…{months[-1]} ({len(months)} months)" for role, months in split.items())
    return json.dumps(split, ensure_ascii=False)


def model_card(metadata: dict, report: dict) -> str:
    registry = metadata.get("registry", {})
    gates = "\n".join(f"- {'✔' if g['passed'] else '✘'} {g['name']}: {g['detail']}" for g in registry.get("gates", []))
    tiers = "\n".join(
        f"| {t} | {r['n']} | {r.get('weighted', {}).get('value', float('nan')):.3f} |"
        for t, r in report["tiers"].items()
    )
    purpose = (
        f"a generic-mode model of {metadata.get('table', 'a table')} (label {metadata.get('label', '?')}); not the "
        "regulator's tiers"
        if metadata.get("mode") == "generic"
        else "monthly credit-risk tiers (A/B/C/D) for 双随机 sampling of market entities"
    )
    return f"""# Model card — {registry.get("model", MODEL_NAME)} version {registry.get("version", "?")}

**Internal (内部资料).** Scores and tiers from this model are never published.

- Purpose: {purpose}.
- Model: LightGBM, {metadata["best_iteration"]} trees, monotone constraints from the indicator catalog,
  Platt calibration (slope {metadata["calibration"]["slope"]:.4f}, \
intercept {metadata["calibration"]["intercept"]:.4f}).
- Training data: SHA-256 `{metadata.get("training_data_sha256", "?")}`; labels from past inspections,
  weighted by 1/π; split: {_describe_split(metadata.get("split", {}))}.
- Features ({len(metadata["features"])}): see `docs/indicators.md`.
- Cut-offs (calibrated probability): {metadata.get("cutoffs")}.
- Promotion{" (FORCED: gates overridden)" if registry.get("forced") else ""}:
{gates}

## Holdout
| metric | naive | 1/π weighted |
|---|---|---|
| AUC | {report["naive"]["auc"]["value"]:.3f} | {report["weighted"]["auc"]["value"]:.3f} |
| KS | {report["naive"]["ks"]["value"]:.3f} | {report["weighted"]["ks"]["value"]:.3f} |
| Brier | {report["naive"]["brier"]:.4f} | {report["weighted"]["brier"]:.4f} |

| tier | n | weighted violation rate |
|---|---|---|
{tiers}

Limitations: labels exist only for inspected firms; weights correct the selection only as far as
the recorded inclusion probabilities are right. Registry attributes are a current snapshot.
"""
