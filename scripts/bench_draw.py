"""Benchmark: frame, commit and draw for a 10^7-record frame (one plan, four tiers), and the key rate.

The frame is synthetic (10^7 distinct USCC-shaped codes, tiers 40/30/20/10%); the steps are the
project's own: writing frame.jsonl (with fresh salts) and the plan and roster files as `round frame`
does, then `rounds.preview_round` and `rounds.approve` (the checks before the commitment, timed
apart), `rounds.commit` (Merkle root of 10^7 lines), `rounds.reveal` and `rounds.draw` (10^7
SHA-256 keys, stratified selection, the public and internal files). Beside it, in the same run, a
plain `hashlib` loop over the same key inputs gives the raw SHA-256 rate.

    .venv/bin/python scripts/bench_draw.py [--records 10000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from xinyong.core.canonical import CJ, FRAME_FIELDS, jsonl, jsonl_table
from xinyong.core.ids import RoundId
from xinyong.rounds import run as rounds
from xinyong.rounds.preview import TiersUsed
from xinyong.workspace import fsio
from xinyong.workspace.layout import TIERS_USED

ROUND = RoundId.parse("330802-2026-12", "ROUND")
PLANS = [
    {
        "allocation": {
            "min": {"D": 1},
            "mode": "ratio",
            "ratios": {"A": "0.002", "B": "0.005", "C": "0.02", "D": "0.05"},
        },
        "departments": ["市场监管"],
        "id": "P01",
        "items": ["SJ-SC-01"],
        "name": "benchmark",
        "team_size": 2,
    }
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    out = args.keep or Path(tempfile.mkdtemp(prefix="bench-draw-"))
    n = args.records
    codes = pl.select(
        pl.format("91330802{}0", pl.int_range(n, dtype=pl.Int64).cast(pl.Utf8).str.zfill(9)).alias("uscc")
    )["uscc"]
    tier = np.array(list("ABCD"))[np.searchsorted([0.4, 0.7, 0.9], np.random.default_rng(1).random(n))]

    paths = rounds.RoundPaths(out, ROUND)
    start = time.perf_counter()
    salts = pl.Series(np.frombuffer(os.urandom(16 * n), dtype="S16")).bin.encode("hex")
    frame = pl.DataFrame({"plan": pl.Series(["P01"] * n), "salt": salts, "stratum": tier, "uscc": codes}).sort(
        "plan", "uscc"
    )
    fsio.write_bytes(paths.audit / "frame.jsonl", jsonl_table(frame, FRAME_FIELDS))
    fsio.write_bytes(paths.audit / "plans.json", CJ(PLANS))
    fsio.write_bytes(
        paths.audit / "inspectors.jsonl",
        jsonl(
            {
                "capacity": 1000,  # 300 officers × 1,000 ≥ the 2 × 112,988 seats the draw needs
                "cert_expiry": "2027-12-31",
                "declared": [],
                "department": "市场监管",
                "division": "330802",
                "id": f"INS-{i:05d}",
                "level": 0,
                "qualifications": ["SJ-SC-01"],
                "station": "S1",
            }
            for i in range(1, 301)
        ),
    )
    used = TiersUsed("2026-10-31", ROUND.division, n, "0" * 64)  # as `round frame` records its tier file
    fsio.write_bytes(paths.internal / TIERS_USED, used.to_json())
    fsio.write_bytes(paths.audit / "exclusions.jsonl", b"")
    t_frame = time.perf_counter() - start

    start = time.perf_counter()
    _, sha = rounds.preview_round(out, ROUND)
    rounds.approve(out, ROUND, "benchmark", dt.datetime.now(dt.UTC), sha)
    t_preview = time.perf_counter() - start

    start = time.perf_counter()
    rounds.commit(out, ROUND, "benchmark")
    t_commit = time.perf_counter() - start
    rounds.reveal(out, ROUND, "31415 92653 58979")
    start = time.perf_counter()
    selection = rounds.draw(out, ROUND)
    t_draw = time.perf_counter() - start

    sample = codes.head(1_000_000).to_list()
    seed = hashlib.sha256(b"bench").digest()
    start = time.perf_counter()
    for uscc in sample:
        hashlib.sha256(b"xinyong-draw-v1/unit\n" + seed + b"P01\n" + uscc.encode()).digest()
    plain_rate = len(sample) / (time.perf_counter() - start)
    from xinyong.draw.keys import unit_keys

    start = time.perf_counter()
    unit_keys(seed, "P01", sample)
    ours_rate = len(sample) / (time.perf_counter() - start)

    total = t_frame + t_commit + t_draw
    print(f"frame of {n:,} records (one plan, four tiers); {selection.height:,} selected")
    print(
        f"  frame files: {t_frame:6.1f} s   commit (Merkle root): {t_commit:6.1f} s   draw: {t_draw:6.1f} s   total "
        f"{total:6.1f} s (limit 60 s); preview and approval before the commitment: {t_preview:6.1f} s"
    )
    print(
        f"  keys/s: xinyong unit_keys {ours_rate:,.0f}; plain hashlib loop {plain_rate:,.0f} (ratio "
        f"{ours_rate / plain_rate:.2f})"
    )
    print(f"  frame.jsonl: {(paths.audit / 'frame.jsonl').stat().st_size / 2**20:,.0f} MiB")
    if not args.keep:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
