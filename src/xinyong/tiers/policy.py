"""The tier policy (``policy.toml``): cut-offs from score to tier, then override rules.

Cut-offs come from the model (fixed when it was trained — the default tier shares of its training
scores, :func:`xinyong.model.report.cutoffs_from_shares` — and carried in its metadata), from target
shares of the month's firms, or from explicit probabilities.  Override rules express the
regulator's fixed rules (the enterprise credit-risk classification of 国市监信发〔2022〕6号, see
:mod:`xinyong.core.codes`; the shipped ``policy.toml``): a firm on the 严重违法失信名单 is D, one on the
经营异常名录 at least C, a newly established firm with no record B.
A bad policy is a one-line error naming the file, the rule and the field; the schema is closed, so an
unknown key (``sourc = "values"``) is refused with the nearest known one
(:func:`xinyong.workspace.config.check_keys`), never ignored.
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
from xinyong.workspace import config

OPERATORS = ("==", "!=", "<", "<=", ">", ">=")
Condition = tuple[str, str, float]  # (indicator, operator, value)
Source = Literal["model", "shares", "values"]
Effect = Literal["set", "at_least"]
SOURCES: dict[str, Source] = {"model": "model", "shares": "shares", "values": "values"}
EFFECTS: dict[str, Effect] = {"set": "set", "at_least": "at_least"}


@dataclass(frozen=True)
class Override:
    id: str
    name: str
    effect: Effect
    tier: str
    when: tuple[Condition, ...]


@dataclass(frozen=True)
class Policy:
    source: Source
    shares: dict[str, float]
    values: dict[str, float]
    overrides: tuple[Override, ...]


POLICY_KEYS = ("cutoffs", "override")
CUTOFF_KEYS = ("source", "shares", "values")
RULE_KEYS = ("id", "name", "effect", "tier", "when")


def read_policy(path: Path) -> Policy:
    """The policy of ``path``: every key known (:func:`xinyong.workspace.config.check_keys`), every value typed."""
    data = config.read_toml(path, "policy")

    def fail(where: str, problem: str) -> InputFileError:
        return InputFileError(path, f"{where}: {problem}")

    if data and not set(data) & set(POLICY_KEYS):
        raise InputFileError(
            path, f"not a tier policy: it has {', '.join(sorted(data))}; a policy has only [cutoffs] and [[override]]"
        )
    config.check_keys(path, "", data, POLICY_KEYS)
    cutoffs = config.table(path, "cutoffs", data.get("cutoffs", {}))
    config.check_keys(path, "cutoffs", cutoffs, CUTOFF_KEYS)
    source = SOURCES.get(str(cutoffs.get("source", "model")))
    if source is None:
        raise fail("cutoffs.source", f"must be model, shares or values, not {cutoffs['source']!r}")
    shares = _numbers(path, "cutoffs.shares", cutoffs.get("shares", {}), TIERS)
    values = _numbers(path, "cutoffs.values", cutoffs.get("values", {}), TIERS[:3])
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
    for n, rule in enumerate(config.tables(path, "override", data.get("override", [])), start=1):
        rule_id = rule.get("id")
        where = f"override {rule_id if isinstance(rule_id, str) else f'#{n}'}"
        config.check_keys(path, where, rule, RULE_KEYS)
        for key in RULE_KEYS:
            if key not in rule:
                raise fail(where, f"missing {key}")
        rule_id = config.text(path, f"{where}: id", rule["id"])
        if rule_id in seen:
            raise fail(where, "duplicate id")
        seen.add(rule_id)
        effect, tier = EFFECTS.get(str(rule["effect"])), rule["tier"]
        if effect is None:
            raise fail(where, f"effect must be set or at_least, not {rule['effect']!r}")
        if tier not in TIERS:
            raise fail(where, f"tier must be one of A/B/C/D, not {tier!r}")
        when = rule["when"]
        if not isinstance(when, list):
            raise fail(where, f"when must be a list of conditions [indicator, operator, number], not {when!r}")
        conditions = []
        for condition in when:
            if not (isinstance(condition, list) and len(condition) == 3):
                raise fail(where, f"each condition is [indicator, operator, number], got {condition!r}")
            name, op, value = condition
            if not isinstance(name, str) or name not in indicators or indicators[name].categorical:
                raise fail(where, f"unknown numeric indicator {name!r}")
            if op not in OPERATORS or not isinstance(value, int | float) or isinstance(value, bool):
                raise fail(
                    where,
                    f"condition {condition!r}: operator must be one of {' '.join(OPERATORS)} and the value a number",
                )
            conditions.append((str(name), str(op), float(value)))
        if not conditions:
            raise fail(where, "when needs at least one condition")
        overrides.append(
            Override(
                rule_id,
                config.text(path, f"{where}: name", rule["name"]),
                effect,
                str(tier),
                tuple(conditions),
            )
        )
    return Policy(source, shares, values, tuple(overrides))


def _numbers(path: Path, where: str, value: object, tiers: tuple[str, ...]) -> dict[str, float]:
    """A table of one number per tier, only of ``tiers``."""
    given = config.table(path, where, value)
    config.check_keys(path, where, given, tiers)
    return {tier: config.number(path, f"{where}.{tier}", v) for tier, v in given.items()}
