"""Selection properties: order-free, shardable, stratified, and each firm drawn with probability π."""

from __future__ import annotations

import hashlib

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chisquare

from xinyong.core import uscc
from xinyong.draw.allocation import allocate
from xinyong.draw.selection import candidates, draw_selection, finalize, stratum_sizes

ALLOCATION = {"mode": "ratio", "ratios": {"A": "0.1", "B": "0.25", "C": "0.5", "D": "0.9"}, "min": {"A": 1}}


def frame(n: int, seed: int, plans: tuple[str, ...] = ("P01", "P02")) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    firms = [uscc.complete(f"91330802{i:09d}") for i in range(n)]
    rows = [
        {"plan": p, "salt": "0" * 32, "stratum": str(rng.choice(list("ABCD"))), "uscc": f} for p in plans for f in firms
    ]
    return pl.DataFrame(rows).sort("plan", "uscc")


def sample_sizes(f: pl.DataFrame) -> dict:
    return {plan: allocate(ALLOCATION, sizes) for plan, sizes in stratum_sizes(f).items()}


def seed_of(i: int) -> bytes:
    return hashlib.sha256(f"test seed {i} 种子 ".encode()).digest()


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 60), order_seed=st.integers(0, 10**6), draw=st.integers(0, 10**6))
def test_shuffling_the_frame_changes_nothing(n: int, order_seed: int, draw: int) -> None:
    f = frame(n, seed=n)
    shuffled = f.sample(fraction=1.0, shuffle=True, seed=order_seed)
    assert draw_selection(shuffled, sample_sizes(f), seed_of(draw)).equals(
        draw_selection(f, sample_sizes(f), seed_of(draw))
    )


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 80), shards=st.integers(1, 7), draw=st.integers(0, 10**6))
def test_drawing_shard_by_shard_and_merging_equals_one_draw(n: int, shards: int, draw: int) -> None:
    f = frame(n, seed=n + 1)
    wanted, sizes = sample_sizes(f), stratum_sizes(f)
    parts = [candidates(f.filter(pl.int_range(pl.len()) % shards == k), wanted, seed_of(draw)) for k in range(shards)]
    assert finalize(pl.concat(parts), wanted, sizes).equals(draw_selection(f, wanted, seed_of(draw)))


def test_every_stratum_gets_exactly_its_sample_size_and_pi() -> None:
    f = frame(200, seed=3)
    wanted, sizes = sample_sizes(f), stratum_sizes(f)
    chosen = draw_selection(f, wanted, seed_of(1))
    for (plan, stratum), part in chosen.group_by("plan", "stratum"):
        assert part.height == wanted[plan][stratum]
        assert set(part["pi"]) == {f"{wanted[plan][stratum]}/{sizes[plan][stratum]}"}
        assert sorted(part["rank"].to_list()) == list(range(1, part.height + 1))
    assert chosen.select("plan", "key").rows() == sorted(chosen.select("plan", "key").rows())


def test_inclusion_frequency_over_2000_seeds_matches_pi() -> None:
    f = frame(40, seed=5, plans=("P01",))
    wanted, sizes = sample_sizes(f), stratum_sizes(f)
    counts = dict.fromkeys(f["uscc"], 0)
    for i in range(2000):
        for firm in draw_selection(f, wanted, seed_of(i))["uscc"]:
            counts[firm] += 1
    for stratum, size in sizes["P01"].items():
        members = f.filter(pl.col("stratum") == stratum)["uscc"].to_list()
        observed = np.array([counts[m] for m in members])
        expected = np.full(len(members), 2000 * wanted["P01"][stratum] / size)
        if 0 < wanted["P01"][stratum] < size:
            assert chisquare(observed, expected).pvalue > 0.001, (stratum, observed, expected)
        else:
            assert np.array_equal(observed, expected)  # all or none: exactly π = 1 or 0
