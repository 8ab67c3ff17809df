"""The tier inference of issue 14 (tests/draw/tier_inference.py): it narrows tiers on v1 public files, never
wrongly, and on v2 public files narrows nothing beyond the per-plan base rate."""

from __future__ import annotations

import hashlib
from fractions import Fraction
from pathlib import Path

import polars as pl

from tests.draw.bundle import build, salt
from tests.draw.tier_inference import infer_tiers, upper_threshold
from xinyong.core import uscc
from xinyong.core.canonical import records_of
from xinyong.draw.keys import V1
from xinyong.draw.plans import Plan, RatioAllocation
from xinyong.draw.secrecy import REFUSED_BELOW, guess_bits
from xinyong.draw.verify import verify_audit, verify_public
from xinyong.rounds.supplement import Replaced, needs, supplement_plans

# A plan that samples the low-risk tiers thinly and D heavily, over 2,000 firms: the v1 attack's best case.
PLAN = Plan(
    "P01",
    "企业公示信息双随机抽查",
    ("SJ-SC-01",),
    ("市场监管",),
    2,
    RatioAllocation({"A": "0.01", "B": "0.03", "C": "0.1", "D": "0.5"}),
)
SIZES = {"A": 1400, "B": 300, "C": 200, "D": 100}


def firms_by_tier() -> dict[str, str]:
    firms = [uscc.complete(f"91330802MA{k:07d}") for k in range(sum(SIZES.values()))]
    order = sorted(firms, key=lambda f: hashlib.sha256(f.encode()).digest())  # tiers not in USCC order
    tiers = [tier for tier, n in SIZES.items() for _ in range(n)]
    return dict(zip(order, tiers, strict=True))


def frame() -> pl.DataFrame:
    rows = [{"plan": "P01", "salt": salt("P01", f), "stratum": t, "uscc": f} for f, t in firms_by_tier().items()]
    return pl.DataFrame(rows).sort("plan", "uscc")


def v1_round(folder: Path) -> Path:
    """The round's public files as v1 made them: the strata in the commitment, keys in the selection."""
    return build(folder, version=V1, teams=False, table=frame(), round_plans=(PLAN,)).public


def test_the_threshold_bound_holds_for_the_order_statistic() -> None:
    assert upper_threshold(100, 100, 1e-9) == 1.0
    bound = upper_threshold(1400, 14, 1e-9)
    assert 0.01 < bound < 0.04  # the 14th smallest of 1,400 uniform keys is near 0.01, and below the bound


def test_on_v1_public_files_the_attack_narrows_tiers_and_is_never_wrong(tmp_path: Path) -> None:
    public = v1_round(tmp_path / "v1")
    assert "all 93 keys = H(unit tag, seed, plan, uscc)" in verify_public(public)
    inference = infer_tiers(public)
    truth = firms_by_tier()
    assert all(truth[u] in possible for (_, u), possible in inference.possible.items())  # no wrong inference
    proven_d = [u for (_, u), possible in inference.possible.items() if possible == {"D"}]
    selected_d = [u for (_, u) in inference.possible if truth[u] == "D"]
    assert len(selected_d) == 50 and len(proven_d) >= 20  # most selected D firms are shown to be D
    assert len(inference.narrowed) >= 40


def test_on_v2_public_files_the_same_frame_narrows_nothing(tmp_path: Path) -> None:
    bundle = build(tmp_path / "v2", teams=False, table=frame(), round_plans=(PLAN,))
    verify_audit(bundle.audit)
    inference = infer_tiers(bundle.public)
    assert len(inference.possible) == 93
    assert inference.narrowed == []
    assert set(inference.possible.values()) == {frozenset("ABCD")}  # every firm alike: the plan's tiers
    assert inference.base_rate == {"P01": Fraction(93, 2000)}
    assert inference.enumerated is None and inference.recovered is None  # far too many stratum splits to hash
    public = b"".join(p.read_bytes() for p in sorted(bundle.public.iterdir()))
    assert b'"stratum"' not in public and b'"key"' not in public


def test_a_one_firm_targeted_round_gives_its_stratum_away_so_its_preview_refuses_it(tmp_path: Path) -> None:
    """Draw spec v2 §4 hashes strata.json without a secret: the issue's one-firm frame is one of four guesses, so
    the spec's files of such a round tell the firm's tier (docs/draw-spec.md, "Known limits").  xinyong never
    commits one: its preview refuses a round whose strata take fewer than 2^40 guesses (tests/rounds/test_preview.py
    has the finding)."""
    targeted = Plan("P09", "定向抽查", ("SJ-SC-01",), ("市场监管",), 2, RatioAllocation(PLAN.allocation.ratios))
    firm = uscc.complete("91330802MA2000001")
    table = pl.DataFrame([{"plan": "P09", "salt": salt("P09", firm), "stratum": "C", "uscc": firm}])
    bundle = build(tmp_path / "one", teams=False, table=table, round_plans=(targeted,))
    assert records_of((bundle.public / "selected.jsonl").read_bytes()) == [{"plan": "P09", "uscc": firm}]
    inference = infer_tiers(bundle.public)
    assert inference.recovered == {"P09": {"C": 1}} and inference.possible == {("P09", firm): frozenset("C")}
    assert guess_bits({"P09": 1}) < REFUSED_BELOW


def test_a_plan_draws_only_the_tiers_its_allocation_gives_a_share() -> None:
    from tests.draw.tier_inference import drawable

    assert drawable(PLAN.allocation.to_record()) == frozenset("ABCD")
    assert drawable({"mode": "ratio", "ratios": {"B": "0.1", "D": "0"}, "min": {"D": 1}}) == frozenset("BD")
    assert drawable({"mode": "count", "n": 5, "weights": {"A": "0"}}) == frozenset("BCD")


def test_a_supplementary_round_reveals_no_tier(tmp_path: Path) -> None:
    """Two C firms of the parent replaced: the supplement's public plan shares its 2 draws as the parent does."""
    (again,) = supplement_plans(
        {"P01": PLAN}, needs([Replaced("P01", "F1", "C", "x"), Replaced("P01", "F2", "C", "x")])
    )
    bundle = build(tmp_path / "s", teams=False, table=frame(), round_plans=(again,))
    verify_audit(bundle.audit)
    inference = infer_tiers(bundle.public)
    assert len(inference.possible) == 2
    assert inference.narrowed == []
