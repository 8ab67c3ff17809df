"""GB 32100-2015 check characters: the spec's vector, substitutions, and the vectorised check."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.core import uscc

bodies = st.text(alphabet=uscc.ALPHABET, min_size=17, max_size=17)


def test_spec_vector_is_valid() -> None:
    assert uscc.is_valid("91110000600037341L")  # docs/draw-spec.md §8
    assert uscc.check_character("91110000600037341") == "L"


def test_spec_frame_codes_are_valid() -> None:
    assert uscc.is_valid("91330802725854134A")
    assert uscc.is_valid("91330802MA29U0QJ36")


@pytest.mark.parametrize(
    "code", ["", "91110000600037341", "91110000600037341LL", "91110000600037341l", "9111000060003734IL", None]
)
def test_malformed_codes_are_invalid(code: str | None) -> None:
    if code is not None:
        assert not uscc.is_valid(code)
    assert uscc.valid_mask(pl.Series([code], dtype=pl.Utf8)).to_list() == [False]


def test_check_character_rejects_bad_body() -> None:
    with pytest.raises(ValueError, match="17 characters"):
        uscc.check_character("9111000060003734I")


@given(bodies)
def test_a_generated_code_is_valid_and_every_substitution_is_rejected(body: str) -> None:
    code = uscc.complete(body)
    assert uscc.is_valid(code)
    mutants = [code[:i] + c + code[i + 1 :] for i in range(18) for c in uscc.ALPHABET if c != code[i]]
    assert len(mutants) == 18 * 30
    assert not any(uscc.is_valid(m) for m in mutants)
    assert not any(uscc.valid_mask(pl.Series(mutants)).to_list())


@settings(max_examples=50)
@given(st.lists(st.one_of(bodies.map(uscc.complete), st.text(max_size=20), st.none()), max_size=40))
def test_vectorised_check_agrees_with_scalar(codes: list[str | None]) -> None:
    expected = [c is not None and uscc.is_valid(c) for c in codes]
    assert uscc.valid_mask(pl.Series(codes, dtype=pl.Utf8)).to_list() == expected
