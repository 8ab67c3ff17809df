"""One process at a time: an OS file lock held for a whole step, recording its holder's pid.

Rule (issue 12, deliverable 5): a step that changes a round holds the round's lock, an append to a
transparency log (and every write into its public folder) holds the log's lock, and ``ingest`` holds
its clean folder's; a second process that asks for a held lock is refused at once with a
:class:`~xinyong.errors.BusyError` naming what is locked and the pid of the process holding it
(exit code 5: nothing was changed, run the command again when that process has finished).

The lock is the kernel's (``flock(2)`` on the lock file): it belongs to the open file, so it is
released when its holder ends, however it ends — a killed step never leaves a stale lock behind, and
the next run simply takes it. The lock file stays; it holds its holder's pid while it is held, and
is emptied when the lock is released (a killed holder's pid stays, and is not reported: that process
is gone). Within one
process a lock is re-entrant (a step holding its round's lock appends to the log, whose lock it may
also hold already), and locks are always taken in one order — round, then log — so two steps never
wait for each other.

Holding the lock of a folder, the holder first removes the temporary files that killed writers left
in it (:func:`xinyong.workspace.fsio.remove_debris`), so a re-run after a crash leaves none.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from xinyong.errors import BusyError
from xinyong.workspace import fsio

_held: dict[Path, int] = {}  # the locks this process holds, each with how many times it was taken


@contextmanager
def held(lock_file: Path, what: str, *, tidy: Path | None = None) -> Iterator[None]:
    """Hold the lock ``lock_file`` (created if missing) for the block; a :class:`BusyError` about ``what``
    when another process holds it.  Once taken, the debris of killed writers under ``tidy`` is removed."""
    key = lock_file.resolve()  # one lock however its path is spelled
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o666)  # as any new file, under the umask
    try:
        _take(descriptor, what)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
        _held[key] = 1
        try:
            if tidy is not None:
                fsio.remove_debris(tidy)
            yield
        finally:
            del _held[key]
            os.ftruncate(descriptor, 0)  # held by nobody: no pid
    finally:
        os.close(descriptor)  # releases the lock


# A holder writes its pid the moment it has the lock; a process refused in that instant looks again,
# for at most this long, rather than name no holder or a former one.
_ATTEMPTS, _PAUSE = 50, 0.002


def _take(descriptor: int, what: str) -> None:
    """Take the lock at once, or raise a BusyError naming the process that holds it."""
    for _ in range(_ATTEMPTS):
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pid = _holder(descriptor)
            if pid is not None:
                raise BusyError(what, pid) from None
        time.sleep(_PAUSE)
    raise BusyError(what, None)


def _holder(descriptor: int) -> int | None:
    """The pid a lock file records, if that process is running (not yet written, or a former holder's: None)."""
    words = os.pread(descriptor, 32, 0).decode("ascii", errors="replace").split()
    if not words or not words[0].isdigit():
        return None
    pid = int(words[0])
    return pid if fsio.running(pid) else None
