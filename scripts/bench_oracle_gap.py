"""Evaluation: the holdout AUC gap to the oracle across generated regions, not just the default one.

The acceptance is judged on the default region; a single 6-month holdout of ~2,300 labels has a
standard error near 0.01 in AUC, so this script shows how much the gap moves between worlds that
differ only in the seed. Each seed: generate the default-size region, ingest, train in region
mode with the truth for the oracle (MLflow off), then print naive and 1/π-weighted gaps and the
weighted overall violation rate against the truth.

    .venv/bin/python scripts/bench_oracle_gap.py --seeds 20261127 1 2 3 4
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from xinyong.ingest.run import ingest
from xinyong.model.run import load_report, train_region
from xinyong.synth import RegionSpec, generate_region


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[20261127, 1, 2, 3, 4])
    args = parser.parse_args()
    gaps: dict[str, list[float]] = {"naive": [], "weighted": []}
    print(
        f"{'seed':>9} | {'naive AUC':>9} {'oracle':>6} {'gap':>6} | {'wtd AUC':>7} {'oracle':>6} {'gap':>6} | rate "
        "(1/π) vs truth, naive | s"
    )
    for seed in args.seeds:
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            generate_region(root / "raw", RegionSpec(seed=seed))
            ingest(root / "raw", root / "clean", today=dt.date(2026, 11, 27))
            train_region(root / "clean", dt.date(2026, 10, 31), root / "model", truth_dir=root / "raw" / "truth")
            report = load_report(root / "model")
        oracle, rates = report["oracle"], report["overall"]
        row = [f"{seed:>9}"]
        for kind in gaps:
            auc = report[kind]["auc"]["value"]
            gaps[kind].append(oracle[f"{kind}_auc"] - auc)
            row.append(f"{auc:9.3f} {oracle[f'{kind}_auc']:6.3f} {gaps[kind][-1]:6.3f}")
        row.append(f"{rates['weighted']['value']:.4f} vs {rates['truth']:.4f}, {rates['naive']['value']:.4f}")
        print(" | ".join(row), f"| {time.perf_counter() - start:.0f}")
    for kind, values in gaps.items():
        print(f"{kind} gap: mean {statistics.mean(values):.3f}, max {max(values):.3f} over {len(values)} seeds")


if __name__ == "__main__":
    main()
