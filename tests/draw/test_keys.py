"""Keys and seed (spec §4–§6): batched keys equal single ones; every input changes the key; bad commitments refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.draw.keys import derive_seed, inspector_key, inspector_keys, unit_key, unit_keys

SEED = bytes.fromhex("02efbe14ca2b4d59a6d7e83b7cef9b704e169207bcea8f56c4e0f39b9dd586a1")
text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)


@given(st.lists(text, max_size=8))
def test_batched_unit_keys_equal_the_single_ones(usccs: list[str]) -> None:
    assert unit_keys(SEED, "P01", usccs) == [unit_key(SEED, "P01", u) for u in usccs]


@given(st.lists(text, max_size=8))
def test_batched_inspector_keys_equal_the_single_ones(ids: list[str]) -> None:
    assert inspector_keys(SEED, "P01", "91330802725854134A", ids) == [
        inspector_key(SEED, "P01", "91330802725854134A", i) for i in ids
    ]


@given(text, text, text, text)
def test_the_separator_keeps_plan_and_firm_apart(plan: str, firm: str, other_plan: str, other_firm: str) -> None:
    same = (plan, firm) == (other_plan, other_firm)
    assert (unit_key(SEED, plan, firm) == unit_key(SEED, other_plan, other_firm)) == same or "\n" in plan + other_plan


def test_unit_and_inspector_keys_of_the_same_inputs_differ_by_their_tags() -> None:
    assert unit_key(SEED, "P01", "X") != inspector_key(SEED, "P01", "X", "")


@pytest.mark.parametrize("commitment", ["", "ABC", "g" * 64, "A" * 64, "0" * 63])
def test_a_commitment_that_is_not_64_lower_case_hex_characters_is_refused(commitment: str) -> None:
    with pytest.raises(ValueError, match="the commitment hash is 64 lower-case hex characters"):
        derive_seed(commitment, "31415")


def test_batched_inspector_keys_give_the_spec_vector() -> None:
    keys = inspector_keys(SEED, "P01", "91330802725854134A", ["INS-0001", "INS-0002"])
    assert keys[0].hex() == "6359213dfcc12edbe53a96199ae03f78ec27d9fe0d339fc73c59899201e5936f"
