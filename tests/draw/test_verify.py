"""Verifying a round from its audit bundle and its public files: a real round verifies, and a changed
frame, plan, roster, key or team member is named, and so is a reassignment that did not take the next
eligible candidate."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import DECEMBER, NOVEMBER
from xinyong.core.canonical import CJ, records_of
from xinyong.draw.verify import verify_audit, verify_public
from xinyong.errors import RoundStateError, VerificationError
from xinyong.rounds.run import draw, reassign
from xinyong.rounds.staffing import read_staffing
from xinyong.workspace.layout import RoundPaths


def test_the_round_verifies_from_the_bundle_and_from_the_public_files(december_drawn: RoundPaths) -> None:
    audit = verify_audit(december_drawn.audit)
    assert "selection.jsonl re-derived byte for byte" in audit and len(audit) == 12
    public = verify_public(december_drawn.public)
    selected = len((december_drawn.public / "selection.jsonl").read_bytes().splitlines())
    assert f"all {selected} keys = H(unit tag, seed, plan, uscc)" in public and 400 < selected < 550


@pytest.mark.parametrize("name", ["frame.jsonl", "plans.json", "inspectors.jsonl"])
def test_a_change_after_the_commitment_is_refused_by_draw_and_caught_by_verify(
    name: str, round_inputs: dict, december_drawn: RoundPaths, tmp_path: Path
) -> None:
    copy = tmp_path / "out"
    shutil.copytree(december_drawn.out, copy)
    paths = RoundPaths(copy, DECEMBER)
    target = paths.audit / name
    data = target.read_bytes()
    target.write_bytes(data.replace(b'"D"', b'"C"', 1) if name == "frame.jsonl" else data.replace(b"2", b"3", 1))
    field = {"frame.jsonl": "frame_root", "plans.json": "plans_sha256", "inspectors.jsonl": "inspectors_root"}[name]
    with pytest.raises(RoundStateError) as caught:
        draw(copy, DECEMBER)
    assert str(caught.value) == (
        f"{target}: changed after the commitment ({field} differs); `xinyong round draw` is refused: "
        "restore it from the auditor bundle (docs/draw-spec.md §7, “Restoring a committed round”)"
    )
    with pytest.raises(VerificationError):
        verify_audit(paths.audit)


def test_a_changed_public_key_is_caught(december_drawn: RoundPaths, tmp_path: Path) -> None:
    copy = tmp_path / "public"
    shutil.copytree(december_drawn.public, copy)
    lines = (copy / "selection.jsonl").read_bytes().splitlines()
    record = json.loads(lines[0])
    record["uscc"] = json.loads(lines[1])["uscc"]
    lines[0] = json.dumps(record, separators=(",", ":"), sort_keys=True).encode()
    (copy / "selection.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(VerificationError, match="FAILED key of P01"):
        verify_public(copy)


def test_assigned_teams_reverify_and_a_swapped_member_is_caught(
    december_drawn: RoundPaths, round_inputs: dict, tmp_path: Path
) -> None:
    from tests.draw.independent import rederive_teams
    from xinyong.rounds.run import assign

    copy = tmp_path / "out"
    shutil.copytree(december_drawn.out, copy)
    paths = RoundPaths(copy, DECEMBER)
    result = assign(copy, DECEMBER, round_inputs["clean"])
    assert sum(1 for a in result if a.team) > 0.9 * len(result)
    assert all(a.reason for a in result if not a.team)
    checks = verify_audit(paths.audit)
    assert "assignment.jsonl re-derived byte for byte" in checks
    files = {p.name: p.read_bytes() for p in paths.audit.iterdir()}
    assert rederive_teams(files) == files["assignment.jsonl"]
    reasons = [json.loads(line)["reason"] for line in files["eligibility-exclusions.jsonl"].splitlines()]
    assert all(any(r.startswith(rule) for r in reasons) for rule in ("非本计划部门（", "执法证在 ", "轮换："))
    lines = files["assignment.jsonl"].splitlines()
    staffed = next(i for i, line in enumerate(lines) if json.loads(line)["team"])
    record = json.loads(lines[staffed])
    record["team"][0] = "INS-99999"
    lines[staffed] = json.dumps(record, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    (paths.audit / "assignment.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(VerificationError, match=r"assignment\.jsonl re-derived"):
        verify_audit(paths.audit)


def test_verify_names_a_malformed_plans_json(november_round: Path, tmp_path: Path) -> None:
    """A bundle whose commitment and randomness agree with a plans.json that holds no plans."""
    from tests.conftest import NOVEMBER
    from xinyong.core.canonical import CJ, H
    from xinyong.workspace.layout import RoundPaths

    audit = tmp_path / "audit"
    shutil.copytree(RoundPaths(november_round, NOVEMBER).audit, audit)
    plans = b'[{"id":"P01"}]'
    commitment = CJ({**json.loads((audit / "commitment.json").read_bytes()), "plans_sha256": H(plans)})
    randomness = {**json.loads((audit / "randomness.json").read_bytes()), "commitment": H(commitment)}
    (audit / "plans.json").write_bytes(plans)
    (audit / "commitment.json").write_bytes(commitment)
    (audit / "randomness.json").write_bytes(CJ(randomness))
    with pytest.raises(VerificationError) as caught:
        verify_audit(audit)
    assert str(caught.value) == (
        f"{audit / 'plans.json'}: FAILED plans.json holds plan objects (plan P01: allocation: not an object)"
    )


def test_verify_catches_a_reassignment_that_did_not_take_the_next_candidate(
    small_november: RoundPaths, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(small_november.out, out)
    paths = RoundPaths(out, NOVEMBER)
    target, team = next((t, team) for t, team in sorted(read_staffing(paths).teams().items()) if team)
    change = reassign(paths.out, NOVEMBER, *target, team[0], "病假", today=dt.date(2026, 11, 5))
    assert (
        verify_audit(paths.audit)[-1]
        == "reassignments.jsonl: each of 1 replacements is the next eligible candidate by key"
    )
    eligible = next(
        e["eligible"]
        for e in records_of((paths.audit / "eligibility.jsonl").read_bytes())
        if (e["plan"], e["uscc"]) == target
    )
    other = next(i for i in eligible if i not in (*team, change.joining))
    record = {**change.record(), "joining": other, "team": [other, *team[1:]]}
    (paths.audit / "reassignments.jsonl").write_bytes(CJ(record) + b"\n")
    with pytest.raises(VerificationError) as caught:
        verify_audit(paths.audit)
    assert str(caught.value) == (
        f"{paths.audit / 'reassignments.jsonl'}: FAILED line 1 ({target[0]} {target[1]}): {other} replaces "
        f"{team[0]}; the next eligible candidate by key is {change.joining}"
    )
