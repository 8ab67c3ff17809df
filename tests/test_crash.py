"""The kill-point harness: every step, SIGKILLed at a file replacement, is finished by running it again.

Each step of a month (:data:`tests.crash.STEPS`: ingest, frame, preview, approve, commit, reveal, draw, assign,
finalize, tasks, results import, disclose, supplement, attest, publish attestation) runs on a copy of the folder it
writes, in a subprocess killed just before or just after its N-th file replacement. Then the same step runs again,
as a person would after a crash, and the folder must hold exactly the bytes of an uninterrupted run (what differs
between two uninterrupted runs by design masked: a frame's fresh salts, the time of a decision or an import), no
temporary file, and a transparency log that verifies. Right after the kill, the round must be at the stage before
the step or after it, never between (each step writes the file that marks its stage last), and a clean folder holds
either the old tables or the new ones whenever it has a manifest.

The default run kills every step at a spread of its replacements (at least 50 kill points in all, printed);
``-m slow`` kills every step at every replacement, before and after.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crash import CHANGED, FRAMING, MASKS, ROUND, STEPS, Killer, World, leftovers, tree
from xinyong.publish.translog import verify_log
from xinyong.rounds.stage import Stage, stage_of
from xinyong.workspace.layout import MANIFEST, RoundPaths

# The stage a round is at before each round step, and the one the step brings it to.
STAGES = {
    "frame": (Stage.NEW, Stage.FRAMED),
    "preview": (Stage.FRAMED, Stage.PREVIEWED),
    "approve": (Stage.PREVIEWED, Stage.APPROVED),
    "commit": (Stage.APPROVED, Stage.COMMITTED),
    "reveal": (Stage.COMMITTED, Stage.REVEALED),
    "draw": (Stage.REVEALED, Stage.DRAWN),
    "assign": (Stage.DRAWN, Stage.ASSIGNED),
    "finalize": (Stage.ASSIGNED, Stage.FINALIZED),
    "tasks": (Stage.FINALIZED, Stage.FINALIZED),
    "results import": (Stage.FINALIZED, Stage.FINALIZED),
    "disclose": (Stage.FINALIZED, Stage.FINALIZED),
    "supplement": (Stage.NEW, Stage.FRAMED),  # of round 330802-2026-11-S1
    "attest": (Stage.FINALIZED, Stage.FINALIZED),
    "publish attestation": (Stage.FINALIZED, Stage.FINALIZED),
}


@pytest.fixture()
def world(small_world: World) -> World:
    return small_world


@pytest.fixture(scope="module")
def killer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Killer]:
    runner = Killer(tmp_path_factory.mktemp("killer") / "stderr.txt")
    yield runner
    runner.close()


def spread(total: int) -> list[tuple[int, str]]:
    """The default kill points of a step of ``total`` replacements: each one when there are few, else
    the first two, the middle and the last two; and after the last."""
    picked = range(1, total + 1) if total <= 20 else sorted({1, 2, total // 2, total - 1, total})
    return [(n, "before") for n in picked] + [(total, "after")]


def everywhere(total: int) -> list[tuple[int, str]]:
    return [(n, when) for n in range(1, total + 1) for when in ("before", "after")]


def recover(killer: Killer, world: World, step: str, kill_at: int, when: str, work: Path) -> None:
    """Kill ``step`` there, check what the kill left, run the step again and check the result."""
    out = work / "out"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(world.bases[step], out)
    where = world.where(step, out)
    killer.kill(step, where, kill_at, when)
    point = f"{step}: killed {when} replacement {kill_at} of {world.replacements[step]}"
    changed = RoundPaths(out, CHANGED.get(step, ROUND))
    if step in STAGES:
        assert stage_of(changed) in STAGES[step], f"{point}: left the round between stages"
    elif (out / MANIFEST).exists():
        assert tree(out, debris=False) in (tree(world.bases[step]), tree(world.references[step])), (
            f"{point}: a manifest beside tables it does not describe"
        )
    frame = changed.audit / "frame.jsonl"
    finished_frame = frame.read_bytes() if stage_of(changed) == Stage.FRAMED else None
    STEPS[step](where)
    mask = MASKS.get(step)
    assert tree(out, mask) == tree(world.references[step], mask), f"{point}: not the bytes of an uninterrupted run"
    assert leftovers(out) == [], f"{point}: temporary files left"
    if (out / "public" / "log").is_dir():
        verify_log(out / "public")
    if step in FRAMING and finished_frame is not None:
        assert frame.read_bytes() == finished_frame, f"{point}: the salts of a finished frame changed"


def run_kill_points(killer: Killer, world: World, plan: dict[str, list[tuple[int, str]]], work: Path) -> list[str]:
    summary = []
    for step, points in plan.items():
        for kill_at, when in points:
            recover(killer, world, step, kill_at, when, work)
        summary.append(f"{step:>15}: {len(points):3} kill points of {world.replacements[step]:3} replacements")
    return summary


def test_every_step_killed_at_a_file_replacement_finishes_byte_identically(
    killer: Killer, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = {step: spread(world.replacements[step]) for step in STEPS}
    summary = run_kill_points(killer, world, plan, tmp_path / "work")
    total = sum(len(points) for points in plan.values())
    with capsys.disabled():
        print("\nkill points, each recovered byte-identically with a verifying log:\n" + "\n".join(summary))
        print(f"{'all':>15}: {total} kill points")
    assert total >= 50


@pytest.mark.slow
@pytest.mark.parametrize("step", list(STEPS))
def test_a_step_killed_at_every_file_replacement_before_and_after_finishes(
    killer: Killer, world: World, step: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = run_kill_points(killer, world, {step: everywhere(world.replacements[step])}, tmp_path / "work")
    with capsys.disabled():
        print("\n" + "\n".join(summary))


def test_the_reference_runs_are_what_they_should_be(world: World) -> None:
    """The uninterrupted runs the kills are compared with: a finished, verified round and clean folder."""
    from xinyong.draw.verify import verify_audit

    out = world.references["disclose"]
    assert stage_of(RoundPaths(out, ROUND)) == Stage.FINALIZED
    verify_audit(RoundPaths(out, ROUND).audit)
    assert verify_log(out / "public").files > 0
    assert (world.references["ingest"] / MANIFEST).read_bytes() == (world.clean / MANIFEST).read_bytes()
    assert all(count > 0 for count in world.replacements.values()), world.replacements
    assert re.search(rb'"decided_at":"[^"]+"', (RoundPaths(out, ROUND).audit / "finalized.json").read_bytes())
    supplement = RoundPaths(world.references["supplement"], ROUND.next_supplement())
    assert stage_of(supplement) == Stage.FRAMED and (supplement.audit / "targets.jsonl").read_bytes()


def test_the_logs_index_after_every_step_is_the_one_rebuilt_from_its_public_log(world: World, tmp_path: Path) -> None:
    """The private index each step leaves (compared by content at every kill point above) is the index a
    rebuild from the public log gives: nothing in it but what the log says."""
    from tests.crash import index_text
    from xinyong.publish.translog import append, origin_for
    from xinyong.workspace.layout import log_index

    for step in ("commit", "disclose", "publish attestation"):
        out = Path(shutil.copytree(world.references[step], tmp_path / step))
        kept = index_text(log_index(out / "public"))
        log_index(out / "public").unlink()
        append(out / "public", [], origin=origin_for(ROUND.division))
        assert index_text(log_index(out / "public")) == kept, step
