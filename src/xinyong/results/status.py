"""Where each staffed target of a round stands: awaiting a result, recorded, or published (pure).

A target is 待录入 until a result is recorded for it, 待公示 once one is, and 已公示 once that result
is in the transparency log.  Its due date is the 20th working day after the inspection ended, or —
while no result is recorded — after the round's last day (results of 双随机 inspections are made
public within 20 working days: 国发〔2019〕5号; working days from the official calendar,
:mod:`xinyong.core.calendar`, with the workspace's calendar supplement for years the installed calendar
does not know yet).  A due date beyond the years either knows is unknown (None), never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Mapping

import polars as pl

from xinyong.core.calendar import NO_SUPPLEMENT, Supplement, result_due
from xinyong.errors import CalendarUnavailableError
from xinyong.results.check import Record, RoundContext, Target

AWAITED, RECORDED, PUBLISHED = "待录入", "待公示", "已公示"
SCHEMA = {
    "plan": pl.Utf8,
    "uscc": pl.Utf8,
    "status": pl.Utf8,
    "record": pl.Utf8,
    "ended": pl.Utf8,
    "due": pl.Date,
    "overdue": pl.Boolean,
}


def due_date(ended: dt.date, supplement: Supplement = NO_SUPPLEMENT) -> dt.date | None:
    """The 20th working day after ``ended``, or None when the official calendar of that time is not out yet."""
    try:
        return result_due(ended, supplement)
    except CalendarUnavailableError:
        return None


def status_of(
    context: RoundContext,
    current: Mapping[Target, Record],
    published: Container[str],
    today: dt.date,
    supplement: Supplement = NO_SUPPLEMENT,
) -> pl.DataFrame:
    """One row per staffed target, sorted by (plan, uscc): its state, record, end date, due date, overdue."""
    rows = []
    for (plan, uscc), team in sorted(context.staffing.teams().items()):
        if not team:
            continue
        record = current.get((plan, uscc))
        due = due_date(dt.date.fromisoformat(record["ended"]) if record else context.month_end, supplement)
        state = AWAITED if record is None else PUBLISHED if record["id"] in published else RECORDED
        rows.append(
            {
                "plan": plan,
                "uscc": uscc,
                "status": state,
                "record": record["id"] if record else None,
                "ended": record["ended"] if record else None,
                "due": due,
                "overdue": None if due is None or state == PUBLISHED else today > due,
            }
        )
    return pl.DataFrame(rows, schema=SCHEMA)
