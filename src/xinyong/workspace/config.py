"""Reading the project's TOML configuration (plans, tier policy, label policy) with one kind of error.

Rule (issue 12, "plans and policy are checked before anything irrevocable"): every table of every
TOML the project reads has a closed schema.  A key it does not know is not ignored — a typo such as
``targets`` for ``target`` would otherwise silently change a public draw — but refused by
:func:`check_keys`, the one implementation every reader calls, as ``<file>: <where>: unknown key
'targets' (did you mean 'target'?)``, the nearest known key found by :func:`difflib.get_close_matches`.
A value of the wrong type is refused by the typed readers below, naming the field.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from xinyong.errors import InputFileError


def read_toml(path: Path, what: str) -> dict[str, object]:
    """The parsed file; a missing or malformed one is an :class:`InputFileError` naming it."""
    if not path.is_file():
        raise InputFileError(path, f"no such {what} file")
    return parse_toml(path.read_text(encoding="utf-8"), path)


def parse_toml(text: str, where: Path) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(where, f"not valid TOML ({exc})") from None


def _at(where: str, problem: str) -> str:
    return f"{where}: {problem}" if where else problem


def check_keys(path: Path, where: str, table: Mapping[str, object], known: Sequence[str]) -> None:
    """Refuse the first key of ``table`` (in file order) that is not in ``known``.

    ``where`` names the table for a person (``plan P03``, ``plan P03: allocation``, ``override R1``;
    empty for the top level).  The message offers the nearest known key, or lists them all.
    """
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
            raise InputFileError(path, _at(where, f"unknown key {key!r} ({hint})"))


def table(path: Path, where: str, value: object) -> dict[str, object]:
    """``value`` as a TOML table; anything else is refused naming ``where``."""
    if not isinstance(value, dict):
        raise InputFileError(path, _at(where, f"must be a table, not {value!r}"))
    return value


def tables(path: Path, where: str, value: object) -> list[dict[str, object]]:
    """``value`` as an array of tables (``[[plan]]``, ``[[override]]``)."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputFileError(path, _at(where, f"must be an array of tables [[{where}]], not {value!r}"))
    return value


def text(path: Path, where: str, value: object) -> str:
    if not isinstance(value, str):
        raise InputFileError(path, _at(where, f"must be text, not {value!r}"))
    return value


def texts(path: Path, where: str, value: object) -> tuple[str, ...]:
    """A list of text values."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputFileError(path, _at(where, f"must be a list of text values, not {value!r}"))
    return tuple(value)


def whole(path: Path, where: str, value: object) -> int:
    """A whole number (TOML ``true`` is not one)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputFileError(path, _at(where, f"must be a whole number, not {value!r}"))
    return value


def number(path: Path, where: str, value: object) -> float:
    """A number, whole or not (TOML ``true`` is not one)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise InputFileError(path, _at(where, f"must be a number, not {value!r}"))
    return float(value)


def flag(path: Path, where: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InputFileError(path, _at(where, f"must be true or false, not {value!r}"))
    return value
