"""A round end to end: the order is enforced, re-runs are byte-identical, tampering is caught, and an
independent implementation of the spec re-derives the demo round."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import DECEMBER, PLANS
from tests.draw.independent import rederive
from xinyong.errors import RoundStateError
from xinyong.rounds.run import build_frame, commit, draw, reveal
from xinyong.workspace.layout import RoundPaths


def test_the_round_commits_and_publishes_the_golden_plans(december_drawn: RoundPaths) -> None:
    from tests.rounds.golden_cases import GOLDEN

    assert (
        (december_drawn.audit / "plans.json").read_bytes()
        == (december_drawn.public / "plans.json").read_bytes()
        == GOLDEN.read_bytes()
    )


def test_an_independent_implementation_rederives_the_selection(december_drawn: RoundPaths) -> None:
    files = {p.name: p.read_bytes() for p in december_drawn.audit.iterdir()}
    assert rederive(files) == files["selection.jsonl"]


def test_public_files_carry_no_strata_and_no_tiers(december_drawn: RoundPaths, round_inputs: dict) -> None:
    from xinyong.publish.leaks import find_leaks

    for line in (december_drawn.public / "selection.jsonl").read_bytes().splitlines():
        assert set(json.loads(line)) == {"key", "plan", "uscc"}
    assert find_leaks(december_drawn.public, [round_inputs["tiers"]]) == []


def test_each_record_has_its_inclusion_probability(december_drawn: RoundPaths) -> None:
    inclusion = pl.read_parquet(december_drawn.internal / "inclusion.parquet")
    frame_size = json.loads((december_drawn.audit / "commitment.json").read_bytes())["frame_size"]
    assert inclusion.height == frame_size and inclusion["pi"].null_count() == 0
    per_stratum = inclusion.group_by("plan", "stratum").agg(pl.col("selected").mean(), pl.col("pi_value").first())
    assert (per_stratum["selected"] - per_stratum["pi_value"]).abs().max() < 1e-12  # n_h/N_h exactly


def test_rerunning_finished_steps_gives_byte_identical_files(december_drawn: RoundPaths, round_inputs: dict) -> None:
    before = {p.name: p.read_bytes() for p in december_drawn.audit.iterdir()}
    draw(december_drawn.out, DECEMBER)
    reveal(december_drawn.out, DECEMBER, "07 12 19 24 28 33 + 05")
    with pytest.raises(RoundStateError):
        build_frame(december_drawn.out, DECEMBER, PLANS, round_inputs["tiers"], round_inputs["clean"], rebuild=True)
    assert {p.name: p.read_bytes() for p in december_drawn.audit.iterdir()} == before


@pytest.mark.parametrize(("step", "needed"), [("draw", "revealed"), ("reveal", "committed"), ("commit", "framed")])
def test_steps_out_of_order_are_refused(step: str, needed: str, tmp_path: Path) -> None:
    call = {
        "draw": lambda: draw(tmp_path, DECEMBER),
        "reveal": lambda: reveal(tmp_path, DECEMBER, "1 2 3"),
        "commit": lambda: commit(tmp_path, DECEMBER, "lottery"),
    }[step]
    with pytest.raises(RoundStateError) as caught:
        call()
    assert str(caught.value) == (
        f"{tmp_path / 'rounds' / str(DECEMBER)}: round {DECEMBER} is not framed; `xinyong round {step}` needs it "
        f"{needed}: run `xinyong round frame` first"
    )


def test_second_commit_and_second_reveal_are_refused(round_inputs: dict, tmp_path: Path) -> None:
    built = build_frame(tmp_path, DECEMBER, PLANS, round_inputs["tiers"], round_inputs["clean"])
    kept = build_frame(tmp_path, DECEMBER, PLANS, round_inputs["tiers"], round_inputs["clean"])
    audit = RoundPaths(tmp_path, DECEMBER).audit
    assert built.rebuilt and built.size == len((audit / "frame.jsonl").read_bytes().splitlines()) > 0
    assert built.excluded == len((audit / "exclusions.jsonl").read_bytes().splitlines())
    assert (kept.rebuilt, kept.size, kept.excluded) == (False, built.size, None)
    commit(tmp_path, DECEMBER, "lottery")
    with pytest.raises(RoundStateError) as caught:
        commit(tmp_path, DECEMBER, "another lottery")
    assert str(caught.value) == f"round {DECEMBER} already has a commitment; a round is committed once"
    with pytest.raises(RoundStateError) as caught:
        draw(tmp_path, DECEMBER)
    assert str(caught.value) == (
        f"{RoundPaths(tmp_path, DECEMBER).folder}: round {DECEMBER} is committed; "
        "`xinyong round draw` needs it revealed: "
        "run `xinyong round reveal --value …` first"
    )
    reveal(tmp_path, DECEMBER, "first value")
    with pytest.raises(RoundStateError) as caught:
        reveal(tmp_path, DECEMBER, "a value the operator likes better")
    assert str(caught.value) == f"round {DECEMBER} already has its public randomness; a second reveal is refused"


def test_unstaffed_targets_need_an_explicit_logged_decision(
    december_staffed: RoundPaths, round_inputs: dict, tmp_path: Path
) -> None:
    from xinyong.rounds.run import finalize
    from xinyong.rounds.tasks import write_task_lists

    copy = tmp_path / "out"
    shutil.copytree(december_staffed.out, copy)
    audit = RoundPaths(copy, DECEMBER).audit
    unstaffed = (audit / "unstaffed.jsonl").read_bytes().splitlines()
    if not unstaffed:  # make one, so the refusal has something to refuse
        (audit / "unstaffed.jsonl").write_bytes(
            rb'{"plan":"P03","reason":"\u536b\u5065: 0 eligible","uscc":"X"}' + b"\n"
        )
        unstaffed = (audit / "unstaffed.jsonl").read_bytes().splitlines()
    with pytest.raises(RoundStateError) as caught:
        finalize(copy, DECEMBER)
    assert str(caught.value).startswith(f"round {DECEMBER} has {len(unstaffed)} unstaffed targets (e.g. ")
    assert str(caught.value).endswith("finalise only with --accept-unstaffed --reason '…', which is logged")
    with pytest.raises(RoundStateError) as caught:
        write_task_lists(copy, DECEMBER, round_inputs["clean"])
    assert str(caught.value) == (
        f"{RoundPaths(copy, DECEMBER).folder}: round {DECEMBER} is assigned; `xinyong round tasks` needs it finalised: "
        "run `xinyong round finalize` first"
    )
    decision = finalize(copy, DECEMBER, accept_unstaffed=True, reason="报上级统筹")
    assert decision.decision == "accepted unstaffed targets" and len(decision.unstaffed) == len(unstaffed)
    assert json.loads((audit / "decisions.jsonl").read_bytes().splitlines()[-1])["reason"] == "报上级统筹"
    assert (audit / "finalized.json").read_bytes() == decision.to_json()
    assert finalize(copy, DECEMBER) == decision  # once decided, the decision is read back
