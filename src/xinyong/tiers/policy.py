"""The tier policy (``policy.toml``): cut-offs from score to tier, then override rules.

Cut-offs come from the model (fixed when it was trained — the default tier shares of its training
scores, :func:`xinyong.model.report.cutoffs_from_shares` — and carried in its metadata), from target
shares of the month's firms, or from explicit probabilities.  Override rules express the
regulator's fixed rules (the enterprise credit-risk classification of 国市监信发〔2022〕6号, see
:mod:`xinyong.core.codes`; the shipped ``policy.toml``): a firm on the 严重违法失信名单 is D, one on the
经营异常名录 at least C, a newly established firm with no record B.
A bad policy is a one-line error naming the file, the rule and the field.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from xinyong.core.codes import TIERS
from xinyong.errors import InputFileError
from xinyong.indicators.catalog import by_name
from xinyong.workspace.config import read_toml

OPERATORS = ("==", "!=", "<", "<=", ">", ">=")
Condition = tuple[str, str, float]  # (indicator, operator, value)


@dataclass(frozen=True)
class Override:
    id: str
    name: str
    effect: Literal["set", "at_least"]
    tier: str
    when: tuple[Condition, ...]


@dataclass(frozen=True)
class Policy:
    source: Literal["model", "shares", "values"]
    shares: dict[str, float]
    values: dict[str, float]
    overrides: tuple[Override, ...]


def read_policy(path: Path) -> Policy:
    data = read_toml(path, "policy")

    def fail(where: str, problem: str) -> InputFileError:
        return InputFileError(path, f"{where}: {problem}")

    unknown = sorted(set(data) - {"cutoffs", "override"})
    if unknown:
        raise InputFileError(
            path, f"not a tier policy: it has {', '.join(unknown)}; a policy has only [cutoffs] and [[override]]"
        )
    cutoffs = data.get("cutoffs", {})
    source = cutoffs.get("source", "model")
    if source not in ("model", "shares", "values"):
        raise fail("cutoffs.source", f"must be model, shares or values, not {source!r}")
    shares = {k: float(v) for k, v in cutoffs.get("shares", {}).items()}
    values = {k: float(v) for k, v in cutoffs.get("values", {}).items()}
    if source == "shares" and (
        set(shares) != set(TIERS) or any(v <= 0 for v in shares.values()) or not math.isclose(sum(shares.values()), 1.0)
    ):
        raise fail("cutoffs.shares", "needs A, B, C and D, each above 0, summing to 1")
    if source == "values":
        bounds = [values[t] for t in TIERS[:3] if t in values]
        if len(bounds) < 3 or not all(0 < a < b < 1 for a, b in itertools.pairwise(bounds)) or not bounds[0] > 0:
            raise fail("cutoffs.values", "needs A < B < C, each between 0 and 1")

    indicators = by_name()
    overrides, seen = [], set()
    for n, rule in enumerate(data.get("override", []), start=1):
        where = f"override {rule.get('id', f'#{n}')}"
        for key in ("id", "name", "effect", "tier", "when"):
            if key not in rule:
                raise fail(where, f"missing {key}")
        if rule["id"] in seen:
            raise fail(where, "duplicate id")
        seen.add(rule["id"])
        if rule["effect"] not in ("set", "at_least"):
            raise fail(where, f"effect must be set or at_least, not {rule['effect']!r}")
        if rule["tier"] not in TIERS:
            raise fail(where, f"tier must be one of A/B/C/D, not {rule['tier']!r}")
        conditions = []
        for condition in rule["when"]:
            if not (isinstance(condition, list) and len(condition) == 3):
                raise fail(where, f"each condition is [indicator, operator, number], got {condition!r}")
            name, op, value = condition
            if name not in indicators or indicators[name].categorical:
                raise fail(where, f"unknown numeric indicator {name!r}")
            if op not in OPERATORS or not isinstance(value, (int, float)):
                raise fail(
                    where,
                    f"condition {condition!r}: operator must be one of {' '.join(OPERATORS)} and the value a number",
                )
            conditions.append((name, op, float(value)))
        if not conditions:
            raise fail(where, "when needs at least one condition")
        overrides.append(Override(rule["id"], rule["name"], rule["effect"], rule["tier"], tuple(conditions)))
    return Policy(source, shares, values, tuple(overrides))
