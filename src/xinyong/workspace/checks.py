"""What a command is given, checked at the edge before anything is read in bulk or written.

Each check fails with one :class:`~xinyong.errors.XinyongError` naming the path and the rule, so a
person sees ``Error: <path>: <what is wrong>`` and nothing is left half-written (issue 11):

- an output folder is not an existing file, an output file not an existing folder, and neither is
  an input itself or inside an input folder (the output would overwrite it, or be read back as input);
- an output file's suffix names a format the command writes (``.parquet``, ``.csv``, ``.xlsx``, ``.html``):
  a file is written in the format its name says, or refused;
- nothing is written under a path whose parent is a file, nor inside the installed package (its shipped
  defaults, such as the champion in ``xinyong/defaults/models/``, are package data that no command changes);
- a clean folder is one ``xinyong ingest`` wrote: ``manifest.json`` and one Parquet file per
  contract table (:mod:`xinyong.workspace.layout`); a model folder is a folder, not a file; a work
  folder (the ``--out`` of ``xinyong round``) is an existing folder;
- a table of a given kind (features, tiers) is a Parquet file with the columns its
  readers use — read from the Parquet schema, without reading the data.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

import xinyong
from xinyong.errors import InputFileError, UsageError
from xinyong.ingest import contract
from xinyong.workspace.layout import MANIFEST, TableKind, clean_table


def output_folder(path: Path, *inputs: Path) -> None:
    """``path`` can be made or filled as an output folder, apart from the ``inputs``."""
    _writable(path)
    if path.exists() and not path.is_dir():
        raise UsageError(f"{path}: is a file, not a folder to write into")
    _apart(path, inputs)


def output_file(path: Path, *inputs: Path, formats: tuple[str, ...] = ()) -> None:
    """``path`` can be written as an output file, apart from the ``inputs``, and (when ``formats`` are
    given) its suffix names one of them: a file is written in the format its name says, or not at all."""
    _writable(path)
    if path.is_dir():
        raise UsageError(f"{path}: is a folder, not a file to write")
    if formats and path.suffix.lower() not in formats:
        named = f"{path.suffix!r} is not a format it writes" if path.suffix else "the name has no suffix"
        allowed = " or ".join([", ".join(formats[:-1]), formats[-1]] if len(formats) > 1 else formats)
        raise UsageError(f"{path}: {named}; name it {allowed}, e.g. {path.with_suffix(formats[0]).name}")
    _apart(path, inputs)


def _apart(path: Path, inputs: tuple[Path, ...]) -> None:
    """An output is none of the inputs and not inside an input folder."""
    target = path.resolve()
    for given in inputs:
        source = given.resolve()
        if target == source:
            raise UsageError(f"{path}: is also an input; write the output elsewhere")
        if source in target.parents:
            raise UsageError(f"{path}: is inside the input folder {given}; write the output elsewhere")


def _writable(path: Path) -> None:
    package = Path(xinyong.__file__).resolve().parent
    target = path.resolve()
    if target == package or package in target.parents:
        raise UsageError(
            f"{path}: is inside the installed xinyong package ({package}), whose shipped defaults are package data "
            "that no command changes; write the output elsewhere (a workspace's models/ for a champion)"
        )
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"{path}: {parent} is a file, so nothing can be written under it")
            return


def clean_folder(path: Path) -> None:
    """``path`` is a clean folder: its manifest and every contract table are there."""
    made = "make one with `xinyong ingest`"
    if not path.exists():
        raise InputFileError(path, f"no such clean folder; {made}")
    if not path.is_dir():
        raise InputFileError(path, f"is a file, not a clean folder; {made}")
    if not (path / MANIFEST).is_file():
        raise InputFileError(path, f"not a clean folder (it has no {MANIFEST}); {made}")
    for table in contract.tables():
        if not clean_table(path, table.name).is_file():
            raise InputFileError(clean_table(path, table.name), "missing; run `xinyong ingest` into this folder first")


def work_folder(path: Path) -> None:
    """``path`` is a work root: the ``--out`` folder of ``xinyong round``, whose rounds are inspection history."""
    made = "give the --out folder of `xinyong round`"
    if not path.exists():
        raise InputFileError(path, f"no such work folder; {made}")
    if not path.is_dir():
        raise InputFileError(path, f"is a file, not a work folder; {made}")


def model_folder(path: Path) -> None:
    """``path`` is not a file where a model folder (``model.txt`` and ``metadata.json``) is expected."""
    if path.is_file():
        raise InputFileError(path, "is a file, not a model folder (the folder `xinyong model train --out` writes)")


def table_file(path: Path, kind: TableKind) -> None:
    """``path`` is a Parquet file with every column of ``kind``."""
    made = f"make one with {kind.made_by}"
    if path.is_dir():
        raise InputFileError(path, f"is a folder, not a {kind.name}; {made}")
    if not path.is_file():
        raise InputFileError(path, f"no such {kind.name}; {made}")
    try:
        columns = pl.read_parquet_schema(path)
    except (pl.exceptions.PolarsError, OSError):
        raise InputFileError(path, f"not a Parquet file, so not a {kind.name}; {made}") from None
    missing = [c for c in kind.columns if c not in columns]
    if missing:
        raise InputFileError(path, f"not a {kind.name}: it has no column {', '.join(missing)}; {made}")
