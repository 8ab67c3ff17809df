"""MLflow runs, the registry and promotion gates: a passing model becomes champion, a failing one does not."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tests.conftest import INGEST_DAY
from xinyong.errors import UsageError
from xinyong.ingest.run import ingest
from xinyong.model.estimator import RiskModel
from xinyong.model.registry import (
    ALIAS,
    COMPARABLE,
    GENERIC_MODEL_NAME,
    MODEL_NAME,
    NOT_WORSE,
    log_run,
    promote,
    tracking_uri,
)
from xinyong.model.run import train_region
from xinyong.workspace.layout import SHIPPED_CHAMPION


@pytest.fixture(scope="module")
def store(default_region: Path, tmp_path_factory) -> dict[str, Path]:
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    root = tmp_path_factory.mktemp("registry")
    ingest(default_region, root / "clean", today=INGEST_DAY)
    trained = train_region(root / "clean", dt.date(2026, 10, 31), root / "run1", data_dir=root / "data")
    assert trained.version == "1"
    return {"root": root, "data": root / "data", "run1": root / "run1", "models": root / "models"}


def client(store):
    import mlflow
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(tracking_uri(store["data"]))
    return MlflowClient()


def test_the_store_is_sqlite_inside_the_data_folder_and_shows_the_run(store) -> None:
    assert tracking_uri(store["data"]) == f"sqlite:///{(store['data'] / 'mlflow' / 'mlflow.db').resolve()}"
    version = client(store).get_model_version(MODEL_NAME, "1")
    run = client(store).get_run(version.run_id)
    assert run.data.params["monotone_constraints_method"] == "basic"
    assert 0.5 < run.data.metrics["holdout_naive_auc"] < 1
    assert len(run.data.tags["training_data_sha256"]) == 64
    artifacts = {a.path for a in client(store).list_artifacts(version.run_id, "xinyong_model")}
    assert {"xinyong_model/report.html", "xinyong_model/report.json", "xinyong_model/importance.csv"} <= artifacts


def _holdout_auc(folder: Path) -> str:
    return f"{json.loads((folder / 'report.json').read_text(encoding='utf-8'))['weighted']['auc']['value']:.4f}"


def test_promotion_moves_the_alias_and_exports_the_champion(store) -> None:
    gates = promote(store["data"], "1", store["models"])
    assert all(g.passed for g in gates), gates
    # Neither registered nor exported yet: the champion to beat is the shipped one (the same model, here).
    auc = _holdout_auc(store["run1"])
    assert gates[0].detail == (
        f"weighted AUC {auc} vs champion {auc} (the champion shipped with xinyong, {SHIPPED_CHAMPION}; none is "
        "registered or exported) on the same holdout (tolerance 0.01)"
    )
    assert str(client(store).get_model_version_by_alias(MODEL_NAME, ALIAS).version) == "1"
    exported = json.loads((store["models"] / "metadata.json").read_text(encoding="utf-8"))
    assert exported["registry"]["version"] == "1" and exported["registry"]["forced"] is False
    assert (store["models"] / "model.txt").read_bytes() == (store["run1"] / "model.txt").read_bytes()
    assert "Model card" in (store["models"] / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert set(exported["cutoffs"]) == {"A|B", "B|C", "C|D"}


def _log_tampered(store, name: str, change, data: Path | None = None, holdout=None) -> str:
    """Log a real model whose report says what ``change`` makes it say (and whose holdout is ``holdout`` of its
    own) into ``data`` (default: the module's store); returns its version."""
    folder = store["root"] / name
    shutil.copytree(store["run1"], folder)
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    change(report)
    (folder / "report.json").write_text(json.dumps(report), encoding="utf-8")
    if holdout is not None:
        holdout(pl.read_parquet(folder / "holdout.parquet")).write_parquet(folder / "holdout.parquet")
    model = RiskModel.load(folder)
    example = pl.DataFrame({f: [0.0] for f in model.features_})
    _, version = log_run(
        data or store["data"],
        folder,
        run_name=name,
        params={"x": 1},
        metrics={"m": 0.5},
        data_hash="0" * 64,
        example=example,
        booster=model.booster_,
    )
    return version


def test_a_failing_gate_refuses_promotion_and_force_records_the_override(store) -> None:
    promote(store["data"], "1", store["models"])
    before = (store["models"] / "metadata.json").read_bytes()

    def flat_tiers(report: dict) -> None:
        report["tiers"]["D"]["weighted"]["value"] = report["tiers"]["C"]["weighted"]["value"]

    version = _log_tampered(store, "flat", flat_tiers)
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "xinyong.cli",
            "model",
            "promote",
            version,
            "--data-dir",
            str(store["data"]),
            "--models",
            str(store["models"]),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 3
    assert (
        result.stderr
        == f"Error: version {version} not promoted: tier rates rise A<B<C<D (use --force --reason … to override)\n"
    )
    assert "✘ tier rates rise A<B<C<D" in result.stdout
    assert str(client(store).get_model_version_by_alias(MODEL_NAME, ALIAS).version) == "1"
    assert (store["models"] / "metadata.json").read_bytes() == before

    gates = promote(store["data"], version, store["models"], force=True, reason="pilot month")
    assert [g.name for g in gates if not g.passed] == ["tier rates rise A<B<C<D"]
    assert str(client(store).get_model_version_by_alias(MODEL_NAME, ALIAS).version) == version
    tags = client(store).get_model_version(MODEL_NAME, version).tags
    assert (
        tags["promotion_override"] == "tier rates rise A<B<C<D" and tags["promotion_override_reason"] == "pilot month"
    )
    assert json.loads((store["models"] / "metadata.json").read_text(encoding="utf-8"))["registry"]["forced"] is True


def _weak(report: dict) -> None:
    report["weighted"]["auc"]["value"] = 0.55


def test_a_worse_model_than_the_champion_is_refused(store) -> None:
    promote(store["data"], "1", store["models"], force=True, reason="version 1 back as champion")

    gates = promote(store["data"], _log_tampered(store, "weak", _weak), store["models"])
    verdict = {g.name: g.passed for g in gates}
    assert verdict == {"not worse than champion": False, "tier rates rise A<B<C<D": True, "score PSI below 0.25": True}


def test_on_a_fresh_store_a_worse_model_is_refused_against_the_exported_or_shipped_champion(
    store, tmp_path: Path
) -> None:
    """A fresh clone, a new workspace: the registry has no champion, so the one in use is the one to beat."""
    version = _log_tampered(store, "weak-fresh", _weak, data=tmp_path / "data")
    auc = _holdout_auc(store["run1"])  # the shipped champion is version 1's model: its AUC on the same holdout
    gates = promote(tmp_path / "data", version, tmp_path / "models")
    assert (gates[0].name, gates[0].passed, gates[0].detail) == (
        NOT_WORSE,
        False,
        f"weighted AUC 0.5500 vs champion {auc} (the champion shipped with xinyong, {SHIPPED_CHAMPION}; none is "
        "registered or exported) on the same holdout (tolerance 0.01)",
    )
    assert not (tmp_path / "models").exists()  # nothing exported

    exported = Path(shutil.copytree(SHIPPED_CHAMPION, tmp_path / "office" / "models"))
    before = {p.name: p.read_bytes() for p in exported.iterdir()}
    gates = promote(tmp_path / "data", version, exported)
    assert gates[0].detail == (
        f"weighted AUC 0.5500 vs champion {auc} (the champion exported in {exported}; the registry has none) on the "
        "same holdout (tolerance 0.01)"
    )
    assert {p.name: p.read_bytes() for p in exported.iterdir()} == before  # the office's champion is untouched


def test_a_champion_on_other_indicators_cannot_be_compared_and_needs_force_with_a_reason(store, tmp_path) -> None:
    version = _log_tampered(store, "other-catalog", lambda r: None, holdout=lambda h: h.drop("penalties_12m"))
    gates = promote(store["data"], version, store["models"])
    champion = client(store).get_model_version_by_alias(MODEL_NAME, ALIAS).version
    assert (gates[0].name, gates[0].passed, gates[0].detail) == (
        COMPARABLE,
        False,
        f"the champion (version {champion}, the registry's champion) uses 1 indicators the holdout lacks "
        "(penalties_12m), so the two cannot be compared; promote only with --force --reason …",
    )
    with pytest.raises(UsageError) as caught:
        promote(store["data"], version, store["models"], force=True)
    assert str(caught.value) == "--force needs --reason '…': why the gates are overridden is recorded with the champion"
    promote(store["data"], version, store["models"], force=True, reason="new catalog")
    tags = client(store).get_model_version(MODEL_NAME, version).tags
    assert (tags["promotion_override"], tags["promotion_override_reason"]) == (COMPARABLE, "new catalog")


def test_a_generic_model_has_its_own_name_and_never_replaces_the_regulators_champion(store, tmp_path) -> None:
    from xinyong.model.run import train_generic

    rng = np.random.default_rng(5)
    x = rng.normal(size=3_000)
    y = (rng.random(3_000) < 1 / (1 + np.exp(-2 * x))).astype(int)
    pl.DataFrame({"id": range(3_000), "x": x, "z": rng.normal(size=3_000), "y": y}).write_csv(tmp_path / "credit.csv")
    trained = train_generic(tmp_path / "credit.csv", "y", tmp_path / "m", id_column="id", data_dir=store["data"])
    regulator = client(store).get_model_version_by_alias(MODEL_NAME, ALIAS).version
    regulators = (store["models"] / "metadata.json").read_bytes()

    with pytest.raises(UsageError) as caught:
        promote(store["data"], trained.version, store["models"], generic=True)
    assert str(caught.value) == (
        f"{store['models']}: holds the region-mode champion; export a generic-mode model to a folder of its own"
    )
    gates = promote(store["data"], trained.version, tmp_path / "credit-champion", generic=True)
    assert gates[0].detail == "no champion yet: none is registered, exported or shipped"
    assert all(g.passed for g in gates), gates
    assert str(client(store).get_model_version_by_alias(GENERIC_MODEL_NAME, ALIAS).version) == trained.version
    exported = json.loads((tmp_path / "credit-champion" / "metadata.json").read_text(encoding="utf-8"))
    assert (exported["mode"], exported["registry"]["model"]) == ("generic", GENERIC_MODEL_NAME)
    # The regulator's champion: the same alias, the same export.
    assert client(store).get_model_version_by_alias(MODEL_NAME, ALIAS).version == regulator
    assert (store["models"] / "metadata.json").read_bytes() == regulators


def test_unknown_version_is_a_clear_error(store) -> None:
    with pytest.raises(UsageError) as caught:
        promote(store["data"], "99", store["models"])
    assert str(caught.value) == (
        f"model version 99 of {MODEL_NAME} is not in the registry at {tracking_uri(store['data'])} (a generic-mode "
        "model is promoted with --generic)"
    )


def test_the_logged_model_has_a_signature_and_an_input_example(store) -> None:
    import mlflow

    client(store)
    info = mlflow.models.get_model_info(f"models:/{MODEL_NAME}/1")
    assert info.signature is not None and len(info.signature.inputs.input_names()) == len(
        RiskModel.load(store["run1"]).features_
    )
    assert info.saved_input_example_info is not None


def test_the_tracking_uri_can_be_overridden(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:////elsewhere/mlflow.db")
    assert tracking_uri(tmp_path) == "sqlite:////elsewhere/mlflow.db"
    assert not (tmp_path / "mlflow").exists()
