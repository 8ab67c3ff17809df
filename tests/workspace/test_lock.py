"""The lock: one process at a time, the second refused at once with the holder's pid, released however
the holder ends, re-entrant within a process, and the debris of killed writers removed once taken."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.crash import environment
from xinyong.errors import BusyError
from xinyong.workspace import fsio, lock

# A process that takes the lock given, says so, and holds it until its stdin closes (or it is killed).
HOLDER = """
import sys
from pathlib import Path
from xinyong.errors import BusyError
from xinyong.workspace import lock
try:
    with lock.held(Path(sys.argv[1]), "the thing"):
        print("held", flush=True)
        sys.stdin.read()
except BusyError as error:
    print(error, flush=True)
    sys.exit(error.exit_code)
"""


def holder(lock_file: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=environment(),
    )


def test_a_second_process_is_refused_at_once_with_the_holders_pid(tmp_path: Path) -> None:
    lock_file = tmp_path / "x.lock"
    with lock.held(lock_file, "the thing"):
        assert lock_file.read_text() == f"{os.getpid()}\n"  # the lock file records its holder
        other = holder(lock_file)
        out, _ = other.communicate(timeout=60)
    assert (other.returncode, out) == (5, f"the thing is being changed by another process (pid {os.getpid()})\n")


def test_in_this_process_it_is_refused_while_another_holds_it_and_taken_once_that_one_is_killed(
    tmp_path: Path,
) -> None:
    lock_file = tmp_path / "x.lock"
    other = holder(lock_file)
    assert other.stdout is not None and other.stdout.readline() == "held\n"
    with pytest.raises(BusyError) as caught, lock.held(lock_file, "round 330802-2026-11"):
        pass
    assert str(caught.value) == f"round 330802-2026-11 is being changed by another process (pid {other.pid})"
    assert (caught.value.exit_code, caught.value.pid) == (5, other.pid)
    other.send_signal(signal.SIGKILL)  # a killed holder leaves no stale lock behind
    other.wait()
    with lock.held(lock_file, "round 330802-2026-11"):
        assert lock_file.read_text() == f"{os.getpid()}\n"
    assert lock_file.read_text() == ""  # released: held by nobody


def test_a_lock_is_re_entrant_within_a_process_and_released_after(tmp_path: Path) -> None:
    lock_file = tmp_path / "sub" / "x.lock"
    with lock.held(lock_file, "the thing"), lock.held(tmp_path / "sub" / ".." / "sub" / "x.lock", "the thing"):
        pass
    other = holder(lock_file)  # released: another process takes it
    assert other.stdout is not None and other.stdout.readline() == "held\n"
    other.communicate(timeout=60)
    assert other.returncode == 0


def test_taking_a_lock_removes_the_debris_of_killed_writers_only(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)  # a process that has ended (and was reaped)
    debris = [tmp_path / f".page.html.{pid}.abc123_x.tmp", tmp_path / "rounds" / f".selection.jsonl.{pid}.q1w2e3r4.tmp"]
    staging = tmp_path / f".ingest.{pid}.zz9zz9zz.tmp"
    (staging / "quarantine").mkdir(parents=True)
    (staging / "quarantine" / "x.csv").write_text("x")
    for path in debris:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half")
    live = tmp_path / f".index.html.{os.getpid()}.abcdefgh.tmp"  # a write in progress, by this process
    kept = [live, tmp_path / "page.html", tmp_path / ".hidden.tmp", tmp_path / "notes.1.tmp"]
    for path in kept:
        path.write_text("keep")
    with lock.held(tmp_path / "x.lock", "the thing", tidy=tmp_path):
        pass
    assert not any(path.exists() for path in [*debris, staging])
    assert all(path.exists() for path in kept)


def test_temporary_names_carry_the_writers_pid_so_debris_can_be_told_apart(tmp_path: Path) -> None:
    seen = []
    with fsio.atomic_path(tmp_path / "a.json") as tmp:
        seen.append(tmp.name)
        tmp.write_text("{}")
    found = fsio.TEMPORARY.fullmatch(seen[0])
    assert found is not None and (found["name"], found["pid"]) == ("a.json", str(os.getpid()))
    assert fsio.TEMPORARY.fullmatch(fsio.staging_folder(tmp_path, "ingest").name)
