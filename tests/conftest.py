"""Shared fixtures: generated regions are made once per test session (they are deterministic)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from xinyong.core.ids import RoundId
from xinyong.rounds.randomness import Requested
from xinyong.synth import RegionSpec, generate_region
from xinyong.workspace.layout import SHIPPED_CHAMPION, SHIPPED_POLICY, RoundPaths, shipped_plans

REPO = Path(__file__).resolve().parent.parent
# The shipped defaults (package data): the default plans of the default region, the policy, the champion.
PLANS = shipped_plans("330802")
POLICY = SHIPPED_POLICY
CHAMPION = SHIPPED_CHAMPION
INGEST_DAY = dt.date(2026, 11, 27)
# The clock of steps that record when they ran (finalize, results import), injected as the CLI injects the real one.
NOW = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
SMALL = RegionSpec(enterprises=3_000, months=24, seed=11)


@pytest.fixture(scope="session")
def default_region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 柯城区-like default region: 60,000 firms, 36 months."""
    path = tmp_path_factory.mktemp("region-default")
    generate_region(path, RegionSpec())
    return path


@pytest.fixture(scope="session")
def small_region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("region-small")
    generate_region(path, SMALL)
    return path


@pytest.fixture(scope="session")
def round_inputs(default_region: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The default region ingested, with tiers as of the ends of October (for December's round) and
    September (for November's), from the shipped champion."""
    from xinyong.indicators.run import write_features
    from xinyong.ingest.run import ingest
    from xinyong.tiers.run import run_tiers

    root = tmp_path_factory.mktemp("round-inputs")
    ingest(default_region, root / "clean", today=INGEST_DAY)
    tiers = {}
    for as_of in (dt.date(2026, 9, 30), dt.date(2026, 10, 31)):
        features = root / "internal" / f"features-{as_of}.parquet"
        write_features(root / "clean", as_of, features)
        tiers[as_of] = root / "internal" / f"tiers-{as_of}.parquet"
        run_tiers(features, CHAMPION, POLICY, tiers[as_of])
    return {
        "clean": root / "clean",
        "tiers": tiers[dt.date(2026, 10, 31)],
        "tiers_september": tiers[dt.date(2026, 9, 30)],
        "truth": default_region / "truth",
    }


NOVEMBER = RoundId.parse("330802-2026-11", "NOVEMBER")
APPROVED_AT = dt.datetime(2026, 10, 30, 1, 0, tzinfo=dt.UTC)
COMMITTED_AT = dt.datetime(2026, 10, 30, 2, 0, tzinfo=dt.UTC)  # the clock of `round commit` in tests


def announced(description: str) -> Requested:
    """A commitment's one source: a value to be announced in public, as ``round commit --announced`` names it."""
    return Requested(announced=description)


def twice(value: str) -> tuple[str, str]:
    """An announced value as ``round reveal`` takes it: entered twice (``--value … --value …``)."""
    return (value, value)


def approve_round(out: Path, round_id: RoundId, by: str = "测试审批人") -> None:
    """Preview a framed round and approve that preview, as ``round preview`` and ``round approve --by`` do."""
    from xinyong.rounds.run import approve, preview_round

    _, sha = preview_round(out, round_id)
    approve(out, round_id, by, APPROVED_AT, sha)


@pytest.fixture(scope="session")
def november_round(round_inputs: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Round 330802-2026-11 (tiers as of September), drawn, staffed and finalised: the OUT folder."""
    from xinyong.rounds.run import assign, build_frame, commit, draw, finalize, reveal

    out = tmp_path_factory.mktemp("november") / "out"
    build_frame(out, NOVEMBER, PLANS, round_inputs["tiers_september"], round_inputs["clean"])
    approve_round(out, NOVEMBER)
    commit(out, NOVEMBER, announced("福利彩票双色球 2026-11-01 开奖号码"), now=COMMITTED_AT)
    reveal(out, NOVEMBER, values=twice("03 09 14 22 27 31 + 11"))
    draw(out, NOVEMBER)
    assign(out, NOVEMBER)
    finalize(out, NOVEMBER, accept_unstaffed=True, reason="test round: the generated roster is small", now=NOW)
    return out


DECEMBER = RoundId.parse("330802-2026-12", "DECEMBER")


def full_round(out: Path, inputs: dict, value: str = "07 12 19 24 28 33 + 05") -> RoundPaths:
    """Round 330802-2026-12 (tiers as of October) framed, approved, committed, revealed and drawn into ``out``."""
    from xinyong.rounds.run import build_frame, commit, draw, reveal

    build_frame(out, DECEMBER, PLANS, inputs["tiers"], inputs["clean"])
    approve_round(out, DECEMBER)
    commit(out, DECEMBER, announced("福利彩票双色球 2026-12-01 开奖号码"), now=COMMITTED_AT)
    reveal(out, DECEMBER, values=twice(value))
    draw(out, DECEMBER)
    return RoundPaths(out, DECEMBER)


@pytest.fixture(scope="session")
def december_drawn(round_inputs: dict, tmp_path_factory: pytest.TempPathFactory) -> RoundPaths:
    """Round 330802-2026-12 drawn, teams not yet assigned (tests copy it before changing anything)."""
    return full_round(tmp_path_factory.mktemp("round") / "out", round_inputs)


@pytest.fixture(scope="session")
def december_staffed(
    december_drawn: RoundPaths, round_inputs: dict, tmp_path_factory: pytest.TempPathFactory
) -> RoundPaths:
    """The drawn December round, copied, with its teams assigned."""
    from xinyong.rounds.run import assign

    copy = tmp_path_factory.mktemp("staffed") / "out"
    shutil.copytree(december_drawn.out, copy)
    assign(copy, DECEMBER)
    return RoundPaths(copy, DECEMBER)


@pytest.fixture(scope="session")
def small_inputs(small_region: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The small region (3,000 firms) ingested, with tiers as of the end of October from the shipped champion:
    rounds on it take a second, for tests of the round steps that need no default-sized region."""
    from xinyong.indicators.run import write_features
    from xinyong.ingest.run import ingest
    from xinyong.tiers.run import run_tiers

    root = tmp_path_factory.mktemp("small-inputs")
    ingest(small_region, root / "clean", today=INGEST_DAY)
    features = root / "internal" / "features.parquet"
    write_features(root / "clean", dt.date(2026, 10, 31), features)
    run_tiers(features, CHAMPION, POLICY, root / "internal" / "tiers.parquet")
    return {"clean": root / "clean", "tiers": root / "internal" / "tiers.parquet", "truth": small_region / "truth"}


def finalised_round(out: Path, inputs: dict, round_id: RoundId, tiers: Path | None = None) -> RoundPaths:
    """``round_id`` framed, previewed, approved, committed, revealed, drawn, staffed and finalised into ``out``."""
    from xinyong.rounds.run import assign, build_frame, commit, draw, finalize, reveal

    build_frame(out, round_id, PLANS, tiers or inputs["tiers"], inputs["clean"])
    approve_round(out, round_id)
    commit(out, round_id, announced(f"福利彩票双色球 {round_id.month}-01 开奖号码"), now=COMMITTED_AT)
    reveal(out, round_id, values=twice(f"{round_id.month}: 03 09 14 22 27 31 + 11"))
    draw(out, round_id)
    assign(out, round_id)
    finalize(out, round_id, accept_unstaffed=True, reason="test round: the generated roster is small", now=NOW)
    return RoundPaths(out, round_id)


@pytest.fixture(scope="session")
def small_november(small_inputs: dict, tmp_path_factory: pytest.TempPathFactory) -> RoundPaths:
    """Round 330802-2026-11 on the small region, finalised (tests copy its OUT before changing anything)."""
    return finalised_round(tmp_path_factory.mktemp("small-november") / "out", small_inputs, NOVEMBER)


@pytest.fixture(scope="session")
def small_world(small_region: Path, tmp_path_factory: pytest.TempPathFactory):
    """The small region taken through every step of round 330802-2026-11 once, with the output folder
    before and after each step (:mod:`tests.crash`)."""
    from tests.crash import build_world

    return build_world(tmp_path_factory.mktemp("small-world"), small_region)


@pytest.fixture
def guessable_strata_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hand-made rounds of a few firms (tests/rounds/hand_round.py) are far below the preview's secrecy threshold
    (xinyong.draw.secrecy: their strata are guessable from the public sizes); tests of the preview's other rules
    on them lower it.  tests/rounds/test_preview.py checks the real thresholds."""
    monkeypatch.setattr("xinyong.rounds.preview.REFUSED_BELOW", 0)
    monkeypatch.setattr("xinyong.rounds.preview.WARNED_BELOW", 0)
