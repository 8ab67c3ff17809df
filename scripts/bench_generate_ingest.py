"""Benchmark: generate a region of N enterprises, then ingest it; rows/s and peak RSS per stage.

Each stage runs in its own child process so that its peak RSS is its own. The ingest figure is
set against a baseline run in the same process tree: a bare read of every raw table and write of
it to Parquet (what ingest must do at the least), so the ratio shows what validation costs.

    .venv/bin/python scripts/bench_generate_ingest.py --enterprises 1000000
    .venv/bin/python scripts/bench_generate_ingest.py --enterprises 10000000 --keep /big/disk
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = {
    "generate": "from xinyong.synth import generate_region, RegionSpec; from pathlib import Path; "
    "import sys; generate_region(Path(sys.argv[1]), RegionSpec(enterprises=int(sys.argv[2])))",
    "ingest": "from xinyong.ingest.run import ingest; from pathlib import Path; import sys, datetime; "
    "ingest(Path(sys.argv[1]), Path(sys.argv[3]), today=datetime.date(2026, 11, 27))",
    "baseline copy": "import polars as pl, sys; from pathlib import Path; out = Path(sys.argv[3]); out.mkdir(); "
    "from xinyong.ingest import contract\n"
    "for t in contract.tables(): pl.read_parquet(Path(sys.argv[1]) / f'{t.name}.parquet').write_parquet(out / "
    "f'{t.name}.parquet', compression='zstd')",
}


def run_stage(name: str, raw: Path, enterprises: int, out: Path) -> tuple[float, float]:
    """Seconds and peak RSS (GiB) of one stage in a fresh child process (its own rusage, via wait4)."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", STAGES[name], str(raw), str(enterprises), str(out)])
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{name} failed with exit code {child.returncode}")
    return seconds, usage.ru_maxrss / 2**20  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-"))
    raw, clean, copy = work / "raw", work / "clean", work / "copy"
    for folder in (raw, clean, copy):
        shutil.rmtree(folder, ignore_errors=True)

    results = {}
    results["generate"] = run_stage("generate", raw, args.enterprises, clean)
    rows = sum(json.loads((raw / "region.json").read_text())["rows"].values())
    results["baseline copy"] = run_stage("baseline copy", raw, args.enterprises, copy)
    results["ingest"] = run_stage("ingest", raw, args.enterprises, clean)
    manifest = json.loads((clean / "manifest.json").read_text())
    assert all(t["input_rows"] == t["accepted"] + t["quarantined"] for t in manifest["tables"].values())

    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, cores={os.cpu_count()}, RAM "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"python {platform.python_version()}"
    )
    print(f"enterprises: {args.enterprises:,}; raw rows in all tables: {rows:,}")
    for name, (seconds, peak) in results.items():
        print(f"{name:>14}: {seconds:8.1f} s  {rows / seconds:12,.0f} rows/s  peak RSS {peak:6.2f} GiB")
    ratio = results["ingest"][0] / results["baseline copy"][0]
    print(f"ingest / baseline copy: {ratio:.2f}x")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
