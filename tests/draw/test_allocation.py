"""Sample sizes (spec §2): ratio mode never exceeds a stratum nor falls below its minimum; count mode hits n."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.draw.allocation import allocate, exact

sizes = st.dictionaries(st.sampled_from("ABCD"), st.integers(0, 5_000), min_size=1)
ratios = st.dictionaries(st.sampled_from("ABCD"), st.sampled_from(["0", "0.01", "0.05", "0.2", "0.6", "1"]))


@given(sizes, ratios, st.dictionaries(st.sampled_from("ABCD"), st.integers(0, 30)))
def test_ratio_mode_is_ceil_of_the_ratio_within_the_minimum_and_the_stratum(
    sizes: dict[str, int], ratios: dict[str, str], minimums: dict[str, int]
) -> None:
    n = allocate({"mode": "ratio", "ratios": ratios, "min": minimums}, sizes)
    for label, size in sizes.items():
        assert n[label] <= size
        assert n[label] >= min(size, minimums.get(label, 0))
        assert n[label] * 1 >= min(size, size * exact(ratios.get(label, "0")))


@given(sizes, st.integers(0, 2_000), st.dictionaries(st.sampled_from("ABCD"), st.sampled_from(["1", "2", "3.5"])))
def test_count_mode_gives_n_when_every_stratum_can_take_its_share(
    sizes: dict[str, int], n: int, weights: dict[str, str]
) -> None:
    got = allocate({"mode": "count", "n": n, "weights": weights}, sizes)
    assert all(got[label] <= size for label, size in sizes.items())
    if sum(sizes.values()) and all(got[label] < size for label, size in sizes.items()):
        assert sum(got.values()) == n


@pytest.mark.parametrize(
    ("value", "message"),
    [(0.05, "decimals are written as strings"), ("x", "not a decimal"), ("inf", "not a finite decimal")],
)
def test_decimals_are_exact_strings(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        exact(value)  # type: ignore[arg-type]


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="allocation mode must be ratio or count, not 'share'"):
        allocate({"mode": "share"}, {"A": 1})
