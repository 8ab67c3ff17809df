"""Scale: a million-firm region generates and ingests in bounded memory (slow; run with -m slow)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

GENERATE = (
    "from xinyong.synth import generate_region, RegionSpec; from pathlib import Path; import sys; "
    "generate_region(Path(sys.argv[1]), RegionSpec(enterprises=1_000_000))"
)
INGEST = (
    "from xinyong.ingest.run import ingest; from pathlib import Path; import sys, datetime; "
    "ingest(Path(sys.argv[1]), Path(sys.argv[2]), today=datetime.date(2026, 11, 27))"
)


def peak_rss_gib(code: str, *args: str) -> float:
    child = subprocess.Popen([sys.executable, "-c", code, *args])
    _, status, usage = os.wait4(child.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return usage.ru_maxrss / 2**20


def test_million_firms_generate_and_ingest_in_bounded_memory(tmp_path: Path) -> None:
    assert peak_rss_gib(GENERATE, str(tmp_path / "raw")) < 3.0  # chunked: independent of the firm count
    assert peak_rss_gib(INGEST, str(tmp_path / "raw"), str(tmp_path / "clean")) < 4.0
    manifest = json.loads((tmp_path / "clean" / "manifest.json").read_text())
    assert manifest["tables"]["enterprises"]["accepted"] == 1_000_000
    assert all(t["quarantined"] == 0 for t in manifest["tables"].values())
