"""The randomness description is committed in one normal form, and a blank one is refused."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.errors import UsageError
from xinyong.rounds.randomness import ZERO_WIDTH, normal_description

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


@pytest.mark.parametrize("blank", ["", " ", "\t\n", "\u3000", "\u200b", " \ufeff\u2060 ", "\u200c\u200d"])
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
    assert not set(normal) & set(ZERO_WIDTH)
    assert normal_description(normal) == normal
