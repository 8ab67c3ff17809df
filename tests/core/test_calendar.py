"""Deadlines count official working days: holidays are skipped and 调休 Saturdays count; a transcribed State Council
notice fills a year the package does not know, and agrees with the package where both know it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from xinyong.core.calendar import (
    Holiday,
    Notice,
    NoticeError,
    Supplement,
    add_workdays,
    check_notice,
    is_workday,
    known_years,
    missing_year,
    package_difference,
    result_due,
)
from xinyong.errors import CalendarUnavailableError

D = dt.date

# 国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号，2025年11月4日）, transcribed item by item.
NOTICE_2026 = Notice(
    2026,
    "国办发明电〔2025〕7号",
    D(2025, 11, 4),
    (
        Holiday("元旦", D(2026, 1, 1), D(2026, 1, 3), (D(2026, 1, 4),), 3),
        Holiday("春节", D(2026, 2, 15), D(2026, 2, 23), (D(2026, 2, 14), D(2026, 2, 28)), 9),
        Holiday("清明节", D(2026, 4, 4), D(2026, 4, 6), (), 3),
        Holiday("劳动节", D(2026, 5, 1), D(2026, 5, 5), (D(2026, 5, 9),), 5),
        Holiday("端午节", D(2026, 6, 19), D(2026, 6, 21), (), 3),
        Holiday("中秋节", D(2026, 9, 25), D(2026, 9, 27), (), 3),
        Holiday("国庆节", D(2026, 10, 1), D(2026, 10, 7), (D(2026, 9, 20), D(2026, 10, 10)), 7),
    ),
    "新华社北京2025年11月4日电，全文",
)
# A TEST FIXTURE, NOT the State Council's 2027 notice (which is not available): invented dates and number.
FIXTURE_2027 = Notice(
    2027,
    "测试用 TEST FIXTURE，非真实通知",
    D(2026, 11, 1),
    (
        Holiday("元旦", D(2027, 1, 1), D(2027, 1, 3)),
        Holiday("春节", D(2027, 2, 6), D(2027, 2, 14), (D(2027, 2, 20),)),
        Holiday("清明节", D(2027, 4, 3), D(2027, 4, 5)),
        Holiday("劳动节", D(2027, 5, 1), D(2027, 5, 5), (D(2027, 4, 25),)),
        Holiday("端午节", D(2027, 6, 12), D(2027, 6, 14)),
        Holiday("中秋节", D(2027, 9, 18), D(2027, 9, 20)),
        Holiday("国庆节", D(2027, 10, 1), D(2027, 10, 7), (D(2027, 9, 26), D(2027, 10, 9))),
    ),
)


def test_national_day_week_is_skipped_and_its_make_up_saturday_counts() -> None:
    # 2026 (the State Council notice for 2026): 国庆节 10/1–10/7 off; Saturday 10/10 is a working day.
    assert not is_workday(D(2026, 10, 1)) and is_workday(D(2026, 10, 10)) and not is_workday(D(2026, 10, 11))
    assert add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_workdays(D(2026, 10, 9), 1) == D(2026, 10, 10)


def test_a_result_is_due_twenty_working_days_after_the_inspection() -> None:
    assert result_due(D(2026, 11, 2)) == D(2026, 11, 30)  # Monday + 4 weeks, no holiday in between
    assert result_due(D(2026, 9, 21)) == D(2026, 10, 26)  # 中秋 9/25 and 国庆 skipped, Saturday 10/10 counted


def test_a_year_neither_the_package_nor_the_supplement_knows_is_an_error_naming_what_to_enter() -> None:
    assert known_years() == (2004, 2026)
    with pytest.raises(CalendarUnavailableError) as caught:
        result_due(D(2026, 12, 14))
    assert caught.value.year == 2027
    assert str(caught.value) == (
        "日历缺 2027 年（chinese-calendar 1.11.0 覆盖 2004–2026；请在工作区日历补充中录入国务院办公厅 2027 年"
        "节假日安排通知）"
    )
    assert missing_year(2028, Supplement((FIXTURE_2027,))) == (
        "日历缺 2028 年（chinese-calendar 1.11.0 覆盖 2004–2026，工作区日历补充覆盖 2027；请在工作区日历补充中录入"
        "国务院办公厅 2028 年节假日安排通知）"
    )


def test_the_real_2026_notice_is_valid_and_agrees_with_the_package_day_by_day() -> None:
    check_notice(NOTICE_2026)
    assert package_difference(NOTICE_2026) is None
    day = D(2026, 1, 1)
    while day.year == 2026:  # what package_difference compares, shown here in full
        assert NOTICE_2026.is_workday(day) == is_workday(day), day
        day += dt.timedelta(days=1)


def test_a_transcription_that_differs_from_the_package_names_the_first_day() -> None:
    # A typo: 国庆节 ending on 10/8 instead of 10/7.
    wrong = dataclasses.replace(
        NOTICE_2026,
        holidays=(
            *NOTICE_2026.holidays[:6],
            Holiday("国庆节", D(2026, 10, 1), D(2026, 10, 8), (D(2026, 9, 20), D(2026, 10, 10))),
        ),
    )
    assert package_difference(wrong) == (
        "2026-10-08 (周四) is a day off by this notice but a working day in chinese-calendar 1.11.0"
    )
    # The right days under the wrong names: 端午节 and 中秋节 swapped.
    swapped = list(NOTICE_2026.holidays)
    swapped[4], swapped[5] = (
        dataclasses.replace(swapped[4], name="中秋节"),
        dataclasses.replace(swapped[5], name="端午节"),
    )
    assert package_difference(dataclasses.replace(NOTICE_2026, holidays=tuple(swapped))) == (
        "2026-06-19 belongs to 中秋节 by this notice but to 端午 in chinese-calendar 1.11.0"
    )


def test_a_supplement_gives_the_calendar_of_a_year_the_package_does_not_know() -> None:
    check_notice(FIXTURE_2027)
    supplement = Supplement((FIXTURE_2027,))
    assert not is_workday(D(2027, 1, 1), supplement) and is_workday(D(2027, 1, 4), supplement)
    assert not is_workday(D(2027, 1, 9), supplement)  # an ordinary Saturday
    assert is_workday(D(2027, 2, 20), supplement) and not is_workday(D(2027, 2, 8), supplement)  # 调休 and 春节
    # 2026-12-14 + 20 working days: 12/15–12/31 are 13 (the package's 2026), then 1/4–1/8 and 1/11–1/12.
    assert result_due(D(2026, 12, 14), supplement) == D(2027, 1, 12)
    # The round's last day 2026-12-31: 1/1–1/3 off, so 1/4 … 1/29 are the 20 working days.
    assert result_due(D(2026, 12, 31), supplement) == D(2027, 1, 29)
    assert is_workday(D(2026, 10, 10), supplement)  # a year the package knows is the package's


def _breaking(notice: Notice, n: int | None = None, **changes: object) -> NoticeError:
    """The error of ``notice`` with holiday ``n`` (1-based) changed, or the notice itself when ``n`` is None."""
    if n is not None:
        holidays = list(notice.holidays)
        holidays[n - 1] = dataclasses.replace(holidays[n - 1], **changes)  # type: ignore[arg-type]
        notice = dataclasses.replace(notice, holidays=tuple(holidays))
    else:
        notice = dataclasses.replace(notice, **changes)  # type: ignore[arg-type]
    with pytest.raises(NoticeError) as caught:
        check_notice(notice)
    return caught.value


@pytest.mark.parametrize(
    ("n", "changes", "where", "problem"),
    [
        (None, {"number": " "}, (None, "notice"), "empty; give the notice's number (文号), e.g. 国办发明电〔2025〕7号"),
        (None, {"published": D(2027, 1, 1)}, (None, "published"), "2027-01-01 is not in 2025 or 2026"),
        (
            None,
            {"holidays": NOTICE_2026.holidays[:5]},
            (None, "holiday"),
            "no 中秋节、国庆节: a notice arranges every holiday of 《全国年节及纪念日放假办法》",
        ),
        (
            3,
            {"name": "清明"},
            (3, "name"),
            "'清明' is not a holiday of 《全国年节及纪念日放假办法》 (did you mean '清明节'?)",
        ),
        (
            3,
            {"name": "植树节"},
            (3, "name"),
            "'植树节' is not a holiday of 《全国年节及纪念日放假办法》 (the holidays are 元旦、春节、清明节、劳动节、"
            "端午节、中秋节、国庆节)",
        ),
        (3, {"name": "春节"}, (3, "name"), "春节 is holiday 2 already"),
        (1, {"start": D(2025, 12, 31)}, (1, "start"), "2025-12-31 is not in 2026"),
        (2, {"end": D(2026, 2, 13)}, (2, "end"), "2026-02-13 is before start 2026-02-15"),
        (2, {"stated_days": 8}, (2, "days"), "8, but 2026-02-15–2026-02-23 is 9 days; check both"),
        (
            3,
            {"start": D(2026, 2, 23), "stated_days": None},
            (3, "start"),
            "2026-02-23 is inside holiday 2 (春节, 2026-02-15–2026-02-23)",
        ),
        (
            1,
            {"workdays": (D(2026, 1, 5),)},
            (1, "workdays"),
            "2026-01-05 is a 周一: a weekday is a working day anyway (调休上班 is a weekend day)",
        ),
        (1, {"workdays": (D(2027, 1, 2),)}, (1, "workdays"), "2027-01-02 is not in 2026"),
        (1, {"workdays": (D(2026, 2, 15),)}, (1, "workdays"), "2026-02-15 is a day off of holiday 2 (春节)"),
        (
            1,
            {"workdays": (D(2026, 2, 14),)},
            (2, "workdays"),
            "2026-02-14 is a make-up working day of holiday 1 already",
        ),
    ],
)
def test_a_notice_that_breaks_a_rule_is_refused_naming_the_holiday_and_key(
    n: int | None, changes: dict[str, object], where: tuple[int | None, str], problem: str
) -> None:
    error = _breaking(NOTICE_2026, n, **changes)
    assert ((error.holiday, error.key), error.problem) == (where, problem)


def test_two_holidays_of_one_item_are_named_together() -> None:
    # 2023's notice: "中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（周六）、10月8日（周日）上班。"
    joined = dataclasses.replace(
        FIXTURE_2027,
        holidays=(
            *FIXTURE_2027.holidays[:5],
            Holiday("中秋节、国庆节", D(2027, 9, 29), D(2027, 10, 6), (D(2027, 10, 9), D(2027, 10, 10))),
        ),
    )
    check_notice(joined)
    assert not joined.is_workday(D(2027, 9, 29)) and joined.is_workday(D(2027, 10, 10))
