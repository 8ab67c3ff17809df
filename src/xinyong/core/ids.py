"""Round ids: a division and a month, as ``330802-2026-12``, and its supplements ``330802-2026-12-S1``, parsed once.

A round is one month's 双随机 draw of one division (DESIGN.md): its id is the division's 6-digit
administrative division code (GB/T 2260, e.g. 330802 衢州市柯城区, or 330800 衢州市 for a city
workspace's round over several of its districts: docs/workspace.md) and the month, ``DDDDDD-YYYY-MM``
in ASCII digits.  A **supplementary round** (补抽, draw spec v2 §7a: new targets in place of the ones
that could not be staffed or were found closed or moved) is the same month's draw again, with a round of
its own: its id is its parent's with ``-S<n>`` after it, ``n`` = 1, 2, … written without a leading zero
(``330802-2026-12-S1``, whose parent is ``330802-2026-12``; ``-S2``, whose parent is ``-S1``).  Ids order by
division, month, then supplement: a month's round, its supplements in turn, then the next month.

:meth:`RoundId.parse` accepts exactly that text and nothing else — no space, no other digits, no
``/`` or ``..``, no markup, no ``-S0`` or ``-S01`` — so a parsed id is safe as a folder name, in a file
name and in a page, and prints back as it was written.  Everything a round needs from its id (its
division, its month, the month's first and last day, the start of an exclusion window N months back, its
parent) is read from the parsed value, never from the text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

from xinyong.errors import RoundIdError

FORM = (
    "the 6-digit division code (GB/T 2260) and the month, e.g. 330802-2026-12, and for a supplementary round "
    "-S1, -S2, … after it"
)
MAX_SUPPLEMENT = 999
_TEXT = re.compile(r"([0-9]{6})-([1-9][0-9]{3})-([0-9]{2})(?:-S([1-9][0-9]{0,2}))?")
_DIVISION = re.compile(r"[0-9]{6}")


@dataclass(frozen=True, order=True)
class RoundId:
    """One round: ``division`` (6 ASCII digits), ``first_day`` (the first day of its month) and ``supplement``
    (0 for the month's round, n for its n-th supplementary round)."""

    division: str
    first_day: dt.date
    supplement: int = 0

    def __post_init__(self) -> None:
        if not _DIVISION.fullmatch(self.division):
            raise ValueError(f"a division is 6 ASCII digits, not {self.division!r}")
        if self.first_day.day != 1 or self.first_day.year < 1000:
            raise ValueError(f"a round's month starts on day 1 of a year from 1000: {self.first_day}")
        if not 0 <= self.supplement <= MAX_SUPPLEMENT:
            raise ValueError(f"a supplementary round is numbered 1 to {MAX_SUPPLEMENT}, not {self.supplement}")

    @classmethod
    def parse(cls, text: str, where: str) -> RoundId:
        """The round id ``text``; a :class:`RoundIdError` naming ``where`` (an option, a file) otherwise."""
        found = _TEXT.fullmatch(text)
        if found is None:
            raise RoundIdError(where, f"{text!r} is not a round id; a round id is {FORM}")
        division, year, month, supplement = found.groups()
        if not 1 <= int(month) <= 12:
            raise RoundIdError(where, f"{text!r} is not a round id; its month {month} is not 01 to 12")
        return cls(division, dt.date(int(year), int(month), 1), int(supplement or 0))

    def __str__(self) -> str:
        return f"{self.division}-{self.month}" + (f"-S{self.supplement}" if self.supplement else "")

    @property
    def month(self) -> str:
        """The round's month as ``YYYY-MM``."""
        return f"{self.first_day:%Y-%m}"

    @property
    def last_day(self) -> dt.date:
        """The last day of the round's month (the inspection date eligibility is judged on)."""
        return self.first_day.replace(day=calendar.monthrange(self.first_day.year, self.first_day.month)[1])

    @property
    def parent(self) -> RoundId | None:
        """The round a supplementary round replaces targets of (``-S1``'s is the month's round); ``None`` for a
        month's round."""
        return replace(self, supplement=self.supplement - 1) if self.supplement else None

    @property
    def chain(self) -> tuple[RoundId, ...]:
        """The round's parents, oldest first (the month's round, then each supplement before this one)."""
        return tuple(replace(self, supplement=n) for n in range(self.supplement))

    def next_supplement(self) -> RoundId:
        """The supplementary round whose parent this round is."""
        if self.supplement == MAX_SUPPLEMENT:
            raise RoundIdError("--round", f"round {self} is the last supplementary round a month can have")
        return replace(self, supplement=self.supplement + 1)

    def months_before(self, months: int) -> dt.date:
        """The first day of the month ``months`` months before the round's."""
        index = self.first_day.year * 12 + self.first_day.month - 1 - months
        return dt.date(index // 12, index % 12 + 1, 1)

    def require_division(self, division: str, where: str, source: str) -> None:
        """Refuse a round of another division than ``source`` (a plans file) is for."""
        if self.division != division:
            raise RoundIdError(
                where, f"round {self} is of division {self.division}, but {source} is for division {division}"
            )
