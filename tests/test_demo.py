"""``xinyong demo`` runs every stage that exists on the default region and says where things are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_demo_runs_on_the_default_region(default_region: Path, tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "xinyong.cli", "demo", "--out", str(tmp_path / "out"), "--region", str(default_region)],
        capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "out" / "clean" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["enterprises"]["accepted"] == 60_000
    assert "Outputs" in result.stdout
    assert str(tmp_path / "out" / "clean" / "quarantine") in result.stdout
    assert "generate:" not in result.stderr  # the region was already there, so it was not remade


def test_demo_generates_the_region_when_missing(tmp_path: Path) -> None:
    from xinyong.demo import ensure_region
    from xinyong.generate import RegionSpec, read_metadata

    spec = RegionSpec(enterprises=1500, months=13, seed=4)
    ensure_region(tmp_path / "region", spec=spec)
    first = (tmp_path / "region" / "enterprises.parquet").stat().st_mtime_ns
    assert read_metadata(tmp_path / "region")["enterprises"] == 1500
    ensure_region(tmp_path / "region", spec=spec)
    assert (tmp_path / "region" / "enterprises.parquet").stat().st_mtime_ns == first
