"""Benchmark: verifying one drand quicknet round offline (draw spec v2 §4), against same-run baselines.

Times :func:`xinyong.draw.sources.drand_output` — parse the compressed G1 signature, hash the round to G1
(RFC 9380), one two-pairing check against the shipped chain key, SHA-256 of the signature — on the spec's
vector (quicknet round 657413), as the median of N runs, and the same median for one Ed25519 signature check with
``cryptography`` (what every signed checkpoint and attestation costs) in the same process.  Pure-Python
``py_ecc``'s two pairings (a lower bound of its check) are timed too when it is importable; it is not a dependency
of xinyong and is normally absent, which the output says.

    .venv/bin/python scripts/bench_bls.py --runs 200
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from xinyong.draw.sources import QUICKNET, Drand, drand_output

ROUND = 657413
SIGNATURE = "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b"


def median_seconds(step: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def py_ecc_pairings() -> Callable[[], object] | None:
    """The two pairings and the final exponentiation of one check with pure-Python py_ecc, when it is installed:
    a lower bound of its verification (its hash to G1 comes on top)."""
    if importlib.util.find_spec("py_ecc") is None:
        return None
    from py_ecc.optimized_bls12_381 import G1, G2, final_exponentiate, neg, pairing  # type: ignore[import-not-found]

    def check() -> object:
        product = pairing(G2, G1, final_exponentiate=False) * pairing(G2, neg(G1), final_exponentiate=False)
        return final_exponentiate(product)

    return check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="runs of each check; the median is reported")
    args = parser.parse_args()
    source = Drand(QUICKNET.hash, ROUND)
    assert drand_output(source, SIGNATURE) == "fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587"
    bls = median_seconds(lambda: drand_output(source, SIGNATURE), args.runs)
    key = Ed25519PrivateKey.generate()
    message = b"xinyong-draw-v2/attestation\n330802-2026-12\n" + b"0" * 200
    signature, public = key.sign(message), key.public_key()
    ed25519 = median_seconds(lambda: public.verify(signature, message), args.runs)
    print(f"drand quicknet round {ROUND}, median of {args.runs} runs")
    print(f"  drand_output (py-arkworks-bls12381, BLS12-381 pairing check): {bls * 1e3:8.3f} ms")
    print(
        f"  Ed25519 verify (cryptography), the same-run baseline:          {ed25519 * 1e3:8.3f} ms  "
        f"(BLS is ×{bls / ed25519:.0f})"
    )
    slow = py_ecc_pairings()
    if slow is None:
        print("  py_ecc (pure Python): not installed, not timed (it is no dependency of xinyong)")
    else:
        runs = max(1, min(5, args.runs))
        seconds = median_seconds(slow, runs)
        print(
            f"  py_ecc (pure Python), its two pairings alone, median of {runs}: {seconds * 1e3:8.1f} ms  "
            f"(×{seconds / bls:.0f} arkworks)"
        )


if __name__ == "__main__":
    main()
