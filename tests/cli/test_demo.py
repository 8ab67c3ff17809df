"""``xinyong demo`` as a person runs it (cli/demo.py): from any folder, on the shipped defaults, in a workspace
of its own; every stage's output where it says, the rounds re-derivable, nothing internal public, and
November's round history for December."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl

from tests.conftest import CHAMPION, PLANS, POLICY, REPO
from tests.draw.independent import rederive, rederive_teams, rederive_v2
from tests.draw.tier_inference import infer_tiers
from xinyong.core.canonical import H
from xinyong.draw.secrecy import WARNED_BELOW, guess_bits
from xinyong.draw.verify import log_evidence, verify_public
from xinyong.publish.leaks import find_leaks
from xinyong.publish.translog import verify_log
from xinyong.workspace.settings import read_workspace


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
    again = rederive_v2(files)  # and, from the committed files alone, eligibility and the public list (v2 §5, §6)
    assert (
        again["eligibility.jsonl"] == files["eligibility.jsonl"]
        and again["assignment.jsonl"] == files["assignment.jsonl"]
    )
    # Drawn under draw spec v2: one announced source labelled DEMO, its digits entered twice; nothing public has a key.
    (source,) = json.loads(files["commitment.json"])["randomness"]["sources"]
    assert source["kind"] == "announced" and "DEMO" in source["description"]
    assert json.loads(files["randomness.json"])["values"] == ["DEMO 演示固定值，并非公开随机数：31415 92653 58979"]
    public = demo / "public/rounds/330802-2026-12"
    assert all(
        set(json.loads(line)) == {"plan", "uscc"} for line in (public / "selected.jsonl").read_bytes().splitlines()
    )
    # The DEMO auditor attested the round from its bundle; the attestation is published, and verifies with its key.
    from xinyong.publish.checkpoint import Signer, open_note

    auditor = Signer.parse((demo / "private" / "DEMO-auditor.key").read_text(encoding="utf-8"))
    (note,) = (public / "attestations").iterdir()
    text = open_note(note.read_text(encoding="utf-8"), auditor.verifier)
    assert text == (
        f"xinyong-draw-v2/attestation\n330802-2026-12\n{H(files['commitment.json'])}\n"
        f"{H((public / 'selected.jsonl').read_bytes())}\n{H(files['assignment.jsonl'])}\n"
    )
    assert "DEMO-auditor-演示审计方" in (demo / "public/rounds/330802-2026-12.html").read_text(encoding="utf-8")
    assert again["selected.jsonl"] == (public / "selected.jsonl").read_bytes()
    # The tier inference of issue 14, on each of the demo's public rounds: no selected firm's tier is narrowed.
    for month in ("330802-2026-11", "330802-2026-12"):
        inference = infer_tiers(demo / "public/rounds" / month)
        assert len(inference.possible) > 400 and inference.narrowed == [], month
        assert inference.enumerated is None and inference.recovered is None
        sizes = json.loads((demo / "public/rounds" / month / "commitment.json").read_bytes())["sizes"]
        assert guess_bits({plan: s["frame"] for plan, s in sizes.items()}) >= WARNED_BELOW  # no preview warning
    # A DEMO witness cosigned each commitment before its reveal, and the log's latest checkpoint.
    (witness,) = (demo / "public/log/witnesses.txt").read_text(encoding="ascii").split()
    assert witness.startswith("demo-witness.invalid/DEMO+") and (demo / "private/DEMO-witness/witness.key").is_file()
    verify_log(demo / "public", witnesses=[witness], quorum=1)
    evidence = log_evidence(demo / "public", "330802-2026-12", [witness])
    report = verify_public(public, evidence=evidence)
    assert any(
        "not machine-checkable: witness demo-witness.invalid/DEMO cosigned checkpoint" in line for line in report
    )
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
