"""Benchmark: xinyong's draw core against samplics' stratified SRS without replacement, same frame.

samplics (0.6.1; now archived by its authors) is a survey-sampling library: it draws with numpy's
random generator, so the draw can be repeated only by whoever holds the generator's seed and the
exact row order, and nothing binds that seed to a commitment made before it existed. xinyong's keys
are SHA-256 of (public seed, plan, uscc): anyone can recompute any selected firm's key, the draw
does not depend on row order, and it can be sharded. Both draw the same stratum sample sizes here.

samplics pulls in pandas and more, so it is not a project dependency; run this in its own venv:

    python3 -m venv /tmp/samplics && /tmp/samplics/bin/pip install samplics polars
    PYTHONPATH=src /tmp/samplics/bin/python scripts/bench_samplics.py --records 10000000
"""

from __future__ import annotations

import argparse
import hashlib
import time

import numpy as np
import polars as pl

from xinyong.draw.allocation import allocate
from xinyong.draw.selection import draw_selection, stratum_sizes

ALLOCATION = {"mode": "ratio", "ratios": {"A": "0.002", "B": "0.005", "C": "0.02", "D": "0.05"}, "min": {"D": 1}}


def main() -> None:
    import warnings

    warnings.simplefilter("ignore", FutureWarning)
    from samplics.sampling import SampleSelection
    from samplics.utils.types import SelectMethod

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000_000)
    args = parser.parse_args()
    n = args.records
    codes = pl.select(
        pl.format("91330802{}0", pl.int_range(n, dtype=pl.Int64).cast(pl.Utf8).str.zfill(9)).alias("uscc")
    )["uscc"]
    tier = np.array(list("ABCD"))[np.searchsorted([0.4, 0.7, 0.9], np.random.default_rng(1).random(n))]
    frame = pl.DataFrame({"plan": ["P01"] * n, "salt": [""] * n, "stratum": tier, "uscc": codes})
    wanted = {"P01": allocate(ALLOCATION, stratum_sizes(frame)["P01"])}

    start = time.perf_counter()
    ours = draw_selection(frame, wanted, hashlib.sha256(b"public seed").digest())
    t_ours = time.perf_counter() - start

    start = time.perf_counter()
    np.random.seed(20261127)  # samplics draws from numpy's global generator
    sample, _, _probs = SampleSelection(method=SelectMethod.srs_wor, strat=True, wr=False).select(
        samp_unit=frame["uscc"].to_numpy(), samp_size=wanted["P01"], stratum=frame["stratum"].to_numpy()
    )
    t_samplics = time.perf_counter() - start

    print(f"{n:,} records, one plan, four strata; sample sizes {wanted['P01']}")
    print(f"xinyong draw_selection (SHA-256 keys): {t_ours:6.1f} s, {ours.height:,} selected")
    print(f"samplics SRS without replacement:       {t_samplics:6.1f} s, {int(np.asarray(sample).sum()):,} selected")
    print(f"ratio xinyong / samplics: {t_ours / t_samplics:.2f}x")


if __name__ == "__main__":
    main()
