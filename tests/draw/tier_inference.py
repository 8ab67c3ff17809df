"""The tier-inference attack of issue 14, on a round's public files only: which tiers can a selected firm be in?

An attacker holds what the public holds — ``commitment.json``, ``randomness.json``, ``plans.json`` and the public
selected list — and the spec, and knows the tiers are A–D.  :func:`infer_tiers` runs every inference the files
allow and returns, for each selected (plan, uscc), the set of tiers it can still be in; a firm is *narrowed* when
that set is not all of A–D.  Point it at any round's public folder, the demo's included.

- **Every version: the allocation.**  A plan draws only the tiers its public allocation gives a share — in ratio
  mode a ratio or a minimum above 0, in count mode a weight above 0 (:func:`drawable`) — so a plan that names one
  tier only tells the tier of every firm it drew.
- **v1** (the attack that worked): the public seed gives every firm's key, ``H(unit tag, seed, plan, uscc)``; the
  commitment publishes each stratum's size N_h, and the plan's allocation gives n_h.  In a stratum the n_h smallest
  of N_h uniform keys are drawn, so its threshold (its n_h-th smallest key) is below
  ``τ⁺_h`` except with probability ε: ``P(Bin(N_h, x) ≤ n_h − 1) ≤ exp(−N_h·D((n_h − 1)/N_h ‖ x))`` (Chernoff)
  for ``x > (n_h − 1)/N_h``.  A selected firm whose key lies above ``τ⁺_h`` is not in stratum h.  With ε = 10⁻⁹
  per stratum, no inference is wrong except with that probability.
- **v2**: keys include each frame record's secret salt, so nobody without the bundle can compute one; the strata
  are committed by hash only and the public sizes are per plan.  What is left to try is the commitment's
  ``strata_sha256``: when the per-plan sizes leave few enough stratum splits (each plan's N_p over its tiers, with
  the allocation giving its n_p), every split is hashed and the one that matches reveals the strata.  That works
  only for tiny frames (:data:`ENUMERATION_LIMIT`), which :attr:`Inference.enumerated` reports.  This naive
  enumeration tries every split alike; :mod:`xinyong.draw.secrecy` assumes a stronger attacker (one who knows
  the district's tier shares and tries likely splits first), and xinyong's preview refuses the rounds that one
  could guess in fewer than 2^40 hashes — the one-plan rounds the tests here build from the pure functions are
  among them.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from xinyong.core.canonical import CJ, H, records_of
from xinyong.draw.allocation import allocate
from xinyong.draw.keys import derive_seed, unit_key

EPSILON = 1e-9  # the chance, per stratum, that a bound is wrong
ENUMERATION_LIMIT = 10**6  # stratum splits the attacker is willing to hash
TIERS = frozenset("ABCD")


@dataclass(frozen=True)
class Inference:
    """What the public files of one round let an attacker infer about the tiers of its selected firms."""

    spec: str
    tiers: Mapping[str, frozenset[str]]  # plan → the tiers it can have drawn from, as far as the files tell
    possible: Mapping[tuple[str, str], frozenset[str]]  # (plan, uscc) → the tiers the firm can be in
    base_rate: Mapping[str, Fraction]  # plan → n_p / N_p, the chance of a firm of its frame to be drawn
    enumerated: int | None = None  # v2: stratum splits hashed against strata_sha256 (None: too many to try)
    recovered: Mapping[str, Mapping[str, int]] | None = field(default=None)  # v2: strata.json, when found

    @property
    def narrowed(self) -> list[tuple[str, str]]:
        """The selected firms whose possible tiers are not all of A–D."""
        return sorted(target for target, possible in self.possible.items() if possible < TIERS)


def drawable(allocation: Mapping[str, Any]) -> frozenset[str]:
    """The tiers a plan's allocation (spec §2) gives a share: the only tiers a firm it draws can be in."""
    if allocation.get("mode") == "count":
        weights = allocation.get("weights", {})
        return frozenset(h for h in TIERS if Fraction(Decimal(weights.get(h, "1"))) > 0)
    ratios, minimums = allocation.get("ratios", {}), allocation.get("min", {})
    return frozenset(h for h in TIERS if Fraction(Decimal(ratios.get(h, "0"))) > 0 or minimums.get(h, 0) > 0)


def infer_tiers(public: Path, epsilon: float = EPSILON) -> Inference:
    """Run the attack on the public files of one round (``public/rounds/<round>/``)."""
    commitment_bytes = (public / "commitment.json").read_bytes()
    commitment = json.loads(commitment_bytes)
    plans = {p["id"]: p for p in json.loads((public / "plans.json").read_bytes())}
    if commitment["spec"] == "xinyong-draw-v1":
        return _v1(public, commitment, H(commitment_bytes), plans, epsilon)
    return _v2(public, commitment, plans)


def _v1(public: Path, commitment: dict, c: str, plans: dict, epsilon: float) -> Inference:
    value = json.loads((public / "randomness.json").read_bytes())["value"]
    seed = derive_seed(c, value)
    strata = commitment["strata"]
    n = {plan: allocate(plans[plan]["allocation"], sizes) for plan, sizes in strata.items()}
    bounds = {
        plan: {h: upper_threshold(strata[plan][h], k, epsilon) for h, k in n[plan].items() if k > 0} for plan in n
    }
    possible = {}
    for record in records_of((public / "selection.jsonl").read_bytes()):
        plan, uscc = record["plan"], record["uscc"]
        key = int.from_bytes(unit_key(seed, plan, uscc), "big") / 2**256
        possible[(plan, uscc)] = frozenset(h for h, bound in bounds[plan].items() if key <= bound)
    tiers = {plan: frozenset(bounds[plan]) for plan in bounds}
    rates = {plan: Fraction(sum(n[plan].values()), sum(strata[plan].values())) for plan in strata}
    return Inference("xinyong-draw-v1", tiers, possible, rates)


def upper_threshold(size: int, drawn: int, epsilon: float) -> float:
    """``τ⁺``: the n-th smallest of N uniform keys lies below it except with probability ε (Chernoff)."""
    if drawn >= size:
        return 1.0
    a = (drawn - 1) / size
    target = math.log(1 / epsilon) / size
    lo, hi = a, 1.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if _divergence(a, mid) >= target:
            hi = mid
        else:
            lo = mid
    return hi


def _divergence(a: float, x: float) -> float:
    """D(a ‖ x), the Kullback–Leibler divergence of Bernoulli(a) from Bernoulli(x)."""
    if x >= 1:
        return math.inf
    first = a * math.log(a / x) if a > 0 else 0.0
    return first + (1 - a) * math.log((1 - a) / (1 - x))


def _v2(public: Path, commitment: dict, plans: dict) -> Inference:
    sizes = commitment["sizes"]
    selected = records_of((public / "selected.jsonl").read_bytes())
    count = math.prod(_splits(sizes[plan]["frame"], len(TIERS)) for plan in sizes)
    recovered = None
    if count <= ENUMERATION_LIMIT:
        for candidate in _candidates(sizes, plans):
            if hashlib.sha256(CJ(candidate)).hexdigest() == commitment["strata_sha256"]:
                recovered = candidate
                break
    if recovered is None:
        tiers = {plan: drawable(plans[plan]["allocation"]) for plan in sizes}
    else:
        drawn = {plan: allocate(plans[plan]["allocation"], recovered[plan]) for plan in recovered}
        tiers = {plan: frozenset(h for h, k in drawn.get(plan, {}).items() if k > 0) for plan in sizes}
    possible = {(r["plan"], r["uscc"]): tiers[r["plan"]] for r in selected}
    rates = {plan: Fraction(s["selected"], s["frame"]) for plan, s in sizes.items() if s["frame"]}
    enumerated = count if count <= ENUMERATION_LIMIT else None
    return Inference("xinyong-draw-v2", tiers, possible, rates, enumerated, recovered)


def _splits(total: int, labels: int) -> int:
    """How many ways ``total`` firms split over non-empty strata among ``labels`` tiers."""
    return sum(math.comb(labels, k) * math.comb(total - 1, k - 1) for k in range(1, min(labels, total) + 1))


def _candidates(sizes: Mapping[str, Mapping[str, int]], plans: dict) -> Iterator[dict[str, dict[str, int]]]:
    """Every strata.json the public sizes allow: each plan's N_p over non-empty strata, drawing n_p in all."""
    per_plan = []
    for plan in sorted(sizes):
        options = []
        for k in range(1, len(TIERS) + 1):
            for chosen in itertools.combinations(sorted(TIERS), k):
                for cut in itertools.combinations(range(1, sizes[plan]["frame"]), k - 1):
                    parts = [b - a for a, b in itertools.pairwise((0, *cut, sizes[plan]["frame"]))]
                    split = dict(zip(chosen, parts, strict=True))
                    if sum(allocate(plans[plan]["allocation"], split).values()) == sizes[plan]["selected"]:
                        options.append((plan, split))
        per_plan.append(options)
    for combination in itertools.product(*per_plan):
        yield dict(combination)
