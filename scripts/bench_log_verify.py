"""Benchmark: `xinyong log verify` of a site with 10^5 published results.

Builds the public site of one synthetic round of N results directly with the library — each result's
public record (`xinyong.publish.site.public_record`), a correction every 1,000 results, published in four
disclosures by `xinyong.publish.run.publish_site` (the site, one disclosure entry per result, the site's
manifest, the entry naming the checkpoint each extends, a signed checkpoint each) — then cosigns the
latest checkpoint as a witness and times `verify_log` with that witness: the folder, every signature and
cosignature, every entry, the tree, the chain, every file's SHA-256 and every record against the site's
record list.  No region is generated.  Three baselines are measured in the same run: SHA-256 of the
entry bundles (``log/tile/entries/``), the bare RFC 6962 root of the entries (hash every entry as a leaf, then
the tree), and parsing every entry (``json.loads``), which any check of what the entries say must do.

    .venv/bin/python scripts/bench_log_verify.py --results 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import tempfile
import time
from pathlib import Path

from xinyong.core.canonical import CJ
from xinyong.core.ids import RoundId
from xinyong.core.merkle import leaf_hash, root_of
from xinyong.core.uscc import complete
from xinyong.publish import translog
from xinyong.publish.checkpoint import b64
from xinyong.publish.run import publish_site
from xinyong.publish.site import Round, public_record
from xinyong.publish.tiles import WIDTH, bundles, unbundle
from xinyong.publish.witness import cosign, init_witness
from xinyong.workspace.layout import COMMITMENT, LOG_CHECKPOINT, PLANS, log_tile

ROUND = RoundId.parse("330802-2026-11", "benchmark")
PLAN = {
    "id": "P01",
    "name": "企业公示信息双随机抽查",
    "items": ["SJ-SC-01"],
    "departments": ["市场监管"],
    "team_size": 2,
    "allocation": {"mode": "count", "n": 1},
}
ITEMS = {"SJ-SC-01": "企业公示信息的抽查"}
DISCLOSURES = 4


def results(count: int) -> list[dict]:
    """``count`` stored results of the round, and a correction of every 1,000th, in the order entered."""
    records = []
    for k in range(count):
        record = {
            "id": f"R-{k:016x}",
            "round": str(ROUND),
            "plan": "P01",
            "uscc": complete(f"91330802{k:09d}"),
            "team": ["INS-00001", "INS-00002"],
            "started": "2026-11-18",
            "ended": "2026-11-20",
            "codes": ["1"] if k % 5 else ["B"],
            "corrects": None,
            "remarks": "",
        }
        records.append(record)
        if k % 1000 == 999:
            records.append({**record, "id": f"R-c{k:015x}", "codes": ["E"], "corrects": record["id"]})
    return records


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=int, default=100_000)
    args = parser.parse_args()
    stored = results(args.results)
    names = {r["uscc"]: f"衢州市柯城区基准测试商贸有限公司{k}" for k, r in enumerate(stored)}
    files = {PLANS: CJ([PLAN]), COMMITMENT: CJ({"round": str(ROUND), "randomness": {"source": "benchmark"}})}
    plan = Round(ROUND, files, []).plans["P01"]
    with tempfile.TemporaryDirectory() as tmp:
        public = Path(tmp) / "public"
        start = time.perf_counter()
        published: list[dict] = []
        for batch in range(1, DISCLOSURES + 1):
            day = dt.date(2026, 11, 26 + batch).isoformat()
            upto = len(stored) * batch // DISCLOSURES
            published += [public_record(r, plan, names[r["uscc"]], ITEMS, day) for r in stored[len(published) : upto]]
            publish_site(public, "330802", [Round(ROUND, files, stored[:upto])], published, names)
        built = time.perf_counter() - start
        state = Path(tmp) / "witness"
        witness = str(init_witness(state, "jijian.example/w1"))
        cosign(state, public, now=dt.datetime.now(dt.UTC), log_key=(public / "log/key.txt").read_text().strip())

        report, t_verify = timed(lambda: translog.verify_log(public, witnesses=[witness]))
        layout = bundles(report.size)
        read = [(public / log_tile(None, n, width)).read_bytes() for n, width in layout]
        data = b"".join(read)
        lines = [line for got, (_, w) in zip(read, layout, strict=True) for line in unbundle(got, w or WIDTH)]
        _, t_sha = timed(lambda: hashlib.sha256(data).digest())
        root, t_root = timed(lambda: root_of([leaf_hash(line) for line in lines]))
        _, t_parse = timed(lambda: [json.loads(line) for line in lines])
        assert b64(root) == (public / LOG_CHECKPOINT).read_text().split("\n")[2]  # the signed root
        size = sum(p.stat().st_size for p in public.rglob("*") if p.is_file())
        print(
            f"site of {report.records:,} published results ({len(stored) - args.results:,} corrections) in "
            f"{DISCLOSURES} disclosures: log of {report.size:,} entries ({len(data) / 2**20:.0f} MiB), "
            f"{report.checkpoints} checkpoints, {report.files} files, {size / 2**20:.0f} MiB; built in {built:.0f} s"
        )
        rows = [
            ("log verify (folder, signatures, cosignature, entries, tree, chain, files, records)", t_verify),
            ("  baseline, SHA-256 of the entry bundles", t_sha),
            ("  baseline, bare Merkle root of the entries' leaves", t_root),
            ("  baseline, parsing every entry (json.loads)", t_parse),
        ]
        for label, seconds in rows:
            ratio = "" if seconds == t_verify else f"  → verify is {t_verify / seconds:.1f}×"
            print(f"{label:<84} {seconds:7.3f} s{ratio}")


if __name__ == "__main__":
    main()
