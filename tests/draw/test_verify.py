"""Verifying a round from its audit bundle and its public files: a real round verifies, and a changed
frame, plan, roster, key or team member is named, and so is a reassignment that did not take the next
eligible candidate."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import DECEMBER, NOVEMBER
from tests.draw.bundle import SOURCES, VALUES, Bundle, build
from xinyong.core.canonical import CJ, H, lines_of, mth, records_of
from xinyong.draw.keys import V1
from xinyong.draw.sources import Announced
from xinyong.draw.verify import LogEvidence, verify_audit, verify_public
from xinyong.errors import RoundStateError, VerificationError
from xinyong.rounds.run import draw, reassign
from xinyong.rounds.staffing import read_staffing
from xinyong.workspace.layout import RoundPaths


def test_the_round_pipelines_round_verifies_from_the_bundle_and_from_the_public_files(
    december_drawn: RoundPaths,
) -> None:
    """Whichever contract ``xinyong round`` writes: its bundle re-derives and its public files check."""
    audit = verify_audit(december_drawn.audit)
    assert any(check.startswith("selection.jsonl re-derived byte for byte") for check in audit)
    selected = len((december_drawn.audit / "selection.jsonl").read_bytes().splitlines())
    counts = [c for c in verify_public(december_drawn.public) if c.startswith("plan ")]
    assert sum(int(c.split()[2]) for c in counts) == selected and 400 < selected < 550


def test_a_v1_bundle_keeps_verifying_under_v1(tmp_path: Path) -> None:
    from tests.draw.independent import rederive, rederive_reassignments, rederive_teams

    bundle = build(tmp_path / "v1", version=V1, reassign=True)
    audit = verify_audit(bundle.audit)
    assert audit[:2] == ["commitment.json is canonical JSON", "spec is xinyong-draw-v1"]
    assert audit[8:] == [
        "stratum sizes in the commitment",
        "randomness.json names this commitment and round",
        f"seed = {bundle.seed.hex()}",
        "selection.jsonl re-derived byte for byte",
        "eligibility.jsonl lists exactly the selected targets",
        "every eligible id is in the committed roster",
        "assignment.jsonl re-derived byte for byte",
        "reassignments.jsonl: each of 1 replacements is the next eligible candidate by key",
    ]
    assert verify_public(bundle.public) == [
        "randomness.json names H(commitment.json)",
        "plans.json is the committed plans",
        f"seed = {bundle.seed.hex()}",
        "all 17 keys = H(unit tag, seed, plan, uscc)",
        "plan P01: 11 selected = Σ n_h for the committed stratum sizes",
        "plan P03: 6 selected = Σ n_h for the committed stratum sizes",
    ]
    files = {p.name: p.read_bytes() for p in bundle.audit.iterdir()}
    assert rederive(files) == files["selection.jsonl"]
    assert rederive_teams(files) == files["assignment.jsonl"]
    assert rederive_reassignments(files) == files["reassignments.jsonl"]


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


def test_a_changed_public_key_is_caught(tmp_path: Path) -> None:
    bundle = build(tmp_path / "v1", version=V1, teams=False)
    lines = (bundle.public / "selection.jsonl").read_bytes().splitlines()
    record = json.loads(lines[0])
    record["uscc"] = json.loads(lines[1])["uscc"]
    lines[0] = json.dumps(record, separators=(",", ":"), sort_keys=True).encode()
    (bundle.public / "selection.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(VerificationError) as caught:
        verify_public(bundle.public)
    assert str(caught.value) == f"{bundle.public / 'selection.jsonl'}: FAILED key of P01 {record['uscc']}"


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


# -- xinyong-draw-v2 ------------------------------------------------------------------------------------------
def v2_round(tmp_path: Path, **options: bool) -> Bundle:
    return build(tmp_path / "round", **options)


def recommit(folder: Path, **fields: object) -> str:
    """Rewrite a v2 commitment with ``fields`` changed, and its randomness.json to name it, as a cheat would."""
    data = CJ({**json.loads((folder / "commitment.json").read_bytes()), **fields})
    (folder / "commitment.json").write_bytes(data)
    randomness = json.loads((folder / "randomness.json").read_bytes())
    (folder / "randomness.json").write_bytes(CJ({**randomness, "commitment": H(data)}))
    return H(data)


def edit_lines(path: Path, number: int, change) -> None:
    """Apply ``change`` to the record on line ``number`` (1-based) and write the line back canonically."""
    data = path.read_bytes()
    lines = data.splitlines()
    record = json.loads(lines[number - 1])
    change(record)
    lines[number - 1] = CJ(record)
    path.write_bytes(b"\n".join(lines) + (b"\n" if data.endswith(b"\n") else b""))


def test_a_v2_bundle_verifies_every_check_of_spec_v2(tmp_path: Path) -> None:
    bundle = v2_round(tmp_path, reassign=True)
    checks = verify_audit(bundle.audit)
    assert checks[:3] == [
        "commitment.json is canonical JSON",
        "spec is xinyong-draw-v2",
        "parent: none (a month's round)",
    ]
    for check in (
        "targets_root = MTH(targets.jsonl)",
        "targets.jsonl: one record for each of the frame's 48 USCCs",
        "strata_sha256 = H(strata.json)",
        "strata.json = the frame's stratum sizes",
        "sizes: N_p and n_p of every plan from strata.json and its allocation",
        "source 1: the signature of drand round 657413 verifies against the League of Entropy quicknet key "
        "(BLS12-381, offline); r = fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587",
        'source 2: the announced value gives r = "03 09 14 22 27 31 11"',
        f"seed = {bundle.seed.hex()}",
        "selection.jsonl re-derived byte for byte",
        "eligibility.jsonl re-derived byte for byte from plans.json, inspectors.jsonl, targets.jsonl and the round",
        "assignment.jsonl re-derived byte for byte",
        "reassignments.jsonl: each of 1 replacements is the next eligible candidate by key",
    ):
        assert check in checks
    assert len(checks) == 30


def test_v2_keys_are_salted_so_a_v1_style_key_is_none_of_them(tmp_path: Path) -> None:
    from xinyong.draw.keys import V2, unit_key

    bundle = v2_round(tmp_path)
    frame = {(r["plan"], r["uscc"]): r["salt"] for r in records_of((bundle.audit / "frame.jsonl").read_bytes())}
    for record in records_of((bundle.audit / "selection.jsonl").read_bytes()):
        salt = frame[(record["plan"], record["uscc"])]
        assert record["key"] == unit_key(bundle.seed, record["plan"], record["uscc"], version=V2, salt=salt).hex()
        assert record["key"] != unit_key(bundle.seed, record["plan"], record["uscc"]).hex()


def test_a_hand_edited_eligibility_list_fails_even_with_a_team_drawn_from_it(tmp_path: Path) -> None:
    """The attack of issue 14: an expired-certificate officer of another department (INS-0025, 卫健, expired
    2026-01-31) added to a 市场监管-only plan's list, and the team re-drawn from the edited list."""
    from xinyong.draw.keys import V2
    from xinyong.draw.plans import parse_plans_json
    from xinyong.draw.teams import Inspector, assign_teams

    bundle = v2_round(tmp_path)
    audit = bundle.audit
    edit_lines(audit / "eligibility.jsonl", 1, lambda r: r.update(eligible=sorted([*r["eligible"], "INS-0025"])))
    eligible = {(e["plan"], e["uscc"]): e["eligible"] for e in records_of((audit / "eligibility.jsonl").read_bytes())}
    roster = {r["id"]: Inspector.from_record(r) for r in records_of((audit / "inspectors.jsonl").read_bytes())}
    selection = records_of((audit / "selection.jsonl").read_bytes())
    plans = parse_plans_json((audit / "plans.json").read_bytes())
    teams = assign_teams(
        [(s["plan"], s["key"], s["uscc"]) for s in selection], eligible, roster, plans, bundle.seed, V2
    )
    (audit / "assignment.jsonl").write_bytes(
        b"".join(CJ(a.record()) + b"\n" for a in sorted(teams, key=lambda a: (a.plan, a.uscc)))
    )
    with pytest.raises(VerificationError) as caught:
        verify_audit(audit)
    assert str(caught.value) == (
        f"{audit / 'eligibility.jsonl'}: FAILED eligibility.jsonl re-derived byte for byte from plans.json, "
        "inspectors.jsonl, targets.jsonl and the round (line 1 differs)"
    )


@pytest.mark.parametrize(
    ("name", "line", "change", "failed"),
    [
        ("targets.jsonl", 5, lambda r: r.update(station="荷花市场监管所"), "targets_root = MTH(targets.jsonl)"),
        ("targets.jsonl", 9, lambda r: r.update(last_team=["INS-0099"]), "targets_root = MTH(targets.jsonl)"),
        ("frame.jsonl", 3, lambda r: r.update(salt="f" * 32), "frame_root = MTH(frame.jsonl)"),
        (
            "inspectors.jsonl",
            11,
            lambda r: r.update(cert_expiry="2027-12-31"),
            "inspectors_root = MTH(inspectors.jsonl)",
        ),
    ],
)
def test_a_committed_file_edited_after_the_commitment_fails(tmp_path: Path, name, line, change, failed) -> None:
    """An edited firm fact (a station for 所所交叉, a last team for rotation), a frame record re-salted after the
    commitment (grinding), a renewed certificate: each is a different root than the one committed."""
    bundle = v2_round(tmp_path)
    edit_lines(bundle.audit / name, line, change)
    with pytest.raises(VerificationError) as caught:
        verify_audit(bundle.audit)
    assert str(caught.value) == f"{bundle.audit / name}: FAILED {failed}"


def test_edited_stratum_sizes_fail_against_their_committed_hash(tmp_path: Path) -> None:
    bundle = v2_round(tmp_path)
    strata = json.loads((bundle.audit / "strata.json").read_bytes())
    strata["P01"]["D"] += 1
    (bundle.audit / "strata.json").write_bytes(CJ(strata))
    with pytest.raises(VerificationError) as caught:
        verify_audit(bundle.audit)
    assert str(caught.value) == f"{bundle.audit / 'strata.json'}: FAILED strata_sha256 = H(strata.json)"
    recommit(bundle.audit, strata_sha256=H(CJ(strata)))  # committed so: then they are not the frame's
    with pytest.raises(VerificationError) as caught:
        verify_audit(bundle.audit)
    assert str(caught.value) == f"{bundle.audit / 'strata.json'}: FAILED strata.json = the frame's stratum sizes"


def test_committed_sizes_must_follow_from_the_strata_and_the_allocation(tmp_path: Path) -> None:
    bundle = v2_round(tmp_path)
    sizes = json.loads((bundle.audit / "commitment.json").read_bytes())["sizes"]
    recommit(bundle.audit, sizes={**sizes, "P01": {"frame": sizes["P01"]["frame"], "selected": 12}})
    with pytest.raises(VerificationError) as caught:
        verify_audit(bundle.audit)
    assert str(caught.value) == (
        f"{bundle.audit / 'commitment.json'}: FAILED sizes: N_p and n_p of every plan from strata.json and its "
        "allocation"
    )
    recommit(bundle.audit, sizes={**sizes, "P01": {"frame": 3, "selected": 11}})
    with pytest.raises(VerificationError) as caught:
        verify_audit(bundle.audit)
    assert str(caught.value) == (
        f"{bundle.audit / 'commitment.json'}: FAILED sizes maps each plan to its frame and selected counts "
        "(whole numbers, selected ≤ frame)"
    )


def test_invisible_characters_in_an_announced_value_leave_the_seed_but_another_number_does_not(
    tmp_path: Path,
) -> None:
    bundle = v2_round(tmp_path)
    original = verify_audit(bundle.audit)
    for folder in (bundle.audit, bundle.public):
        edit_lines(folder / "randomness.json", 1, lambda r: r["values"].__setitem__(1, r["values"][1] + " \u200b"))
    assert verify_audit(bundle.audit) == original
    assert f"seed = {bundle.seed.hex()}" in verify_public(bundle.public)
    for folder in (bundle.audit, bundle.public):
        edit_lines(folder / "randomness.json", 1, lambda r: r["values"].__setitem__(1, "03 09 14 22 27 31 + 12"))
    with pytest.raises(VerificationError) as caught:
        verify_audit(bundle.audit)
    assert str(caught.value) == (f"{bundle.audit / 'selection.jsonl'}: FAILED selection.jsonl re-derived byte for byte")
    public = verify_public(bundle.public)  # the public sees the process, not the content: attestations do (§8)
    assert 'source 2: the announced value gives r = "03 09 14 22 27 31 12"' in public
    assert f"seed = {bundle.seed.hex()}" not in public


def test_a_drand_value_for_another_round_fails(tmp_path: Path) -> None:
    bundle = v2_round(tmp_path)
    for folder in (bundle.audit, bundle.public):
        commitment = json.loads((folder / "commitment.json").read_bytes())
        sources = commitment["randomness"]["sources"]
        recommit(folder, randomness={"sources": [{**sources[0], "round": 657414}, sources[1]]})
        with pytest.raises(VerificationError) as caught:
            (verify_audit if folder == bundle.audit else verify_public)(folder)
        assert str(caught.value) == (
            f"{folder / 'randomness.json'}: FAILED source 1: the signature does not verify for round 657414 of "
            "League of Entropy quicknet: it is not that round's value"
        )


@pytest.mark.parametrize(
    ("name", "data", "failed"),
    [
        (
            "targets.jsonl",
            b'{"last_team":[],"legal_rep":"LR1","station":"S","uscc":"9',
            "targets.jsonl ends with a newline (is it truncated?)",
        ),
        ("targets.jsonl", b'{"legal_rep":"LR1","station":"S","uscc":"X"}\n', "line 1 has last_team as a list"),
        (
            "targets.jsonl",
            b'{"last_team":[1],"legal_rep":"L","station":"S","uscc":"X"}\n',
            "line 1 has last_team as a list of inspector ids",
        ),
        (
            "strata.json",
            b"{'P01': 3}",
            "strata.json is JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))",
        ),
        (
            "inspectors.jsonl",
            b'{"capacity":3,"department":"D","division":"330802","id":"I","level":"0"}\n',
            "line 1 has level as a whole number",
        ),
        ("inspectors.jsonl", b'{"capacity":3,"department":"D","id":"I","level":0}\n', "line 1 has division as text"),
        (
            "inspectors.jsonl",
            b'{"capacity":3,"cert_expiry":"31/12/2026","department":"D","division":"330802","id":"I","level":0}\n',
            "line 1 has cert_expiry as a date or null",
        ),
        ("randomness.json", b'{"commitment":"c","round":"r","values":"x"}', "randomness.json has values as a list"),
        ("commitment.json", b'{"spec":"xinyong-draw-v2"}', "commitment.json has round as text"),
    ],
)
def test_a_truncated_non_json_or_mistyped_v2_file_names_the_file_and_what_it_lacks(
    tmp_path: Path, name: str, data: bytes, failed: str
) -> None:
    bundle = v2_round(tmp_path)
    (bundle.audit / name).write_bytes(data)
    if name == "inspectors.jsonl":  # committed so: its shape is what fails
        recommit(bundle.audit, inspectors_root=mth(lines_of(data)))
    with pytest.raises(VerificationError) as caught:
        verify_audit(bundle.audit)
    assert str(caught.value) == f"{bundle.audit / name}: FAILED {failed}"


def test_targets_must_be_the_frames_firms_one_record_each(tmp_path: Path) -> None:
    bundle = v2_round(tmp_path)
    path = bundle.audit / "targets.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[1:]))
    recommit(bundle.audit, targets_root=mth(lines_of(path.read_bytes())))
    with pytest.raises(VerificationError) as caught:
        verify_audit(bundle.audit)
    first = json.loads(lines[0])["uscc"]
    assert (
        str(caught.value)
        == f"{path}: FAILED one record per distinct USCC of frame.jsonl ({first} of the frame has none)"
    )
    path.write_bytes(b"".join([lines[1], *lines[1:]]))
    with pytest.raises(VerificationError) as caught:
        verify_audit(bundle.audit)
    assert str(caught.value) == f"{path}: FAILED targets sorted by uscc, no USCC twice"


def test_a_monthly_round_has_no_parent(tmp_path: Path) -> None:
    bundle = v2_round(tmp_path)
    recommit(bundle.audit, parent={"round": "330802-2026-11", "commitment": "0" * 64})
    with pytest.raises(VerificationError) as caught:
        verify_audit(bundle.audit)
    assert str(caught.value) == (
        f"{bundle.audit / 'commitment.json'}: FAILED parent is null: round 330802-2026-12 is a month's round, not a "
        "supplement"
    )


def test_a_selected_list_in_the_bundle_must_be_the_selections(tmp_path: Path) -> None:
    bundle = v2_round(tmp_path)
    shutil.copy(bundle.public / "selected.jsonl", bundle.audit / "selected.jsonl")
    assert "selected.jsonl = plan and uscc of the selection" in verify_audit(bundle.audit)
    lines = (bundle.audit / "selected.jsonl").read_bytes().splitlines(keepends=True)
    (bundle.audit / "selected.jsonl").write_bytes(b"".join(lines[:-1]))
    with pytest.raises(VerificationError, match=r"FAILED selected\.jsonl = plan and uscc of the selection$"):
        verify_audit(bundle.audit)


def test_a_v2_reassignment_must_take_the_next_candidate_by_v2_key(tmp_path: Path) -> None:
    bundle = v2_round(tmp_path, reassign=True)
    change = json.loads((bundle.audit / "reassignments.jsonl").read_bytes())
    eligible = next(
        e["eligible"]
        for e in records_of((bundle.audit / "eligibility.jsonl").read_bytes())
        if (e["plan"], e["uscc"]) == (change["plan"], change["uscc"])
    )
    other = next(i for i in eligible if i not in (*change["team"], change["leaving"]))
    edit_lines(bundle.audit / "reassignments.jsonl", 1, lambda r: r.update(joining=other, team=[other, *r["team"][1:]]))
    with pytest.raises(VerificationError) as caught:
        verify_audit(bundle.audit)
    assert str(caught.value) == (
        f"{bundle.audit / 'reassignments.jsonl'}: FAILED line 1 ({change['plan']} {change['uscc']}): {other} replaces "
        f"{change['leaving']}; the next eligible candidate by key is {change['joining']}"
    )


def test_the_v2_public_files_verify_the_process(tmp_path: Path) -> None:
    bundle = v2_round(tmp_path)
    checks = verify_public(bundle.public)
    assert checks == [
        "commitment.json is canonical JSON",
        f"spec is xinyong-draw-v2; C = H(commitment.json) = {bundle.commitment}",
        "parent: none (a month's round)",
        "plans.json is the committed plans",
        "every plan of the commitment's sizes is in plans.json",
        "randomness.json is canonical JSON",
        "randomness.json names this commitment and round",
        "randomness.json has one value (text) for each of the 2 sources",
        "source 1: the signature of drand round 657413 verifies against the League of Entropy quicknet key "
        "(BLS12-381, offline); r = fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587",
        'source 2: the announced value gives r = "03 09 14 22 27 31 11"',
        f"seed = {bundle.seed.hex()}",
        "every selected line is canonical JSON",
        "selected.jsonl sorted by (plan, uscc), no duplicate pair",
        "all 17 USCCs are valid (GB 32100 check character)",
        "every selected plan is in the commitment's sizes",
        "plan P01: 11 selected = n_p of the commitment",
        "plan P03: 6 selected = n_p of the commitment",
        "ordering: not checked (no transparency log evidence given)",
        "attestations: none published, none asked for (give the auditor keys you trust)",
    ]


def _selected_edit(public: Path, lines: list[bytes]) -> Path:
    (public / "selected.jsonl").write_bytes(b"".join(lines))
    return public / "selected.jsonl"


@pytest.mark.parametrize(
    ("edit", "failed"),
    [
        (lambda lines: lines[:-1], "plan P03: 5 selected = n_p of the commitment"),
        (lambda lines: [lines[1], lines[0], *lines[2:]], "selected.jsonl sorted by (plan, uscc), no duplicate pair"),
        (lambda lines: [lines[0], *lines[:-1]], "selected.jsonl sorted by (plan, uscc), no duplicate pair"),
        (
            lambda lines: [lines[0].replace(b'"P01"', b'"P09"'), *lines[1:]],
            "selected.jsonl sorted by (plan, uscc), no duplicate pair",
        ),
        (
            lambda lines: [lines[0].replace(b"}", b',"key":"00"}'), *lines[1:]],
            "line 1 holds plan and uscc only (no key, rank, stratum or π)",
        ),
        (
            lambda lines: [lines[0].replace(b'","uscc', b'", "uscc'), *lines[1:]],
            "every selected line is canonical JSON",
        ),
        (
            lambda lines: [lines[0].replace(b"MA", b"MB"), *lines[1:]],
            "line 1: '91330802MB00000086' is a USCC (GB 32100 check)",
        ),
    ],
)
def test_a_v2_public_selected_list_that_breaks_a_rule_fails(tmp_path: Path, edit, failed: str) -> None:
    bundle = v2_round(tmp_path)
    path = _selected_edit(
        bundle.public, edit((bundle.public / "selected.jsonl").read_bytes().splitlines(keepends=True))
    )
    with pytest.raises(VerificationError) as caught:
        verify_public(bundle.public)
    assert str(caught.value) == f"{path}: FAILED {failed}"


def test_a_v2_public_randomness_of_another_commitment_fails(tmp_path: Path) -> None:
    bundle = v2_round(tmp_path)
    edit_lines(bundle.public / "randomness.json", 1, lambda r: r.update(commitment="0" * 64))
    with pytest.raises(VerificationError) as caught:
        verify_public(bundle.public)
    assert (
        str(caught.value)
        == f"{bundle.public / 'randomness.json'}: FAILED randomness.json names this commitment and round"
    )


QUICKNET_657413 = 1692803367 + 657412 * 3  # 2023-09-15 11:00:03 UTC


def evidence(public: Path, order=("commitment.json", "randomness.json", "selected.jsonl"), cosigned=()) -> LogEvidence:
    return LogEvidence({name: (H((public / name).read_bytes()), 3 + k * 2) for k, name in enumerate(order)}, cosigned)


def test_ordering_is_proven_not_proven_or_contradicted_per_source(tmp_path: Path) -> None:
    bundle = v2_round(tmp_path)
    announced = "source 2 (公开宣布的随机数：福利彩票双色球 2026-12-01 开奖号码（中国福利彩票发行管理中心公告）)"
    drand = "source 1 (drand League of Entropy quicknet 第 657413 轮（2023-09-15 11:00:03 UTC）)"
    log = "the log holds commitment.json (entry 3) before randomness.json (entry 5) before selected.jsonl (entry 7)"
    checks = verify_public(bundle.public, evidence=evidence(bundle.public))
    assert checks[-4:-1] == [
        log,
        f"{drand}: commitment before randomness not proven: no trusted witness has cosigned a checkpoint holding the "
        "commitment (log entry 3) yet",
        f"{announced}: commitment before randomness not machine-checkable: no trusted witness has cosigned a "
        "checkpoint holding the commitment (log entry 3) yet",
    ]
    # A cosignature of a checkpoint of 3 entries does not hold entry 3; the one of size 4 does, a minute before t(R).
    cosigned = [(3, "jiwei.example", QUICKNET_657413 - 600), (4, "jiwei.example", QUICKNET_657413 - 60)]
    checks = verify_public(bundle.public, evidence=evidence(bundle.public, cosigned=cosigned))
    when = (
        "witness jiwei.example cosigned checkpoint 4, holding the commitment (log entry 3), at 2023-09-15 10:59:03 UTC"
    )
    assert checks[-3:-1] == [
        f"{drand}: commitment before randomness proven: {when}, before round 657413 (2023-09-15 11:00:03 UTC)",
        f"{announced}: not machine-checkable: {when}; check that the value was announced after that",
    ]
    late = [(9, "notary.example", QUICKNET_657413)]  # grinding: the commitment was first witnessed after the beacon
    with pytest.raises(VerificationError) as caught:
        verify_public(bundle.public, evidence=evidence(bundle.public, cosigned=late))
    assert str(caught.value) == (
        f"{bundle.public / 'commitment.json'}: FAILED {drand}: commitment before randomness contradicted: the first "
        "cosignature holding the commitment is at 2023-09-15 11:00:03 UTC (witness notary.example cosigned checkpoint "
        "9, holding the commitment (log entry 3), at 2023-09-15 11:00:03 UTC), not before round 657413 was produced "
        "(2023-09-15 11:00:03 UTC)"
    )


def test_the_log_must_hold_the_published_files_in_order(tmp_path: Path) -> None:
    bundle = v2_round(tmp_path)
    public = bundle.public
    with pytest.raises(VerificationError) as caught:
        verify_public(public, evidence=evidence(public, order=("randomness.json", "commitment.json", "selected.jsonl")))
    assert str(caught.value) == (
        f"{public / 'randomness.json'}: FAILED the log holds commitment.json (entry 5) before randomness.json "
        "(entry 3) before selected.jsonl (entry 7)"
    )
    with pytest.raises(VerificationError) as caught:
        verify_public(public, evidence=evidence(public, order=("commitment.json", "randomness.json")))
    assert str(caught.value) == f"{public / 'selected.jsonl'}: FAILED selected.jsonl is in the transparency log"
    logged = evidence(public)
    changed = LogEvidence({**logged.files, "commitment.json": ("ab" * 32, 3)}, ())
    with pytest.raises(VerificationError) as caught:
        verify_public(public, evidence=changed)
    assert str(caught.value) == (
        f"{public / 'commitment.json'}: FAILED commitment.json is the logged document (log entry 3 has SHA-256 "
        "abababababab…)"
    )


def test_a_v1_public_folder_checks_its_log_order_too(tmp_path: Path) -> None:
    public = build(tmp_path / "v1", version=V1, teams=False).public
    logged = evidence(public, order=("commitment.json", "randomness.json", "selection.jsonl"))
    assert verify_public(public, evidence=logged)[-1] == (
        "the log holds commitment.json (entry 3) before randomness.json (entry 5) before selection.jsonl (entry 7)"
    )


def test_an_independent_re_derivation_agrees_with_the_v2_bundle_byte_for_byte(tmp_path: Path) -> None:
    """tests/draw/independent.py, written from docs/draw-spec.md with the standard library only, re-derives the
    selection, the public list, eligibility from the rules and the teams and reassignments of a v2 bundle."""
    from tests.draw.independent import rederive_reassignments, rederive_teams, rederive_v2

    bundle = v2_round(tmp_path, reassign=True)
    files = {p.name: p.read_bytes() for p in bundle.audit.iterdir()}
    derived = rederive_v2(files)
    assert derived["selected.jsonl"] == (bundle.public / "selected.jsonl").read_bytes()
    for name in ("selection.jsonl", "eligibility.jsonl", "assignment.jsonl"):
        assert derived[name] == files[name], name
    assert rederive_teams(files) == files["assignment.jsonl"]
    assert rederive_reassignments(files) == files["reassignments.jsonl"]
    # every rule leaves someone out somewhere in this round, so a rule the re-derivation skipped would show
    lists = [json.loads(line) for line in files["eligibility.jsonl"].splitlines()]
    assert {"INS-0011", "INS-0012", "INS-0025", "INS-0026", "INS-0031"}.isdisjoint(
        i for e in lists for i in e["eligible"]
    )
    assert all("INS-0013" not in e["eligible"] for e in lists if e["plan"] == "P01")  # lacks SJ-SC-01, not SJ-SC-03
    assert any("INS-0013" in e["eligible"] for e in lists if e["plan"] == "P03")


def test_log_evidence_reads_the_rounds_entries_from_the_sites_log(tmp_path: Path) -> None:
    from tests.draw.bundle import ROUND
    from xinyong.draw.verify import log_evidence
    from xinyong.publish import translog

    bundle = v2_round(tmp_path)
    names = ("commitment.json", "plans.json", "randomness.json", "selected.jsonl")
    entries = [translog.file_entry(bundle.site, bundle.public / name) for name in names]
    translog.append(bundle.site, entries, origin="xinyong.local/t")  # in the order the round steps log them
    logged = log_evidence(bundle.site, ROUND)
    assert logged.files == {name: (H((bundle.public / name).read_bytes()), k) for k, name in enumerate(names)}
    assert logged.cosigned == []
    assert verify_public(bundle.public, evidence=logged)[-4] == (
        "the log holds commitment.json (entry 0) before randomness.json (entry 2) before selected.jsonl (entry 3)"
    )
    from xinyong.publish.tiles import bundle as entry_bundle
    from xinyong.workspace.layout import log_index

    log_index(bundle.site).unlink()  # without its private index, the log's entries are read from the site
    (bundle.site / "log/tile/entries/000.p/4").write_bytes(entry_bundle([b"{not json"] * 4))
    with pytest.raises(VerificationError) as caught:
        log_evidence(bundle.site, ROUND)
    assert str(caught.value) == "log entry 0 (log/tile/entries/000.p/4): not an entry in canonical JSON"


def test_a_witness_cosignature_before_the_beacon_round_proves_the_order(tmp_path: Path) -> None:
    """The grinding attack of issue 14 against a witnessed log: a commitment first cosigned before quicknet round
    657413 was produced is proven to precede the randomness; one first cosigned after it is contradicted."""
    import datetime as dt

    from tests.draw.bundle import ROUND
    from xinyong.draw.verify import log_evidence
    from xinyong.publish import translog
    from xinyong.publish.witness import cosign, init_witness

    produced = dt.datetime(2023, 9, 15, 11, 0, 3, tzinfo=dt.UTC)
    for early, status in ((True, "proven"), (False, "contradicted")):
        bundle = v2_round(tmp_path / status)
        witness = init_witness(tmp_path / status / "witness", "jiwei.example")
        translog.append(bundle.site, [translog.file_entry(bundle.site, bundle.public / "commitment.json")], origin="o")
        log_key = (bundle.site / "log" / "key.txt").read_text(encoding="ascii")  # as the office announced it
        cosign(
            tmp_path / status / "witness",
            bundle.site,
            now=produced - dt.timedelta(minutes=5 if early else -1),
            log_key=log_key,
        )
        for name in ("plans.json", "randomness.json", "selected.jsonl"):
            translog.append(bundle.site, [translog.file_entry(bundle.site, bundle.public / name)], origin="o")
        logged = log_evidence(bundle.site, ROUND, [str(witness)])
        assert [c[:2] for c in logged.cosigned] == [(1, "jiwei.example")]
        if early:
            checks = verify_public(bundle.public, evidence=logged)
            assert checks[-3].endswith(
                "commitment before randomness proven: witness jiwei.example cosigned checkpoint 1, holding the "
                "commitment (log entry 0), at 2023-09-15 10:55:03 UTC, before round 657413 (2023-09-15 11:00:03 UTC)"
            )
        else:
            with pytest.raises(VerificationError, match="commitment before randomness contradicted: the first "):
                verify_public(bundle.public, evidence=logged)


# -- supplementary rounds (spec v2 §7a) --------------------------------------------------------------------------
SUPPLEMENT = "330802-2026-12-S1"
AGAIN = (Announced("福利彩票双色球 2026-12-08 开奖号码"),)


def supplement_of(of: Bundle, root: Path, table=None, **options) -> Bundle:
    """A supplement of round ``of`` in the same work root: its frame without what ``of`` selected, fresh salts."""
    from tests.draw.bundle import frame

    chosen = {(r["plan"], r["uscc"]) for r in records_of((of.public / "selected.jsonl").read_bytes())}
    if table is None:
        table = frame().filter(~pl.struct("plan", "uscc").map_elements(lambda r: (r["plan"], r["uscc"]) in chosen))
    table = table.with_columns(pl.col("salt").str.reverse())
    settings = {"sources": AGAIN, "values": ("08 15 19 23 27 30 + 02",)}
    settings |= {"parent": {"round": of.round, "commitment": of.commitment}, "teams": False, **options}
    return build(root, round_id=SUPPLEMENT, table=table, **settings)


def test_a_supplement_verifies_against_its_chain(tmp_path: Path) -> None:
    parent = build(tmp_path)
    child = supplement_of(parent, tmp_path)
    for checks in (verify_audit(child.audit), verify_public(child.public)):
        assert f"parent: round 330802-2026-12, C = {parent.commitment}" in checks
        assert "330802-2026-12: commitment.json is the one its supplement names" in checks
        assert "sources: none of the chain's (a later drand round, another announced value)" in checks
    assert "no pair of frame.jsonl was selected in the chain (17 pairs)" in verify_audit(child.audit)
    assert "no pair of selected.jsonl was selected in the chain (17 pairs)" in verify_public(child.public)
    shutil.rmtree(parent.audit)  # an auditor handed this bundle alone
    assert f"parent chain: {parent.audit} not at hand; its commitments, selections and sources not compared" in (
        verify_audit(child.audit)
    )


def test_a_supplement_that_draws_again_what_its_chain_selected_fails(tmp_path: Path) -> None:
    from tests.draw.bundle import frame

    parent = build(tmp_path)
    chosen = {(r["plan"], r["uscc"]) for r in records_of((parent.public / "selected.jsonl").read_bytes())}
    again = frame().filter(pl.struct("plan", "uscc").map_elements(lambda r: (r["plan"], r["uscc"]) in chosen))
    child = supplement_of(parent, tmp_path, table=again)
    drawn = min((r["plan"], r["uscc"]) for r in records_of((child.public / "selected.jsonl").read_bytes()))
    for verify, folder, name, first in (
        (verify_audit, child.audit, "frame.jsonl", min(chosen)),
        (verify_public, child.public, "selected.jsonl", drawn),
    ):
        with pytest.raises(VerificationError) as caught:
            verify(folder)
        assert str(caught.value) == (
            f"{folder / name}: FAILED no pair of it was selected in its chain ({first[0]} {first[1]} was)"
        )


def test_a_supplement_must_name_its_parent_and_fresh_randomness(tmp_path: Path) -> None:
    parent = build(tmp_path)
    file = tmp_path / "rounds" / SUPPLEMENT / "audit" / "commitment.json"
    for options, failed in [
        (
            {"parent": None},
            'parent is {"round": "330802-2026-12", "commitment": its C}: round 330802-2026-12-S1 is a supplementary '
            "round (§7a)",
        ),
        (
            {"parent": {"round": "330802-2026-11", "commitment": parent.commitment}},
            'parent is {"round": "330802-2026-12", "commitment": its C}: round 330802-2026-12-S1 is a supplementary '
            "round (§7a)",
        ),
        (
            {"sources": (SOURCES[1],), "values": ("08 15 19 23 27 30 + 02",)},
            f"source 1: an announced value the chain did not use ({SOURCES[1].description!r} did)",
        ),
        (
            {"sources": SOURCES, "values": VALUES},
            "source 1: drand round 657413 is later than the chain's (round 657413)",
        ),
    ]:
        child = supplement_of(parent, tmp_path, **options)
        with pytest.raises(VerificationError) as caught:
            verify_audit(child.audit)
        assert str(caught.value) == f"{file}: FAILED {failed}"
    child = supplement_of(parent, tmp_path, parent={"round": parent.round, "commitment": "0" * 64})
    with pytest.raises(VerificationError) as caught:
        verify_audit(child.audit)
    assert str(caught.value) == (
        f"{parent.audit}: FAILED 330802-2026-12: commitment.json is the one its supplement names"
    )
