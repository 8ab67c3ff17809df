"""Deadlines count official working days: holidays are skipped and 调休 Saturdays count."""

from __future__ import annotations

import datetime as dt

import pytest

from xinyong.core.calendar import Supplement, add_workdays, is_workday, known_years, result_due
from xinyong.errors import CalendarUnavailableError

D = dt.date


def test_national_day_week_is_skipped_and_its_make_up_saturday_counts() -> None:
    # 2026 (the State Council notice for 2026): 国庆节 10/1–10/7 off; Saturday 10/10 is a working day.
    assert not is_workday(D(2026, 10, 1)) and is_workday(D(2026, 10, 10)) and not is_workday(D(2026, 10, 11))
    assert add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_workdays(D(2026, 10, 9), 1) == D(2026, 10, 10)


def test_a_result_is_due_twenty_working_days_after_the_inspection() -> None:
    assert result_due(D(2026, 11, 2)) == D(2026, 11, 30)  # Monday + 4 weeks, no holiday in between
    assert result_due(D(2026, 9, 21)) == D(2026, 10, 26)  # 中秋 9/25 and 国庆 skipped, Saturday 10/10 counted


def test_a_year_the_package_does_not_know_is_a_clear_error() -> None:
    first, last = known_years()
    assert (first, last) == (2004, 2026)
    with pytest.raises(CalendarUnavailableError) as caught:
        result_due(D(2026, 12, 14))
    assert str(caught.value) == (
        "no official working-day calendar for 2027 yet: chinese-calendar 1.11.0 covers 2004–2026; "
        "upgrade it once the State Council publishes 2027's holiday notice, or enter the notice in the workspace's "
        "calendar supplement (docs/workspace.md)"
    )


def test_a_supplement_gives_the_calendar_of_a_year_the_package_does_not_know() -> None:
    # A 2027 notice as an office would enter it: 元旦 Friday 1/1 off, Sunday 2/7 worked (调休), 春节 2/8–2/12 off.
    supplement = Supplement(
        years=frozenset({2027}),
        holidays=frozenset({D(2027, 1, 1), *(D(2027, 2, d) for d in range(8, 13))}),
        workdays=frozenset({D(2027, 2, 7)}),
    )
    assert not is_workday(D(2027, 1, 1), supplement) and is_workday(D(2027, 1, 4), supplement)
    assert not is_workday(D(2027, 1, 2), supplement)  # an ordinary Saturday
    assert is_workday(D(2027, 2, 7), supplement) and not is_workday(D(2027, 2, 8), supplement)
    # 2026-12-14 + 20 working days: 12/15–12/31 are 13 (the package's 2026), then 1/4–1/8 and 1/11–1/12.
    assert result_due(D(2026, 12, 14), supplement) == D(2027, 1, 12)
    assert is_workday(D(2026, 10, 10), supplement)  # a year the package knows is the package's
