"""How hard a round's strata are to guess from its public files (draw spec v2 §4; docs/draw-spec.md, "Known
limits").

Draw spec v2 keeps the strata — each plan's frame size per tier, internal — out of the public files:
``strata.json`` is committed by its hash ``strata_sha256`` alone, and the commitment shows only each plan's
frame size ``N_p`` and sample size ``n_p``.  The hash has no secret in it, so anyone can hash guesses of
``strata.json`` until one matches.  A plan's guesses are the splits of its ``N_p`` firms over the four tiers;
someone who knows the district's tier shares (which may be published yearly, DESIGN "Tiers") tries the
likely splits first: under the normal approximation to the multinomial a split holds about
``1.5·log2 N_p`` bits of uncertainty and the public ``n_p`` (a sum over the tiers) takes about
``0.5·log2 N_p`` of them, leaving about ``log2 N_p`` bits (a few more for the shipped plans' ratios).  The
hash covers every plan at once, so the guesses multiply: :func:`guess_bits` is ``Σ_p log2(N_p + 1)``, a
conservative estimate of the work (in bits: 2^bits hashes) to find the strata.

A round below :data:`REFUSED_BELOW` bits is refused at its preview (2^40 ≈ 10^12 hashes: minutes on one
graphics card, days on one processor core; a one-firm plan's ``{"C": 1}`` is one of four guesses); below
:data:`WARNED_BELOW` bits (2^64: beyond any budget) the preview warns.  More plans in a round, or larger
frames, give more bits; only a new spec version with a salted ``strata.json`` removes the limit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

REFUSED_BELOW = 40
WARNED_BELOW = 64


def guess_bits(frame_sizes: Mapping[str, int]) -> float:
    """``Σ_p log2(N_p + 1)`` over the plans' frame sizes ``N_p``: the work, in bits, of guessing ``strata.json``."""
    return sum(math.log2(size + 1) for size in frame_sizes.values())
