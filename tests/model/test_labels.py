"""Result codes become labels through a policy file; each label keeps its π."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from xinyong.errors import InputFileError
from xinyong.model.labels import adjust_for_nonresponse, inspection_labels, inspection_outcomes, read_policy


def test_default_policy_follows_design() -> None:
    policy = read_policy()
    assert policy.violation == ("A", "B", "C", "D", "E")
    assert policy.no_violation == ("1",)


def test_labels_carry_pi_weight_and_the_day_before_their_month() -> None:
    inspections = pl.DataFrame(
        {
            "record_id": ["JC-1", "JC-2", "JC-3"],
            "uscc": ["X", "Y", "Z"],
            "round_month": ["2025-03", "2025-03", "2025-04"],
            "result_code": ["A", "1", "6"],
            "inclusion_probability": [0.05, 0.01, 0.5],
            "legacy_tier": ["D", "B", "C"],
        }
    ).lazy()
    rows = inspection_labels(inspections, read_policy()).collect().rows(named=True)
    assert [(r["uscc"], r["label"], str(r["as_of"]), r["pi"], r["weight"]) for r in rows] == [
        ("X", 1, "2025-02-28", 0.05, 20.0),
        ("Y", 0, "2025-02-28", 0.01, 100.0),
    ]  # code 6: no label


def test_a_record_is_one_label_though_it_covers_several_items() -> None:
    # A joint plan's result in the inspection history: one row per item, one record id.
    inspections = pl.DataFrame(
        {
            "record_id": ["R-1", "R-1", "JC-7"],
            "uscc": ["X", "X", "X"],
            "round_month": ["2026-11", "2026-11", "2026-11"],
            "result_code": ["A", "A", "1"],
            "inclusion_probability": [0.25, 0.25, 0.5],
            "legacy_tier": ["C", "C", "C"],
        }
    ).lazy()
    rows = inspection_labels(inspections, read_policy()).collect()
    assert sorted(zip(rows["label"], rows["weight"], strict=True)) == [(0, 2.0), (1, 4.0)]


def test_a_results_codes_map_to_one_label_by_the_policy() -> None:
    policy = read_policy()
    assert [policy.label_of(c) for c in (["1"], ["B", "D"], ["6"], ["F", "B"])] == [0, 1, None, 1]


def test_unlabelled_weight_moves_to_the_labelled_rows_of_its_class_only() -> None:
    inspections = pl.DataFrame(
        {
            "record_id": ["JC-1", "JC-2", "JC-3", "JC-4", "JC-5"],
            "uscc": ["P", "Q", "R", "S", "T"],
            "round_month": ["2025-03"] * 5,
            "result_code": ["A", "6", "1", "1", "6"],
            "inclusion_probability": [0.1, 0.1, 0.5, 0.25, 0.2],
            "legacy_tier": ["D", "D", "B", "B", "C"],
        }
    ).lazy()
    outcomes = inspection_outcomes(inspections, read_policy()).collect()
    adjusted = adjust_for_nonresponse(outcomes, ["round_month", "stratum"])
    # D: P carries Q's 10 as well; B: nothing unlabelled, weights unchanged; C: no labelled row, T drops out.
    assert dict(zip(adjusted["uscc"], adjusted["weight"], strict=True)) == {"P": 20.0, "R": 2.0, "S": 4.0}
    assert adjusted["pi"].to_list() == [0.1, 0.5, 0.25]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("violation = []\nno_violation = ['1']", "violation must be a non-empty list of result codes"),
        ("violation = ['A', 'Z']\nno_violation = ['1']", "violation: unknown result code Z"),
        ("violation = ['A']\nno_violation = ['1', 'A']", "code A is both a violation and not"),
        ("violation = ['A']\nno_violaton = ['1']", "unknown key 'no_violaton' (did you mean 'no_violation'?)"),
    ],
)
def test_bad_policy_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "labels.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_policy(path)
    assert str(caught.value) == f"{path}: {message}"
