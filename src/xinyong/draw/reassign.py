"""The teams on record after the draw, and reassignment: one member replaced by the next candidate of the draw (pure).

Rule (docs/draw-spec.md §6, "Reassignment"): once a round is finalised its teams change only when a member
cannot act — recusal (回避), leaving, illness — by an explicit, reasoned reassignment that is logged.  The
replacement is not chosen by anyone: it is the next candidate in the draw's own order for that target.  The
candidates are the target's eligible inspectors (``eligibility.jsonl``) who are not on its team, never left
it before, and still have capacity after every team of the round as it stands; when the leaving member was
the team's only one of their department, only candidates of that department; the lowest pool level first
(spec §6 step 3 escalates level by level), then the lowest ``inspector_key``.  The replacement takes the
leaving member's place in the team's pick order.

A reassignment takes effect on the day it is recorded (``effective``): the team on record for a target on a
day is its drawn team (``assignment.jsonl``) with every reassignment recorded up to that day applied, in
order (:meth:`Staffing.team`).  Every reader of a round's teams — the task lists, the results check, the
history ledger — asks :class:`Staffing`, so none of them can see a team the others do not.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from xinyong.draw.keys import V1, Version, inspector_keys
from xinyong.draw.plans import Plan
from xinyong.draw.teams import Inspector, Target


@dataclass(frozen=True)
class Reassignment:
    """One line of ``reassignments.jsonl``: who left a target's team, who joined it, why and from when."""

    plan: str
    uscc: str
    leaving: str
    joining: str
    team: tuple[str, ...]  # the team afterwards, in pick order
    reason: str
    effective: dt.date  # the day it was recorded; the new team is on record from that day

    @property
    def target(self) -> Target:
        return (self.plan, self.uscc)

    def record(self) -> dict[str, object]:
        return {
            "effective": self.effective.isoformat(),
            "joining": self.joining,
            "leaving": self.leaving,
            "plan": self.plan,
            "reason": self.reason,
            "team": list(self.team),
            "uscc": self.uscc,
        }

    @classmethod
    def from_record(cls, record: object) -> Reassignment:
        """A line of ``reassignments.jsonl``; :class:`ValueError` says what is missing or of the wrong type."""
        if not isinstance(record, dict):
            raise ValueError("a reassignment is a JSON object")
        texts = {}
        for key in ("plan", "uscc", "leaving", "joining", "reason", "effective"):
            if not isinstance(record.get(key), str):
                raise ValueError(f"a reassignment has {key} as text")
            texts[key] = record[key]
        team = record.get("team")
        if not isinstance(team, list) or not all(isinstance(member, str) for member in team):
            raise ValueError("a reassignment has team as a list of inspector ids")
        return cls(
            texts["plan"],
            texts["uscc"],
            texts["leaving"],
            texts["joining"],
            tuple(team),
            texts["reason"],
            dt.date.fromisoformat(texts["effective"]),
        )


@dataclass(frozen=True)
class Staffing:
    """A round's teams: as drawn (``assignment.jsonl``, [] when unstaffed) and the reassignments since, in order."""

    drawn: Mapping[Target, Sequence[str]]
    reassignments: Sequence[Reassignment] = field(default_factory=tuple)

    def team(self, target: Target, day: dt.date | None = None) -> list[str]:
        """The team on record for ``target`` on ``day`` (``None``: today's, after every reassignment)."""
        team = list(self.drawn[target])
        for change in self.reassignments:
            if change.target == target and (day is None or change.effective <= day):
                team = list(change.team)
        return team

    def teams(self, day: dt.date | None = None) -> dict[Target, list[str]]:
        """Every target's team on record on ``day``."""
        return {target: self.team(target, day) for target in self.drawn}

    def left(self, target: Target) -> set[str]:
        """The inspectors reassigned away from ``target``: none of them joins it again."""
        return {change.leaving for change in self.reassignments if change.target == target}


def replacement(
    staffing: Staffing,
    target: Target,
    leaving: str,
    eligible: Sequence[str],
    roster: Mapping[str, Inspector],
    plan: Plan,
    seed: bytes,
    version: Version = V1,
) -> str | None:
    """The next candidate of the draw for ``target`` in place of ``leaving``; ``None`` when there is none."""
    team = staffing.team(target)
    load = Counter(member for members in staffing.teams().values() for member in members)
    department = roster[leaving].department
    needed = None if any(roster[m].department == department for m in team if m != leaving) else department
    left = staffing.left(target) | {leaving}
    candidates = [
        i
        for i in eligible
        if i not in team
        and i not in left
        and load[i] < roster[i].capacity
        and (needed is None or roster[i].department == needed)
    ]
    if not candidates:
        return None
    keys = dict(zip(candidates, inspector_keys(seed, target[0], target[1], candidates, version=version), strict=True))
    return min(candidates, key=lambda i: (roster[i].level, keys[i]))


def replaced(team: Sequence[str], leaving: str, joining: str) -> tuple[str, ...]:
    """``team`` with ``joining`` in ``leaving``'s place (the pick order stays)."""
    return tuple(joining if member == leaving else member for member in team)
