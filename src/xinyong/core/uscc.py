"""统一社会信用代码 (Unified Social Credit Code, USCC) per GB 32100-2015.

A USCC has 18 characters from ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, Z, S, V):
position 1 the registration authority (9 = market regulation), 2 the entity kind (1 enterprise,
2 individual business, 3 farmers' cooperative), 3–8 the administrative division (330802 =
衢州市柯城区), 9–17 the organisation code, and 18 a check character.  The check character is
``31 − (Σ value(c_i) × 3^(i−1) mod 31) mod 31`` over i = 1..17, mapped back through the
alphabet (GB 32100-2015 §5; restated in docs/draw-spec.md §0).

Scalar functions serve single codes; :func:`valid_mask` checks a whole polars column at once.
"""

from __future__ import annotations

import numpy as np
import polars as pl

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# Byte → alphabet value, −1 for bytes outside the alphabet; used by the vectorised check.
_BYTE_VALUE = np.full(256, -1, dtype=np.int32)
for _c, _v in _VALUE.items():
    _BYTE_VALUE[ord(_c)] = _v
# Per position i, byte → value × weight_i: 17 table look-ups replace a slow integer matrix product.
_WEIGHTED = np.maximum(_BYTE_VALUE, 0)[None, :] * np.asarray(WEIGHTS, dtype=np.int32)[:, None]


def check_character(body: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters ``body``."""
    if len(body) != LENGTH - 1 or any(c not in _VALUE for c in body):
        raise ValueError(f"a USCC body is 17 characters of {ALPHABET}: {body!r}")
    total = sum(_VALUE[c] * w for c, w in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    """True when ``code`` is 18 alphabet characters with a correct check character."""
    if len(code) != LENGTH or any(c not in _VALUE for c in code):
        return False
    return check_character(code[:-1]) == code[-1]


def complete(body: str) -> str:
    """Append the check character to a 17-character body."""
    return body + check_character(body)


def check_values(values: np.ndarray) -> np.ndarray:
    """Check-character values for an ``(n, 17)`` array of alphabet values (vectorised).

    The weighted sum is below 17 × 30 × 30, so 32-bit integers are exact and half the memory.
    """
    return (31 - (values.astype(np.int32, copy=False) @ np.asarray(WEIGHTS, dtype=np.int32)) % 31) % 31


def valid_mask(codes: pl.Series) -> pl.Series:
    """Vectorised :func:`is_valid` over a string column; nulls are reported as not valid."""
    well_formed = codes.str.contains(f"^[{ALPHABET}]{{{LENGTH}}}$").fill_null(False)
    result = np.zeros(len(codes), dtype=bool)
    candidates = codes.filter(well_formed)
    if len(candidates):
        raw = np.frombuffer(candidates.str.join("").item().encode("ascii"), dtype=np.uint8).reshape(-1, LENGTH)
        total = sum(_WEIGHTED[i][raw[:, i]] for i in range(LENGTH - 1))
        result[well_formed.to_numpy()] = (31 - total % 31) % 31 == _BYTE_VALUE[raw[:, 17]]
    return pl.Series(codes.name, result)
