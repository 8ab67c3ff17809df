"""Reading the project's TOML configuration (plans, tier policy, label policy) with one kind of error."""

from __future__ import annotations

import tomllib
from pathlib import Path

from xinyong.errors import InputFileError


def read_toml(path: Path, what: str) -> dict:
    """The parsed file; a missing or malformed one is an :class:`InputFileError` naming it."""
    if not path.is_file():
        raise InputFileError(path, f"no such {what} file")
    return parse_toml(path.read_text(encoding="utf-8"), path)


def parse_toml(text: str, where: Path) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(where, f"not valid TOML ({exc})") from None
