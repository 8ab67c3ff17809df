"""The work of guessing a round's strata from its public sizes (draw/secrecy.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xinyong.draw.secrecy import REFUSED_BELOW, WARNED_BELOW, guess_bits


def test_the_bits_add_over_plans_and_grow_with_each_frame() -> None:
    assert guess_bits({}) == 0 and guess_bits({"P09": 1}) == 1  # a one-firm plan: {"C": 1} is found at once
    assert guess_bits({"P01": 1023, "P02": 1023}) == 20
    assert (REFUSED_BELOW, WARNED_BELOW) == (40, 64)


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 10**7), max_size=6), st.integers(1, 10**7))
def test_another_plan_or_a_larger_frame_never_makes_the_strata_easier_to_guess(sizes: dict, more: int) -> None:
    assert guess_bits({**sizes, "extra-plan": more}) >= guess_bits(sizes)
    grown = {plan: size + more for plan, size in sizes.items()}
    assert guess_bits(grown) >= guess_bits(sizes)
