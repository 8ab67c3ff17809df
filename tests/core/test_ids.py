"""Round ids: parsed once, printed back exactly, and every other text refused with the rule it breaks."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.ids import FORM, MAX_SUPPLEMENT, RoundId
from xinyong.errors import RoundIdError, UsageError

round_ids = st.builds(
    RoundId,
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)).map(lambda d: d.replace(day=1)),
    st.integers(0, MAX_SUPPLEMENT),
)


@given(round_ids)
def test_parse_gives_back_what_str_printed(round_id: RoundId) -> None:
    assert RoundId.parse(str(round_id), "--round") == round_id


@given(st.text())
def test_any_text_is_either_refused_or_exactly_a_round_id(text: str) -> None:
    try:
        parsed = RoundId.parse(text, "--round")
    except RoundIdError:
        return
    assert str(parsed) == text


def test_the_parts_of_a_round_id() -> None:
    december = RoundId.parse("330802-2026-12", "--round")
    assert (december.division, december.month) == ("330802", "2026-12")
    assert (december.first_day, december.last_day) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert RoundId.parse("330802-2028-02", "--round").last_day == dt.date(2028, 2, 29)
    assert RoundId.parse("330802-9999-12", "--round").last_day == dt.date(9999, 12, 31)
    assert december.months_before(0) == dt.date(2026, 12, 1)
    assert december.months_before(12) == dt.date(2025, 12, 1)
    assert december.months_before(14) == dt.date(2025, 10, 1)
    assert str(december) == "330802-2026-12"
    assert RoundId.parse("330802-2026-11", "--round") < december


@pytest.mark.parametrize(
    "text",
    [
        "R/../R",
        "<b>x</b>",
        "330802-2026-12/..",
        "../330802-2026-12",
        "",
        " 330802-2026-12",
        "330802-2026-12\n",
        "330802-2026-1",
        "33080-2026-12",
        "3308021-2026-12",
        "330802_2026_12",
        "330802-0999-12",
        "３３０８０２-2026-12",  # full-width digits
        "٣٣٠٨٠٢-2026-12",  # Arabic-Indic digits
        "330802-2026-12-S0",
        "330802-2026-12-S01",
        "330802-2026-12-S1000",
        "330802-2026-12-s1",
        "330802-2026-12-S",
        "330802-2026-12S1",
        "330802-2026-12-S1-S2",
        "330802-2026-12-S-1",
        "330802-2026-12-S+1",
        "330802-2026-12-S1 ",
        "330802-2026-12-S１",  # a full-width digit
        "330802-2026-12-Ｓ1",  # a full-width S
        "330802-2026-12-S1/..",
    ],
)
def test_a_malformed_round_id_is_refused_naming_where_it_came_from(text: str) -> None:
    with pytest.raises(RoundIdError) as caught:
        RoundId.parse(text, "--round")
    assert str(caught.value) == f"--round: {text!r} is not a round id; a round id is {FORM}"
    assert isinstance(caught.value, UsageError) and caught.value.exit_code == 2


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_a_month_outside_the_year_is_refused(month: str) -> None:
    with pytest.raises(RoundIdError) as caught:
        RoundId.parse(f"330802-2026-{month}", "form.xlsx")
    assert str(caught.value) == f"form.xlsx: '330802-2026-{month}' is not a round id; its month {month} is not 01 to 12"


def test_a_supplementary_round_follows_its_parent_and_comes_before_the_next_month() -> None:
    december = RoundId.parse("330802-2026-12", "--round")
    first = RoundId.parse("330802-2026-12-S1", "--round")
    second = RoundId.parse("330802-2026-12-S2", "--round")
    assert (str(first), first.supplement, first.month, first.division) == ("330802-2026-12-S1", 1, "2026-12", "330802")
    assert (first.first_day, first.last_day) == (december.first_day, december.last_day)
    assert (december.parent, first.parent, second.parent) == (None, december, first)
    assert (december.chain, first.chain, second.chain) == ((), (december,), (december, first))
    assert december.next_supplement() == first and first.next_supplement() == second
    assert RoundId.parse("330802-2026-11-S9", "--round") < december < first < second
    assert second < RoundId.parse("330802-2027-01", "--round") and str(RoundId.parse("330802-2026-12-S12", "x")) == (
        "330802-2026-12-S12"
    )
    assert second < RoundId.parse("330802-2026-12-S10", "--round")  # by number, not by text
    last = RoundId.parse(f"330802-2026-12-S{MAX_SUPPLEMENT}", "--round")
    with pytest.raises(RoundIdError) as caught:
        last.next_supplement()
    assert str(caught.value) == f"--round: round {last} is the last supplementary round a month can have"


def test_a_round_of_another_division_than_the_plans_is_refused() -> None:
    RoundId.parse("330802-2026-12", "--round").require_division("330802", "--round", "plans.toml")
    with pytest.raises(RoundIdError) as caught:
        RoundId.parse("330801-2026-12", "--round").require_division("330802", "--round", "plans.toml")
    assert (
        str(caught.value)
        == "--round: round 330801-2026-12 is of division 330801, but plans.toml is for division 330802"
    )


@pytest.mark.parametrize(
    ("division", "day", "supplement"),
    [
        ("33080", dt.date(2026, 1, 1), 0),
        ("330802", dt.date(2026, 1, 2), 0),
        ("330802", dt.date(2026, 1, 1), -1),
        ("330802", dt.date(2026, 1, 1), MAX_SUPPLEMENT + 1),
    ],
)
def test_an_impossible_round_id_cannot_be_made(division: str, day: dt.date, supplement: int) -> None:
    with pytest.raises(ValueError):
        RoundId(division, day, supplement)
