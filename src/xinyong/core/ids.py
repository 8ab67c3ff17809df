"""Round ids: a division and a month, as ``330802-2026-12``, parsed once.

A round is one month's 双随机 draw of one division (DESIGN.md): its id is the division's 6-digit
administrative division code (GB/T 2260, e.g. 330802 衢州市柯城区, or 330800 衢州市 for a city
workspace's round over several of its districts: docs/workspace.md) and the month, ``DDDDDD-YYYY-MM``
in ASCII digits.  :meth:`RoundId.parse` accepts exactly that text and nothing else — no space, no
other digits, no ``/`` or ``..``, no markup — so a parsed id is safe as a folder name, in a file
name and in a page.  Everything a round needs from its id (its division, its month, the month's
first and last day, the start of an exclusion window N months back) is read from the parsed value,
never from the text.  Supplementary rounds (a suffix after the month) come later.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from xinyong.errors import RoundIdError

FORM = "the 6-digit division code (GB/T 2260) and the month, e.g. 330802-2026-12"
_TEXT = re.compile(r"([0-9]{6})-([1-9][0-9]{3})-([0-9]{2})")
_DIVISION = re.compile(r"[0-9]{6}")


@dataclass(frozen=True, order=True)
class RoundId:
    """One round: ``division`` (6 ASCII digits) and ``first_day`` (the first day of its month)."""

    division: str
    first_day: dt.date

    def __post_init__(self) -> None:
        if not _DIVISION.fullmatch(self.division):
            raise ValueError(f"a division is 6 ASCII digits, not {self.division!r}")
        if self.first_day.day != 1 or self.first_day.year < 1000:
            raise ValueError(f"a round's month starts on day 1 of a year from 1000: {self.first_day}")

    @classmethod
    def parse(cls, text: str, where: str) -> RoundId:
        """The round id ``text``; a :class:`RoundIdError` naming ``where`` (an option, a file) otherwise."""
        found = _TEXT.fullmatch(text)
        if found is None:
            raise RoundIdError(where, f"{text!r} is not a round id; a round id is {FORM}")
        division, year, month = found.groups()
        if not 1 <= int(month) <= 12:
            raise RoundIdError(where, f"{text!r} is not a round id; its month {month} is not 01 to 12")
        return cls(division, dt.date(int(year), int(month), 1))

    def __str__(self) -> str:
        return f"{self.division}-{self.month}"

    @property
    def month(self) -> str:
        """The round's month as ``YYYY-MM``."""
        return f"{self.first_day:%Y-%m}"

    @property
    def last_day(self) -> dt.date:
        """The last day of the round's month (the inspection date eligibility is judged on)."""
        return self.first_day.replace(day=calendar.monthrange(self.first_day.year, self.first_day.month)[1])

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
