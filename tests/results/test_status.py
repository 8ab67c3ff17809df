"""Each staffed target's state and due date, from its round's teams, results and the log (pure)."""

from __future__ import annotations

import datetime as dt

from xinyong.draw.reassign import Staffing
from xinyong.results.check import RoundContext
from xinyong.results.status import due_date, status_of

NOVEMBER = RoundContext(
    dt.date(2026, 11, 1),
    dt.date(2026, 11, 30),
    Staffing(
        {
            ("P01", "A"): ["INS-1", "INS-2"],
            ("P01", "B"): ["INS-1", "INS-3"],
            ("P01", "C"): ["INS-2", "INS-3"],
            ("P02", "D"): [],
        }
    ),
)


def _record(id_: str, uscc: str, ended: str) -> dict:
    return {"id": id_, "plan": "P01", "uscc": uscc, "ended": ended}


def test_awaited_recorded_and_published_with_their_due_dates() -> None:
    current = {("P01", "A"): _record("R-a", "A", "2026-11-10"), ("P01", "B"): _record("R-b", "B", "2026-11-20")}
    status = status_of(NOVEMBER, current, {"R-a"}, dt.date(2026, 12, 10))
    assert status.select("uscc", "status", "record").rows() == [
        ("A", "已公示", "R-a"),
        ("B", "待公示", "R-b"),
        ("C", "待录入", None),
    ]  # the unstaffed target of P02 has no row
    # 20 working days: 11-10 (Tue) → 12-08; 11-20 (Fri) → 12-18; the month's end 11-30 (Mon) → 12-28.
    assert status["due"].to_list() == [dt.date(2026, 12, 8), dt.date(2026, 12, 18), dt.date(2026, 12, 28)]
    assert status["overdue"].to_list() == [None, False, False]  # a published result is never overdue


def test_a_target_is_overdue_the_day_after_its_due_date() -> None:
    assert status_of(NOVEMBER, {}, set(), dt.date(2026, 12, 28))["overdue"].to_list() == [False] * 3
    assert status_of(NOVEMBER, {}, set(), dt.date(2026, 12, 29))["overdue"].to_list() == [True] * 3


def test_a_due_date_past_the_known_calendar_is_unknown() -> None:
    assert due_date(dt.date(2026, 12, 21)) is None  # due in 2027: not in the installed calendar yet
    context = RoundContext(dt.date(2026, 12, 1), dt.date(2026, 12, 31), Staffing({("P01", "A"): ["INS-1", "INS-2"]}))
    status = status_of(context, {}, set(), dt.date(2027, 3, 1))
    assert status.row(0, named=True) == {
        "plan": "P01",
        "uscc": "A",
        "status": "待录入",
        "record": None,
        "ended": None,
        "due": None,
        "overdue": None,
    }
