"""Working-day deadlines on China's official calendar, with its 调休 make-up working days.

A result is due within 20 working days of the inspection's end: the results of 双随机 inspections are
made public within 20 working days (《国务院关于在市场监管领域全面推行部门联合"双随机、一公开"监管的意见》,
国发〔2019〕5号), counted here from the day after the inspection ended (docs/disclosure.md).  Which days are working
days is decided each year by the State Council's holiday notice (国务院办公厅关于…部分节假日安排的
通知); the maintained ``chinese-calendar`` package carries those notices — never a hand-written
table.  A day in a year the package does not know yet is an error that says so, not a guess — unless
the office has entered that year's notice in its workspace's calendar supplement (:class:`Supplement`,
``[workspace] calendar`` in ``xinyong.toml``, read by :mod:`xinyong.workspace.settings`): then, in that
year, a day is a working day when it is a weekend day the notice makes a working day (调休), or a
weekday that is not one of its holidays.  A supplement covers only years the package does not know,
so it can never contradict the package.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import version

import chinese_calendar

from xinyong.errors import CalendarUnavailableError

RESULT_DEADLINE_WORKDAYS = 20


@cache
def known_years() -> tuple[int, int]:
    years = {day.year for day in chinese_calendar.holidays} | {day.year for day in chinese_calendar.workdays}
    return min(years), max(years)


@dataclass(frozen=True)
class Supplement:
    """The State Council's holiday notices of years the installed ``chinese-calendar`` does not know yet:
    the weekdays off (``holidays``) and the weekend days worked (``workdays``, 调休) of each of ``years``."""

    years: frozenset[int] = field(default_factory=frozenset)
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)


NO_SUPPLEMENT = Supplement()


def is_workday(day: dt.date, supplement: Supplement = NO_SUPPLEMENT) -> bool:
    if day.year in supplement.years:
        return day in supplement.workdays or (day.weekday() < 5 and day not in supplement.holidays)
    first, last = known_years()
    if not first <= day.year <= last:
        raise CalendarUnavailableError(
            f"no official working-day calendar for {day.year} yet: chinese-calendar {version('chinese-calendar')} "
            f"covers {first}–{last}; upgrade it once the State Council publishes {day.year}'s holiday notice, or "
            "enter the notice in the workspace's calendar supplement (docs/workspace.md)"
        )
    return bool(chinese_calendar.is_workday(day))


def add_workdays(start: dt.date, count: int, supplement: Supplement = NO_SUPPLEMENT) -> dt.date:
    """The ``count``-th working day after ``start`` (``start`` itself does not count)."""
    day = start
    while count > 0:
        day += dt.timedelta(days=1)
        count -= is_workday(day, supplement)
    return day


def result_due(inspection_end: dt.date, supplement: Supplement = NO_SUPPLEMENT) -> dt.date:
    return add_workdays(inspection_end, RESULT_DEADLINE_WORKDAYS, supplement)
