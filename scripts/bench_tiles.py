"""Benchmark: true appends to the tiled transparency log (C2SP tlog-tiles), and an inclusion proof from its tiles.

Builds a log of N entries (10^6 by default) with one append — one batch, so O(N) once — flushes it to disk,
then times:

- appending M entries (10^5) to the N-entry log (then N + M, N + 2M: ``--repeat`` times, the median),
  against the same-run baseline of appending M entries to an empty log, interleaved: with true appends
  the two write the same files and cost about the same (the ratio is the check of proportionality);
- appending one entry to the N-entry log, against one entry to an empty log (O(log N) each);
- producing the inclusion proof of a random entry of the N + M log from its tiles (``translog.prove_inclusion``,
  what ``xinyong log proof`` runs), median of many, and verifying it;

and prints what each append wrote.  Every entry is a small ``note`` (about 40 bytes of canonical JSON).

    .venv/bin/python scripts/bench_tiles.py --size 1000000 --add 100000
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

from xinyong.core.merkle import verify_inclusion
from xinyong.publish import translog

ORIGIN = "xinyong.local/bench"


def notes(start: int, count: int) -> list[dict]:
    return [{"kind": "note", "n": k} for k in range(start, start + count)]


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def files_under(folder: Path) -> dict[str, int]:
    return {p.as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def append_measured(public: Path, entries: list[dict]) -> tuple[float, int]:
    """Seconds the append took, and how many files of the public log it wrote or rewrote."""
    before = files_under(public / "log") if (public / "log").exists() else {}
    _, seconds = timed(lambda: translog.append(public, entries, origin=ORIGIN))
    after = files_under(public / "log")
    return seconds, sum(1 for name, mtime in after.items() if before.get(name) != mtime)


def machine() -> str:
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in lines if "model name" in line), platform.processor())
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--add", type=int, default=100_000)
    parser.add_argument("--proofs", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3, help="appends of --add entries timed each way (median)")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        big, single = Path(tmp) / "big" / "public", Path(tmp) / "one" / "public"
        _, t_build = timed(lambda: translog.append(big, notes(0, args.size), origin=ORIGIN))
        print(f"built a log of {args.size:,} entries in one append: {t_build:.1f} s")

        os.sync()  # the build's writes reach the disk before anything is timed, so no append waits for them
        bigs, empties = [], []
        for run in range(args.repeat):  # interleaved: each big append beside an empty-log one
            bigs.append(append_measured(big, notes(args.size + run * args.add, args.add)))
            empties.append(append_measured(Path(tmp) / f"empty-{run}" / "public", notes(0, args.add)))
        t_big, w_big = statistics.median(t for t, _ in bigs), bigs[0][1]
        t_empty, w_empty = statistics.median(t for t, _ in empties), empties[0][1]
        t_one_big, w_one_big = append_measured(big, notes(-1, 1))
        translog.append(single, notes(0, 1), origin=ORIGIN)
        t_one_small, w_one_small = append_measured(single, notes(-1, 1))

        size = translog.stored_tree(big).size
        rng = random.Random(15)
        indices = [rng.randrange(size) for _ in range(args.proofs)]
        times, checked = [], 0
        for index in indices:
            proof, seconds = timed(lambda index=index: translog.prove_inclusion(big, index))
            times.append(seconds)
            decoded = [base64.b64decode(h) for h in proof["proof"]]
            checked += verify_inclusion(
                index, size, base64.b64decode(proof["leaf_hash"]), decoded, base64.b64decode(proof["root"])
            )
        assert checked == len(indices)
        _, t_verify = timed(lambda: translog.verify_log(big))
        rows = [
            (f"append {args.add:,} entries to the {args.size:,}-entry log (median of {args.repeat})", t_big, w_big),
            (f"  baseline: append {args.add:,} entries to an empty log (median of {args.repeat})", t_empty, w_empty),
            (f"append 1 entry to that log (then {size:,} entries)", t_one_big, w_one_big),
            ("  baseline: append 1 entry to a 1-entry log", t_one_small, w_one_small),
        ]
        for label, seconds, written in rows:
            print(f"{label:<60} {seconds:8.3f} s   {written:5,} files written")
        print(f"ratio, {args.add:,} to the big log / to an empty one: {t_big / t_empty:.2f}")
        print(
            f"inclusion proof from the tiles ({len(proof['proof'])} hashes), median of {len(times)}: "
            f"{statistics.median(times) * 1000:.2f} ms (p90 {sorted(times)[int(0.9 * len(times))] * 1000:.2f} ms)"
        )
        print(f"log verify of the {size:,}-entry log: {t_verify:.1f} s")


if __name__ == "__main__":
    main()
