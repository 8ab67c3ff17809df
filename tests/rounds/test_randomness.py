"""The randomness a commitment names (its announced description in one normal form, a drand round at least ten
minutes ahead, fresh for a supplementary round) and the values a reveal takes (a verified signature, an announced
value entered twice)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.canonical import CJ, H
from xinyong.draw.keys import derive_seed_v2
from xinyong.draw.sources import MIN_LEAD, QUICKNET, Announced, Drand, Source
from xinyong.errors import UsageError
from xinyong.rounds.randomness import Requested, Revealed, invisible, named_sources, normal_description, revealed

EMPTY = (
    "--announced: the description of the public random value is empty; say what will be announced, where and "
    "when, e.g. '福利彩票双色球 2026-12-01 开奖号码'"
)


def test_the_same_words_typed_differently_commit_the_same_text() -> None:
    plain = "福利彩票双色球 2026-12-01 开奖号码 café"
    decomposed = unicodedata.normalize("NFD", plain)  # é as e + combining accent
    assert decomposed != plain
    typed = f"\u3000 \ufeff{decomposed[:3]}\u200b{decomposed[3:]}\u2060\u200c\u200d \n"
    assert normal_description(typed) == normal_description(plain) == plain


@pytest.mark.parametrize(
    "blank",
    [
        "",
        " ",
        "\t\n",
        "\u3000",
        "\u200b",
        " \ufeff\u2060 ",
        "\u200c\u200d",
        "\u200e",
        "\u200f\u00ad",
        "\u2062\u180e\u034f",
        "\x00",
    ],
)
def test_an_empty_or_blank_description_is_refused(blank: str) -> None:
    with pytest.raises(UsageError) as caught:
        normal_description(blank)
    assert str(caught.value) == EMPTY


@given(st.text())
def test_the_normal_form_is_nfc_trimmed_without_zero_width_characters_and_stable(text: str) -> None:
    try:
        normal = normal_description(text)
    except UsageError:
        return
    assert normal == unicodedata.normalize("NFC", normal) == normal.strip()
    assert not any(invisible(c) for c in normal)
    assert normal_description(normal) == normal


def test_invisible_characters_inside_the_words_are_removed_and_visible_ones_kept() -> None:
    assert normal_description("双色\u200e球\u00ad 2026\u2062-12") == "双色球 2026-12"
    assert normal_description("a\u0301 b") == "á b"  # a combining accent shows: it is composed, not removed


# -- the sources a commitment names, and the values a reveal takes (draw spec v2 §4, §7a) ------------------------
SIGNATURE = "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b"
R_657413 = "fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587"
BEFORE = dt.datetime(2023, 9, 15, 10, 50, 0, tzinfo=dt.UTC)  # 10 min 3 s before quicknet round 657413


def test_a_commitment_names_a_drand_round_then_an_announcement() -> None:
    sources = named_sources(Requested(657413, None, " 福彩\u200b 2023-09-15 开奖 "), BEFORE)
    assert sources == [Drand(QUICKNET.hash, 657413), Announced("福彩 2023-09-15 开奖")]
    assert named_sources(Requested(announced="福彩"), BEFORE) == [Announced("福彩")]


@pytest.mark.parametrize(
    ("committed_at", "produced"),
    [
        (BEFORE + dt.timedelta(seconds=4), "less than 10 minutes after the commitment (2023-09-15 10:50:04 UTC)"),
        (
            dt.datetime(2023, 9, 16, tzinfo=dt.UTC),
            "less than 10 minutes after the commitment (2023-09-16 00:00:00 UTC)",
        ),
    ],
    ids=["9 min 59 s ahead", "a round already out: grinding with a known value"],
)
def test_a_drand_round_less_than_ten_minutes_ahead_is_refused(committed_at: dt.datetime, produced: str) -> None:
    with pytest.raises(UsageError) as caught:
        named_sources(Requested(drand_round=657413), committed_at)
    earliest = QUICKNET.first_round_at(committed_at + MIN_LEAD)
    assert str(caught.value) == (
        f"--drand-round: drand round 657413 is produced at 2023-09-15 11:00:03 UTC, {produced}: name round "
        f"{earliest} or later"
    )


@pytest.mark.parametrize("after", [None, BEFORE - dt.timedelta(days=1), BEFORE + dt.timedelta(minutes=9, seconds=59)])
def test_drand_after_names_the_first_round_ten_minutes_after_the_commitment(after: dt.datetime | None) -> None:
    (source,) = named_sources(Requested(drand_after=after or BEFORE), BEFORE)
    assert isinstance(source, Drand)
    produced = QUICKNET.round_time(source.round)
    assert produced >= BEFORE + MIN_LEAD > QUICKNET.round_time(source.round - 1)
    assert source.round == 657412  # produced at 11:00:00, exactly ten minutes after


def test_drand_after_a_later_time_names_the_first_round_not_before_it() -> None:
    later = dt.datetime(2026, 12, 1, 2, 0, 1, tzinfo=dt.UTC)
    (source,) = named_sources(Requested(drand_after=later), BEFORE)
    assert isinstance(source, Drand)
    assert QUICKNET.round_time(source.round - 1) < later <= QUICKNET.round_time(source.round)


@pytest.mark.parametrize(
    ("requested", "error"),
    [
        (
            Requested(),
            "--drand-round, --drand-after, --announced: name at least one source of the public randomness, e.g. "
            "--drand-after 2026-12-01T10:00+08:00 or --announced '福利彩票双色球 2026-12-01 开奖号码'",
        ),
        (
            Requested(657413, BEFORE),
            "--drand-round, --drand-after: give one of them (a drand round, or the time it may come after)",
        ),
        (Requested(drand_round=0), "--drand-round: a drand round is a whole number from 1, not 0"),
        (Requested(announced="\u200b "), EMPTY),
    ],
)
def test_a_request_without_exactly_its_sources_is_refused(requested: Requested, error: str) -> None:
    with pytest.raises(UsageError) as caught:
        named_sources(requested, BEFORE)
    assert str(caught.value) == error


def test_a_supplementary_round_takes_randomness_its_chain_did_not_use() -> None:
    used = [Drand(QUICKNET.hash, 657500), Announced("福彩 2023-09-15 开奖")]
    with pytest.raises(UsageError) as caught:
        named_sources(Requested(drand_round=657500), BEFORE, used)
    assert str(caught.value) == (
        "--drand-round: round 657500 is not later than drand round 657500, which this supplementary round's chain "
        "already used; a supplementary round needs fresh randomness: name a later round, or use --drand-after"
    )
    assert named_sources(Requested(drand_after=BEFORE), BEFORE, used) == [Drand(QUICKNET.hash, 657501)]
    assert named_sources(Requested(drand_round=657501), BEFORE, used) == [Drand(QUICKNET.hash, 657501)]
    with pytest.raises(UsageError) as caught:
        named_sources(Requested(announced="福彩\u200b 2023-09-15 开奖"), BEFORE, used)
    assert str(caught.value) == (
        "--announced: '福彩 2023-09-15 开奖' was already announced for this supplementary round's chain; a "
        "supplementary round needs fresh randomness: name another announcement"
    )
    assert named_sources(Requested(announced="福彩 2023-09-16 开奖"), BEFORE, used) == [
        Announced("福彩 2023-09-16 开奖")
    ]


def test_the_spec_vector_reveals_to_its_seed() -> None:
    sources = [Drand(QUICKNET.hash, 657413), Announced("…")]
    given = revealed(sources, f"  {SIGNATURE.upper()}\n", ["31415 92653 58979", "31415,92653,58979"])
    assert given == Revealed([SIGNATURE, "31415 92653 58979"], [R_657413, "31415 92653 58979"])
    c = H(CJ({"spec": "xinyong-draw-v2", "round": "330802-2026-12"}))
    assert derive_seed_v2(c, given.outputs).hex() == "d0537c9e4e6d7c6a73acfc5e7f748da60dd621e1d7a9ca61a653e541542744ec"


def test_an_announced_value_entered_twice_keeps_the_first_entry_as_entered() -> None:
    given = revealed([Announced("双色球")], None, ["05,12,17,22,28,33+14", "０５ １２ １７ ２２ ２８ ３３ １４"])
    assert given == Revealed(["05,12,17,22,28,33+14"], ["05 12 17 22 28 33 14"])


@pytest.mark.parametrize(
    ("sources", "signature", "entries", "error"),
    [
        (
            [Drand(QUICKNET.hash, 657414)],
            SIGNATURE,
            [],
            "--drand-signature: the signature does not verify for round 657414 of League of Entropy quicknet: it is "
            "not that round's value",
        ),
        (
            [Drand(QUICKNET.hash, 657413)],
            None,
            [],
            "--drand-signature: the round names drand round 657413 of League of Entropy quicknet (produced "
            "2023-09-15 11:00:03 UTC); give its signature, 96 hex characters, as drand publishes it: "
            f"https://api.drand.sh/{QUICKNET.hash}/public/657413",
        ),
        (
            [Drand(QUICKNET.hash, 657413)],
            SIGNATURE[:-2],
            [],
            "--drand-signature: the signature of drand round 657413 is 96 lower-case hex characters (a compressed "
            "BLS12-381 G1 point), not 94 characters",
        ),
        (
            [Announced("双色球")],
            SIGNATURE,
            ["1", "1"],
            "--drand-signature: the round names no drand round; give the announced value with --value",
        ),
        (
            [Announced("双色球")],
            None,
            ["05 12 17"],
            "--value: the round names 1 announced value(s), so it takes 2 --value entries (each announced value "
            "entered twice), not 1",
        ),
        (
            [Drand(QUICKNET.hash, 657413)],
            SIGNATURE,
            ["05 12 17", "05 12 17"],
            "--value: the round names 0 announced value(s), so it takes none, not 2",
        ),
        (
            [Announced("双色球")],
            None,
            ["05 12 17", "05 12 71"],
            "--value: the two entries of the announced value differ: '05 12 17' reads '05 12 17', '05 12 71' reads "
            "'05 12 71'; enter the announced value again, twice",
        ),
        (
            [Announced("双色球")],
            None,
            ["五 十二", "五 十二"],
            "--value: the announced value '五 十二' has no digit; enter the numbers as announced",
        ),
    ],
)
def test_a_value_that_is_not_the_sources_is_refused(
    sources: list[Source], signature: str | None, entries: list[str], error: str
) -> None:
    with pytest.raises(UsageError) as caught:
        revealed(sources, signature, entries)
    assert str(caught.value) == error
