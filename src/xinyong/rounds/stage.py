"""Which step a round has reached, read from its files, and the one check every step makes with it.

The steps are DESIGN.md's and spec §4's order: the frame, plans and roster are fixed (FRAMED),
checked (PREVIEWED: ``internal/preview.json``) and that preview signed off by a named person
(APPROVED: ``audit/approval.json``), then published as a commitment (COMMITTED) before any
randomness exists; the public random value is
accepted once (REVEALED); only then are the targets drawn (DRAWN), the teams drawn (ASSIGNED) and
closed by a logged decision (FINALIZED).  A round has reached a stage when every file that stage's
step writes exists, and every earlier stage's too — so a stray file of a later step never moves a
round on.  Each step writes the file that marks its stage last, so a crash leaves the round where
it was.  :func:`require` is the one place a step asks "has this round got that far?".

Once a round is committed, the files the commitment fixes (the frame, the plans and the roster, and under
draw spec v2 the targets and the strata too) must stay as committed, byte for byte: :func:`require` checks
them (:func:`check_committed`) before any step on a committed round — reveal, draw, assign, finalize,
reassign, tasks, results, estimate, disclose — and refuses the step, naming the file, when one is missing or
changed; docs/draw-spec.md §7 says how to restore it.

A round is drawn under the contract its commitment names (``spec``: ``xinyong-draw-v1`` for the rounds
committed before issue 14, which keep working and verifying as they were); a round not yet committed is
drawn under ``xinyong-draw-v2`` (:func:`version_of`).  v2 adds ``targets.jsonl`` to what marks a round
framed and ``strata.json`` to what marks it committed.

A step that changes a round asks it holding the round's lock (:func:`changing`, or the decorator
:func:`changes_round`; :mod:`xinyong.workspace.lock`), so that two processes never change one round
at once: the second is refused with the pid of the first.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import IntEnum
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from xinyong.core.canonical import H, lines_of, mth
from xinyong.core.ids import RoundId
from xinyong.draw.keys import V1, V2, Version
from xinyong.errors import RoundStateError
from xinyong.workspace import fsio, layout, lock
from xinyong.workspace.layout import RoundPaths

P = ParamSpec("P")
R = TypeVar("R")


class Stage(IntEnum):
    """The stages of a round, in order; a later stage compares greater."""

    NEW = 0
    FRAMED = 1
    PREVIEWED = 2
    APPROVED = 3
    COMMITTED = 4
    REVEALED = 5
    DRAWN = 6
    ASSIGNED = 7
    FINALIZED = 8

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def step(self) -> str:
        """The command that brings a round to this stage."""
        return _STEPS[self]


_LABELS = {
    Stage.NEW: "not framed",
    Stage.FRAMED: "framed",
    Stage.PREVIEWED: "previewed",
    Stage.APPROVED: "approved",
    Stage.COMMITTED: "committed",
    Stage.REVEALED: "revealed",
    Stage.DRAWN: "drawn",
    Stage.ASSIGNED: "assigned",
    Stage.FINALIZED: "finalised",
}
_STEPS = {
    Stage.NEW: "",
    Stage.FRAMED: "xinyong round frame",
    Stage.PREVIEWED: "xinyong round preview",
    Stage.APPROVED: "xinyong round approve --by NAME",
    Stage.COMMITTED: "xinyong round commit",
    Stage.REVEALED: "xinyong round reveal --value …",
    Stage.DRAWN: "xinyong round draw",
    Stage.ASSIGNED: "xinyong round assign",
    Stage.FINALIZED: "xinyong round finalize",
}


def version_of(paths: RoundPaths) -> Version:
    """The draw contract of the round: the one its commitment names; v2 for a round not committed (or whose
    commitment does not say, which :func:`check_committed` refuses)."""
    try:
        spec = json.loads((paths.audit / layout.COMMITMENT).read_bytes()).get("spec")
    except (OSError, ValueError, AttributeError):
        return V2
    return V1 if spec == V1.spec else V2


def stage_files(paths: RoundPaths, stage: Stage, version: Version | None = None) -> tuple[Path, ...]:
    """The files whose presence marks ``stage`` (each written by the stage's step, the last one last) for a round
    drawn under ``version`` (default: the round's own, :func:`version_of`)."""
    audit, internal = paths.audit, paths.internal
    v2 = (version or version_of(paths)).salted
    files = {
        Stage.NEW: (),
        Stage.FRAMED: (
            audit / layout.FRAME,
            audit / layout.PLANS,
            audit / layout.INSPECTORS,
            *((audit / layout.TARGETS,) if v2 else ()),
            audit / layout.EXCLUSIONS,
        ),
        Stage.PREVIEWED: (internal / layout.PREVIEW_XLSX, internal / layout.PREVIEW),
        Stage.APPROVED: (audit / layout.APPROVAL,),
        Stage.COMMITTED: (*((audit / layout.STRATA,) if v2 else ()), audit / layout.COMMITMENT),
        Stage.REVEALED: (audit / layout.RANDOMNESS,),
        Stage.DRAWN: (audit / layout.SELECTION, internal / layout.INCLUSION),
        Stage.ASSIGNED: (audit / layout.ASSIGNMENT, audit / layout.UNSTAFFED),
        Stage.FINALIZED: (audit / layout.FINALIZED,),
    }
    return files[stage]


def stage_of(paths: RoundPaths) -> Stage:
    """The last stage whose files, and every earlier stage's, exist."""
    reached, version = Stage.NEW, version_of(paths)
    for stage in Stage:
        if not all(path.is_file() for path in stage_files(paths, stage, version)):
            break
        reached = stage
    return reached


def require(paths: RoundPaths, needed: Stage, command: str) -> Stage:
    """The round's stage when it has reached ``needed``; else a :class:`RoundStateError` that names the
    round, the stage it is in, the stage ``command`` needs and the step to run next.  A committed round's
    committed files are checked first (:func:`check_committed`)."""
    check_committed(paths, command)
    current = stage_of(paths)
    if current < needed:
        raise RoundStateError(
            f"{paths.folder}: round {paths.round_id} is {current.label}; `xinyong {command}` needs it "
            f"{needed.label}: run `{Stage(current + 1).step}` first"
        )
    return current


@contextmanager
def changing(paths: RoundPaths, needed: Stage, command: str) -> Iterator[Stage]:
    """Hold the round's lock for the block and yield its stage, which must have reached ``needed``.

    A round without its folder has no files and nothing to lock: unless ``needed`` is NEW (``round
    frame``, which makes the folder), it is refused as :func:`require` refuses it, and nothing is
    written.  The temporary files killed steps left in the round's folder are removed.
    """
    if needed > Stage.NEW and not paths.folder.is_dir():
        require(paths, needed, command)
    with lock.held(paths.folder / layout.ROUND_LOCK, f"round {paths.round_id}", tidy=paths.folder):
        yield require(paths, needed, command)


def changes_round(
    needed: Stage, command: str
) -> Callable[[Callable[Concatenate[Path, RoundId, P], R]], Callable[Concatenate[Path, RoundId, P], R]]:
    """A step ``step(out, round_id, …)`` run holding its round's lock (:func:`changing`)."""

    def decorate(step: Callable[Concatenate[Path, RoundId, P], R]) -> Callable[Concatenate[Path, RoundId, P], R]:
        @functools.wraps(step)
        def locked(out: Path, round_id: RoundId, /, *args: P.args, **kwargs: P.kwargs) -> R:
            with changing(RoundPaths(out, round_id), needed, command):
                return step(out, round_id, *args, **kwargs)

        return locked

    return decorate


# The files the commitment fixes, and the field of commitment.json that commits each (spec §4): v1's, and v2's.
COMMITTED_FILES = {layout.FRAME: "frame_root", layout.PLANS: "plans_sha256", layout.INSPECTORS: "inspectors_root"}
COMMITTED_FILES_V2 = {**COMMITTED_FILES, layout.TARGETS: "targets_root", layout.STRATA: "strata_sha256"}


def committed_files(version: Version) -> dict[str, str]:
    """The files a commitment of ``version`` fixes, with the commitment's field for each."""
    return COMMITTED_FILES_V2 if version.salted else COMMITTED_FILES


RESTORE = "restore it from the auditor bundle (docs/draw-spec.md §7, “Restoring a committed round”)"


def check_committed(paths: RoundPaths, command: str) -> None:
    """Nothing when the round has no commitment or its committed files are as committed; else a
    :class:`RoundStateError` naming the first file missing or changed and the step refused.

    The commit step records each file's SHA-256 (``internal/committed-files.json``); without that record
    (a bundle copied elsewhere) each file's committed root or hash is recomputed from the file itself.  Every
    later step adds the files it writes (the commitment, randomness, selection, eligibility, teams,
    decisions, reassignments: :func:`record_written`), so those too are refused when changed or missing.
    """
    commitment = paths.audit / layout.COMMITMENT
    recorded = _recorded(paths.internal / layout.COMMITTED_RECORD)
    if not commitment.is_file():
        if layout.COMMITMENT in recorded:  # committed once: a lost commitment does not make the round new again
            raise RoundStateError(
                f"{commitment}: missing, but round {paths.round_id} is committed; `xinyong {command}` is refused: "
                f"{RESTORE}"
            )
        return
    if layout.COMMITMENT in recorded and H(commitment.read_bytes()) != recorded[layout.COMMITMENT]:
        raise RoundStateError(
            f"{commitment}: changed since the step that wrote it; `xinyong {command}` is refused: {RESTORE}"
        )
    committed: dict[str, object] | None = None
    fixed = committed_files(version_of(paths))
    for name, field in fixed.items():
        path = paths.audit / name
        if not path.is_file():
            raise RoundStateError(
                f"{path}: missing, but round {paths.round_id} is committed; `xinyong {command}` is refused: {RESTORE}"
            )
        data = path.read_bytes()
        if name in recorded:
            same = hashlib.sha256(data).hexdigest() == recorded[name]
        else:
            committed = committed or _commitment(commitment, command)
            same = _committed_value(name, data) == committed.get(field)
        if not same:
            raise RoundStateError(
                f"{path}: changed after the commitment ({field} differs); `xinyong {command}` is refused: {RESTORE}"
            )
    for name, digest in recorded.items():  # what the steps after the commitment wrote, as they wrote it
        if name in fixed:
            continue
        path = paths.audit / name
        if not path.is_file():
            raise RoundStateError(
                f"{path}: missing, but round {paths.round_id} is committed; `xinyong {command}` is refused: {RESTORE}"
            )
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise RoundStateError(
                f"{path}: changed since the step that wrote it; `xinyong {command}` is refused: {RESTORE}"
            )


def record_written(paths: RoundPaths, *names: str) -> None:
    """Add the SHA-256 of audit files a step wrote to the round's record (``internal/committed-files.json``), so
    that every later step refuses them changed or missing (:func:`check_committed`)."""
    record = paths.internal / layout.COMMITTED_RECORD
    written = {name: hashlib.sha256((paths.audit / name).read_bytes()).hexdigest() for name in names}
    recorded = _recorded(record)
    if any(recorded.get(name) != digest for name, digest in written.items()):
        fsio.write_json(record, {**recorded, **written})


def _recorded(path: Path) -> dict[str, object]:
    """The commit step's record of the committed files' SHA-256; empty when missing or unreadable."""
    try:
        value = json.loads(path.read_bytes()) if path.is_file() else {}
    except ValueError:
        value = {}
    return value if isinstance(value, dict) else {}


def _commitment(path: Path, command: str) -> dict[str, object]:
    try:
        value = json.loads(path.read_bytes())
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise RoundStateError(f"{path}: not a commitment (a JSON object); `xinyong {command}` is refused: {RESTORE}")
    return value


def _committed_value(name: str, data: bytes) -> str | None:
    """What the commitment holds for a committed file: H of plans.json and strata.json, MTH of the others' lines."""
    if name in (layout.PLANS, layout.STRATA):
        return H(data)
    try:
        return mth(lines_of(data))
    except ValueError:  # not a .jsonl file any more (no final newline)
        return None
