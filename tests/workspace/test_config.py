"""TOML configuration: a missing or malformed file is one error that names it; an unknown key or a
value of the wrong type is one error that names the table, the key and the nearest known key."""

from __future__ import annotations

from pathlib import Path

import pytest

from xinyong.errors import InputFileError
from xinyong.workspace.config import check_keys, flag, number, read_toml, table, text, texts, whole


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


@pytest.mark.parametrize(
    ("where", "table", "message"),
    [
        ("plan P03", {"id": "P03", "targets": {}}, "plan P03: unknown key 'targets' (did you mean 'target'?)"),
        ("", {"plans": []}, "unknown key 'plans' (did you mean 'plan'?)"),
        (
            "plan P01: allocation",
            {"owner": 1},
            "plan P01: allocation: unknown key 'owner' (known keys: id, target, plan)",
        ),
        ("x", {"target": 1, "zz": 2, "tagret": 3}, "x: unknown key 'zz' (known keys: id, target, plan)"),
    ],
)
def test_an_unknown_key_names_the_table_and_the_nearest_known_key(where: str, table: dict, message: str) -> None:
    with pytest.raises(InputFileError) as caught:
        check_keys(Path("plans.toml"), where, table, ("id", "target", "plan"))
    assert str(caught.value) == f"plans.toml: {message}"


def test_known_keys_pass() -> None:
    check_keys(Path("plans.toml"), "plan P01", {"id": "P01", "target": {}}, ("id", "target", "plan"))


@pytest.mark.parametrize(
    ("reader", "value", "message"),
    [
        (text, 3, "must be text, not 3"),
        (texts, ["a", 1], "must be a list of text values, not ['a', 1]"),
        (whole, True, "must be a whole number, not True"),
        (whole, 2.0, "must be a whole number, not 2.0"),
        (number, "0.4", "must be a number, not '0.4'"),
        (flag, "yes", "must be true or false, not 'yes'"),
        (table, [], "must be a table, not []"),
    ],
)
def test_a_value_of_the_wrong_type_names_its_field(reader, value: object, message: str) -> None:
    with pytest.raises(InputFileError) as caught:
        reader(Path("p.toml"), "plan P01: team_size", value)
    assert str(caught.value) == f"p.toml: plan P01: team_size: {message}"


def test_values_of_the_right_type_are_returned_as_they_are() -> None:
    where = Path("p.toml")
    assert (text(where, "f", "x"), texts(where, "f", ["a"]), whole(where, "f", 3), number(where, "f", 2)) == (
        "x",
        ("a",),
        3,
        2.0,
    )
    assert flag(where, "f", False) is False and table(where, "f", {"a": 1}) == {"a": 1}
