"""Working-day deadlines on China's official calendar, with its 调休 make-up working days.

A result is due within 20 working days of the inspection's end: the results of 双随机 inspections are
made public within 20 working days (《国务院关于在市场监管领域全面推行部门联合"双随机、一公开"监管的意见》,
国发〔2019〕5号), counted here from the day after the inspection ended (docs/disclosure.md).  Which days are working
days is decided each year by the State Council's holiday notice (国务院办公厅关于…部分节假日安排的
通知); the maintained ``chinese-calendar`` package carries those notices — never a hand-written
table.  A day in a year the package does not know yet is an error that says so, not a guess.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib.metadata import version

import chinese_calendar

from xinyong.errors import CalendarUnavailableError

RESULT_DEADLINE_WORKDAYS = 20


@cache
def known_years() -> tuple[int, int]:
    years = {day.year for day in chinese_calendar.holidays} | {day.year for day in chinese_calendar.workdays}
    return min(years), max(years)


def is_workday(day: dt.date) -> bool:
    first, last = known_years()
    if not first <= day.year <= last:
        raise CalendarUnavailableError(
            f"no official working-day calendar for {day.year} yet: chinese-calendar {version('chinese-calendar')} "
            f"covers {first}–{last}; upgrade it once the State Council publishes {day.year}'s holiday notice"
        )
    return bool(chinese_calendar.is_workday(day))


def add_workdays(start: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start`` (``start`` itself does not count)."""
    day = start
    while count > 0:
        day += dt.timedelta(days=1)
        count -= is_workday(day)
    return day


def result_due(inspection_end: dt.date) -> dt.date:
    return add_workdays(inspection_end, RESULT_DEADLINE_WORKDAYS)
