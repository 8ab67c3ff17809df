"""Atomic file output: write to a temporary file beside the target, then rename it into place.

``os.replace`` is atomic on POSIX within one file system, so a reader (or a crash) sees either
the old file or the complete new one, never a torn one.  Every file xinyong writes goes through
here.

A process killed mid-write leaves its temporary file (``.<name>.<pid>.<random>.tmp``, or a staging
folder named the same way) behind; the name carries the writer's pid so that
:func:`remove_debris` can tell the debris of a writer that is no longer running from a write in
progress, and the step that next holds the folder's lock (:mod:`xinyong.workspace.lock`) removes it.
A ``durable`` write also flushes the file and its folder to disk (``fsync``) before returning, for
what must survive a power cut once it is acted on (the transparency log signs only what is on disk).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl

from xinyong.workspace import sheets


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp makes 0600 files; a finished file gets the mode any new file gets (0644 under umask 022),
# so a web server or a colleague can read a published page or a task list.
FILE_MODE = 0o666 & ~_umask()
DIR_MODE = 0o777 & ~_umask()  # the same for a folder staged with mkdtemp (0700) and renamed into place


TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<pid>[0-9]+)\.[^.]+\.tmp")


def _temporary_name(name: str) -> tuple[str, str]:
    """The prefix and suffix of a temporary file or folder for ``name`` written by this process."""
    return f".{name}.{os.getpid()}.", ".tmp"


@contextmanager
def atomic_path(target: Path, *, durable: bool = False, mode: int = FILE_MODE) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``target`` (with ``mode``), on failure it is removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix, suffix = _temporary_name(target.name)
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, mode)
        if durable:
            _sync(tmp_path)
        os.replace(tmp_path, target)
        if durable:
            _sync(target.parent)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def _sync(path: Path) -> None:
    """Flush a file's bytes, or a folder's entries, to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def staging_folder(parent: Path, name: str) -> Path:
    """A new empty folder in ``parent`` to stage an output in, named as temporary files are."""
    parent.mkdir(parents=True, exist_ok=True)
    prefix, suffix = _temporary_name(name)
    return Path(tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=parent))


def remove_debris(folder: Path) -> list[Path]:
    """Remove the temporary files and staging folders under ``folder`` whose writer is no longer running
    (a process killed mid-write); returns what was removed."""
    removed = []
    for path in sorted(folder.rglob(".*.tmp")) if folder.is_dir() else []:
        found = TEMPORARY.fullmatch(path.name)
        if found is None or running(int(found["pid"])):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def running(pid: int) -> bool:
    """Whether process ``pid`` is running (this one is)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def publish_staged(staging: Path, out_dir: Path, last: str | None = None) -> None:
    """Move every file of ``staging`` into ``out_dir`` keeping sub-folders, ``last`` (a name) last.

    Each rename is atomic; the old marker (``last``, a manifest) is removed first and the new one is
    moved in last, so a reader who finds it also finds everything it describes, and a move cut short
    leaves a folder without its marker, which readers refuse, rather than old files mixed with new.
    """
    staged = sorted(p for p in staging.rglob("*") if p.is_file())
    staged.sort(key=lambda p: p.name == last)
    if last is not None:
        (out_dir / last).unlink(missing_ok=True)
    for path in staged:
        target = out_dir / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)


def write_bytes(target: Path, data: bytes, *, durable: bool = False, mode: int = FILE_MODE) -> None:
    with atomic_path(target, durable=durable, mode=mode) as tmp:
        tmp.write_bytes(data)


def write_json(target: Path, obj: Any) -> None:
    """Pretty, stable JSON for people (manifests); canonical JSON for the draw lives elsewhere."""
    write_bytes(target, (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def write_parquet(target: Path, frame: pl.DataFrame) -> None:
    with atomic_path(target) as tmp:
        frame.write_parquet(tmp, compression="zstd", statistics=True)


def write_csv(target: Path, frame: pl.DataFrame, *, bom: bool = False) -> None:
    """A CSV for people to open in a spreadsheet: UTF-8 (``bom=True`` adds the byte-order mark Excel needs
    to show Chinese), text cells escaped so that none is a formula and none turns into a number
    (:func:`xinyong.workspace.sheets.csv_bytes`)."""
    write_bytes(target, sheets.csv_bytes(frame, bom=bom))


def write_xlsx(target: Path, workbook: Mapping[str, pl.DataFrame | sheets.Sheet]) -> None:
    """An xlsx workbook of one worksheet per frame or :class:`~xinyong.workspace.sheets.Sheet`, laid out for
    screen and A4 paper, text never a formula, byte-stable (:func:`xinyong.workspace.sheets.workbook`)."""
    write_bytes(target, sheets.workbook(workbook))


# The formats a table output (``--out FILE``) can take, by suffix: Parquet and CSV for programs (the CSV
# plain UTF-8, its cells as they are), xlsx for people.
TABLE_FORMATS = (".parquet", ".csv", ".xlsx")


def write_table(target: Path, frame: pl.DataFrame) -> None:
    """``frame`` in the format the suffix of ``target`` names (one of :data:`TABLE_FORMATS`; the caller checked
    it with :func:`xinyong.workspace.checks.output_file`)."""
    suffix = target.suffix.lower()
    if suffix == ".parquet":
        write_parquet(target, frame)
    elif suffix == ".csv":
        with atomic_path(target) as tmp:
            frame.write_csv(tmp)
    elif suffix == ".xlsx":
        write_xlsx(target, {"数据": frame})
    else:
        raise AssertionError(f"{target}: unchecked output format {suffix!r}")  # a caller skipped the check
