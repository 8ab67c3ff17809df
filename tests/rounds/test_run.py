"""A round end to end: the order is enforced, re-runs are byte-identical, tampering is caught, and an
independent implementation of the spec re-derives the demo round."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import APPROVED_AT, COMMITTED_AT, DECEMBER, NOVEMBER, NOW, PLANS, announced, approve_round, twice
from tests.draw.independent import rederive, rederive_reassignments
from tests.rounds.hand_round import P01, P02, ROUND, write_round
from xinyong.core.canonical import CJ, H, jsonl, lines_of, mth, records_of
from xinyong.draw.plans import CountAllocation, parse_plans_json, plans_json
from xinyong.draw.sources import QUICKNET, Announced, Drand
from xinyong.draw.verify import verify_audit
from xinyong.errors import InputFileError, RoundStateError, UsageError
from xinyong.estimate.run import estimate_round
from xinyong.indicators.run import write_features
from xinyong.publish import translog
from xinyong.publish.leaks import find_leaks
from xinyong.publish.run import disclose
from xinyong.publish.translog import verify_log
from xinyong.results.check import current_results
from xinyong.results.run import import_results, read_results, results_status
from xinyong.rounds.randomness import Requested
from xinyong.rounds.run import (
    Committed,
    approve,
    assign,
    build_frame,
    commit,
    draw,
    finalize,
    preview_round,
    reassign,
    reveal,
)
from xinyong.rounds.staffing import read_staffing
from xinyong.rounds.stage import Stage, record_written, stage_of
from xinyong.rounds.supplement import shares
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


def test_public_files_carry_no_strata_no_keys_and_no_tiers(december_drawn: RoundPaths, round_inputs: dict) -> None:
    from xinyong.publish.leaks import find_leaks

    assert sorted(p.name for p in december_drawn.public.iterdir()) == [
        "commitment.json",
        "plans.json",
        "randomness.json",
        "selected.jsonl",
    ]
    selected = (december_drawn.public / "selected.jsonl").read_bytes()
    selection = records_of((december_drawn.audit / "selection.jsonl").read_bytes())
    assert selected == jsonl(
        sorted(({"plan": r["plan"], "uscc": r["uscc"]} for r in selection), key=lambda r: (r["plan"], r["uscc"]))
    )
    commitment = json.loads((december_drawn.public / "commitment.json").read_bytes())
    assert "strata" not in commitment and set(commitment["sizes"]["P01"]) == {"frame", "selected"}
    assert not any(
        k in (december_drawn.public / name).read_text()
        for k in ("salt", "stratum")
        for name in ("commitment.json", "selected.jsonl")
    )
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
    reveal(december_drawn.out, DECEMBER, values=twice("07 12 19 24 28 33 + 05"))
    with pytest.raises(RoundStateError):
        build_frame(december_drawn.out, DECEMBER, PLANS, round_inputs["tiers"], round_inputs["clean"], rebuild=True)
    assert {p.name: p.read_bytes() for p in december_drawn.audit.iterdir()} == before


@pytest.mark.parametrize(
    ("step", "needed"),
    [
        ("draw", "revealed"),
        ("reveal", "committed"),
        ("commit", "approved"),
        ("approve", "previewed"),
        ("preview", "framed"),
    ],
)
def test_steps_out_of_order_are_refused(step: str, needed: str, tmp_path: Path) -> None:
    call = {
        "draw": lambda: draw(tmp_path, DECEMBER),
        "reveal": lambda: reveal(tmp_path, DECEMBER, values=twice("1 2 3")),
        "commit": lambda: commit(tmp_path, DECEMBER, announced("lottery"), now=COMMITTED_AT),
        "approve": lambda: approve(tmp_path, DECEMBER, "张三", APPROVED_AT),
        "preview": lambda: preview_round(tmp_path, DECEMBER),
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
    approve_round(tmp_path, DECEMBER)
    paths = RoundPaths(tmp_path, DECEMBER)
    build_frame(tmp_path, DECEMBER, PLANS, round_inputs["tiers"], round_inputs["clean"], rebuild=True)
    # the new frame (new salts) is not the one approved: its preview and approval are gone
    assert not any(p.exists() for p in (paths.internal / "preview.json", paths.audit / "approval.json"))
    assert stage_of(paths) == Stage.FRAMED
    approve_round(tmp_path, DECEMBER)
    commit(tmp_path, DECEMBER, announced("lottery"), now=COMMITTED_AT)
    with pytest.raises(RoundStateError) as caught:
        commit(tmp_path, DECEMBER, announced("another lottery"), now=COMMITTED_AT)
    assert str(caught.value) == f"round {DECEMBER} already has a commitment; a round is committed once"
    with pytest.raises(RoundStateError) as caught:
        draw(tmp_path, DECEMBER)
    assert str(caught.value) == (
        f"{RoundPaths(tmp_path, DECEMBER).folder}: round {DECEMBER} is committed; "
        "`xinyong round draw` needs it revealed: "
        "run `xinyong round reveal --value …` first"
    )
    reveal(tmp_path, DECEMBER, values=twice("first value: 1 2 3"))
    with pytest.raises(RoundStateError) as caught:
        reveal(tmp_path, DECEMBER, values=twice("a value the operator likes better: 4 5 6"))
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
        record_written(RoundPaths(copy, DECEMBER), "unstaffed.jsonl")  # as if assign had written it
        unstaffed = (audit / "unstaffed.jsonl").read_bytes().splitlines()
    with pytest.raises(RoundStateError) as caught:
        finalize(copy, DECEMBER, now=NOW)
    assert str(caught.value).startswith(f"round {DECEMBER} has {len(unstaffed)} unstaffed targets (e.g. ")
    assert str(caught.value).endswith("finalise only with --accept-unstaffed --reason '…', which is logged")
    with pytest.raises(RoundStateError) as caught:
        write_task_lists(copy, DECEMBER, round_inputs["clean"])
    assert str(caught.value) == (
        f"{RoundPaths(copy, DECEMBER).folder}: round {DECEMBER} is assigned; `xinyong round tasks` needs it finalised: "
        "run `xinyong round finalize` first"
    )
    decision = finalize(copy, DECEMBER, accept_unstaffed=True, reason="报上级统筹", now=NOW)
    assert decision.decision == "accepted unstaffed targets" and len(decision.unstaffed) == len(unstaffed)
    assert json.loads((audit / "decisions.jsonl").read_bytes().splitlines()[-1])["reason"] == "报上级统筹"
    assert (audit / "finalized.json").read_bytes() == decision.to_json()
    assert finalize(copy, DECEMBER, now=NOW) == decision  # once decided, the decision is read back


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
        assign(paths.out, NOVEMBER)
    assert str(caught.value) == (
        f"{paths.folder}: round {NOVEMBER} is finalised; teams change only by `xinyong round reassign "
        f"--round {NOVEMBER} --plan … --uscc … --inspector … --reason '…'`, which is logged"
    )
    assert files_under(paths.out) == before


def first_staffed(paths: RoundPaths) -> tuple[tuple[str, str], list[str]]:
    return next((target, team) for target, team in sorted(read_staffing(paths).teams().items()) if team)


STEPS: dict[str, Callable[[RoundPaths, dict], object]] = {
    "round frame": lambda p, i: build_frame(p.out, p.round_id, PLANS, i["tiers"], i["clean"], rebuild=True),
    "round reveal": lambda p, i: reveal(p.out, p.round_id, values=twice(f"{p.round_id.month}: 03 09 14 22 27 31 + 11")),
    "round draw": lambda p, i: draw(p.out, p.round_id),
    "round assign": lambda p, i: assign(p.out, p.round_id),
    "round finalize": lambda p, i: finalize(p.out, p.round_id, now=NOW),
    "round reassign": lambda p, i: reassign(
        p.out, p.round_id, *first_staffed(p)[0], first_staffed(p)[1][0], "病假", today=NOV_DAY
    ),
    "round tasks": lambda p, i: write_task_lists(p.out, p.round_id, i["clean"]),
    "results import": lambda p, i: import_results(p.out, p.out / "form.xlsx", today=p.round_id.last_day, now=NOW),
    "results status": lambda p, i: results_status(p.out, p.round_id, p.round_id.last_day),
    "estimate": lambda p, i: estimate_round(p.out, p.round_id),
    "disclose": lambda p, i: disclose(p.out, p.out / "public", i["clean"], today=p.round_id.last_day),
    "features": lambda p, i: write_features(i["clean"], dt.date(2026, 11, 30), p.out / "internal" / "f.parquet", p.out),
}


# A committed file edited by hand: a stratum moved; a firm's station changed (which 所所交叉 reads, so the teams
# could be steered); a stratum's size changed.
EDITS = {
    "frame.jsonl": ("frame_root", b'"stratum":"A"', b'"stratum":"B"'),
    "targets.jsonl": ("targets_root", "市场监管所".encode(), "市场监管所 ".encode()),
    "strata.json": ("strata_sha256", b'"A":', b'"A":1'),
}


@pytest.mark.parametrize("name", list(EDITS))
@pytest.mark.parametrize("command", list(STEPS))
def test_every_later_step_refuses_a_round_whose_committed_files_changed_after_the_commitment(
    command: str, name: str, small_november: RoundPaths, small_inputs: dict, tmp_path: Path
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
    field, old, new = EDITS[name]
    edited = paths.audit / name
    assert old in edited.read_bytes()
    edited.write_bytes(edited.read_bytes().replace(old, new, 1))
    before = files_under(paths.out)
    with pytest.raises(RoundStateError) as caught:
        STEPS[command](paths, small_inputs)
    assert str(caught.value) == (
        f"{edited}: changed after the commitment ({field} differs); `xinyong {command}` is refused: "
        "restore it from the auditor bundle (docs/draw-spec.md §7, “Restoring a committed round”)"
    )
    assert files_under(paths.out) == before


def test_the_next_month_is_not_framed_while_a_committed_round_before_it_is_not_finalised(
    small_inputs: dict, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build_frame(out, NOVEMBER, PLANS, small_inputs["tiers"], small_inputs["clean"])
    approve_round(out, NOVEMBER)
    commit(out, NOVEMBER, announced("福利彩票双色球 2026-11-01 开奖号码"), now=COMMITTED_AT)
    reveal(out, NOVEMBER, values=twice("03 09 14 22 27 31 + 11"))
    draw(out, NOVEMBER)
    with pytest.raises(RoundStateError) as caught:
        build_frame(out, DECEMBER, PLANS, small_inputs["tiers"], small_inputs["clean"])
    assert str(caught.value) == (
        f"{RoundPaths(out, NOVEMBER).folder}: round {NOVEMBER} is drawn, not finalised, so its targets are not "
        f"inspection history yet and round {DECEMBER} could draw them again; finish it first "
        f"(`xinyong round assign --round {NOVEMBER}`)"
    )
    assert not RoundPaths(out, DECEMBER).folder.exists()
    assign(out, NOVEMBER)
    finalize(out, NOVEMBER, accept_unstaffed=True, reason="test round", now=NOW)
    assert build_frame(out, DECEMBER, PLANS, small_inputs["tiers"], small_inputs["clean"]).excluded > 0


def test_reveal_on_a_damaged_committed_round_is_refused_and_the_restored_round_goes_on(
    small_inputs: dict, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    paths = RoundPaths(out, NOVEMBER)
    build_frame(out, NOVEMBER, PLANS, small_inputs["tiers"], small_inputs["clean"])
    approve_round(out, NOVEMBER)
    commit(out, NOVEMBER, announced("福利彩票双色球 2026-11-01 开奖号码"), now=COMMITTED_AT)
    bundle = Path(shutil.copytree(paths.audit, tmp_path / "bundle-copy"))  # the copy handed to the auditors
    (paths.audit / "frame.jsonl").unlink()  # lost: the round now reads as not even framed
    for command, step in (
        ("round reveal", lambda: reveal(out, NOVEMBER, values=twice("03 09 14 22 27 31 + 11"))),
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
    reveal(out, NOVEMBER, values=twice("03 09 14 22 27 31 + 11"))
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
    assert translog.entries(paths.public_root)[log_before + 1 :] == [  # after the entry naming the checkpoint before
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
    log = b"".join(p.read_bytes() for p in (paths.public_root / "log").rglob("*") if p.is_file())
    assert all(i.encode() not in log for i in (*team, change.joining))
    # Asked again, the same reassignment is the one on record: nothing changes.
    before = files_under(paths.out)
    assert reassign(paths.out, NOVEMBER, *target, team[0], "回避：与该企业法定代表人系近亲属", today=NOV_DAY) == change
    assert files_under(paths.out) == before
    assert "reassignments.jsonl: each of 1 replacements is the next eligible candidate by key" in verify_audit(
        paths.audit
    )
    # The task lists name the new team; results are accepted from the team on record on their day.
    write_task_lists(paths.out, NOVEMBER, small_inputs["clean"])
    joining = (
        pl.read_parquet(small_inputs["clean"] / "inspectors.parquet")
        .filter(pl.col("inspector_id") == change.joining)["name"]
        .item()
    )
    assert paths.inspector_list(change.joining, joining).with_suffix(".csv").is_file()
    form = simulate_results(
        paths.out,
        NOVEMBER,
        small_inputs["truth"],
        small_inputs["clean"],
        paths.out / "form.xlsx",
        last_day=NOVEMBER.last_day,
    )
    assert import_results(paths.out, form, today=NOVEMBER.last_day, now=NOW).added == len(
        [t for t in read_staffing(paths).teams().values() if t]
    )
    # Once the target has a result, its team stays as it inspected.
    result = current_results(read_results(paths.out, NOVEMBER))[target]
    with pytest.raises(RoundStateError) as caught:
        reassign(paths.out, NOVEMBER, *target, change.team[1], "离岗", today=NOV_DAY)
    assert str(caught.value) == (
        f"{target[0]} {target[1]} already has result {result['id']}; the team that inspected stays on record"
    )


# -- preview and approval, before the commitment (issue 12), on the hand-made round ----------------
@pytest.mark.usefixtures("guessable_strata_allowed")
def test_commit_needs_an_approval_of_the_current_preview(tmp_path: Path) -> None:
    paths = write_round(tmp_path)
    with pytest.raises(RoundStateError) as caught:
        commit(tmp_path, ROUND, announced("lottery"), now=COMMITTED_AT)
    assert str(caught.value) == (
        f"{paths.folder}: round {ROUND} is framed; `xinyong round commit` needs it approved: "
        "run `xinyong round preview` first"
    )
    result, sha = preview_round(tmp_path, ROUND)
    assert result.errors == () and sha == H((paths.internal / "preview.json").read_bytes())
    with pytest.raises(RoundStateError) as caught:
        commit(tmp_path, ROUND, announced("lottery"), now=COMMITTED_AT)
    assert str(caught.value).endswith("needs it approved: run `xinyong round approve --by NAME` first")
    approval = approve(tmp_path, ROUND, "  张三 ", APPROVED_AT, sha)
    audit = paths.audit
    assert (audit / "approval.json").read_bytes() == CJ(
        {
            "approved_at": "2026-10-30T01:00:00+00:00",
            "approved_by": "张三",
            "frame_root": mth(lines_of((audit / "frame.jsonl").read_bytes())),
            "inspectors_root": mth(lines_of((audit / "inspectors.jsonl").read_bytes())),
            "plans_sha256": H((audit / "plans.json").read_bytes()),
            "preview_sha256": sha,
            "round": str(ROUND),
        }
    )
    commit(tmp_path, ROUND, announced("lottery"), now=COMMITTED_AT)
    commitment = json.loads((audit / "commitment.json").read_bytes())
    assert (commitment["frame_root"], commitment["plans_sha256"], commitment["inspectors_root"]) == (
        approval.frame_root,
        approval.plans_sha256,
        approval.inspectors_root,
    )
    with pytest.raises(RoundStateError) as caught:
        preview_round(tmp_path, ROUND)
    assert str(caught.value) == (
        f"round {ROUND} is committed; it was previewed and approved before ({audit / 'approval.json'})"
    )
    with pytest.raises(RoundStateError) as caught:
        approve(tmp_path, ROUND, "李四", APPROVED_AT)
    assert str(caught.value) == f"round {ROUND} is committed; its approval is closed ({audit / 'approval.json'})"


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_the_preview_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    paths = write_round(tmp_path)
    _, sha = preview_round(tmp_path, ROUND)
    first = {name: (paths.internal / name).read_bytes() for name in ("preview.json", "preview.xlsx")}
    _, again = preview_round(tmp_path, ROUND)
    assert again == sha and {name: (paths.internal / name).read_bytes() for name in first} == first
    sheet = pl.read_excel(paths.internal / "preview.xlsx", sheet_name="分层")
    assert sheet.columns[:3] == ["计划编号", "抽查计划", "信用风险分类"] and sheet.height == 8


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_a_preview_with_errors_cannot_be_approved(tmp_path: Path) -> None:
    oversize = replace(P02, allocation=CountAllocation(5, {"A": "1", "B": "1", "C": "2", "D": "1"}))
    paths = write_round(tmp_path, plans=(P01, oversize))
    result, sha = preview_round(tmp_path, ROUND)
    assert [e.message for e in result.errors] == ["plan P02: allocation n = 5 is larger than its frame of 4 firms"]
    with pytest.raises(RoundStateError) as caught:
        approve(tmp_path, ROUND, "张三", APPROVED_AT, sha)
    assert str(caught.value) == (
        f"round {ROUND}: the preview has 1 error(s) and cannot be approved (first: plan P02: allocation n = 5 is "
        "larger than its frame of 4 firms); correct the plans or the roster, then run xinyong round frame --rebuild "
        "and xinyong round preview"
    )
    assert not (paths.audit / "approval.json").exists()


def test_a_round_whose_strata_can_be_guessed_cannot_be_approved_so_never_committed(tmp_path: Path) -> None:
    """The hand round's frames of 18 and 4 firms: its strata are a few guesses of strata_sha256 away."""
    paths = write_round(tmp_path)
    _, sha = preview_round(tmp_path, ROUND)
    with pytest.raises(RoundStateError) as caught:
        approve(tmp_path, ROUND, "张三", APPROVED_AT, sha)
    assert str(caught.value) == (
        f"round {ROUND}: the preview has 1 error(s) and cannot be approved (first: strata: the per-tier sizes of "
        "this round (frames of P01 18, P02 4 firms) could be found from its public sizes in about 2^7 guesses of "
        "strata_sha256; at least 2^40 are needed: draw these plans together with others in one round); correct the "
        "plans or the roster, then run xinyong round frame --rebuild and xinyong round preview"
    )
    assert not (paths.audit / "approval.json").exists()
    with pytest.raises(RoundStateError):
        commit(tmp_path, ROUND, announced("福利彩票双色球 2026-12-01 开奖号码"), now=NOW)
    assert not (paths.audit / "commitment.json").exists()


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_files_changed_after_the_preview_need_a_new_preview(tmp_path: Path) -> None:
    paths = write_round(tmp_path)
    _, sha = preview_round(tmp_path, ROUND)
    (paths.audit / "plans.json").write_bytes(plans_json((P01, replace(P02, team_size=3))))
    with pytest.raises(RoundStateError) as caught:
        approve(tmp_path, ROUND, "张三", APPROVED_AT, sha)
    assert str(caught.value) == (
        f"round {ROUND}: the frame, plans or roster changed since the preview; run xinyong round preview again"
    )
    _, new = preview_round(tmp_path, ROUND)
    assert new != sha and approve(tmp_path, ROUND, "张三", APPROVED_AT, new).preview_sha256 == new


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_files_changed_after_the_approval_refuse_the_commit(tmp_path: Path) -> None:
    paths = write_round(tmp_path)
    approve_round(tmp_path, ROUND)
    frame = paths.audit / "frame.jsonl"
    frame.write_bytes(b"".join(frame.read_bytes().splitlines(keepends=True)[1:]))  # one firm fewer
    with pytest.raises(RoundStateError) as caught:
        commit(tmp_path, ROUND, announced("lottery"), now=COMMITTED_AT)
    assert str(caught.value) == (
        f"round {ROUND}: no approval of the current frame and plans; run xinyong round preview, then "
        "xinyong round approve --by NAME"
    )
    assert not (paths.audit / "commitment.json").exists() and not paths.public_root.exists()
    preview_round(tmp_path, ROUND)  # a preview of other files withdraws the approval of the old ones
    assert not (paths.audit / "approval.json").exists() and stage_of(paths) == Stage.PREVIEWED


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_a_new_preview_of_the_same_files_keeps_the_approval(tmp_path: Path) -> None:
    paths = write_round(tmp_path)
    approve_round(tmp_path, ROUND)
    before = (paths.audit / "approval.json").read_bytes()
    preview_round(tmp_path, ROUND)
    assert (paths.audit / "approval.json").read_bytes() == before and stage_of(paths) == Stage.APPROVED


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_approve_names_the_preview_and_the_approver(tmp_path: Path) -> None:
    write_round(tmp_path)
    _, sha = preview_round(tmp_path, ROUND)
    with pytest.raises(UsageError) as caught:
        approve(tmp_path, ROUND, "张三", APPROVED_AT, "0" * 64)
    assert str(caught.value) == (
        f"--preview: {'0' * 64} is not the current preview of round {ROUND} ({sha}); read the current one before "
        "approving it"
    )
    with pytest.raises(UsageError) as caught:
        approve(tmp_path, ROUND, " \u3000 ", APPROVED_AT)
    assert str(caught.value) == "--by: the approver's name is empty"
    first = approve(tmp_path, ROUND, "张三", APPROVED_AT)
    later = APPROVED_AT + dt.timedelta(hours=2)
    assert approve(tmp_path, ROUND, "张三", later) == first  # approved already: unchanged
    with pytest.raises(RoundStateError) as caught:
        approve(tmp_path, ROUND, "李四", later)
    assert str(caught.value) == (
        f"round {ROUND}: preview {sha} is already approved by 张三 at 2026-10-30T01:00:00+00:00"
    )


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_damaged_round_files_are_one_error_naming_the_file(tmp_path: Path) -> None:
    paths = write_round(tmp_path)
    (paths.audit / "plans.json").write_bytes(b"not json")
    with pytest.raises(InputFileError) as caught:
        preview_round(tmp_path, ROUND)
    assert str(caught.value) == (
        f"{paths.audit / 'plans.json'}: damaged, not as xinyong wrote it (JSONDecodeError: Expecting value: line 1 "
        "column 1 (char 0)); build the frame again with xinyong round frame --rebuild"
    )
    write_round(tmp_path)
    approve_round(tmp_path, ROUND)
    (paths.audit / "approval.json").write_bytes(b'{"round": "330802-2026-12"}')
    with pytest.raises(InputFileError) as caught:
        commit(tmp_path, ROUND, announced("lottery"), now=COMMITTED_AT)
    assert str(caught.value).startswith(
        f"{paths.audit / 'approval.json'}: damaged, not as xinyong wrote it (TypeError: "
    )
    assert str(caught.value).endswith("; remove it, run xinyong round preview and approve again")


# -- on the small world (tests/crash.py): the randomness description, and steps cut short -------------
def base(world, step: str, tmp_path: Path) -> Path:
    """A copy of the small world's work folder as it is just before ``step``."""
    return Path(shutil.copytree(world.bases[step], tmp_path / "out"))


def cut_short_at(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The round steps' next write of a file called ``name`` never happens: the machine stops there."""
    import xinyong.rounds.run as steps

    real = steps.fsio.write_bytes

    def write_bytes(target: Path, data: bytes, **options: object) -> None:
        if target.name == name:
            monkeypatch.setattr(steps.fsio, "write_bytes", real)
            raise KeyboardInterrupt
        real(target, data, **options)

    monkeypatch.setattr(steps.fsio, "write_bytes", write_bytes)


def test_every_salt_is_sixteen_bytes_as_32_hex_digits(small_world, tmp_path: Path) -> None:
    from tests.crash import ROUND

    frame = (RoundPaths(small_world.references["frame"], ROUND).audit / "frame.jsonl").read_bytes()
    salts = [json.loads(line)["salt"] for line in frame.splitlines()]
    assert len(salts) > 2000 and all(re.fullmatch("[0-9a-f]{32}", s) for s in salts)  # ~1 in 256 ended in 00
    assert len(set(salts)) == len(salts)


def test_commit_fixes_targets_and_strata_and_names_its_sources_in_advance(small_world, tmp_path: Path) -> None:
    from tests.crash import ROUND

    out = base(small_world, "commit", tmp_path)
    paths = RoundPaths(out, ROUND)
    after = dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 Beijing time on the round's first day
    requested = Requested(drand_after=after, announced="\ufeff 福利彩票双色球\u200b 2026-11-01 开奖号码\u3000\n")
    committed = commit(out, ROUND, requested, now=COMMITTED_AT)
    data = (paths.audit / "commitment.json").read_bytes()
    audit = {name: (paths.audit / name).read_bytes() for name in ("frame.jsonl", "plans.json", "inspectors.jsonl")}
    frame = pl.DataFrame(records_of(audit["frame.jsonl"]))
    strata = {
        plan: dict(sorted(rows.group_by("stratum").len().iter_rows())) for (plan,), rows in frame.group_by("plan")
    }
    assert (paths.audit / "strata.json").read_bytes() == CJ(strata)
    targets = (paths.audit / "targets.jsonl").read_bytes()
    assert [json.loads(line)["uscc"] for line in lines_of(targets)] == sorted(set(frame["uscc"]))
    plans = parse_plans_json(audit["plans.json"])
    drand = QUICKNET.first_round_at(after)
    assert QUICKNET.round_time(drand) >= COMMITTED_AT + dt.timedelta(minutes=10)
    assert data == CJ(
        {
            "spec": "xinyong-draw-v2",
            "round": str(ROUND),
            "frame_root": mth(lines_of(audit["frame.jsonl"])),
            "frame_size": frame.height,
            "plans_sha256": H(audit["plans.json"]),
            "inspectors_root": mth(lines_of(audit["inspectors.jsonl"])),
            "targets_root": mth(lines_of(targets)),
            "strata_sha256": H(CJ(strata)),
            "sizes": {
                plan: {"frame": sum(n.values()), "selected": sum(plans[plan].sample_sizes(n).values())}
                for plan, n in strata.items()
            },
            "parent": None,
            "randomness": {
                "sources": [
                    {"chain": QUICKNET.hash, "kind": "drand", "round": drand},
                    {"description": "福利彩票双色球 2026-11-01 开奖号码", "kind": "announced"},
                ]
            },
            "committed_at": "2026-10-30T02:00:00+00:00",
        }
    )
    assert committed == Committed(
        H(data),
        (Drand(QUICKNET.hash, drand), Announced("福利彩票双色球 2026-11-01 开奖号码")),
        "2026-10-30T02:00:00+00:00",
        normalised=True,
    )
    # Only the commitment and the plans are public: the strata and the targets are the auditors'.
    assert sorted(p.name for p in paths.public.iterdir()) == ["commitment.json", "plans.json"]
    later = COMMITTED_AT + dt.timedelta(days=1)
    assert commit(
        out, ROUND, Requested(drand_after=after, announced="福利彩票双色球 2026-11-01 开奖号码"), now=later
    ).c == (committed.c)  # the same request: the commitment it made, whenever asked
    with pytest.raises(RoundStateError) as caught:
        commit(out, ROUND, Requested(drand_after=after), now=COMMITTED_AT)
    assert str(caught.value) == f"round {ROUND} already has a commitment; a round is committed once"


def test_a_drand_round_produced_before_or_within_ten_minutes_of_the_commitment_is_refused(
    small_world, tmp_path: Path
) -> None:
    from tests.crash import ROUND

    out = base(small_world, "commit", tmp_path)
    before = files_under(out)
    now = dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC)
    for known in (QUICKNET.first_round_at(now - dt.timedelta(hours=1)), QUICKNET.first_round_at(now) + 199):
        with pytest.raises(UsageError) as caught:
            commit(out, ROUND, Requested(drand_round=known), now=now)
        assert str(caught.value).startswith(f"--drand-round: drand round {known} is produced at ")
        assert str(caught.value).endswith(
            f": name round {QUICKNET.first_round_at(now + dt.timedelta(minutes=10))} or later"
        )
    assert files_under(out) == before  # nothing prepared, nothing logged
    committed = commit(out, ROUND, Requested(drand_round=QUICKNET.first_round_at(now) + 200), now=now)
    assert committed.sources == (Drand(QUICKNET.hash, QUICKNET.first_round_at(now) + 200),)


def test_a_commit_cut_short_after_logging_is_finished_by_its_rerun_and_cannot_be_redone_otherwise(
    small_world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.crash import PLANS, RANDOMNESS, ROUND
    from xinyong.publish.translog import logged_files, verify_log

    out = base(small_world, "commit", tmp_path)
    paths = RoundPaths(out, ROUND)
    cut_short_at(monkeypatch, "commitment.json")  # logged, then killed before the public and audit files
    with pytest.raises(KeyboardInterrupt):
        commit(out, ROUND, announced(RANDOMNESS), now=COMMITTED_AT)
    assert not (paths.audit / "commitment.json").exists()
    with pytest.raises(RoundStateError) as caught:  # the log says committed: the frame stays as committed
        build_frame(out, ROUND, PLANS, small_world.tiers, small_world.clean, rebuild=True)
    assert str(caught.value) == f"round {ROUND} is committed; its frame, plans and roster can no longer change"
    with pytest.raises(RoundStateError) as caught:
        commit(out, ROUND, announced("another lottery"), now=COMMITTED_AT)
    assert str(caught.value) == (
        f"{paths.public / 'commitment.json'}: the transparency log already holds another commitment.json of round "
        f"{ROUND} (entry {logged_files(paths.public_root)[f'rounds/{ROUND}/commitment.json'][1]}); a published "
        "document never changes: run the step again with the inputs it was first run with"
    )
    commit(out, ROUND, announced(RANDOMNESS), now=COMMITTED_AT + dt.timedelta(hours=5))  # run again, later
    reference = RoundPaths(small_world.references["commit"], ROUND)
    assert (paths.audit / "commitment.json").read_bytes() == (reference.audit / "commitment.json").read_bytes()
    assert verify_log(paths.public_root).size == verify_log(reference.public_root).size


def test_a_commit_cut_short_before_logging_is_made_again_at_the_time_it_runs_again(
    small_world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.crash import RANDOMNESS, ROUND

    out = base(small_world, "commit", tmp_path)
    paths = RoundPaths(out, ROUND)
    cut_short_at(monkeypatch, "strata.json")  # prepared, not logged
    with pytest.raises(KeyboardInterrupt):
        commit(out, ROUND, announced(RANDOMNESS), now=COMMITTED_AT)
    assert stage_of(paths) == Stage.APPROVED and not paths.public_root.exists()
    later = COMMITTED_AT + dt.timedelta(hours=5)
    assert commit(out, ROUND, announced(RANDOMNESS), now=later).committed_at == "2026-10-30T07:00:00+00:00"


def test_a_reveal_cut_short_after_logging_takes_no_second_value(
    small_world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.crash import ROUND, VALUE
    from xinyong.publish.translog import verify_log

    out = base(small_world, "reveal", tmp_path)
    cut_short_at(monkeypatch, "randomness.json")
    with pytest.raises(KeyboardInterrupt):
        reveal(out, ROUND, values=twice(VALUE))
    with pytest.raises(RoundStateError) as caught:
        reveal(out, ROUND, values=twice("a value the operator likes better: 4 5 6"))
    assert "the transparency log already holds another randomness.json of round" in str(caught.value)
    assert reveal(out, ROUND, values=twice(VALUE)) == reveal(
        small_world.references["reveal"], ROUND, values=twice(VALUE)
    )
    verify_log(out / "public")


def test_a_finalize_cut_short_after_logging_its_decision_keeps_that_one_decision(
    small_world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.crash import REASON, ROUND
    from xinyong.rounds.run import finalize

    out = base(small_world, "finalize", tmp_path)
    audit = RoundPaths(out, ROUND).audit
    cut_short_at(monkeypatch, "finalized.json")
    with pytest.raises(KeyboardInterrupt):
        finalize(out, ROUND, accept_unstaffed=True, reason=REASON, now=NOW)
    logged = (audit / "decisions.jsonl").read_bytes()
    decision = finalize(out, ROUND, accept_unstaffed=True, reason=REASON, now=NOW)
    assert (audit / "decisions.jsonl").read_bytes() == logged and len(logged.splitlines()) == 1
    assert (audit / "finalized.json").read_bytes() + b"\n" == logged == decision.to_json() + b"\n"


@pytest.mark.parametrize("name", ["commitment.json", "randomness.json", "selection.jsonl", "assignment.jsonl"])
def test_a_later_step_refuses_an_audit_file_changed_since_the_step_that_wrote_it(
    name: str, small_november: RoundPaths, small_inputs: dict, tmp_path: Path
) -> None:
    paths = copy_round(small_november, tmp_path)
    damaged = paths.audit / name
    damaged.write_bytes(damaged.read_bytes().replace(b"}", b', "x":1}', 1))
    before = files_under(paths.out)
    with pytest.raises(RoundStateError) as caught:
        write_task_lists(paths.out, NOVEMBER, small_inputs["clean"])
    assert str(caught.value) == (
        f"{damaged}: changed since the step that wrote it; `xinyong round tasks` is refused: "
        "restore it from the auditor bundle (docs/draw-spec.md §7, “Restoring a committed round”)"
    )
    damaged.unlink()
    with pytest.raises(RoundStateError) as caught:
        write_task_lists(paths.out, NOVEMBER, small_inputs["clean"])
    assert str(caught.value).startswith(f"{damaged}: missing, but round {NOVEMBER} is committed; ")
    assert {p: b for p, b in files_under(paths.out).items() if p != damaged} == {
        p: b for p, b in before.items() if p != damaged
    }


def test_assign_again_before_finalize_gives_the_teams_drawn(
    december_staffed: RoundPaths, round_inputs: dict, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(december_staffed.out, out)
    paths = RoundPaths(out, DECEMBER)
    clean = tmp_path / "clean"
    shutil.copytree(round_inputs["clean"], clean)
    # Each drawn team has just inspected its target: drawn afresh, rotation would change every team.
    teams = [a for a in records_of((paths.audit / "assignment.jsonl").read_bytes()) if a["team"]][:5]
    past = pl.read_parquet(clean / "inspections.parquet")
    extra = past.head(len(teams)).with_columns(
        pl.Series("uscc", [a["uscc"] for a in teams]),
        pl.Series("inspector_1", [a["team"][0] for a in teams]),
        pl.Series("inspector_2", [a["team"][1] for a in teams]),
        pl.lit(dt.date(2026, 11, 20)).alias("inspection_date"),
    )
    pl.concat([past, extra]).write_parquet(clean / "inspections.parquet")
    before = files_under(paths.audit)
    again = assign(out, DECEMBER, clean)
    assert files_under(paths.audit) == before
    assert [a.record() for a in again] == records_of((paths.audit / "assignment.jsonl").read_bytes())


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_preview_of_a_round_whose_tier_record_is_missing_is_one_error(tmp_path: Path) -> None:
    from tests.rounds.hand_round import ROUND, write_round

    paths = write_round(tmp_path / "out")
    (paths.internal / "tiers-used.json").unlink()
    with pytest.raises(InputFileError) as caught:
        preview_round(paths.out, ROUND)
    assert str(caught.value) == (
        f"{paths.internal / 'tiers-used.json'}: missing; build the frame again with xinyong round frame --rebuild"
    )


# -- draw spec v2: nothing read after the commitment moves a team; supplementary rounds (§7a) ----------------------
def test_assign_reads_no_firm_data_but_the_committed_targets(small_world, tmp_path: Path) -> None:
    """The registry's station and legal representative of every drawn firm, and its inspection history, changed
    after the commitment: under v1 rules read at assign time they would move teams; the v2 teams do not move."""
    from tests.crash import ROUND
    from xinyong.draw.teams import Firm, eligibility

    out = base(small_world, "assign", tmp_path)
    paths = RoundPaths(out, ROUND)
    reference = RoundPaths(small_world.references["assign"], ROUND)
    drawn = [a for a in records_of((reference.audit / "assignment.jsonl").read_bytes()) if a["team"]]
    clean = Path(shutil.copytree(small_world.clean, tmp_path / "clean"))
    roster = records_of((paths.audit / "inspectors.jsonl").read_bytes())
    stations = {r["id"]: r["station"] for r in roster}
    registry = pl.read_parquet(clean / "enterprises.parquet")
    firm_station = {a["uscc"]: stations[a["team"][0]] for a in drawn}  # each firm now at its first member's station
    registry.with_columns(
        pl.col("uscc").replace_strict(firm_station, default=pl.col("station")).alias("station"),
        pl.when(pl.col("uscc").is_in(list(firm_station)))
        .then(pl.lit("LR-NEW"))
        .otherwise("legal_rep_id")
        .alias("legal_rep_id"),
    ).write_parquet(clean / "enterprises.parquet")
    past = pl.read_parquet(clean / "inspections.parquet")  # …and each drawn team inspected its firm in October
    pl.concat(
        [
            past,
            past.head(len(drawn)).with_columns(
                pl.Series("uscc", [a["uscc"] for a in drawn]),
                pl.Series("inspector_1", [a["team"][0] for a in drawn]),
                pl.Series("inspector_2", [a["team"][1] for a in drawn]),
                pl.lit(dt.date(2026, 10, 20)).alias("inspection_date"),
            ),
        ]
    ).write_parquet(clean / "inspections.parquet")
    assign(out, ROUND, clean)  # given a clean folder, a v2 round reads none of it
    for name in ("eligibility.jsonl", "assignment.jsonl", "eligibility-exclusions.jsonl", "unstaffed.jsonl"):
        assert (paths.audit / name).read_bytes() == (reference.audit / name).read_bytes(), name
    # What assign would have read, had it read the clean folder now: every drawn team's first member ineligible.
    plans = parse_plans_json((paths.audit / "plans.json").read_bytes())
    inspected = {a["uscc"]: frozenset(m for b in drawn if b["uscc"] == a["uscc"] for m in b["team"]) for a in drawn}
    now_read = {u: Firm(u, "LR-NEW", firm_station[u], team) for u, team in inspected.items()}
    eligible, _ = eligibility(plans, roster, now_read, [(a["plan"], a["uscc"]) for a in drawn], ROUND.last_day)
    assert all(a["team"][0] not in eligible[(a["plan"], a["uscc"])] for a in drawn)


def results_with_codes(paths: RoundPaths, codes: dict[tuple[str, str], str], form: Path) -> Path:
    """A results form (CSV) of the finalised round's targets ``codes`` names, inspected by their teams in its month."""
    from xinyong.ingest.contract import results_form

    labels = {c.name: c.label for c in results_form().columns}
    teams = read_staffing(paths).teams()
    rows = [
        {
            "round": str(paths.round_id),
            "plan": plan,
            "uscc": uscc,
            "team": ";".join(teams[(plan, uscc)]),
            "started": f"{paths.round_id.month}-05",
            "ended": f"{paths.round_id.month}-06",
            "codes": code,
        }
        for (plan, uscc), code in codes.items()
    ]
    pl.DataFrame([{labels[k]: v for k, v in row.items()} for row in rows]).write_csv(form)
    return form


def test_a_supplementary_round_replaces_firms_found_closed_or_moved_with_fresh_randomness(
    small_november: RoundPaths, small_inputs: dict, tmp_path: Path
) -> None:
    from xinyong.rounds.run import build_supplement

    paths = copy_round(small_november, tmp_path)
    out, clean = paths.out, small_inputs["clean"]
    selection = records_of((paths.audit / "selection.jsonl").read_bytes())
    staffed = [(s["plan"], s["uscc"]) for s in selection if read_staffing(paths).team((s["plan"], s["uscc"]))]
    deregistered, moved = staffed[:2]
    with pytest.raises(RoundStateError) as caught:  # all staffed, all present: nothing to replace
        build_supplement(out, NOVEMBER, clean)
    assert str(caught.value) == (
        f"round {NOVEMBER} has no target to replace: every target is staffed and none was found closed or moved "
        "(result codes 7, 9, 10, 11, 12), so it needs no supplementary round"
    )
    form = results_with_codes(paths, {deregistered: "9", moved: "B;12"}, tmp_path / "form.csv")
    import_results(out, form, today=NOVEMBER.last_day, now=NOW)
    result = build_supplement(out, NOVEMBER, clean)
    supplement = RoundPaths(out, NOVEMBER.next_supplement())
    assert (str(result.round_id), result.rebuilt, [r.why for r in result.replaced]) == (
        f"{NOVEMBER}-S1",
        True,
        ["9 已注销", "12 已迁出"] if deregistered < moved else ["12 已迁出", "9 已注销"],
    )
    assert stage_of(supplement) == Stage.FRAMED
    assert build_supplement(out, NOVEMBER, clean).rebuilt is False  # framed once: the salts stay
    # Its plans are all the parent's, each drawing as many as it replaces (by the parent's shares: no tier in them).
    plans = parse_plans_json((supplement.audit / "plans.json").read_bytes())
    parent_plans = parse_plans_json((paths.audit / "plans.json").read_bytes())
    wanted = Counter(plan for (plan, _) in (deregistered, moved))
    assert sorted(plans) == sorted(parent_plans)
    assert {p: plans[p].allocation for p in plans} == {
        p: CountAllocation(wanted[p], shares(parent_plans[p].allocation)) for p in plans
    }
    frame = records_of((supplement.audit / "frame.jsonl").read_bytes())
    chosen = {(s["plan"], s["uscc"]) for s in selection}
    assert frame and not chosen & {(r["plan"], r["uscc"]) for r in frame} and {r["plan"] for r in frame} == set(plans)
    assert not {deregistered[1], moved[1]} & {r["uscc"] for r in frame}  # gone firms, for any plan
    salts = {(r["plan"], r["uscc"]): r["salt"] for r in records_of((paths.audit / "frame.jsonl").read_bytes())}
    assert all(salts[(r["plan"], r["uscc"])] != r["salt"] for r in frame)  # fresh salts
    load = {i: sum(1 for t in read_staffing(paths).teams().values() if i in t) for i in officer_ids(paths)}
    parent_roster = {r["id"]: r["capacity"] for r in records_of((paths.audit / "inspectors.jsonl").read_bytes())}
    for officer in records_of((supplement.audit / "inspectors.jsonl").read_bytes()):
        assert officer["capacity"] == max(0, parent_roster[officer["id"]] - load.get(officer["id"], 0))
    # It goes on like any round, naming its parent and randomness its chain did not use.
    approve_round(out, supplement.round_id)
    with pytest.raises(UsageError) as caught:
        commit(out, supplement.round_id, announced("福利彩票双色球 2026-11-01 开奖号码"), now=NOW)
    assert str(caught.value).startswith("--announced: '福利彩票双色球 2026-11-01 开奖号码' was already announced")
    commit(out, supplement.round_id, announced("福利彩票双色球 2026-11-08 开奖号码"), now=NOW)
    commitment = json.loads((supplement.audit / "commitment.json").read_bytes())
    assert commitment["parent"] == {
        "round": str(NOVEMBER),
        "commitment": H((paths.audit / "commitment.json").read_bytes()),
    }
    reveal(out, supplement.round_id, values=twice("08 15 19 23 27 30 + 02"))
    draw(out, supplement.round_id)
    drawn = records_of((supplement.audit / "selection.jsonl").read_bytes())
    assert Counter(s["plan"] for s in drawn) == wanted and not chosen & {(s["plan"], s["uscc"]) for s in drawn}
    assign(out, supplement.round_id)
    finalize(out, supplement.round_id, accept_unstaffed=True, reason="test", now=NOW)
    assert stage_of(supplement) == Stage.FINALIZED
    assert (supplement.public / "selected.jsonl").is_file()
    verify_log(out / "public")
    with pytest.raises(RoundStateError) as caught:  # its own targets are all staffed, none found gone yet
        build_supplement(out, supplement.round_id, clean)
    assert str(caught.value).startswith(f"round {supplement.round_id} has no target to replace")


def officer_ids(paths: RoundPaths) -> list[str]:
    return [r["id"] for r in records_of((paths.audit / "inspectors.jsonl").read_bytes())]


def test_a_supplement_is_of_a_finalised_round_and_is_never_framed_as_a_month(
    small_inputs: dict, small_world, tmp_path: Path
) -> None:
    from tests.crash import ROUND
    from xinyong.rounds.run import build_supplement

    out = base(small_world, "finalize", tmp_path)  # assigned, not finalised
    with pytest.raises(RoundStateError) as caught:
        build_supplement(out, ROUND, small_world.clean)
    assert str(caught.value) == (
        f"{RoundPaths(out, ROUND).folder}: round {ROUND} is assigned; `xinyong round supplement` needs it finalised: "
        "run `xinyong round finalize` first"
    )
    with pytest.raises(UsageError) as caught:
        build_frame(out, ROUND.next_supplement(), PLANS, small_inputs["tiers"], small_inputs["clean"])
    assert str(caught.value) == (
        f"--round: {ROUND}-S1 is a supplementary round; it is framed from its parent by `xinyong round supplement "
        f"--round {ROUND}`"
    )


def test_a_supplementary_rounds_bundle_verifies_like_any_rounds(
    small_november: RoundPaths, small_inputs: dict, tmp_path: Path
) -> None:
    from xinyong.rounds.run import build_supplement

    paths = copy_round(small_november, tmp_path)
    target = next(t for t, team in sorted(read_staffing(paths).teams().items()) if team)
    import_results(
        paths.out, results_with_codes(paths, {target: "11"}, tmp_path / "form.csv"), today=NOVEMBER.last_day, now=NOW
    )
    supplement = build_supplement(paths.out, NOVEMBER, small_inputs["clean"]).round_id
    approve_round(paths.out, supplement)
    commit(paths.out, supplement, announced("福利彩票双色球 2026-11-08 开奖号码"), now=NOW)
    reveal(paths.out, supplement, values=twice("08 15 19 23 27 30 + 02"))
    draw(paths.out, supplement)
    assign(paths.out, supplement)
    checks = verify_audit(RoundPaths(paths.out, supplement).audit)
    assert any(check.startswith("selection.jsonl re-derived byte for byte") for check in checks)
    assert any(check.startswith("parent: round 330802-2026-11") for check in checks)
