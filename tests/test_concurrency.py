"""The same step run twice at once: exactly one wins (or both succeed, one after the other), nothing is
lost, and the other is refused with the lock's error or the step's own clean refusal.

Two ``xinyong`` processes are started together on a copy of the small world (:mod:`tests.crash`);
each imports everything it needs, says it is ready and waits on its stdin; once both are ready the
test releases them at once (no sleeps).  Which one wins is the machine's choice, so each pair runs a
few times and every outcome must be one of the allowed ones.  Then, deterministically, a process
that finds a round's or the log's lock held is refused at once with the holder's pid.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import COMMITTED_AT, approve_round
from tests.crash import PLANS, RANDOMNESS, ROUND, VALUE, World, environment
from xinyong.draw.verify import verify_audit
from xinyong.ingest.contract import results_form
from xinyong.publish import translog
from xinyong.results.run import read_results
from xinyong.rounds.randomness import Requested
from xinyong.rounds.run import commit, draw, reveal
from xinyong.rounds.stage import Stage, changing, stage_of
from xinyong.workspace.layout import RoundPaths

TRIALS = 2
# A contender: everything imported first, then "ready", then wait for the word, then `xinyong ARGS`.
CONTENDER = """
import sys
import xinyong.publish.run, xinyong.results.run, xinyong.rounds.run
from xinyong.cli import main
from xinyong.cli import publish, results, rounds
print("ready", flush=True)
sys.stdin.readline()
sys.argv = ["xinyong", *sys.argv[1:]]
main()
"""


@dataclass(frozen=True)
class Outcome:
    pid: int
    code: int
    stdout: str
    stderr: str


def at_once(*commands: list[object]) -> list[Outcome]:
    """Run each command in its own process, all released at the same moment."""
    env = {**environment(), "COLUMNS": "200", "NO_COLOR": "1"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", CONTENDER, *map(str, command)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for command in commands
    ]
    for process in processes:
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
    for process in processes:  # the barrier: both are waiting; release them together
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    outcomes = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=300)
        outcomes.append(Outcome(process.pid, process.returncode, stdout, stderr))
    return outcomes


def busy(what: str, holder: Outcome) -> str:
    return f"Error: {what} is being changed by another process (pid {holder.pid})\n"


def winner_and_loser(outcomes: list[Outcome], refusal: str) -> tuple[Outcome, Outcome]:
    """Exactly one succeeded; the other met the lock or the step's refusal, whole messages."""
    won = [o for o in outcomes if o.code == 0]
    assert len(won) == 1, outcomes
    loser = next(o for o in outcomes if o.code != 0)
    assert (loser.code, loser.stderr) in {(5, busy(f"round {ROUND}", won[0])), (2, f"Error: {refusal}\n")}, loser
    return won[0], loser


def copy_of(world: World, step: str, tmp_path: Path, trial: int) -> Path:
    return Path(shutil.copytree(world.bases[step], tmp_path / f"trial-{trial}" / "out"))


def logged(out: Path, name: str) -> list[dict]:
    return [e for e in translog.entries(out / "public") if e.get("path") == f"rounds/{ROUND}/{name}"]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_two_commits_with_different_texts_at_once_make_one_commitment(
    small_world: World, tmp_path: Path, trial: int
) -> None:
    out = copy_of(small_world, "commit", tmp_path, trial)
    texts = [f"{RANDOMNESS} (甲)", f"{RANDOMNESS} (乙)"]
    outcomes = at_once(*(["round", "commit", "--round", ROUND, "--announced", t, "--out", out] for t in texts))
    won, _ = winner_and_loser(outcomes, f"round {ROUND} already has a commitment; a round is committed once")
    commitment = json.loads((RoundPaths(out, ROUND).audit / "commitment.json").read_bytes())
    assert commitment["randomness"]["sources"] == [{"description": texts[outcomes.index(won)], "kind": "announced"}]
    assert len(logged(out, "commitment.json")) == 1
    translog.verify_log(out / "public")


@pytest.mark.parametrize("trial", range(TRIALS))
def test_two_reveals_with_different_values_at_once_accept_one(small_world: World, tmp_path: Path, trial: int) -> None:
    out = copy_of(small_world, "reveal", tmp_path, trial)
    values = [f"{VALUE} 1", f"{VALUE} 2"]
    outcomes = at_once(
        *(["round", "reveal", "--round", ROUND, "--value", v, "--value", v, "--out", out] for v in values)
    )
    won, _ = winner_and_loser(outcomes, f"round {ROUND} already has its public randomness; a second reveal is refused")
    randomness = json.loads((RoundPaths(out, ROUND).audit / "randomness.json").read_bytes())
    assert randomness["values"] == [values[outcomes.index(won)]] and len(logged(out, "randomness.json")) == 1
    translog.verify_log(out / "public")


@pytest.mark.parametrize("trial", range(TRIALS))
def test_two_imports_of_different_forms_at_once_lose_no_result(small_world: World, tmp_path: Path, trial: int) -> None:
    out = copy_of(small_world, "results import", tmp_path, trial)
    rows = pl.read_excel(small_world.form, infer_schema_length=0)
    half = rows.height // 2
    forms = [tmp_path / f"trial-{trial}" / "a.csv", tmp_path / f"trial-{trial}" / "b.csv"]
    rows.head(half).write_csv(forms[0], include_bom=True)
    rows.tail(rows.height - half).write_csv(forms[1], include_bom=True)
    day = ["--today", "2026-11-28"]
    outcomes = at_once(*(["results", "import", form, "--out", out, *day] for form in forms))
    for form, outcome in zip(forms, outcomes, strict=True):
        if outcome.code == 5:  # refused at once, nothing imported: the person runs it again
            winner = next(o for o in outcomes if o is not outcome)
            assert outcome.stderr == busy(f"round {ROUND}", winner) and winner.code == 0
            again = subprocess.run(
                [sys.executable, "-m", "xinyong.cli", "results", "import", str(form), "--out", str(out), *day],
                capture_output=True,
                text=True,
                env=environment(),
            )
            assert again.returncode == 0, again.stderr
        else:
            assert outcome.code == 0, outcome
            assert "new results" in outcome.stdout
    labels = {c.name: c.label for c in results_form().columns}
    stored = {(r["plan"], r["uscc"]) for r in read_results(out, ROUND)}
    expected = set(zip(rows[labels["plan"]], rows[labels["uscc"]], strict=True))
    assert stored == expected and len(read_results(out, ROUND)) == rows.height  # 0 lost, none twice


@pytest.mark.parametrize("trial", range(TRIALS))
def test_a_frame_rebuilt_while_committing_leaves_a_round_that_draws_and_verifies(
    small_world: World, tmp_path: Path, trial: int
) -> None:
    out = copy_of(small_world, "commit", tmp_path, trial)
    frame = ["round", "frame", "--round", ROUND, "--plans", PLANS, "--tiers", small_world.tiers]
    frame += ["--clean", small_world.clean, "--out", out, "--rebuild"]
    committing = ["round", "commit", "--round", ROUND, "--announced", RANDOMNESS, "--out", out]
    rebuilt, committed = at_once(frame, committing)
    assert {rebuilt.code, committed.code} <= {0, 2, 5}, (rebuilt, committed)
    if rebuilt.code != 0:  # the commitment came first (or held the lock): the frame stays as committed
        assert rebuilt.stderr in {
            f"Error: round {ROUND} is committed; its frame, plans and roster can no longer change\n",
            busy(f"round {ROUND}", committed),
        }
        assert committed.code == 0
    elif committed.code != 0:  # the new frame came first: it has no approval yet, or it held the lock
        assert committed.stderr in {
            busy(f"round {ROUND}", rebuilt),
            f"Error: {RoundPaths(out, ROUND).folder}: round {ROUND} is framed; `xinyong round commit` needs it "
            "approved: run `xinyong round preview` first\n",
        }, committed
    if stage_of(RoundPaths(out, ROUND)) < Stage.COMMITTED:  # approve the new frame, then commit it
        approve_round(out, ROUND)
        commit(out, ROUND, Requested(announced=RANDOMNESS), now=COMMITTED_AT)
    reveal(out, ROUND, values=(VALUE, VALUE))
    draw(out, ROUND)
    verify_audit(RoundPaths(out, ROUND).audit)
    translog.verify_log(out / "public")


def test_a_step_on_a_round_another_process_is_changing_is_refused_with_its_pid(
    small_world: World, tmp_path: Path
) -> None:
    out = copy_of(small_world, "commit", tmp_path, 0)
    command = ["round", "commit", "--round", ROUND, "--announced", RANDOMNESS, "--out", out]
    with changing(RoundPaths(out, ROUND), Stage.APPROVED, "round commit"):
        (refused,) = at_once(command)
    assert (refused.code, refused.stderr) == (
        5,
        f"Error: round {ROUND} is being changed by another process (pid {os.getpid()})\n",
    )
    assert stage_of(RoundPaths(out, ROUND)) == Stage.APPROVED  # nothing was changed
    (done,) = at_once(command)
    assert (
        done.code == 0
        and done.stdout.splitlines()[1] == f'Randomness source 1: announced "{RANDOMNESS}": enter it twice'
    )


def test_a_disclosure_while_another_process_changes_the_log_is_refused_with_its_pid(
    small_world: World, tmp_path: Path
) -> None:
    out = copy_of(small_world, "disclose", tmp_path, 0)
    command = ["disclose", "--out", out / "public", "--work", out, "--clean", small_world.clean]
    before = (out / "public" / "log" / "checkpoint").read_bytes(), translog.entries(out / "public")
    with translog.locked(out / "public"):
        (refused,) = at_once(command)
    assert (refused.code, refused.stderr) == (
        5,
        f"Error: transparency log {out / 'public' / 'log'} is being changed by another process (pid {os.getpid()})\n",
    )
    assert ((out / "public" / "log" / "checkpoint").read_bytes(), translog.entries(out / "public")) == before
