"""``xinyong demo`` runs every stage that exists on the default region and says where things are."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl

from tests.conftest import REPO
from tests.draw.independent import rederive, rederive_teams
from xinyong.core.canonical import H
from xinyong.indicators.catalog import catalog
from xinyong.model.estimator import RiskModel
from xinyong.publish.leaks import find_leaks


def run_demo(cwd: Path, region: Path) -> subprocess.CompletedProcess[str]:
    shutil.copy(REPO / "policy.toml", cwd / "policy.toml")  # the operator's policy and plans, beside the run
    shutil.copytree(REPO / "plans", cwd / "plans")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("MLFLOW_TRACKING_URI", None)
    return subprocess.run(
        [sys.executable, "-m", "xinyong.cli", "demo", "--region", str(region)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
    )


def test_the_shipped_champion_was_trained_on_the_current_catalog() -> None:
    model = RiskModel.load(REPO / "models")
    assert model.features_ == [i.name for i in catalog()]
    assert model.metadata_["registry"]["forced"] is False


def test_demo_runs_from_the_shipped_champion_without_mlflow(default_region: Path, tmp_path: Path) -> None:
    shutil.copytree(REPO / "models", tmp_path / "models")
    result = run_demo(tmp_path, default_region)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "out/demo/clean/manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["enterprises"]["accepted"] == 60_000
    scores = pl.read_parquet(tmp_path / "out/demo/internal/scores.parquet")
    features = pl.read_parquet(tmp_path / "out/demo/internal/features.parquet")
    assert scores["uscc"].to_list() == features["uscc"].to_list() and scores["score"].is_between(0, 1).all()
    assert "out/demo/internal/scores.parquet" in result.stdout
    assert not (tmp_path / "data" / "mlflow").exists()  # the main job needs no MLflow
    internal = tmp_path / "out/demo/internal"
    tiers = pl.read_parquet(internal / "tiers.parquet")
    assert tiers["uscc"].to_list() == features["uscc"].to_list() and set(tiers["tier"]) == {"A", "B", "C", "D"}
    assert (internal / "tier-report.html").is_file() and (internal / "tiers-previous.parquet").is_file()
    # Nothing internal may reach the public folder (empty until the draw and disclosures write to it).
    public = tmp_path / "out/demo/public"
    public.mkdir(parents=True, exist_ok=True)
    assert find_leaks(public, [internal / "tiers.parquet", internal / "tiers-previous.parquet"]) == []
    # An implementation written from the spec alone re-derives the demo round's selection exactly.
    bundle = tmp_path / "out/demo/rounds/330802-2026-12/audit"
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
    rounds = tmp_path / "out/demo/rounds"
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


def test_demo_trains_promotes_and_exports_when_there_is_no_champion(default_region: Path, tmp_path: Path) -> None:
    result = run_demo(tmp_path, default_region)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "models" / "model.txt").is_file() and (tmp_path / "data" / "mlflow" / "mlflow.db").is_file()
    assert "out/demo/internal/model/report.html" in result.stdout
    # Training is deterministic, so the exported model is the shipped one, byte for byte.
    assert (tmp_path / "models" / "model.txt").read_bytes() == (REPO / "models" / "model.txt").read_bytes()


def test_demo_generates_the_region_when_missing(tmp_path: Path) -> None:
    from xinyong.pipeline import ensure_region
    from xinyong.synth import RegionSpec, read_metadata

    spec = RegionSpec(enterprises=1500, months=13, seed=4)
    generated = ensure_region(tmp_path / "region", spec=spec)
    first = (tmp_path / "region" / "enterprises.parquet").stat().st_mtime_ns
    assert read_metadata(tmp_path / "region") == generated and generated.enterprises == 1500
    assert ensure_region(tmp_path / "region", spec=spec) == generated
    assert (tmp_path / "region" / "enterprises.parquet").stat().st_mtime_ns == first
