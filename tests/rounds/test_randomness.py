"""The randomness description is committed in one normal form, and a blank one is refused."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.errors import UsageError
from xinyong.rounds.randomness import invisible, normal_description

EMPTY = (
    "--randomness: the description of the public random value is empty; say how and when it will be obtained, "
    "e.g. '福利彩票双色球 2026-12-01 开奖号码'"
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
