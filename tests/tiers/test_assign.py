"""Cut-offs and override rules on small frames whose right answer is plain."""

from __future__ import annotations

import numpy as np
import polars as pl

from xinyong.tiers.assign import assign_tiers, cutoffs_for, top_reasons
from xinyong.tiers.policy import Override, Policy

POLICY = Policy(
    "model",
    {},
    {},
    (
        Override("R1", "dishonest → D", "set", "D", (("dishonest_listed", "==", 1.0),)),
        Override("R2", "abnormal → at least C", "at_least", "C", (("abnormal_listed", "==", 1.0),)),
    ),
)


def test_model_tiers_follow_the_cutoffs_and_rules_apply_in_order() -> None:
    frame = pl.DataFrame(
        {
            "uscc": list("abcdef"),
            "score": [0.01, 0.10, 0.30, 0.90, 0.01, 0.95],
            "dishonest_listed": [0, 0, 0, 0, 1, 0],
            "abnormal_listed": [0, 1, 0, 0, 1, 1],
        }
    )
    tiers = assign_tiers(frame, POLICY, [0.05, 0.2, 0.5])
    assert tiers.select("uscc", "model_tier", "tier", "rules").rows() == [
        ("a", "A", "A", ""),
        ("b", "B", "C", "R2"),
        ("c", "C", "C", ""),
        ("d", "D", "D", ""),
        ("e", "A", "D", "R1;R2"),
        ("f", "D", "D", "R2"),  # at_least never lowers
    ]


def test_cutoffs_from_shares_values_and_the_model() -> None:
    scores = np.linspace(0, 1, 101)
    shares = cutoffs_for(Policy("shares", {"A": 0.5, "B": 0.2, "C": 0.2, "D": 0.1}, {}, ()), scores, None)
    assert np.allclose(shares, [0.5, 0.7, 0.9])
    assert cutoffs_for(Policy("values", {}, {"A": 0.1, "B": 0.2, "C": 0.3}, ()), scores, None) == [0.1, 0.2, 0.3]
    assert cutoffs_for(Policy("model", {}, {}, ()), scores, {"A|B": 0.1, "B|C": 0.4, "C|D": 0.8}) == [0.1, 0.4, 0.8]


def test_reasons_are_the_largest_positive_contributions() -> None:
    features = pl.DataFrame({"x": [3.0, 1.0], "y": [5, 6], "z": [0.5, 0.25]})
    contributions = np.array([[0.4, -0.2, 0.9, -1.0], [-0.1, -0.3, -0.2, 0.0]])  # last column: bias
    reasons = top_reasons(contributions, features, ["x", "y", "z"], {"x": "甲", "y": "乙", "z": "丙"})
    assert reasons.row(0) == ("丙", "0.5", 0.9, "甲", "3", 0.4, None, None, None)
    assert reasons.row(1)[0] is None  # nothing pushes the second firm's risk up
