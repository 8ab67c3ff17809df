"""Month-on-month tier monitoring on hand-made months: migration, shares, PSI alarm, override counts."""

from __future__ import annotations

import datetime as dt

import polars as pl

from xinyong.tiers.monitor import tier_monitoring


def _month(as_of: dt.date, rows: list[tuple[str, str, float, str | None, int]]) -> pl.DataFrame:
    """Tier-file rows: uscc, tier, score, rules, age_months (a numeric indicator); entity_type is categorical."""
    uscc, tier, score, rules, age = zip(*rows, strict=True)
    return pl.DataFrame(
        {
            "uscc": uscc,
            "as_of": [as_of] * len(rows),
            "tier": tier,
            "score": score,
            "rules": rules,
            "age_months": age,
            "entity_type": ["有限责任公司"] * len(rows),
        }
    )


PREVIOUS = _month(
    dt.date(2026, 9, 30),
    [("a", "A", 0.1, None, 10), ("b", "B", 0.2, None, 20), ("c", "C", 0.3, "R1", 30), ("d", "D", 0.4, "R1;R2", 40)],
)
FIRMS = pl.DataFrame({"uscc": ["a", "b", "c", "e"], "grid": ["G1", "G1", "G2", "G2"], "section": ["F", "F", "F", "C"]})


def test_migration_counts_shares_and_overrides_follow_the_firms() -> None:
    current = _month(
        dt.date(2026, 10, 31),
        [("a", "A", 0.1, None, 11), ("b", "C", 0.2, "R2", 21), ("c", "C", 0.3, None, 31), ("e", "D", 0.4, "R1", 1)],
    )
    data = tier_monitoring(current, PREVIOUS, FIRMS)
    assert data["as_of"] == {"previous": "2026-09-30", "current": "2026-10-31"}
    assert data["counts"] == {"previous": {"A": 1, "B": 1, "C": 1, "D": 1}, "current": {"A": 1, "B": 0, "C": 2, "D": 1}}
    moved = {(b, a): n for b, row in data["migration"].items() for a, n in row.items() if n}
    assert moved == {("A", "A"): 1, ("B", "C"): 1, ("C", "C"): 1}  # d left, e is new: in one month only
    assert data["shares"]["grid"] == {
        "G1": {"A": 0.5, "B": 0.0, "C": 0.5, "D": 0.0},
        "G2": {"A": 0.0, "B": 0.0, "C": 0.5, "D": 0.5},
    }
    assert data["shares"]["section"] == {
        "C": {"A": 0, "B": 0, "C": 0, "D": 1.0},
        "F": {"A": 1 / 3, "B": 0, "C": 2 / 3, "D": 0},
    }
    assert data["overrides"] == {"R1": {"previous": 2, "current": 1}, "R2": {"previous": 1, "current": 1}}
    assert set(data["psi"]) == {"score", "age_months"}  # categorical indicators have no PSI here


def test_only_a_shifted_score_raises_the_alarm() -> None:
    same = tier_monitoring(PREVIOUS.with_columns(pl.lit(dt.date(2026, 10, 31)).alias("as_of")), PREVIOUS, FIRMS)
    assert same["psi"] == {"score": 0.0, "age_months": 0.0} and same["alerts"] == []
    higher = PREVIOUS.with_columns(pl.col("score") + 1)  # every firm now above last month's top bin
    assert tier_monitoring(higher, PREVIOUS, FIRMS)["alerts"] == ["score"]
