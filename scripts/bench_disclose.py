"""Benchmark: disclosing 10^5 results with their transparency-log entries, and one inclusion proof
in a log of 10^6 entries.

Part 1 builds a synthetic round of N drawn firms, each with a result, in the folders
`xinyong disclose` reads, then times `disclose` end to end (public records, the site's pages and
downloads, one log entry per result plus the site manifest, the signed checkpoint, the published
tree) and `verify_log` over the result.  The baseline in the same process is writing the same
public records as one plain JSON file, so the ratio is what the site and the log cost.

Part 2 appends M small entries to a fresh log in one batch, then times producing one inclusion
proof from the published tree (`xinyong log proof`, which reads log/tree/ only) and verifying it.

    .venv/bin/python scripts/bench_disclose.py --results 100000 --log-entries 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
from pathlib import Path

import polars as pl

from xinyong.core.canonical import CJ, jsonl
from xinyong.core.merkle import leaf_hash, verify_inclusion
from xinyong.core.uscc import complete
from xinyong.publish import translog
from xinyong.publish.checkpoint import b64decode
from xinyong.publish.run import disclose

ROUND = "330802-2026-11"
PLAN = {"id": "P01", "name": "企业公示信息双随机抽查", "items": ["SJ-SC-01"], "departments": ["市场监管"]}


def synthetic_round(root: Path, count: int) -> tuple[Path, Path]:
    """(OUT, CLEAN) holding one committed round of ``count`` drawn firms, each with a result."""
    out, clean = root / "out", root / "clean"
    public = out / "public" / "rounds" / ROUND
    public.mkdir(parents=True)
    usccs = [complete(f"91330802{k:09d}") for k in range(count)]
    commitment = CJ({"round": ROUND, "randomness": {"source": "benchmark"}})
    public.joinpath("commitment.json").write_bytes(commitment)
    public.joinpath("plans.json").write_bytes(CJ([PLAN]))
    public.joinpath("randomness.json").write_bytes(CJ({"round": ROUND, "value": "01 02 03"}))
    public.joinpath("selection.jsonl").write_bytes(
        jsonl({"key": f"{k:064x}", "plan": "P01", "uscc": u} for k, u in enumerate(usccs))
    )
    results = out / "rounds" / ROUND / "results"
    results.mkdir(parents=True)
    results.joinpath("results.jsonl").write_bytes(
        jsonl(
            {
                "codes": ["1"] if k % 5 else ["B"],
                "corrects": None,
                "ended": "2026-11-20",
                "id": f"R-{k:016x}",
                "plan": "P01",
                "remarks": "",
                "round": ROUND,
                "source": "bench",
                "started": "2026-11-18",
                "team": ["INS-00001", "INS-00002"],
                "uscc": u,
            }
            for k, u in enumerate(usccs)
        )
    )
    clean.mkdir()
    pl.DataFrame({"uscc": usccs, "name": [f"衢州市柯城区基准测试商贸有限公司{k}" for k in range(count)]}).write_parquet(
        clean / "enterprises.parquet"
    )
    pl.DataFrame({"item_id": ["SJ-SC-01"], "name": ["企业公示信息的抽查"]}).write_parquet(
        clean / "inspection_items.parquet"
    )
    return out, clean


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=int, default=100_000)
    parser.add_argument("--log-entries", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out, clean = synthetic_round(Path(tmp), args.results)
        result, t_disclose = timed(lambda: disclose(out, out / "public", clean, today=dt.date(2026, 11, 30)))
        report, t_verify = timed(lambda: translog.verify_log(out / "public"))
        records = json.loads((out / "public" / "downloads" / "results.json").read_bytes())
        _, t_plain = timed(lambda: (Path(tmp) / "plain.json").write_text(json.dumps(records, ensure_ascii=False)))
        size = sum(p.stat().st_size for p in (out / "public").rglob("*") if p.is_file())
        print(
            f"disclose {result.records:,} results: {t_disclose:6.1f} s  (log {report.size:,} entries, site "
            f"{size / 2**20:.0f} MiB)"
        )
        print(f"  baseline, the same records as one JSON file: {t_plain:6.2f} s  → ratio {t_disclose / t_plain:.0f}×")
        print(f"log verify of that site (signatures, every entry's proof, every file): {t_verify:6.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        public = Path(tmp) / "public"
        entries = [{"kind": "note", "n": k} for k in range(args.log_entries)]
        _, t_append = timed(lambda: translog.append(public, entries, origin="xinyong.local/bench"))
        index = args.log_entries // 3
        proof, t_prove = timed(lambda: translog.prove_inclusion(public, index))
        line = CJ(entries[index])
        ok, t_check = timed(
            lambda: verify_inclusion(
                index,
                proof["size"],
                leaf_hash(line),
                [b64decode(h, "p") for h in proof["proof"]],
                b64decode(proof["root"], "root"),
            )
        )
        assert ok
        print(f"append {args.log_entries:,} entries in one batch: {t_append:6.1f} s")
        print(
            f"inclusion proof of entry {index:,} in a {args.log_entries:,}-entry log: produce {t_prove * 1000:.1f} ms "
            f"({len(proof['proof'])} hashes, from log/tree/), verify {t_check * 1000:.2f} ms"
        )


if __name__ == "__main__":
    main()
