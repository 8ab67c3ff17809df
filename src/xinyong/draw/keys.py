"""Commitment hash, seed and keys of both draw contracts (docs/draw-spec.md §4–§6).

``xinyong-draw-v2`` (rounds committed from issue 14 on) and ``xinyong-draw-v1`` (rounds committed
before it, which keep verifying under v1) differ here only in their domain tags, in the seed's
randomness part and in the unit key's salt:

- ``C = H(commitment.json bytes)`` in hex, both versions;
- v1: ``seed = H("xinyong-draw-v1/seed\\n" || C || "\\n" || value)``, the public value as UTF-8;
- v2: ``seed = H("xinyong-draw-v2/seed\\n" || C || "\\n" || CJ([r_1, …, r_k]))``, each ``r_i`` the output
  of the commitment's i-th randomness source (:mod:`xinyong.draw.sources`);
- v1: ``unit_key(plan, uscc) = H("xinyong-draw-v1/unit\\n" || seed || plan || "\\n" || uscc)``;
- v2: ``unit_key(plan, uscc, salt) = H("xinyong-draw-v2/unit\\n" || seed || plan || "\\n" || uscc || "\\n" || salt)``,
  the salt as the 32 hex characters of the frame record, so that nobody without the auditor bundle can
  compute a key (and so infer a stratum from it);
- ``inspector_key(plan, uscc, id) = H("xinyong-draw-vN/inspector\\n" || seed || plan || "\\n" || uscc || "\\n" || id)``.

C is hashed as its 64 ASCII hex characters.  Keys compare as 256-bit big-endian integers, which is the
same as comparing the digests bytewise.  The key of a firm does not depend on row order or on any other
firm, so strata and shards can be keyed in parallel.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from xinyong.core.canonical import CJ


@dataclass(frozen=True)
class Version:
    """One version of the draw contract: its name (the commitment's ``spec``) and whether unit keys are salted."""

    spec: str
    salted: bool

    def tag(self, part: str) -> bytes:
        """The domain tag ``<spec>/<part>\\n``."""
        return f"{self.spec}/{part}\n".encode("ascii")


V1 = Version("xinyong-draw-v1", salted=False)
V2 = Version("xinyong-draw-v2", salted=True)
VERSIONS = {version.spec: version for version in (V1, V2)}


def commitment_hash(commitment_bytes: bytes) -> str:
    return hashlib.sha256(commitment_bytes).hexdigest()


def _hex_commitment(commitment: str) -> bytes:
    if len(commitment) != 64 or any(c not in "0123456789abcdef" for c in commitment):
        raise ValueError(f"the commitment hash is 64 lower-case hex characters: {commitment!r}")
    return commitment.encode("ascii")


def derive_seed(commitment: str, value: str) -> bytes:
    """The v1 seed of commitment ``C`` and the public value."""
    return hashlib.sha256(V1.tag("seed") + _hex_commitment(commitment) + b"\n" + value.encode("utf-8")).digest()


def derive_seed_v2(commitment: str, outputs: Sequence[str]) -> bytes:
    """The v2 seed of commitment ``C`` and the outputs ``r_i`` of its randomness sources, in their order."""
    return hashlib.sha256(V2.tag("seed") + _hex_commitment(commitment) + b"\n" + CJ(list(outputs))).digest()


def _prefixed_keys(prefix: bytes, suffixes: list[str]) -> list[bytes]:
    """SHA-256 of ``prefix || suffix`` for each suffix: the shared prefix is hashed once and copied."""
    start = hashlib.sha256(prefix)
    keys = []
    for suffix in suffixes:
        h = start.copy()
        h.update(suffix.encode("utf-8"))
        keys.append(h.digest())
    return keys


def unit_keys(
    seed: bytes, plan: str, usccs: Sequence[str], *, version: Version = V1, salts: Sequence[str] | None = None
) -> list[bytes]:
    """Keys of many firms of one plan; v2 needs each record's salt."""
    prefix = version.tag("unit") + seed + plan.encode("utf-8") + b"\n"
    if not version.salted:
        return _prefixed_keys(prefix, list(usccs))
    if salts is None:
        raise ValueError(f"{version.spec} unit keys need the frame records' salts")
    return _prefixed_keys(prefix, [f"{uscc}\n{salt}" for uscc, salt in zip(usccs, salts, strict=True)])


def unit_key(seed: bytes, plan: str, uscc: str, *, version: Version = V1, salt: str | None = None) -> bytes:
    return unit_keys(seed, plan, [uscc], version=version, salts=None if salt is None else [salt])[0]


def inspector_keys(
    seed: bytes, plan: str, uscc: str, inspectors: Sequence[str], *, version: Version = V1
) -> list[bytes]:
    """Keys of many inspectors for one target."""
    prefix = version.tag("inspector") + seed + plan.encode("utf-8") + b"\n" + uscc.encode("utf-8") + b"\n"
    return _prefixed_keys(prefix, list(inspectors))


def inspector_key(seed: bytes, plan: str, uscc: str, inspector: str, *, version: Version = V1) -> bytes:
    return inspector_keys(seed, plan, uscc, [inspector], version=version)[0]
