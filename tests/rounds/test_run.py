"""A round end to end: the order is enforced, re-runs are byte-identical, tampering is caught, and an
independent implementation of the spec re-derives the demo round."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import REPO
from tests.draw.independent import rederive
from xinyong.core.ids import RoundId
from xinyong.draw.verify import verify_audit, verify_public
from xinyong.errors import InputFileError, RoundStateError, VerificationError
from xinyong.rounds.plans import read_plans
from xinyong.rounds.run import build_frame, commit, draw, reveal
from xinyong.workspace.layout import RoundPaths

ROUND = RoundId.parse("330802-2026-12", "ROUND")
PLANS = REPO / "plans" / "330802-default.toml"


@pytest.fixture(scope="module")
def inputs(round_inputs: dict) -> dict:
    return round_inputs


def full_round(out: Path, inputs: dict, value: str = "07 12 19 24 28 33 + 05") -> RoundPaths:
    build_frame(out, ROUND, PLANS, inputs["tiers"], inputs["clean"])
    commit(out, ROUND, "福利彩票双色球 2026-12-01 开奖号码")
    reveal(out, ROUND, value)
    draw(out, ROUND)
    return RoundPaths(out, ROUND)


@pytest.fixture(scope="module")
def done(inputs, tmp_path_factory) -> RoundPaths:
    return full_round(tmp_path_factory.mktemp("round") / "out", inputs)


def test_the_round_verifies_from_the_bundle_and_from_the_public_files(done: RoundPaths) -> None:
    audit = verify_audit(done.audit)
    assert "selection.jsonl re-derived byte for byte" in audit and len(audit) == 12
    public = verify_public(done.public)
    selected = len((done.public / "selection.jsonl").read_bytes().splitlines())
    assert f"all {selected} keys = H(unit tag, seed, plan, uscc)" in public and 400 < selected < 550


def test_the_round_commits_and_publishes_the_golden_plans(done: RoundPaths) -> None:
    from tests.rounds.golden_cases import GOLDEN

    assert (done.audit / "plans.json").read_bytes() == (done.public / "plans.json").read_bytes() == GOLDEN.read_bytes()


def test_an_independent_implementation_rederives_the_selection(done: RoundPaths) -> None:
    files = {p.name: p.read_bytes() for p in done.audit.iterdir()}
    assert rederive(files) == files["selection.jsonl"]


def test_public_files_carry_no_strata_and_no_tiers(done: RoundPaths, inputs: dict) -> None:
    from xinyong.publish.leaks import find_leaks

    for line in (done.public / "selection.jsonl").read_bytes().splitlines():
        assert set(json.loads(line)) == {"key", "plan", "uscc"}
    assert find_leaks(done.public, [inputs["tiers"]]) == []


def test_each_record_has_its_inclusion_probability(done: RoundPaths) -> None:
    inclusion = pl.read_parquet(done.internal / "inclusion.parquet")
    frame_size = json.loads((done.audit / "commitment.json").read_bytes())["frame_size"]
    assert inclusion.height == frame_size and inclusion["pi"].null_count() == 0
    per_stratum = inclusion.group_by("plan", "stratum").agg(pl.col("selected").mean(), pl.col("pi_value").first())
    assert (per_stratum["selected"] - per_stratum["pi_value"]).abs().max() < 1e-12  # n_h/N_h exactly


def test_rerunning_finished_steps_gives_byte_identical_files(done: RoundPaths, inputs: dict) -> None:
    before = {p.name: p.read_bytes() for p in done.audit.iterdir()}
    draw(done.out, ROUND)
    reveal(done.out, ROUND, "07 12 19 24 28 33 + 05")
    with pytest.raises(RoundStateError):
        build_frame(done.out, ROUND, PLANS, inputs["tiers"], inputs["clean"], rebuild=True)
    assert {p.name: p.read_bytes() for p in done.audit.iterdir()} == before


@pytest.mark.parametrize(("step", "needed"), [("draw", "revealed"), ("reveal", "committed"), ("commit", "framed")])
def test_steps_out_of_order_are_refused(step: str, needed: str, tmp_path: Path) -> None:
    call = {
        "draw": lambda: draw(tmp_path, ROUND),
        "reveal": lambda: reveal(tmp_path, ROUND, "1 2 3"),
        "commit": lambda: commit(tmp_path, ROUND, "lottery"),
    }[step]
    with pytest.raises(RoundStateError) as caught:
        call()
    assert str(caught.value) == (
        f"{tmp_path / 'rounds' / str(ROUND)}: round {ROUND} is not framed; `xinyong round {step}` needs it "
        f"{needed}: run `xinyong round frame` first"
    )


def test_second_commit_and_second_reveal_are_refused(inputs: dict, tmp_path: Path) -> None:
    built = build_frame(tmp_path, ROUND, PLANS, inputs["tiers"], inputs["clean"])
    kept = build_frame(tmp_path, ROUND, PLANS, inputs["tiers"], inputs["clean"])
    audit = RoundPaths(tmp_path, ROUND).audit
    assert built.rebuilt and built.size == len((audit / "frame.jsonl").read_bytes().splitlines()) > 0
    assert built.excluded == len((audit / "exclusions.jsonl").read_bytes().splitlines())
    assert (kept.rebuilt, kept.size, kept.excluded) == (False, built.size, None)
    commit(tmp_path, ROUND, "lottery")
    with pytest.raises(RoundStateError) as caught:
        commit(tmp_path, ROUND, "another lottery")
    assert str(caught.value) == f"round {ROUND} already has a commitment; a round is committed once"
    with pytest.raises(RoundStateError) as caught:
        draw(tmp_path, ROUND)
    assert str(caught.value) == (
        f"{RoundPaths(tmp_path, ROUND).folder}: round {ROUND} is committed; `xinyong round draw` needs it revealed: "
        "run `xinyong round reveal --value …` first"
    )
    reveal(tmp_path, ROUND, "first value")
    with pytest.raises(RoundStateError) as caught:
        reveal(tmp_path, ROUND, "a value the operator likes better")
    assert str(caught.value) == f"round {ROUND} already has its public randomness; a second reveal is refused"


@pytest.mark.parametrize("name", ["frame.jsonl", "plans.json", "inspectors.jsonl"])
def test_a_change_after_the_commitment_is_refused_by_draw_and_caught_by_verify(
    name: str, inputs: dict, done: RoundPaths, tmp_path: Path
) -> None:
    copy = tmp_path / "out"
    shutil.copytree(done.out, copy)
    paths = RoundPaths(copy, ROUND)
    target = paths.audit / name
    data = target.read_bytes()
    target.write_bytes(data.replace(b'"D"', b'"C"', 1) if name == "frame.jsonl" else data.replace(b"2", b"3", 1))
    field = {"frame.jsonl": "frame_root", "plans.json": "plans_sha256", "inspectors.jsonl": "inspectors_root"}[name]
    with pytest.raises(RoundStateError) as caught:
        draw(copy, ROUND)
    assert str(caught.value) == f"{target} changed after the commitment ({field} differs); the draw is refused"
    with pytest.raises(VerificationError):
        verify_audit(paths.audit)


def test_a_changed_public_key_is_caught(done: RoundPaths, tmp_path: Path) -> None:
    copy = tmp_path / "public"
    shutil.copytree(done.public, copy)
    lines = (copy / "selection.jsonl").read_bytes().splitlines()
    record = json.loads(lines[0])
    record["uscc"] = json.loads(lines[1])["uscc"]
    lines[0] = json.dumps(record, separators=(",", ":"), sort_keys=True).encode()
    (copy / "selection.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(VerificationError, match="FAILED key of P01"):
        verify_public(copy)


def test_the_default_plans_include_a_joint_plan_and_validate() -> None:
    plan_file = read_plans(PLANS)
    assert plan_file.division == "330802" and [p.id for p in plan_file.plans] == ["P01", "P02", "P03", "P04", "P05"]
    assert any(len(p.departments) > 1 for p in plan_file.plans) and all(p.team_size >= 2 for p in plan_file.plans)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("team_size = 2", "team_size = 1", 1),
            "plan P01: team_size: at least 2, and at least one inspector per department",
        ),
        (
            ('departments = ["市场监管"]', 'departments = ["工商"]', 1),
            "plan P01: departments: each one of 市场监管/税务/人社/生态环境/应急管理/卫健/住建, no repeats, the lead "
            "first",
        ),
        (('A = "0.002"', 'A = "2.5"', 1), "plan P01: allocation.ratios.A: must be between 0 and 1"),
        (('mode = "ratio"', 'mode = "share"', 1), "plan P01: allocation.mode: must be ratio or count, not 'share'"),
    ],
)
def test_a_bad_plan_names_the_plan_and_field(tmp_path: Path, change, message: str) -> None:
    old, new, count = change
    path = tmp_path / "plans.toml"
    path.write_text(PLANS.read_text(encoding="utf-8").replace(old, new, count), encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_plans(path)
    assert str(caught.value) == f"{path}: {message}"


@pytest.fixture(scope="module")
def staffed(done: RoundPaths, inputs: dict, tmp_path_factory) -> RoundPaths:
    """The drawn round, copied, with its teams assigned."""
    from xinyong.rounds.run import assign

    copy = tmp_path_factory.mktemp("staffed") / "out"
    shutil.copytree(done.out, copy)
    assign(copy, ROUND, inputs["clean"])
    return RoundPaths(copy, ROUND)


def test_unstaffed_targets_need_an_explicit_logged_decision(staffed: RoundPaths, inputs: dict, tmp_path: Path) -> None:
    from xinyong.rounds.run import finalize
    from xinyong.rounds.tasks import write_task_lists

    copy = tmp_path / "out"
    shutil.copytree(staffed.out, copy)
    audit = RoundPaths(copy, ROUND).audit
    unstaffed = (audit / "unstaffed.jsonl").read_bytes().splitlines()
    if not unstaffed:  # make one, so the refusal has something to refuse
        (audit / "unstaffed.jsonl").write_bytes(
            rb'{"plan":"P03","reason":"\u536b\u5065: 0 eligible","uscc":"X"}' + b"\n"
        )
        unstaffed = (audit / "unstaffed.jsonl").read_bytes().splitlines()
    with pytest.raises(RoundStateError) as caught:
        finalize(copy, ROUND)
    assert str(caught.value).startswith(f"round {ROUND} has {len(unstaffed)} unstaffed targets (e.g. ")
    assert str(caught.value).endswith("finalise only with --accept-unstaffed --reason '…', which is logged")
    with pytest.raises(RoundStateError) as caught:
        write_task_lists(copy, ROUND, inputs["clean"])
    assert str(caught.value) == (
        f"{RoundPaths(copy, ROUND).folder}: round {ROUND} is assigned; `xinyong round tasks` needs it finalised: "
        "run `xinyong round finalize` first"
    )
    decision = finalize(copy, ROUND, accept_unstaffed=True, reason="报上级统筹")
    assert decision.decision == "accepted unstaffed targets" and len(decision.unstaffed) == len(unstaffed)
    assert json.loads((audit / "decisions.jsonl").read_bytes().splitlines()[-1])["reason"] == "报上级统筹"
    assert (audit / "finalized.json").read_bytes() == decision.to_json()
    assert finalize(copy, ROUND) == decision  # once decided, the decision is read back


def test_task_lists_notices_and_personal_lists(staffed: RoundPaths, inputs: dict, tmp_path: Path) -> None:
    from xinyong.rounds.run import finalize
    from xinyong.rounds.tasks import HEADERS, NOTICE, write_task_lists

    copy = tmp_path / "out"
    shutil.copytree(staffed.out, copy)
    finalize(copy, ROUND, accept_unstaffed=True, reason="test")
    audit = RoundPaths(copy, ROUND).audit
    counts = write_task_lists(copy, ROUND, inputs["clean"])
    selection = [json.loads(line) for line in (audit / "selection.jsonl").read_bytes().splitlines()]
    plans = {p["id"]: p for p in json.loads((audit / "plans.json").read_bytes())}
    expected: dict[str, int] = {}
    for record in selection:
        for department in plans[record["plan"]]["departments"]:
            expected[department] = expected.get(department, 0) + 1
    assert counts == dict(sorted(expected.items()))
    tasks = RoundPaths(copy, ROUND).tasks
    sheet = pl.read_excel(tasks / f"{ROUND}-卫健.xlsx", sheet_name="检查任务清单")
    assert sheet.columns == list(HEADERS.values()) and sheet.height == expected["卫健"]
    assert set(sheet["牵头部门"]) == {"市场监管"}  # the joint food plan, led by market regulation
    csv = (tasks / f"{ROUND}-卫健.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf") and pl.read_csv(csv[3:]).height == sheet.height
    assignments = [json.loads(line) for line in (audit / "assignment.jsonl").read_bytes().splitlines()]
    staffed_count = sum(1 for a in assignments if a["team"])
    notices = pl.read_excel(tasks / f"{ROUND}-告知清单.xlsx", sheet_name="检查告知")
    assert notices.columns == list(NOTICE.values()) and notices.height == staffed_count
    members = {i for a in assignments for i in a["team"]}
    assert len(list((tasks / "inspectors").glob("*.xlsx"))) == len(members)
    roster = pl.read_parquet(inputs["clean"] / "inspectors.parquet")
    text = "".join((tasks / f"{ROUND}-告知清单.csv").read_text(encoding="utf-8-sig"))
    assert not any(card in text for card in roster["id_card_no"]) and not any(
        phone in text for phone in roster["phone"]
    )
    assert any(cert in text for cert in roster["cert_no"].drop_nulls())  # officers show their 执法证
    from xinyong.publish.leaks import find_leaks

    assert find_leaks(tasks, [inputs["tiers"]]) == []  # a task list is no place for a tier


def test_assigned_teams_reverify_and_a_swapped_member_is_caught(done: RoundPaths, inputs: dict, tmp_path: Path) -> None:
    from tests.draw.independent import rederive_teams
    from xinyong.rounds.run import assign

    copy = tmp_path / "out"
    shutil.copytree(done.out, copy)
    paths = RoundPaths(copy, ROUND)
    result = assign(copy, ROUND, inputs["clean"])
    assert sum(1 for a in result if a.team) > 0.9 * len(result)
    assert all(a.reason for a in result if not a.team)
    checks = verify_audit(paths.audit)
    assert "assignment.jsonl re-derived byte for byte" in checks
    files = {p.name: p.read_bytes() for p in paths.audit.iterdir()}
    assert rederive_teams(files) == files["assignment.jsonl"]
    reasons = {json.loads(line)["reason"].split(" ")[0] for line in files["eligibility-exclusions.jsonl"].splitlines()}
    assert {"other", "执法证", "rotation:"} <= reasons
    lines = files["assignment.jsonl"].splitlines()
    staffed = next(i for i, line in enumerate(lines) if json.loads(line)["team"])
    record = json.loads(lines[staffed])
    record["team"][0] = "INS-99999"
    lines[staffed] = json.dumps(record, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    (paths.audit / "assignment.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(VerificationError, match=r"assignment\.jsonl re-derived"):
        verify_audit(paths.audit)
