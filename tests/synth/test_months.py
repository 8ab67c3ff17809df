"""The generator's timeline: calendar months ending at a given month, and days drawn inside them."""

from __future__ import annotations

import datetime as dt

import numpy as np

from xinyong.synth.months import Months


def test_months_end_at_the_given_month_with_their_real_last_days() -> None:
    months = Months.ending("2026-02", 3)
    assert months.labels == ["2025-12", "2026-01", "2026-02"]
    assert (months.first_day, months.last_day) == (dt.date(2025, 12, 1), dt.date(2026, 2, 28))


def test_dates_map_to_their_month_and_outside_the_timeline_to_the_edges() -> None:
    months = Months.ending("2026-02", 3)
    days = np.array(["2025-11-30", "2025-12-01", "2026-01-31", "2026-02-28", "2026-03-01"], dtype="datetime64[D]")
    assert months.index_of(days).tolist() == [-1, 0, 1, 2, 3]


def test_random_days_and_workdays_stay_inside_their_month() -> None:
    months = Months.ending("2026-10", 12)
    which = np.repeat(np.arange(12), 50)
    rng = np.random.default_rng(7)
    for days in (months.random_day(rng, which), months.random_workday(rng, which)):
        assert (months.index_of(days) == which).all()
    assert np.is_busday(months.random_workday(rng, which)).all()
