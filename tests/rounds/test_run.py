"""A round end to end: the order is enforced, re-runs are byte-identical, tampering is caught, and an
independent implementation of the spec re-derives the demo round."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import DECEMBER, NOVEMBER, PLANS
from tests.draw.independent import rederive, rederive_reassignments
from xinyong.draw.verify import verify_audit
from xinyong.errors import RoundStateError
from xinyong.estimate.run import estimate_round
from xinyong.indicators.run import write_features
from xinyong.publish import translog
from xinyong.publish.leaks import find_leaks
from xinyong.publish.run import disclose
from xinyong.publish.translog import verify_log
from xinyong.results.check import current_results
from xinyong.results.run import import_results, read_results, results_status
from xinyong.rounds.run import assign, build_frame, commit, draw, finalize, reassign, reveal
from xinyong.rounds.staffing import read_staffing
from xinyong.rounds.tasks import write_task_lists
from xinyong.synth.outcomes import simulate_results
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


# -- after finalisation: teams change only by reassignment; a damaged committed round is refused ----------
NOV_DAY = dt.date(2026, 11, 5)


def copy_round(paths: RoundPaths, tmp_path: Path) -> RoundPaths:
    out = tmp_path / "out"
    shutil.copytree(paths.out, out)
    return RoundPaths(out, paths.round_id)


def files_under(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_assign_after_finalize_is_refused_and_the_teams_stay(
    small_november: RoundPaths, small_inputs: dict, tmp_path: Path
) -> None:
    paths = copy_round(small_november, tmp_path)
    before = files_under(paths.out)
    with pytest.raises(RoundStateError) as caught:
        assign(paths.out, NOVEMBER, small_inputs["clean"])
    assert str(caught.value) == (
        f"{paths.folder}: round {NOVEMBER} is finalised; teams change only by `xinyong round reassign "
        f"--round {NOVEMBER} --plan … --uscc … --inspector … --reason '…'`, which is logged"
    )
    assert files_under(paths.out) == before


def first_staffed(paths: RoundPaths) -> tuple[tuple[str, str], list[str]]:
    return next((target, team) for target, team in sorted(read_staffing(paths).teams().items()) if team)


STEPS: dict[str, Callable[[RoundPaths, dict], object]] = {
    "round frame": lambda p, i: build_frame(p.out, p.round_id, PLANS, i["tiers"], i["clean"], rebuild=True),
    "round reveal": lambda p, i: reveal(p.out, p.round_id, f"{p.round_id.month}: 03 09 14 22 27 31 + 11"),
    "round draw": lambda p, i: draw(p.out, p.round_id),
    "round assign": lambda p, i: assign(p.out, p.round_id, i["clean"]),
    "round finalize": lambda p, i: finalize(p.out, p.round_id),
    "round reassign": lambda p, i: reassign(
        p.out, p.round_id, *first_staffed(p)[0], first_staffed(p)[1][0], "病假", today=NOV_DAY
    ),
    "round tasks": lambda p, i: write_task_lists(p.out, p.round_id, i["clean"]),
    "results import": lambda p, i: import_results(p.out, p.out / "form.xlsx", today=p.round_id.last_day),
    "results status": lambda p, i: results_status(p.out, p.round_id, p.round_id.last_day),
    "estimate": lambda p, i: estimate_round(p.out, p.round_id),
    "disclose": lambda p, i: disclose(p.out, p.out / "public", i["clean"], today=p.round_id.last_day),
    "features": lambda p, i: write_features(i["clean"], dt.date(2026, 11, 30), p.out / "internal" / "f.parquet", p.out),
}


@pytest.mark.parametrize("command", list(STEPS))
def test_every_later_step_refuses_a_round_whose_frame_changed_after_the_commitment(
    command: str, small_november: RoundPaths, small_inputs: dict, tmp_path: Path
) -> None:
    paths = copy_round(small_november, tmp_path)
    simulate_results(
        paths.out,
        NOVEMBER,
        small_inputs["truth"],
        small_inputs["clean"],
        paths.out / "form.xlsx",
        last_day=NOVEMBER.last_day,
    )
    frame = paths.audit / "frame.jsonl"
    frame.write_bytes(frame.read_bytes().replace(b'"stratum":"A"', b'"stratum":"B"', 1))
    before = files_under(paths.out)
    with pytest.raises(RoundStateError) as caught:
        STEPS[command](paths, small_inputs)
    assert str(caught.value) == (
        f"{frame}: changed after the commitment (frame_root differs); `xinyong {command}` is refused: "
        "restore it from the auditor bundle (docs/draw-spec.md §7, “Restoring a committed round”)"
    )
    assert files_under(paths.out) == before


def test_the_next_month_is_not_framed_while_a_committed_round_before_it_is_not_finalised(
    small_inputs: dict, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build_frame(out, NOVEMBER, PLANS, small_inputs["tiers"], small_inputs["clean"])
    commit(out, NOVEMBER, "福利彩票双色球 2026-11-01 开奖号码")
    reveal(out, NOVEMBER, "03 09 14 22 27 31 + 11")
    draw(out, NOVEMBER)
    with pytest.raises(RoundStateError) as caught:
        build_frame(out, DECEMBER, PLANS, small_inputs["tiers"], small_inputs["clean"])
    assert str(caught.value) == (
        f"{RoundPaths(out, NOVEMBER).folder}: round {NOVEMBER} is drawn, not finalised, so its targets are not "
        f"inspection history yet and round {DECEMBER} could draw them again; finish it first "
        f"(`xinyong round assign --round {NOVEMBER}`)"
    )
    assert not RoundPaths(out, DECEMBER).folder.exists()
    assign(out, NOVEMBER, small_inputs["clean"])
    finalize(out, NOVEMBER, accept_unstaffed=True, reason="test round")
    assert build_frame(out, DECEMBER, PLANS, small_inputs["tiers"], small_inputs["clean"]).excluded > 0


def test_reveal_on_a_damaged_committed_round_is_refused_and_the_restored_round_goes_on(
    small_inputs: dict, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    paths = RoundPaths(out, NOVEMBER)
    build_frame(out, NOVEMBER, PLANS, small_inputs["tiers"], small_inputs["clean"])
    commit(out, NOVEMBER, "福利彩票双色球 2026-11-01 开奖号码")
    bundle = Path(shutil.copytree(paths.audit, tmp_path / "bundle-copy"))  # the copy handed to the auditors
    (paths.audit / "frame.jsonl").unlink()  # lost: the round now reads as not even framed
    for command, step in (
        ("round reveal", lambda: reveal(out, NOVEMBER, "03 09 14 22 27 31 + 11")),
        ("round frame", lambda: build_frame(out, NOVEMBER, PLANS, small_inputs["tiers"], small_inputs["clean"])),
    ):
        with pytest.raises(RoundStateError) as caught:
            step()
        assert str(caught.value) == (
            f"{paths.audit / 'frame.jsonl'}: missing, but round {NOVEMBER} is committed; `xinyong {command}` is "
            "refused: restore it from the auditor bundle (docs/draw-spec.md §7, “Restoring a committed round”)"
        )
    assert not (paths.audit / "randomness.json").exists()
    shutil.copy(bundle / "frame.jsonl", paths.audit / "frame.jsonl")  # docs/draw-spec.md §7: restore, then go on
    reveal(out, NOVEMBER, "03 09 14 22 27 31 + 11")
    draw(out, NOVEMBER)
    assert "selection.jsonl re-derived byte for byte" in verify_audit(paths.audit)


def test_a_reassignment_takes_the_next_candidate_is_logged_and_verifies(
    small_november: RoundPaths, small_inputs: dict, tmp_path: Path
) -> None:
    paths = copy_round(small_november, tmp_path)
    target, team = first_staffed(paths)
    log_before = len(translog.entries(paths.public_root))
    change = reassign(paths.out, NOVEMBER, *target, team[0], " 回避：与该企业法定代表人系近亲属 ", today=NOV_DAY)
    assert (change.leaving, change.reason, change.effective) == (team[0], "回避：与该企业法定代表人系近亲属", NOV_DAY)
    assert change.joining not in team and change.team == (change.joining, *team[1:])
    files = {p.name: p.read_bytes() for p in paths.audit.iterdir()}
    assert rederive_reassignments(files) == files["reassignments.jsonl"]  # an independent reading of the rule
    assert read_staffing(paths).team(target) == list(change.team)
    assert read_staffing(paths).team(target, NOV_DAY - dt.timedelta(days=1)) == team
    line = files["reassignments.jsonl"].splitlines()[-1]
    assert translog.entries(paths.public_root)[log_before:] == [
        {
            "kind": "reassignment",
            "plan": target[0],
            "round": str(NOVEMBER),
            "sha256": hashlib.sha256(line).hexdigest(),
            "uscc": target[1],
        }
    ]
    verify_log(paths.public_root)
    assert find_leaks(paths.public_root, [small_inputs["tiers"]]) == []
    assert all(i not in (paths.public_root / "log" / "entries.jsonl").read_text() for i in (*team, change.joining))
    # Asked again, the same reassignment is the one on record: nothing changes.
    before = files_under(paths.out)
    assert reassign(paths.out, NOVEMBER, *target, team[0], "回避：与该企业法定代表人系近亲属", today=NOV_DAY) == change
    assert files_under(paths.out) == before
    assert "reassignments.jsonl: each of 1 replacements is the next eligible candidate by key" in verify_audit(
        paths.audit
    )
    # The task lists name the new team; results are accepted from the team on record on their day.
    write_task_lists(paths.out, NOVEMBER, small_inputs["clean"])
    assert paths.inspector_list(change.joining).with_suffix(".csv").is_file()
    form = simulate_results(
        paths.out,
        NOVEMBER,
        small_inputs["truth"],
        small_inputs["clean"],
        paths.out / "form.xlsx",
        last_day=NOVEMBER.last_day,
    )
    assert import_results(paths.out, form, today=NOVEMBER.last_day).added == len(
        [t for t in read_staffing(paths).teams().values() if t]
    )
    # Once the target has a result, its team stays as it inspected.
    result = current_results(read_results(paths.out, NOVEMBER))[target]
    with pytest.raises(RoundStateError) as caught:
        reassign(paths.out, NOVEMBER, *target, change.team[1], "离岗", today=NOV_DAY)
    assert str(caught.value) == (
        f"{target[0]} {target[1]} already has result {result['id']}; the team that inspected stays on record"
    )
