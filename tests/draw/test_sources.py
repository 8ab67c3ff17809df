"""Randomness sources of draw spec v2 §4: drand signatures verified offline, announced values normalised.

The spec's own vectors (quicknet round 657413, the announced examples) are in test_spec_vectors.py."""

from __future__ import annotations

import datetime as dt

import pytest

from xinyong.draw.sources import (
    QUICKNET,
    Announced,
    Drand,
    announced_output,
    drand_output,
    parse_sources,
    require_future,
)
from xinyong.errors import SourceError


def test_a_signature_that_is_not_a_point_is_refused() -> None:
    with pytest.raises(SourceError, match="is not a BLS12-381 G1 point"):
        drand_output(Drand(QUICKNET.hash, 657413), "00" * 48)


def test_round_times_follow_genesis_and_period() -> None:
    assert QUICKNET.round_time(657413) == dt.datetime(2023, 9, 15, 11, 0, 3, tzinfo=dt.UTC)
    assert QUICKNET.first_round_at(dt.datetime(2023, 9, 15, 11, 0, 3, tzinfo=dt.UTC)) == 657413
    assert QUICKNET.first_round_at(dt.datetime(2023, 9, 15, 11, 0, 3, 1, tzinfo=dt.UTC)) == 657414


def test_a_round_less_than_ten_minutes_after_the_commitment_is_refused() -> None:
    committed = dt.datetime(2023, 9, 15, 10, 50, 4, tzinfo=dt.UTC)
    with pytest.raises(SourceError, match="name round 657414 or later"):
        require_future(Drand(QUICKNET.hash, 657413), committed)
    require_future(Drand(QUICKNET.hash, 657414), committed)


@pytest.mark.parametrize(
    ("value", "r"),
    [
        ("05 12 17 22 28 33 + 14", "05 12 17 22 28 33 14"),
        ("０５ １２ １７ ２２ ２８ ３３ １４", "05 12 17 22 28 33 14"),
        ("31415 92653 58979 \u200b", "31415 92653 58979"),
    ],
)
def test_announced_values_give_their_digit_runs(value: str, r: str) -> None:
    assert announced_output(value) == r


def test_an_announced_value_without_digits_is_refused() -> None:
    with pytest.raises(SourceError, match="has no digit"):
        announced_output("三 五 七")


def test_sources_parse_and_refuse_what_the_spec_refuses() -> None:
    sources = [{"kind": "drand", "chain": QUICKNET.hash, "round": 5}, {"kind": "announced", "description": "双色球"}]
    assert parse_sources(sources) == [Drand(QUICKNET.hash, 5), Announced("双色球")]
    for bad, message in [
        ([], "non-empty list"),
        ([{"kind": "dice"}], "unknown kind 'dice'"),
        ([{"kind": "announced", "description": "  "}], "description is empty"),
        ([{"kind": "drand", "chain": "ab", "round": 5}], "unknown drand chain 'ab'"),
    ]:
        with pytest.raises(SourceError, match=message):
            parse_sources(bad)
