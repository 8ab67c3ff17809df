"""A round's randomness sources as ``round commit`` names them and the values ``round reveal`` takes (pure).

Rules (draw spec v2 §4 and §7a, issue 14; docs/draw-spec.md):

- **Named before it exists.** ``round commit`` names one or two sources, at least one: a round of the drand
  quicknet beacon (``--drand-round N``, refused unless it is produced at least 10 minutes after the
  commitment, :func:`xinyong.draw.sources.require_future`; or ``--drand-after TIME``, which names the first
  round produced at least 10 minutes after the commitment and not before ``TIME``), and/or a value to be
  announced in public (``--announced TEXT``: what, where and when), in that order.
- **The description is committed in one normal form** (issue 12, deliverable 7): Unicode NFC, with every
  invisible character removed — the format characters of Unicode category Cf (zero-width spaces and joiners,
  direction marks, the soft hyphen, the byte-order mark …), the combining grapheme joiner U+034F and control
  characters other than white space — and the white space at either end trimmed, so that two people who type
  the same words commit the same bytes and nothing invisible is committed.  A blank one is refused.
- **A supplementary round takes fresh randomness** (§7a): a drand round later than every drand round of its
  chain (``--drand-after`` picks one), an announced description none of its chain used.
- **Revealed once, checked by machine.** ``round reveal`` takes one value per source, in the sources' order:
  the drand round's signature (``--drand-signature``, verified offline against the chain's key,
  :func:`xinyong.draw.sources.drand_output`), and the announced value **entered twice** (two ``--value``
  entries), whose outputs — its runs of digits, :func:`xinyong.draw.sources.announced_output` — must be the
  same, so that a slip of the finger is caught before it becomes the seed; the first entry is stored as
  entered.

Every refusal is a :class:`~xinyong.errors.UsageError` naming the option.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from xinyong.draw.sources import (
    MIN_LEAD,
    QUICKNET,
    Announced,
    Drand,
    Source,
    announced_output,
    drand_output,
    require_future,
    utc,
)
from xinyong.errors import SourceError, UsageError

EXAMPLE = "'福利彩票双色球 2026-12-01 开奖号码'"


def invisible(char: str) -> bool:
    """A character that shows nothing where it stands, so it is never committed."""
    category = unicodedata.category(char)
    return category == "Cf" or char == "\u034f" or (category == "Cc" and not char.isspace())


def normal_description(text: str) -> str:
    """The description as committed; a :class:`UsageError` about ``--announced`` when nothing is left."""
    normal = unicodedata.normalize("NFC", "".join(c for c in text if not invisible(c))).strip()
    if not normal:
        raise UsageError(
            "--announced: the description of the public random value is empty; say what will be announced, where "
            f"and when, e.g. {EXAMPLE}"
        )
    return normal


@dataclass(frozen=True)
class Requested:
    """The sources ``round commit`` was asked for: a drand round, or the earliest time of one, and an announcement."""

    drand_round: int | None = None
    drand_after: dt.datetime | None = None  # an aware time
    announced: str | None = None

    def normal(self) -> Requested:
        """The request with its description in normal form (what is compared when a commit is run again)."""
        if self.announced is None:
            return self
        return Requested(self.drand_round, self.drand_after, normal_description(self.announced))

    def record(self) -> dict[str, object]:
        after = None if self.drand_after is None else self.drand_after.astimezone(dt.UTC).isoformat()
        return {"announced": self.announced, "drand_after": after, "drand_round": self.drand_round}


def named_sources(requested: Requested, committed_at: dt.datetime, used: Sequence[Source] = ()) -> list[Source]:
    """The sources a commitment made at ``committed_at`` names for ``requested`` (drand first), fresh against the
    sources ``used`` by the round's chain (a supplementary round's parents)."""
    if requested.drand_round is not None and requested.drand_after is not None:
        raise UsageError(
            "--drand-round, --drand-after: give one of them (a drand round, or the time it may come after)"
        )
    if requested.drand_round is None and requested.drand_after is None and requested.announced is None:
        raise UsageError(
            "--drand-round, --drand-after, --announced: name at least one source of the public randomness, e.g. "
            f"--drand-after 2026-12-01T10:00+08:00 or --announced {EXAMPLE}"
        )
    drand_used = [s.round for s in used if isinstance(s, Drand)]
    sources: list[Source] = []
    if requested.drand_round is not None:
        source = Drand(QUICKNET.hash, requested.drand_round)
        if requested.drand_round < 1:
            raise UsageError(f"--drand-round: a drand round is a whole number from 1, not {requested.drand_round}")
        try:
            require_future(source, committed_at)
        except SourceError as error:
            raise UsageError(f"--drand-round: {error}") from None
        if drand_used and source.round <= max(drand_used):
            raise UsageError(
                f"--drand-round: round {source.round} is not later than drand round {max(drand_used)}, which this "
                "supplementary round's chain already used; a supplementary round needs fresh randomness: name a "
                "later round, or use --drand-after"
            )
        sources.append(source)
    if requested.drand_after is not None:
        earliest = max(requested.drand_after, committed_at + MIN_LEAD)
        sources.append(Drand(QUICKNET.hash, max(QUICKNET.first_round_at(earliest), max(drand_used, default=0) + 1)))
    if requested.announced is not None:
        description = normal_description(requested.announced)
        if any(isinstance(s, Announced) and s.description == description for s in used):
            raise UsageError(
                f"--announced: {description!r} was already announced for this supplementary round's chain; a "
                "supplementary round needs fresh randomness: name another announcement"
            )
        sources.append(Announced(description))
    return sources


@dataclass(frozen=True)
class Revealed:
    values: list[str]  # one per source, as randomness.json holds them
    outputs: list[str]  # the output r of each (draw spec v2 §4)


def revealed(sources: Sequence[Source], signature: str | None, entries: Sequence[str]) -> Revealed:
    """The values of ``sources`` from the drand signature and the announced entries (each value entered twice)."""
    drand = [s for s in sources if isinstance(s, Drand)]
    if signature is not None and not drand:
        raise UsageError("--drand-signature: the round names no drand round; give the announced value with --value")
    if len(drand) > 1:
        raise UsageError(f"--drand-signature: the round names {len(drand)} drand rounds; one signature cannot do")
    if drand and signature is None:
        beacon = drand[0]
        raise UsageError(
            f"--drand-signature: the round names drand round {beacon.round} of {beacon.beacon.name} (produced "
            f"{utc(beacon.beacon.round_time(beacon.round))}); give its signature, 96 hex characters, as drand "
            f"publishes it: https://api.drand.sh/{beacon.chain}/public/{beacon.round}"
        )
    announced = [s for s in sources if isinstance(s, Announced)]
    if len(entries) != 2 * len(announced):
        wanted = f"{2 * len(announced)} --value entries (each announced value entered twice)" if announced else "none"
        raise UsageError(
            f"--value: the round names {len(announced)} announced value(s), so it takes {wanted}, not {len(entries)}"
        )
    values, results = [], []
    pairs = iter(zip(entries[::2], entries[1::2], strict=True))
    for source in sources:
        if isinstance(source, Drand):
            value = (signature or "").strip().lower()
            try:
                results.append(drand_output(source, value))
            except SourceError as error:
                raise UsageError(f"--drand-signature: {error}") from None
        else:
            value, again = next(pairs)
            try:
                first, second = announced_output(value), announced_output(again)
            except SourceError as error:
                raise UsageError(f"--value: {error}") from None
            if first != second:
                raise UsageError(
                    f"--value: the two entries of the announced value differ: {value!r} reads {first!r}, {again!r} "
                    f"reads {second!r}; enter the announced value again, twice"
                )
            results.append(first)
        values.append(value)
    return Revealed(values, results)
