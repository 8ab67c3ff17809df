"""One process at a time: an OS file lock held for a whole step, recording its holder's pid.

Rule (issue 12, deliverable 5): a step that changes a round holds the round's lock, an append to a
transparency log (and every write into its public folder) holds the log's lock, and ``ingest`` holds
its clean folder's; a second process that asks for a held lock is refused at once with a
:class:`~xinyong.errors.BusyError` naming what is locked and the pid of the process holding it
(exit code 5: nothing was changed, run the command again when that process has finished).

The lock is the kernel's (``flock(2)`` on the lock file): it belongs to the open file, so it is
released when its holder ends, however it ends — a killed step never leaves a stale lock behind, and
the next run simply takes it. The lock file stays, holding the pid of its last holder. Within one
process a lock is re-entrant (a step holding its round's lock appends to the log, whose lock it may
also hold already), and locks are always taken in one order — round, then log — so two steps never
wait for each other.

Holding the lock of a folder, the holder first removes the temporary files that killed writers left
in it (:func:`xinyong.workspace.fsio.remove_debris`), so a re-run after a crash leaves none.
"""

from __future__ import annotations

import fcntl
import os
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
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BusyError(what, _holder(descriptor)) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
        _held[key] = 1
        try:
            if tidy is not None:
                fsio.remove_debris(tidy)
            yield
        finally:
            del _held[key]
    finally:
        os.close(descriptor)  # releases the lock


def _holder(descriptor: int) -> int | None:
    """The pid a lock file records (None while its holder has not written it yet)."""
    text = os.pread(descriptor, 32, 0).decode("ascii", errors="replace").strip()
    return int(text) if text.isdigit() else None
