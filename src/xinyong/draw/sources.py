"""The randomness sources a v2 commitment names, and the output ``r`` of each (docs/draw-spec.md §4, pure).

A commitment names its sources before any randomness exists; ``randomness.json`` later holds one
value per source, in the sources' order, and the seed hashes their outputs (:func:`xinyong.draw.keys.derive_seed_v2`).
Two kinds (draw spec v2 §4):

- **drand** ``{"kind": "drand", "chain": HASH, "round": R}``: a round, named in advance, of a drand beacon
  of scheme ``bls-unchained-g1-rfc9380``.  Its value is the round's BLS signature, 96 lower-case hex
  characters (a compressed BLS12-381 G1 point); it is valid only when
  ``e(sig, g2) = e(hash_to_G1(H(R as 8-byte big-endian)), pk)`` with the DST
  ``BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_`` (RFC 9380), ``pk`` the chain's public key.  Its output is
  ``hex(H(signature bytes))``, drand's own "randomness".  The round's time is
  ``genesis + (R − 1) × period``; it must be at least :data:`MIN_LEAD` after the commitment is made, so
  that nobody, the operator included, can know the value when the commitment is fixed.  The check is
  offline, against the chain's key shipped here (:data:`CHAINS`), with the Ethereum Foundation's
  arkworks bindings (``py-arkworks-bls12381``), a pairing check of about 2 ms.
- **announced** ``{"kind": "announced", "description": TEXT}``: a value announced in public (a lottery
  draw, dice thrown before witnesses), ``TEXT`` saying what, where and when.  Its value is the announced
  string as entered; its output is the maximal runs of ASCII digits of NFKC(value) joined by single
  spaces, so that ``05 12 17 22 28 33 + 14``, ``05,12,17,22,28,33+14`` and full-width digits give the same
  ``05 12 17 22 28 33 14``, and nothing invisible (a trailing space, a U+200B) changes the seed.  A value
  without a digit is refused.

An unknown kind, an empty list, an empty description or an unknown drand chain is refused: every
problem is a :class:`SourceError` whose message says what is wrong, for the edge to name its option.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from py_arkworks_bls12381 import GT, G1Point, G2Point

from xinyong.errors import SourceError

DST = b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"
SCHEME = "bls-unchained-g1-rfc9380"
MIN_LEAD = dt.timedelta(minutes=10)  # a drand round named must come at least this long after the commitment


@dataclass(frozen=True)
class Chain:
    """A drand beacon chain the project ships (draw spec v2 §9)."""

    name: str
    hash: str
    genesis: int  # seconds since the Unix epoch
    period: int  # seconds between rounds
    public_key: str  # compressed G2 point, hex

    def round_time(self, round_number: int) -> dt.datetime:
        """When round ``round_number`` is produced: ``genesis + (R − 1) × period``."""
        return dt.datetime.fromtimestamp(self.genesis + (round_number - 1) * self.period, dt.UTC)

    def first_round_at(self, moment: dt.datetime) -> int:
        """The first round produced at or after ``moment`` (an aware time)."""
        seconds = int(moment.timestamp()) + (moment.microsecond > 0)
        return max(1, -(-(seconds - self.genesis) // self.period) + 1)


def utc(moment: dt.datetime) -> str:
    """An aware time as people read it in UTC: ``2026-12-01 02:00:03 UTC``."""
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"


QUICKNET = Chain(
    "League of Entropy quicknet",
    "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
    1692803367,
    3,
    "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec"
    "758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a",
)
CHAINS = {QUICKNET.hash: QUICKNET}


@dataclass(frozen=True)
class Drand:
    chain: str  # the chain's hash, hex
    round: int

    @property
    def beacon(self) -> Chain:
        return CHAINS[self.chain]

    def record(self) -> dict[str, object]:
        return {"kind": "drand", "chain": self.chain, "round": self.round}

    def describe(self) -> str:
        return f"drand {self.beacon.name} 第 {self.round} 轮（{utc(self.beacon.round_time(self.round))}）"


@dataclass(frozen=True)
class Announced:
    description: str  # what, where and when, as committed

    def record(self) -> dict[str, object]:
        return {"kind": "announced", "description": self.description}

    def describe(self) -> str:
        return f"公开宣布的随机数：{self.description}"


Source = Drand | Announced


def parse_sources(value: object) -> list[Source]:
    """The sources of a commitment's ``randomness.sources``; a :class:`SourceError` for anything else."""
    if not isinstance(value, list) or not value:
        raise SourceError("randomness.sources is a non-empty list of sources")
    return [parse_source(item, number) for number, item in enumerate(value, start=1)]


def parse_source(item: object, number: int = 1) -> Source:
    where = f"source {number}"
    if not isinstance(item, dict):
        raise SourceError(f"{where} is not a JSON object")
    kind = item.get("kind")
    if kind == "drand":
        chain, round_number = item.get("chain"), item.get("round")
        if chain not in CHAINS:
            known = ", ".join(f"{c.hash} ({c.name})" for c in CHAINS.values())
            raise SourceError(f"{where}: unknown drand chain {chain!r}; known: {known}")
        if not isinstance(round_number, int) or isinstance(round_number, bool) or round_number < 1:
            raise SourceError(f"{where}: a drand round is a whole number from 1, not {round_number!r}")
        return Drand(str(chain), round_number)
    if kind == "announced":
        description = item.get("description")
        if not isinstance(description, str) or not description.strip():
            raise SourceError(f"{where}: an announced source says what, where and when (its description is empty)")
        return Announced(description)
    raise SourceError(f"{where}: unknown kind {kind!r}; a source is of kind drand or announced")


def require_future(source: Drand, committed_at: dt.datetime) -> None:
    """Refuse a drand round produced less than :data:`MIN_LEAD` after the commitment is made."""
    produced = source.beacon.round_time(source.round)
    earliest = committed_at + MIN_LEAD
    if produced < earliest:
        raise SourceError(
            f"drand round {source.round} is produced at {utc(produced)}, less than {MIN_LEAD.seconds // 60} "
            f"minutes after the commitment ({utc(committed_at)}): name round "
            f"{source.beacon.first_round_at(earliest)} or later"
        )


_SIGNATURE = re.compile(r"[0-9a-f]{96}")


def drand_output(source: Drand, signature: str) -> str:
    """``hex(H(signature))`` when ``signature`` is the chain's valid signature of the round; else a SourceError."""
    if not _SIGNATURE.fullmatch(signature):
        raise SourceError(
            f"the signature of drand round {source.round} is 96 lower-case hex characters (a compressed "
            f"BLS12-381 G1 point), not {len(signature)} characters"
        )
    data = bytes.fromhex(signature)
    try:
        point = G1Point.from_compressed_bytes(data)  # refuses a point off the curve or outside the subgroup
    except ValueError:
        raise SourceError(f"the signature of drand round {source.round} is not a BLS12-381 G1 point") from None
    message = hashlib.sha256(source.round.to_bytes(8, "big")).digest()
    public_key = G2Point.from_compressed_bytes(bytes.fromhex(source.beacon.public_key))
    if not GT.pairing_check([point, -G1Point.hash_to_curve(message, DST)], [G2Point(), public_key]):
        raise SourceError(
            f"the signature does not verify for round {source.round} of {source.beacon.name}: it is not that "
            "round's value"
        )
    return hashlib.sha256(data).hexdigest()


def announced_output(value: str) -> str:
    """The maximal runs of ASCII digits of NFKC(value), joined by single spaces; a SourceError without a digit."""
    runs = re.findall(r"[0-9]+", unicodedata.normalize("NFKC", value))
    if not runs:
        raise SourceError(f"the announced value {value!r} has no digit; enter the numbers as announced")
    return " ".join(runs)


def output(source: Source, value: str) -> str:
    """The output ``r`` of one source for its value."""
    return drand_output(source, value) if isinstance(source, Drand) else announced_output(value)


def outputs(sources: Sequence[Source], values: Sequence[str]) -> list[str]:
    """The outputs of every source, in order; one value per source."""
    if len(values) != len(sources):
        raise SourceError(f"{len(sources)} sources need {len(sources)} values, not {len(values)}")
    return [output(source, value) for source, value in zip(sources, values, strict=True)]
