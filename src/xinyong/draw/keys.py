"""Commitment hash, seed and keys (spec §4–§6).

- ``C = H(commitment.json bytes)`` in hex;
- ``seed = SHA-256("xinyong-draw-v1/seed\\n" || C || "\\n" || value)``: 32 bytes, with C as its 64
  ASCII hex characters and the public random value as UTF-8;
- ``unit_key(plan, uscc) = H("xinyong-draw-v1/unit\\n" || seed || plan || "\\n" || uscc)``;
- ``inspector_key(plan, uscc, id) = H("xinyong-draw-v1/inspector\\n" || seed || plan || "\\n" || uscc || "\\n" || id)``.

Keys compare as 256-bit big-endian integers, which is the same as comparing the digests bytewise.
The key of a firm does not depend on row order or on any other firm, so strata and shards can be
keyed in parallel.
"""

from __future__ import annotations

import hashlib

SEED_TAG = b"xinyong-draw-v1/seed\n"
UNIT_TAG = b"xinyong-draw-v1/unit\n"
INSPECTOR_TAG = b"xinyong-draw-v1/inspector\n"


def commitment_hash(commitment_bytes: bytes) -> str:
    return hashlib.sha256(commitment_bytes).hexdigest()


def derive_seed(commitment: str, value: str) -> bytes:
    if len(commitment) != 64 or any(c not in "0123456789abcdef" for c in commitment):
        raise ValueError(f"the commitment hash is 64 lower-case hex characters: {commitment!r}")
    return hashlib.sha256(SEED_TAG + commitment.encode("ascii") + b"\n" + value.encode("utf-8")).digest()


def unit_key(seed: bytes, plan: str, uscc: str) -> bytes:
    return hashlib.sha256(UNIT_TAG + seed + plan.encode("utf-8") + b"\n" + uscc.encode("utf-8")).digest()


def _prefixed_keys(prefix: bytes, suffixes: list[str]) -> list[bytes]:
    """SHA-256 of ``prefix || suffix`` for each suffix: the shared prefix is hashed once and copied."""
    start = hashlib.sha256(prefix)
    keys = []
    for suffix in suffixes:
        h = start.copy()
        h.update(suffix.encode("utf-8"))
        keys.append(h.digest())
    return keys


def unit_keys(seed: bytes, plan: str, usccs: list[str]) -> list[bytes]:
    """Keys of many firms of one plan."""
    return _prefixed_keys(UNIT_TAG + seed + plan.encode("utf-8") + b"\n", usccs)


def inspector_key(seed: bytes, plan: str, uscc: str, inspector: str) -> bytes:
    data = (
        INSPECTOR_TAG + seed + plan.encode("utf-8") + b"\n" + uscc.encode("utf-8") + b"\n" + inspector.encode("utf-8")
    )
    return hashlib.sha256(data).digest()


def inspector_keys(seed: bytes, plan: str, uscc: str, inspectors: list[str]) -> list[bytes]:
    """Keys of many inspectors for one target."""
    return _prefixed_keys(
        INSPECTOR_TAG + seed + plan.encode("utf-8") + b"\n" + uscc.encode("utf-8") + b"\n", inspectors
    )
