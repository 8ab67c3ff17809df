"""Atomic file output: write to a temporary file beside the target, then rename it into place.

``os.replace`` is atomic on POSIX within one file system, so a reader (or a crash) sees either
the old file or the complete new one, never a torn one.  Every file xinyong writes goes through
here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp makes 0600 files; a finished file gets the mode any new file gets (0644 under umask 022),
# so a web server or a colleague can read a published page or a task list.
FILE_MODE = 0o666 & ~_umask()
DIR_MODE = 0o777 & ~_umask()  # the same for a folder staged with mkdtemp (0700) and renamed into place


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``target``, on failure it is removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, FILE_MODE)
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def publish_staged(staging: Path, out_dir: Path, last: str | None = None) -> None:
    """Move every file of ``staging`` into ``out_dir`` keeping sub-folders, ``last`` (a name) last.

    Each rename is atomic; writing the file that marks the output complete (a manifest) last
    means a reader who finds it also finds everything it describes.
    """
    staged = sorted(p for p in staging.rglob("*") if p.is_file())
    staged.sort(key=lambda p: p.name == last)
    for path in staged:
        target = out_dir / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)


def write_bytes(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_json(target: Path, obj: Any) -> None:
    """Pretty, stable JSON for people (manifests); canonical JSON for the draw lives elsewhere."""
    write_bytes(target, (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def write_parquet(target: Path, frame: pl.DataFrame) -> None:
    with atomic_path(target) as tmp:
        frame.write_parquet(tmp, compression="zstd", statistics=True)


def write_csv(target: Path, frame: pl.DataFrame, *, bom: bool = False) -> None:
    """CSV in UTF-8; ``bom=True`` adds the byte-order mark Excel needs to show Chinese."""
    with atomic_path(target) as tmp:
        frame.write_csv(tmp, include_bom=bom)


# xlsx core properties carry a creation time; a fixed one keeps the same sheets the same bytes
# (xlsxwriter gives the zip entries a fixed time of their own).
XLSX_CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def write_xlsx(target: Path, sheets: Mapping[str, pl.DataFrame]) -> None:
    """An xlsx workbook of one worksheet per frame (bold shaded header, frozen first row), byte-stable."""
    from xlsxwriter import Workbook

    with atomic_path(target) as tmp:
        workbook = Workbook(tmp)
        workbook.set_properties({"created": XLSX_CREATED})
        with workbook:
            for name, sheet in sheets.items():
                sheet.write_excel(
                    workbook,
                    worksheet=name,
                    autofit=True,
                    header_format={"bold": True, "bg_color": "#DDEBF7"},
                    freeze_panes=(1, 0),
                )
