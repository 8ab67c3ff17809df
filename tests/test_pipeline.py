"""``xinyong demo`` runs every stage that exists on the default region, from any folder, and says where things are."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import CHAMPION, PLANS, POLICY, REPO
from tests.draw.independent import rederive, rederive_teams
from xinyong.core.canonical import H
from xinyong.errors import UsageError
from xinyong.indicators.catalog import catalog
from xinyong.model.estimator import RiskModel
from xinyong.publish.leaks import find_leaks
from xinyong.workspace.settings import create_workspace, read_workspace


def test_the_shipped_champion_was_trained_on_the_current_catalog() -> None:
    model = RiskModel.load(CHAMPION)
    assert model.features_ == [i.name for i in catalog()]
    assert model.metadata_["registry"]["forced"] is False


def test_demo_runs_from_any_folder_on_the_shipped_defaults(default_region: Path, tmp_path: Path) -> None:
    """As after `pip install`: run from a folder outside the repository, the demo makes its own workspace
    and uses the shipped policy, plans and champion (no training, no MLflow)."""
    elsewhere, demo = tmp_path / "elsewhere", tmp_path / "demo"
    elsewhere.mkdir()
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONPATH": str(REPO / "src")}
    env.pop("MLFLOW_TRACKING_URI", None)
    env.pop("XINYONG_WORKSPACE", None)
    result = subprocess.run(
        [sys.executable, "-m", "xinyong.cli", "demo", "--out", str(demo), "--region", str(default_region)],
        capture_output=True,
        text=True,
        env=env,
        cwd=elsewhere,
    )
    assert result.returncode == 0, result.stderr
    assert list(elsewhere.iterdir()) == []  # nothing depends on, or lands in, the folder it ran from
    workspace = read_workspace(demo)
    assert workspace.divisions == ("330802",) and workspace.champion == CHAMPION
    assert workspace.policy.read_bytes() == POLICY.read_bytes()
    assert workspace.plans["330802"].read_bytes() == PLANS.read_bytes()
    manifest = json.loads((demo / "clean/manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["enterprises"]["accepted"] == 60_000
    scores = pl.read_parquet(demo / "internal/scores.parquet")
    features = pl.read_parquet(demo / "internal/features.parquet")
    assert scores["uscc"].to_list() == features["uscc"].to_list() and scores["score"].is_between(0, 1).all()
    assert f"{demo / 'internal/scores.parquet'}" in result.stdout
    assert f"champion model (text model, metadata, model card): {CHAMPION}" in result.stdout
    assert "model validation report" not in result.stdout
    assert list((demo / "data" / "mlflow").iterdir()) == [] and list((demo / "models").iterdir()) == []
    internal = demo / "internal"
    tiers = pl.read_parquet(internal / "tiers.parquet")
    assert tiers["uscc"].to_list() == features["uscc"].to_list() and set(tiers["tier"]) == {"A", "B", "C", "D"}
    assert (internal / "tier-report.html").is_file() and (internal / "tiers-previous.parquet").is_file()
    # Nothing internal may reach the public folder.
    assert find_leaks(demo / "public", [internal / "tiers.parquet", internal / "tiers-previous.parquet"]) == []
    # An implementation written from the spec alone re-derives the demo round's selection exactly.
    bundle = demo / "rounds/330802-2026-12/audit"
    files = {p.name: p.read_bytes() for p in bundle.iterdir()}
    assert rederive(files) == files["selection.jsonl"] and len(files["selection.jsonl"].splitlines()) > 400
    assert rederive_teams(files) == files["assignment.jsonl"]  # and the teams, spec §6
    assert "DEMO" in json.loads(files["commitment.json"])["randomness"]["source"]
    # It was previewed without errors and approved, by a stand-in labelled as the demo's, before the commitment.
    approval = json.loads(files["approval.json"])
    preview = (bundle.parent / "internal" / "preview.json").read_bytes()
    assert approval["approved_by"].startswith("演示审批人 (DEMO") and approval["preview_sha256"] == H(preview)
    assert (
        json.loads(preview)["errors"] == []
        and approval["frame_root"] == json.loads(files["commitment.json"])["frame_root"]
    )
    assert "generate:" not in result.stderr  # the region was already there, so it was not remade
    # November's finalised round is history for December: no firm drawn again for a plan that does not exempt it.
    rounds = demo / "rounds"
    november = pl.DataFrame(
        [json.loads(line) for line in (rounds / "330802-2026-11/audit/assignment.jsonl").read_bytes().splitlines()]
    ).filter(pl.col("team").list.len() > 0)
    plans = {p["id"]: p for p in json.loads(files["plans.json"])}
    frame = pl.DataFrame([json.loads(line) for line in files["frame.jsonl"].splitlines()])
    again = frame.join(november.select("plan", "uscc"), on=["plan", "uscc"])
    exempt = [r for r in again.iter_rows(named=True) if r["stratum"] in plans[r["plan"]]["exclusion"]["exempt_tiers"]]
    assert len(exempt) == again.height, "a firm inspected in November is framed again in December, not exempt"
    excluded = {json.loads(line)["uscc"] for line in files["exclusions.jsonl"].splitlines()}
    assert len(excluded & set(november["uscc"])) > november.height / 2  # most are not in an exempt tier


def test_the_champion_is_trained_and_exported_into_the_workspace(round_inputs: dict, tmp_path: Path) -> None:
    """What the demo does when no champion fits the catalog, and how the shipped one is made."""
    from xinyong.pipeline import train_champion

    workspace = create_workspace(tmp_path / "ws", ["330802"])
    shutil.copytree(round_inputs["clean"], workspace.clean, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        report = train_champion(workspace, dt.date(2026, 10, 31), round_inputs["truth"])
    assert report == workspace.internal / "model" / "report.html" and report.is_file()
    assert (workspace.data / "mlflow" / "mlflow.db").is_file()
    assert workspace.champion == workspace.models  # the office's own champion now, no longer the shipped one
    # Training is deterministic, so the exported model is the shipped one, byte for byte.
    assert (workspace.models / "model.txt").read_bytes() == (CHAMPION / "model.txt").read_bytes()


def test_the_demo_refuses_a_folder_that_is_not_its_workspace(tmp_path: Path) -> None:
    from xinyong.pipeline import run_demo

    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("an office's notes\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        run_demo(tmp_path / "full")
    assert str(caught.value) == (
        f"{tmp_path / 'full'}: is not empty and not the demo's workspace (it has no xinyong.toml); "
        "give the demo a new or empty folder"
    )
    create_workspace(tmp_path / "office", ["330802"], "柯城区")
    with pytest.raises(UsageError) as caught:
        run_demo(tmp_path / "office")
    assert str(caught.value) == (
        f"{tmp_path / 'office'}: is the workspace 柯城区, not the demo's; the demo writes a generated region and "
        "DEMO rounds, so give it a folder of its own"
    )


def test_demo_generates_the_region_when_missing(tmp_path: Path) -> None:
    from xinyong.pipeline import ensure_region
    from xinyong.synth import RegionSpec, read_metadata

    spec = RegionSpec(enterprises=1500, months=13, seed=4)
    generated = ensure_region(tmp_path / "region", spec=spec)
    first = (tmp_path / "region" / "enterprises.parquet").stat().st_mtime_ns
    assert read_metadata(tmp_path / "region") == generated and generated.enterprises == 1500
    assert ensure_region(tmp_path / "region", spec=spec) == generated
    assert (tmp_path / "region" / "enterprises.parquet").stat().st_mtime_ns == first
