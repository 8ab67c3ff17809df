"""The stage of a round, read from its files: each step's files move it on, in order, and nothing else does;
once committed, every step first checks that the committed files are as committed."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from xinyong.core.canonical import CJ, H, mth
from xinyong.core.ids import RoundId
from xinyong.draw.keys import V1, V2, Version
from xinyong.errors import RoundStateError
from xinyong.rounds.stage import (
    COMMITTED_FILES_V2,
    Stage,
    check_committed,
    committed_files,
    require,
    stage_files,
    stage_of,
    version_of,
)
from xinyong.workspace.layout import (
    COMMITMENT,
    COMMITTED_RECORD,
    FRAME,
    INSPECTORS,
    PLANS,
    STRATA,
    TARGETS,
    RoundPaths,
)

ROUND = RoundId.parse("330802-2026-12", "ROUND")


def reach(paths: RoundPaths, stage: Stage) -> None:
    """Write the files of every stage up to ``stage`` (their content does not matter to the stage), and
    the commit step's record of the committed files' hashes once committed."""
    for earlier in Stage:
        if earlier > stage:
            break
        for path in stage_files(paths, earlier):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"")
    if stage >= Stage.COMMITTED:
        (paths.internal / COMMITTED_RECORD).parent.mkdir(parents=True, exist_ok=True)
        (paths.internal / COMMITTED_RECORD).write_text(
            json.dumps({name: hashlib.sha256(b"").hexdigest() for name in COMMITTED_FILES_V2})
        )


@pytest.mark.parametrize("stage", list(Stage))
def test_each_stage_is_read_back_from_its_files(stage: Stage, tmp_path: Path) -> None:
    paths = RoundPaths(tmp_path, ROUND)
    reach(paths, stage)
    assert stage_of(paths) == stage


def test_the_stages_are_ordered_as_the_steps_run() -> None:
    assert list(Stage) == sorted(Stage)
    assert [s.name for s in Stage] == [
        *("NEW", "FRAMED", "PREVIEWED", "APPROVED", "COMMITTED"),
        *("REVEALED", "DRAWN", "ASSIGNED", "FINALIZED"),
    ]
    assert all(stage_files(RoundPaths(Path("out"), ROUND), s) for s in Stage if s is not Stage.NEW)


def test_a_later_file_without_the_earlier_ones_does_not_move_a_round_on(tmp_path: Path) -> None:
    paths = RoundPaths(tmp_path, ROUND)
    reach(paths, Stage.COMMITTED)
    for path in stage_files(paths, Stage.DRAWN) + stage_files(paths, Stage.FINALIZED):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    assert stage_of(paths) == Stage.COMMITTED  # no randomness.json: not revealed, so not drawn either


def test_an_approval_without_a_preview_does_not_make_a_round_approved(tmp_path: Path) -> None:
    paths = RoundPaths(tmp_path, ROUND)
    reach(paths, Stage.APPROVED)
    stage_files(paths, Stage.PREVIEWED)[-1].unlink()  # preview.json gone: the approval approves nothing
    assert stage_of(paths) == Stage.FRAMED


def test_a_stage_needs_every_one_of_its_files(tmp_path: Path) -> None:
    paths = RoundPaths(tmp_path, ROUND)
    reach(paths, Stage.DRAWN)
    stage_files(paths, Stage.DRAWN)[-1].unlink()  # the selection without π: the draw did not finish
    assert stage_of(paths) == Stage.REVEALED


def test_require_passes_a_round_that_got_that_far_and_returns_its_stage(tmp_path: Path) -> None:
    paths = RoundPaths(tmp_path, ROUND)
    reach(paths, Stage.ASSIGNED)
    assert require(paths, Stage.DRAWN, "round assign") == Stage.ASSIGNED
    assert require(paths, Stage.ASSIGNED, "round finalize") == Stage.ASSIGNED


@pytest.mark.parametrize(
    ("stage", "needed", "command", "next_step"),
    [
        (Stage.NEW, Stage.FRAMED, "round preview", "xinyong round frame"),
        (Stage.FRAMED, Stage.APPROVED, "round commit", "xinyong round preview"),
        (Stage.PREVIEWED, Stage.APPROVED, "round commit", "xinyong round approve --by NAME"),
        (Stage.COMMITTED, Stage.REVEALED, "round draw", "xinyong round reveal --value …"),
        (Stage.DRAWN, Stage.FINALIZED, "round tasks", "xinyong round assign"),
    ],
)
def test_require_names_the_round_its_stage_the_stage_needed_and_the_next_step(
    stage: Stage, needed: Stage, command: str, next_step: str, tmp_path: Path
) -> None:
    paths = RoundPaths(tmp_path, ROUND)
    reach(paths, stage)
    with pytest.raises(RoundStateError) as caught:
        require(paths, needed, command)
    assert str(caught.value) == (
        f"{paths.folder}: round 330802-2026-12 is {stage.label}; `xinyong {command}` needs it {needed.label}: "
        f"run `{next_step}` first"
    )


def committed_round(tmp_path: Path, version: Version, *, record: bool) -> RoundPaths:
    """A round committed under ``version``, of real little files, with or without the commit step's record of their
    hashes."""
    paths = RoundPaths(tmp_path, ROUND)
    reach(paths, Stage.APPROVED)
    files = {
        FRAME: b'{"plan":"P01","salt":"00","stratum":"B","uscc":"X"}\n',
        PLANS: b"[]",
        TARGETS: b'{"last_team":[],"legal_rep":"LR-1","station":"S1","uscc":"X"}\n',
        STRATA: b'{"P01":{"B":1}}',
    }
    for name, data in files.items():
        (paths.audit / name).write_bytes(data)
    commitment = {
        "spec": version.spec,
        "frame_root": mth(files[FRAME].splitlines()),
        "plans_sha256": H(files[PLANS]),
        "inspectors_root": mth([]),
    }
    if version is V2:
        commitment |= {"targets_root": mth(files[TARGETS].splitlines()), "strata_sha256": H(files[STRATA])}
    (paths.audit / COMMITMENT).write_bytes(CJ(commitment))
    if record:
        paths.internal.mkdir(parents=True, exist_ok=True)
        (paths.internal / COMMITTED_RECORD).write_text(
            json.dumps(
                {n: hashlib.sha256((paths.audit / n).read_bytes()).hexdigest() for n in committed_files(version)}
            )
        )
    return paths


RESTORE = "restore it from the auditor bundle (docs/draw-spec.md §7, “Restoring a committed round”)"


@pytest.mark.parametrize("version", [V1, V2], ids=["v1", "v2"])
@pytest.mark.parametrize("record", [True, False], ids=["with the commit record", "a copied bundle"])
def test_every_step_on_a_committed_round_refuses_a_changed_or_missing_committed_file(
    version: Version, record: bool, tmp_path: Path
) -> None:
    paths = committed_round(tmp_path, version, record=record)
    assert version_of(paths) is version
    assert require(paths, Stage.COMMITTED, "round reveal") == Stage.COMMITTED
    (paths.audit / PLANS).write_bytes(b"[ ]")
    with pytest.raises(RoundStateError) as caught:
        require(paths, Stage.COMMITTED, "round reveal")
    assert str(caught.value) == (
        f"{paths.audit / PLANS}: changed after the commitment (plans_sha256 differs); "
        f"`xinyong round reveal` is refused: {RESTORE}"
    )
    (paths.audit / PLANS).write_bytes(b"[]")
    (paths.audit / FRAME).unlink()  # the round now reads as not framed: the check still names the file
    assert stage_of(paths) == Stage.NEW
    with pytest.raises(RoundStateError) as caught:
        require(paths, Stage.FINALIZED, "results import")
    assert str(caught.value) == (
        f"{paths.audit / FRAME}: missing, but round {ROUND} is committed; `xinyong results import` is refused: "
        f"{RESTORE}"
    )


@pytest.mark.parametrize("record", [True, False], ids=["with the commit record", "a copied bundle"])
@pytest.mark.parametrize(("name", "field"), [(TARGETS, "targets_root"), (STRATA, "strata_sha256")])
def test_a_v2_rounds_targets_and_strata_are_committed_files_too(
    name: str, field: str, record: bool, tmp_path: Path
) -> None:
    paths = committed_round(tmp_path, V2, record=record)
    data = (paths.audit / name).read_bytes()
    (paths.audit / name).write_bytes(data.replace(b"S1", b"S2").replace(b":1}", b":2}"))  # another station, N_h
    with pytest.raises(RoundStateError) as caught:
        require(paths, Stage.COMMITTED, "round assign")
    assert str(caught.value) == (
        f"{paths.audit / name}: changed after the commitment ({field} differs); `xinyong round assign` is refused: "
        f"{RESTORE}"
    )
    (paths.audit / name).unlink()
    with pytest.raises(RoundStateError) as caught:
        require(paths, Stage.COMMITTED, "round draw")
    assert str(caught.value).startswith(f"{paths.audit / name}: missing, but round {ROUND} is committed; ")


def test_a_v1_round_has_neither_targets_nor_strata_to_check(tmp_path: Path) -> None:
    paths = committed_round(tmp_path, V1, record=True)
    for name in (TARGETS, STRATA):
        (paths.audit / name).unlink()
    assert require(paths, Stage.COMMITTED, "round reveal") == Stage.COMMITTED


def test_a_round_is_of_the_version_its_commitment_names_and_v2_before_it(tmp_path: Path) -> None:
    paths = RoundPaths(tmp_path, ROUND)
    assert version_of(paths) is V2  # not even framed
    reach(paths, Stage.APPROVED)
    assert version_of(paths) is V2
    assert stage_files(paths, Stage.FRAMED, V2) == (
        *(paths.audit / n for n in (FRAME, PLANS, INSPECTORS, TARGETS)),
        paths.audit / "exclusions.jsonl",
    )
    assert stage_files(paths, Stage.FRAMED, V1) == tuple(
        paths.audit / n for n in (FRAME, PLANS, INSPECTORS, "exclusions.jsonl")
    )
    assert stage_files(paths, Stage.COMMITTED, V2) == (paths.audit / STRATA, paths.audit / COMMITMENT)
    assert stage_files(paths, Stage.COMMITTED, V1) == (paths.audit / COMMITMENT,)
    (paths.audit / COMMITMENT).write_bytes(CJ({"spec": V1.spec}))
    assert version_of(paths) is V1
    (paths.audit / TARGETS).unlink()
    assert stage_of(paths) == Stage.COMMITTED  # a v1 round is framed without targets.jsonl
    (paths.audit / COMMITMENT).write_bytes(CJ({"spec": V2.spec}))
    assert stage_of(paths) == Stage.NEW  # a v2 one was not


def test_a_commitment_changed_since_it_was_written_is_named_first(tmp_path: Path) -> None:
    paths = committed_round(tmp_path, V2, record=True)
    record = json.loads((paths.internal / COMMITTED_RECORD).read_text())
    record[COMMITMENT] = H((paths.audit / COMMITMENT).read_bytes())
    (paths.internal / COMMITTED_RECORD).write_text(json.dumps(record))
    (paths.audit / COMMITMENT).write_bytes(b"[]")  # not even an object: read as v2, whose targets are still there
    with pytest.raises(RoundStateError) as caught:
        require(paths, Stage.COMMITTED, "round draw")
    assert str(caught.value) == (
        f"{paths.audit / COMMITMENT}: changed since the step that wrote it; `xinyong round draw` is refused: {RESTORE}"
    )


def test_a_round_without_a_commitment_has_nothing_to_check(tmp_path: Path) -> None:
    paths = RoundPaths(tmp_path, ROUND)
    reach(paths, Stage.FRAMED)
    (paths.audit / FRAME).write_bytes(b"anything before the commitment\n")
    check_committed(paths, "round commit")
    assert require(paths, Stage.FRAMED, "round commit") == Stage.FRAMED


def test_a_step_on_a_round_without_its_folder_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    from xinyong.rounds.stage import changing

    paths = RoundPaths(tmp_path / "out", ROUND)
    with pytest.raises(RoundStateError) as caught, changing(paths, Stage.COMMITTED, "round reveal"):
        pass
    assert str(caught.value) == (
        f"{paths.folder}: round {ROUND} is not framed; `xinyong round reveal` needs it committed: "
        "run `xinyong round frame` first"
    )
    assert not (tmp_path / "out").exists()


def test_a_step_holds_the_rounds_lock_and_gets_its_stage(tmp_path: Path) -> None:
    from xinyong.rounds.stage import changes_round, changing
    from xinyong.workspace import lock

    paths = RoundPaths(tmp_path, ROUND)
    reach(paths, Stage.REVEALED)

    @changes_round(Stage.COMMITTED, "round test")
    def step(out: Path, round_id: RoundId, word: str) -> str:
        assert lock._held[(paths.folder / "round.lock").resolve()] == 1  # held while the step runs
        return f"{round_id} {word}"

    assert step(tmp_path, ROUND, "ok") == f"{ROUND} ok" and not lock._held
    with changing(paths, Stage.FRAMED, "round test") as stage:
        assert stage == Stage.REVEALED
        assert (paths.folder / "round.lock").read_text() == f"{os.getpid()}\n"
