"""The draw's bytes for awkward public values never move (golden files, regenerated only by script)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.draw.golden_cases import VALUES, selection_bytes
from tests.draw.independent import allocate

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", sorted(VALUES))
def test_selection_matches_its_golden_file(name: str) -> None:
    assert selection_bytes(VALUES[name]) == (GOLDEN / f"{name}.jsonl").read_bytes()


def test_different_values_give_different_draws() -> None:
    files = {(GOLDEN / f"{name}.jsonl").read_bytes() for name in VALUES}
    assert len(files) == len(VALUES)


def test_the_independent_allocation_agrees_on_the_golden_plans() -> None:
    from tests.draw.golden_cases import PLANS, frame
    from xinyong.draw.allocation import allocate as ours
    from xinyong.draw.selection import stratum_sizes

    for plan, strata in stratum_sizes(frame()).items():
        assert allocate(PLANS[plan], strata) == ours(PLANS[plan], strata)
