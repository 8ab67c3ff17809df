"""Sample size per stratum of a plan (spec §2), in exact decimal arithmetic.

- ``ratio`` mode: ``n_h = min(N_h, max(min_h, ceil(N_h × ratio_h)))``; a stratum absent from
  ``ratios`` has ratio 0; ``min_h`` defaults to 0.
- ``count`` mode: quota ``q_h = N × w_h N_h / Σ_k w_k N_k`` (``w_h`` defaults to 1);
  ``n_h = floor(q_h)``; the ``N − Σ floor(q_h)`` leftover units go one each to the strata with the
  largest fractional part, ties to the smaller label (UTF-8 bytes) — the largest-remainder
  (Hamilton) method; then ``n_h = min(n_h, N_h)``.  ``min`` is ignored in count mode in v1.

Ratios and weights are decimal strings (``"0.05"``), read exactly with :class:`fractions.Fraction`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

# stratum label → frame size N_h, or → sample size n_h
Sizes = Mapping[str, int]


def exact(value: object) -> Fraction:
    """A decimal string as an exact fraction; anything else is refused."""
    if not isinstance(value, str):
        raise ValueError(f'decimals are written as strings, e.g. "0.05": {value!r}')
    try:
        decimal = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not a decimal: {value!r}") from None
    if not decimal.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    return Fraction(decimal)


def allocate(allocation: Mapping[str, Any], sizes: Sizes) -> dict[str, int]:
    """``n_h`` for every stratum in ``sizes`` under the plan's ``allocation`` object."""
    mode = allocation.get("mode")
    if mode == "ratio":
        return allocate_ratio(allocation.get("ratios", {}), allocation.get("min", {}), sizes)
    if mode == "count":
        return allocate_count(allocation["n"], allocation.get("weights", {}), sizes)
    raise ValueError(f"allocation mode must be ratio or count, not {mode!r}")


def allocate_ratio(ratios: Mapping[str, str], minimums: Mapping[str, int], sizes: Sizes) -> dict[str, int]:
    result = {}
    for label, size in sizes.items():
        ratio = exact(ratios.get(label, "0"))
        result[label] = min(size, max(int(minimums.get(label, 0)), math.ceil(size * ratio)))
    return result


def allocate_count(total: int, weights: Mapping[str, str], sizes: Sizes) -> dict[str, int]:
    weighted = {label: exact(weights.get(label, "1")) * size for label, size in sizes.items()}
    denominator = sum(weighted.values())
    if denominator == 0:
        return dict.fromkeys(sizes, 0)
    quotas = {label: Fraction(total) * w / denominator for label, w in weighted.items()}
    result = {label: math.floor(q) for label, q in quotas.items()}
    leftover = total - sum(result.values())
    by_remainder = sorted(quotas, key=lambda label: (-(quotas[label] - result[label]), label.encode("utf-8")))
    for label in by_remainder[:leftover]:
        result[label] += 1
    return {label: min(n, sizes[label]) for label, n in result.items()}
