"""Result codes become labels through a policy file; each label keeps its π."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from xinyong.errors import InputFileError
from xinyong.labels import inspection_labels, read_policy


def test_default_policy_follows_design() -> None:
    policy = read_policy()
    assert policy.violation == ("A", "B", "C", "D", "E")
    assert policy.no_violation == ("1",)


def test_labels_carry_pi_weight_and_the_day_before_their_month() -> None:
    inspections = pl.DataFrame({
        "uscc": ["X", "Y", "Z"], "round_month": ["2025-03", "2025-03", "2025-04"],
        "result_code": ["A", "1", "6"], "inclusion_probability": [0.05, 0.01, 0.5],
    }).lazy()
    rows = inspection_labels(inspections, read_policy()).collect().rows(named=True)
    assert [(r["uscc"], r["label"], str(r["as_of"]), r["pi"], r["weight"]) for r in rows] == [
        ("X", 1, "2025-02-28", 0.05, 20.0), ("Y", 0, "2025-02-28", 0.01, 100.0)]  # code 6: no label


@pytest.mark.parametrize(("text", "message"), [
    ("violation = []\nno_violation = ['1']", "violation must be a non-empty list of result codes"),
    ("violation = ['A', 'Z']\nno_violation = ['1']", "violation: unknown result code Z"),
    ("violation = ['A']\nno_violation = ['1', 'A']", "code A is both a violation and not"),
])
def test_bad_policy_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "labels.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_policy(path)
    assert str(caught.value) == f"{path}: {message}"
