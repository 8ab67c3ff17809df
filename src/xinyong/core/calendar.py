"""Working-day deadlines on China's official calendar, with its 调休 make-up working days.

A result is due within 20 working days of the inspection's end: the results of 双随机 inspections are
made public within 20 working days (《国务院关于在市场监管领域全面推行部门联合"双随机、一公开"监管的意见》,
国发〔2019〕5号), counted here from the day after the inspection ended (docs/disclosure.md).  Which days are working
days is decided each year by the State Council's holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知): the
holidays named in 《全国年节及纪念日放假办法》 (国务院令第795号, 2024, 第二条) with the days off of each (放假调休, a
range of days, weekends included) and the weekend days worked in return (调休上班).  The maintained
``chinese-calendar`` package carries those notices — never a hand-written table.

A day in a year the package does not know yet is an error that says so, not a guess — unless the office
has transcribed that year's notice into its workspace's calendar supplement (:class:`Supplement` of
:class:`Notice` records, ``[workspace] calendar`` in ``xinyong.toml``, read by
:mod:`xinyong.workspace.settings`): then, in that year, a day is a working day when it is a make-up day of
the notice, or a weekday outside every holiday range of it.  A notice is checked on its own
(:func:`check_notice`: its dates in its year; make-up days on weekends and outside the ranges; ranges
that do not overlap; every holiday of the 办法 once, under its official name; the day counts it states)
and, for a year the package knows too, against the package (:func:`package_difference`): the package
decides that year, and a transcription that disagrees with it is refused, naming the first day that
differs.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version

import chinese_calendar

from xinyong.errors import CalendarUnavailableError

RESULT_DEADLINE_WORKDAYS = 20
# 《全国年节及纪念日放假办法》第二条: the holidays of all citizens a notice arranges.  A notice may join two
# that fall together under one item (e.g. 2023's "中秋节、国庆节").
HOLIDAY_NAMES = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
NAME_SEPARATOR = "、"
WEEKDAYS = "一二三四五六日"


@cache
def known_years() -> tuple[int, int]:
    years = {day.year for day in chinese_calendar.holidays} | {day.year for day in chinese_calendar.workdays}
    return min(years), max(years)


def package() -> str:
    return f"chinese-calendar {version('chinese-calendar')}"


def package_knows(year: int) -> bool:
    first, last = known_years()
    return first <= year <= last


def weekday_name(day: dt.date) -> str:
    """``周六`` for a Saturday: how a notice names the weekday of a date."""
    return "周" + WEEKDAYS[day.weekday()]


@dataclass(frozen=True)
class Holiday:
    """One item of a notice: a holiday's days off, ``start`` to ``end`` (weekends included), and the weekend days
    worked for it (``workdays``, 调休上班); ``stated_days`` is the notice's "共N天" when transcribed."""

    name: str
    start: dt.date
    end: dt.date
    workdays: tuple[dt.date, ...] = ()
    stated_days: int | None = None

    def days(self) -> Iterator[dt.date]:
        day = self.start
        while day <= self.end:
            yield day
            day += dt.timedelta(days=1)


@dataclass(frozen=True)
class Notice:
    """国务院办公厅关于 ``year`` 年部分节假日安排的通知: its number (文号), the date it bears, its holidays in order."""

    year: int
    number: str  # 文号, e.g. 国办发明电〔2025〕7号
    published: dt.date  # the date under 国务院办公厅
    holidays: tuple[Holiday, ...]
    source: str = ""  # where it was read, e.g. its page on www.gov.cn

    def is_workday(self, day: dt.date) -> bool:
        if any(day in h.workdays for h in self.holidays):
            return True
        return day.weekday() < 5 and not any(h.start <= day <= h.end for h in self.holidays)


class NoticeError(ValueError):
    """A transcribed notice breaks a rule: ``holiday`` is the 1-based item (None: the notice itself), ``key`` the
    field, ``problem`` what is wrong."""

    def __init__(self, holiday: int | None, key: str, problem: str) -> None:
        self.holiday = holiday
        self.key = key
        self.problem = problem
        super().__init__(f"{key}: {problem}")


def check_notice(notice: Notice) -> None:
    """Refuse the first rule ``notice`` breaks (:class:`NoticeError`); see the module docstring."""
    year = notice.year
    if not notice.number.strip():
        raise NoticeError(None, "notice", "empty; give the notice's number (文号), e.g. 国办发明电〔2025〕7号")
    if notice.published.year not in (year - 1, year):
        raise NoticeError(None, "published", f"{notice.published} is not in {year - 1} or {year}")
    names: dict[str, int] = {}
    for n, holiday in enumerate(notice.holidays, start=1):
        _check_holiday(n, holiday, year, names)
    missing = [name for name in HOLIDAY_NAMES if name not in names]
    if missing:
        raise NoticeError(
            None, "holiday", f"no {'、'.join(missing)}: a notice arranges every holiday of 《全国年节及纪念日放假办法》"
        )
    ranges = sorted(enumerate(notice.holidays, start=1), key=lambda item: item[1].start)
    for (m, earlier), (n, later) in itertools.pairwise(ranges):
        if later.start <= earlier.end:
            raise NoticeError(
                n, "start", f"{later.start} is inside holiday {m} ({earlier.name}, {earlier.start}–{earlier.end})"
            )
    worked: dict[dt.date, int] = {}
    for n, holiday in enumerate(notice.holidays, start=1):
        for day in holiday.workdays:
            inside = next((m for m, h in enumerate(notice.holidays, start=1) if h.start <= day <= h.end), None)
            if inside is not None:
                raise NoticeError(
                    n, "workdays", f"{day} is a day off of holiday {inside} ({notice.holidays[inside - 1].name})"
                )
            if day in worked:
                raise NoticeError(n, "workdays", f"{day} is a make-up working day of holiday {worked[day]} already")
            worked[day] = n


def _check_holiday(n: int, holiday: Holiday, year: int, names: dict[str, int]) -> None:
    parts = holiday.name.split(NAME_SEPARATOR)
    for part in parts:
        if part not in HOLIDAY_NAMES:
            close = [name for name in HOLIDAY_NAMES if part and (part in name or name in part)]
            hint = f"did you mean {close[0]!r}?" if close else f"the holidays are {'、'.join(HOLIDAY_NAMES)}"
            raise NoticeError(n, "name", f"{part!r} is not a holiday of 《全国年节及纪念日放假办法》 ({hint})")
        if part in names:
            raise NoticeError(n, "name", f"{part} is holiday {names[part]} already")
        names[part] = n
    for key, day in (("start", holiday.start), ("end", holiday.end)):
        if day.year != year:
            raise NoticeError(n, key, f"{day} is not in {year}")
    if holiday.end < holiday.start:
        raise NoticeError(n, "end", f"{holiday.end} is before start {holiday.start}")
    length = (holiday.end - holiday.start).days + 1
    if holiday.stated_days is not None and holiday.stated_days != length:
        raise NoticeError(
            n, "days", f"{holiday.stated_days}, but {holiday.start}–{holiday.end} is {length} days; check both"
        )
    for day in holiday.workdays:
        if day.year != year:
            raise NoticeError(n, "workdays", f"{day} is not in {year}")
        if day.weekday() < 5:
            raise NoticeError(
                n,
                "workdays",
                f"{day} is a {weekday_name(day)}: a weekday is a working day anyway (调休上班 is a weekend day)",
            )


def package_difference(notice: Notice) -> str | None:
    """Where ``notice`` and the installed package disagree about its year (which the package must know): the first
    day whose working-day status differs, or a day the package files under another holiday; None when they agree."""
    day = dt.date(notice.year, 1, 1)
    while day.year == notice.year:
        ours, theirs = notice.is_workday(day), bool(chinese_calendar.is_workday(day))
        if ours != theirs:
            kind = {True: "a working day", False: "a day off"}
            return f"{day} ({weekday_name(day)}) is {kind[ours]} by this notice but {kind[theirs]} in {package()}"
        day += dt.timedelta(days=1)
    for holiday in notice.holidays:
        for day in (*holiday.days(), *holiday.workdays):
            _, name = chinese_calendar.get_holiday_detail(day)
            if name is not None and chinese_calendar.Holiday(name).chinese not in holiday.name:
                theirs = chinese_calendar.Holiday(name).chinese
                return f"{day} belongs to {holiday.name} by this notice but to {theirs} in {package()}"
    return None


@dataclass(frozen=True)
class Supplement:
    """The transcribed notices of a workspace (:func:`xinyong.workspace.settings.read_calendar`), one per year."""

    notices: tuple[Notice, ...] = ()

    @property
    def years(self) -> frozenset[int]:
        return frozenset(n.year for n in self.notices)

    def notice(self, year: int) -> Notice | None:
        return next((n for n in self.notices if n.year == year), None)


NO_SUPPLEMENT = Supplement()


def missing_year(year: int, supplement: Supplement = NO_SUPPLEMENT) -> str:
    """What a clerk is told when ``year``'s calendar is known neither to the package nor to the supplement."""
    first, last = known_years()
    covered = f"{package()} 覆盖 {first}–{last}"
    extra = sorted(y for y in supplement.years if not package_knows(y))
    if extra:
        covered += f"，工作区日历补充覆盖 {'、'.join(map(str, extra))}"
    return f"日历缺 {year} 年（{covered}；请在工作区日历补充中录入国务院办公厅 {year} 年节假日安排通知）"


def is_workday(day: dt.date, supplement: Supplement = NO_SUPPLEMENT) -> bool:
    if package_knows(day.year):
        return bool(chinese_calendar.is_workday(day))
    notice = supplement.notice(day.year)
    if notice is None:
        raise CalendarUnavailableError(day.year, missing_year(day.year, supplement))
    return notice.is_workday(day)


def add_workdays(start: dt.date, count: int, supplement: Supplement = NO_SUPPLEMENT) -> dt.date:
    """The ``count``-th working day after ``start`` (``start`` itself does not count)."""
    day = start
    while count > 0:
        day += dt.timedelta(days=1)
        count -= is_workday(day, supplement)
    return day


def result_due(inspection_end: dt.date, supplement: Supplement = NO_SUPPLEMENT) -> dt.date:
    return add_workdays(inspection_end, RESULT_DEADLINE_WORKDAYS, supplement)
