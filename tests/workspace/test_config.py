"""TOML configuration: a missing or malformed file is one error that names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from xinyong.errors import InputFileError
from xinyong.workspace.config import read_toml


def test_a_missing_file_is_named_with_what_it_should_have_been(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        read_toml(tmp_path / "policy.toml", "policy")
    assert str(caught.value) == f"{tmp_path / 'policy.toml'}: no such policy file"


def test_malformed_toml_names_the_file_and_the_place(tmp_path: Path) -> None:
    (tmp_path / "plans.toml").write_text('[plan\nid = "P01"\n', encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_toml(tmp_path / "plans.toml", "plans")
    assert str(caught.value).startswith(f"{tmp_path / 'plans.toml'}: not valid TOML (")
    assert "line 1" in str(caught.value)


def test_a_good_file_is_parsed(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text('[[plan]]\nid = "P01"\nname = "食品"\n', encoding="utf-8")
    assert read_toml(tmp_path / "p.toml", "plans") == {"plan": [{"id": "P01", "name": "食品"}]}
