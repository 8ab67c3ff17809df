"""Where each staffed target of a round stands: awaiting a result, recorded, or published (pure).

A target is 待录入 until a result is recorded for it, 待公示 once one is, and 已公示 once that result
is in the transparency log.  Its due date is the 20th working day after the inspection ended, or —
while no result is recorded — after the round's last day (results of 双随机 inspections are made
public within 20 working days: 国发〔2019〕5号; working days from the official calendar,
:mod:`xinyong.core.calendar`, with the workspace's calendar supplement for years the installed calendar
does not know yet).  A due date that falls in a year neither knows is unknown, never guessed: the row keeps
the year that is missing (``gap``), it is not overdue while that year has not begun (the 20 working days
cannot all have passed) and unknown after, and :func:`unknown_note` says how many are unknown and which
notice would make them known.  ``status.csv`` is :func:`status_table`: Chinese headers and values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Mapping

import polars as pl

from xinyong.core.calendar import NO_SUPPLEMENT, Supplement, missing_year, result_due
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
    "gap": pl.Int32,  # the year whose official calendar is missing, when ``due`` is unknown
}
# status.csv: the columns a clerk reads, in Chinese.
HEADERS = {
    "plan": "抽查计划",
    "uscc": "统一社会信用代码",
    "status": "状态",
    "record": "结果记录编号",
    "ended": "检查完成日期",
    "due": "公示截止日期",
    "overdue": "是否逾期",
    "note": "说明",
}


def due_date(ended: dt.date, supplement: Supplement = NO_SUPPLEMENT) -> dt.date | int:
    """The 20th working day after ``ended``, or the year whose official calendar is missing to count it."""
    try:
        return result_due(ended, supplement)
    except CalendarUnavailableError as exc:
        return exc.year


def status_of(
    context: RoundContext,
    current: Mapping[Target, Record],
    published: Container[str],
    today: dt.date,
    supplement: Supplement = NO_SUPPLEMENT,
) -> pl.DataFrame:
    """One row per staffed target, sorted by (plan, uscc): its state, record, end date, due date, overdue, and the
    year missing from the calendar when its due date is unknown."""
    rows = []
    for (plan, uscc), team in sorted(context.staffing.teams().items()):
        if not team:
            continue
        record = current.get((plan, uscc))
        due = due_date(dt.date.fromisoformat(record["ended"]) if record else context.month_end, supplement)
        state = AWAITED if record is None else PUBLISHED if record["id"] in published else RECORDED
        if state == PUBLISHED:
            overdue = None
        elif isinstance(due, dt.date):
            overdue = today > due
        else:  # due in the missing year or later: not yet overdue before that year begins, unknown after
            overdue = False if today < dt.date(due, 1, 1) else None
        rows.append(
            {
                "plan": plan,
                "uscc": uscc,
                "status": state,
                "record": record["id"] if record else None,
                "ended": record["ended"] if record else None,
                "due": due if isinstance(due, dt.date) else None,
                "overdue": overdue,
                "gap": None if isinstance(due, dt.date) else due,
            }
        )
    return pl.DataFrame(rows, schema=SCHEMA)


def unknown_note(status: pl.DataFrame, supplement: Supplement = NO_SUPPLEMENT) -> str | None:
    """``N 项截止日期未知：日历缺 2027 年（…）`` when some due dates are unknown; None when all are known."""
    gaps: list[int] = status["gap"].drop_nulls().to_list()
    if not gaps:
        return None
    return f"{len(gaps)} 项截止日期未知：{missing_year(min(gaps), supplement)}"


def status_table(status: pl.DataFrame, month_end: dt.date) -> pl.DataFrame:
    """``status.csv``: every target with Chinese headers and values (是/否/未知 overdue, and why a date is missing)."""
    published = pl.col("status") == PUBLISHED
    overdue = (
        pl.when(published)
        .then(pl.lit(""))
        .when(pl.col("overdue").is_null())
        .then(pl.lit("未知"))
        .when(pl.col("overdue"))
        .then(pl.lit("是"))
        .otherwise(pl.lit("否"))
    )
    note = (
        pl.when(pl.col("gap").is_not_null())
        .then(pl.format("日历缺 {} 年，截止日期未知", pl.col("gap")))
        .when(pl.col("record").is_null())
        .then(pl.lit(f"尚无结果：自本轮最后一天（{month_end}）起算"))
        .otherwise(pl.lit(""))
    )
    return status.with_columns(overdue.alias("overdue"), note.alias("note")).select(
        pl.col(column).alias(header) for column, header in HEADERS.items()
    )
