"""The tier policy file: the shipped default, and one clear error per kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import POLICY
from xinyong.errors import InputFileError
from xinyong.tiers.policy import read_policy


def test_the_shipped_policy_has_the_three_default_rules() -> None:
    policy = read_policy(POLICY)
    assert policy.source == "model"
    assert [(r.id, r.effect, r.tier) for r in policy.overrides] == [
        ("R1", "set", "D"),
        ("R2", "at_least", "C"),
        ("R3", "set", "B"),
    ]
    assert ("dishonest_listed", "==", 1.0) in policy.overrides[0].when


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[cutoffs]\nsource = "median"', "cutoffs.source: must be model, shares or values, not 'median'"),
        (
            '[cutoffs]\nsource = "shares"\nshares = { A = 0.5, B = 0.3, C = 0.1, D = 0.2 }',
            "cutoffs.shares: needs A, B, C and D, each above 0, summing to 1",
        ),
        (
            '[cutoffs]\nsource = "values"\nvalues = { A = 0.2, B = 0.1, C = 0.4 }',
            "cutoffs.values: needs A < B < C, each between 0 and 1",
        ),
        (
            '[[override]]\nid = "X"\nname = "n"\neffect = "set"\ntier = "E"\nwhen = [["age_months", "<", 1]]',
            "override X: tier must be one of A/B/C/D, not 'E'",
        ),
        (
            '[[override]]\nid = "X"\nname = "n"\neffect = "raise"\ntier = "C"\nwhen = [["age_months", "<", 1]]',
            "override X: effect must be set or at_least, not 'raise'",
        ),
        (
            '[[override]]\nid = "X"\nname = "n"\neffect = "set"\ntier = "C"\nwhen = [["size", "<", 1]]',
            "override X: unknown numeric indicator 'size'",
        ),
        ('[[override]]\nid = "X"\nname = "n"\neffect = "set"\ntier = "C"', "override X: missing when"),
        (
            '[[override]]\nid = "X"\nname = "n"\neffect = "set"\ntier = "C"\nwhen = [["age_months", "~", 1]]',
            "override X: condition ['age_months', '~', 1]: operator must be one of == != < <= > >= and the value a "
            "number",
        ),
        # `sourc` was ignored, so the cut-offs silently stayed the model's
        ('[cutoffs]\nsourc = "values"', "cutoffs: unknown key 'sourc' (did you mean 'source'?)"),
        (
            '[cutof]\nsource = "values"\n[[override]]\nid = "X"\nname = "n"\neffect = "set"\ntier = "C"\n'
            'when = [["age_months", "<", 1]]',
            "unknown key 'cutof' (did you mean 'cutoffs'?)",
        ),
        (
            '[[override]]\nid = "X"\nname = "n"\neffect = "set"\ntiers = "C"\nwhen = [["age_months", "<", 1]]',
            "override X: unknown key 'tiers' (did you mean 'tier'?)",
        ),
        (
            "[cutoffs]\nshares = { A = 0.4, B = 0.3, C = 0.2, E = 0.1 }",
            "cutoffs.shares: unknown key 'E' (known keys: A, B, C, D)",
        ),
        ('[cutoffs]\nvalues = { A = "0.1", B = 0.2, C = 0.4 }', "cutoffs.values.A: must be a number, not '0.1'"),
        ("[cutoffs]\nvalues = { D = 0.9 }", "cutoffs.values: unknown key 'D' (known keys: A, B, C)"),
        ('[[override]]\nid = "X"\nname = "n"\neffect = "set"\ntier = "C"\nwhen = "age_months < 1"', None),
        ("cutoffs = 3", "cutoffs: must be a table, not 3"),
        ('[cutoffs]\nsource = ["model"]', "cutoffs.source: must be model, shares or values, not ['model']"),
        (
            'division = "330802"\n[[plan]]\nid = "P01"',
            "not a tier policy: it has division, plan; a policy has only [cutoffs] and [[override]]",
        ),
    ],
)
def test_a_bad_policy_names_the_rule_and_field(tmp_path: Path, text: str, problem: str | None) -> None:
    problem = problem or (
        "override X: when must be a list of conditions [indicator, operator, number], not 'age_months < 1'"
    )
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_policy(path)
    assert str(caught.value) == f"{path}: {problem}"
