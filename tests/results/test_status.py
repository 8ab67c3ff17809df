"""Each staffed target's state and due date, from its round's teams, results and the log (pure)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from tests.core.test_calendar import FIXTURE_2027
from xinyong.core.calendar import Supplement
from xinyong.draw.reassign import Staffing
from xinyong.results.check import RoundContext
from xinyong.results.status import due_date, status_of, status_table, unknown_note

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


DECEMBER = RoundContext(dt.date(2026, 12, 1), dt.date(2026, 12, 31), Staffing({("P01", "A"): ["INS-1", "INS-2"]}))


def test_a_due_date_past_the_known_calendar_is_unknown_and_names_the_missing_year() -> None:
    assert due_date(dt.date(2026, 12, 21)) == 2027  # due in 2027: not in the installed calendar yet
    status = status_of(DECEMBER, {}, set(), dt.date(2027, 3, 1))
    assert status.row(0, named=True) == {
        "plan": "P01",
        "uscc": "A",
        "status": "待录入",
        "record": None,
        "ended": None,
        "due": None,
        "overdue": None,  # 2027 has begun: it may be overdue, nobody can say
        "gap": 2027,
    }
    assert unknown_note(status) == (
        "1 项截止日期未知：日历缺 2027 年（chinese-calendar 1.11.0 覆盖 2004–2026；请在工作区日历补充中录入"
        "国务院办公厅 2027 年节假日安排通知）"
    )
    # Before 2027 begins, the 20 working days cannot all have passed: not overdue, though the date is unknown.
    assert status_of(DECEMBER, {}, set(), dt.date(2026, 12, 31))["overdue"].to_list() == [False]


def test_with_the_notice_of_the_missing_year_the_due_date_is_known() -> None:
    status = status_of(DECEMBER, {}, set(), dt.date(2027, 1, 29), Supplement((FIXTURE_2027,)))
    assert status.select("due", "overdue", "gap").rows() == [(dt.date(2027, 1, 29), False, None)]
    assert unknown_note(status) is None


def test_status_csv_speaks_chinese() -> None:
    current = {("P01", "A"): _record("R-a", "A", "2026-11-10"), ("P01", "B"): _record("R-b", "B", "2026-11-20")}
    known = status_of(NOVEMBER, current, {"R-a"}, dt.date(2026, 12, 20))
    table = status_table(pl.concat([known, status_of(DECEMBER, {}, set(), dt.date(2027, 3, 1))]), dt.date(2026, 11, 30))
    assert table.columns == [
        "抽查计划",
        "统一社会信用代码",
        "状态",
        "结果记录编号",
        "检查完成日期",
        "公示截止日期",
        "是否逾期",
        "说明",
    ]
    assert table.rows() == [
        ("P01", "A", "已公示", "R-a", "2026-11-10", dt.date(2026, 12, 8), "", ""),
        ("P01", "B", "待公示", "R-b", "2026-11-20", dt.date(2026, 12, 18), "是", ""),
        ("P01", "C", "待录入", None, None, dt.date(2026, 12, 28), "否", "尚无结果：自本轮最后一天（2026-11-30）起算"),
        ("P01", "A", "待录入", None, None, None, "未知", "日历缺 2027 年，截止日期未知"),
    ]
