"""A round's plans as data (spec §2): the objects ``plans.json`` commits, as frozen dataclasses.

``plans.json`` = ``CJ(list of plan objects sorted by id)``: each object has the spec's ``id``,
``name``, ``items``, ``departments`` (the lead first), ``team_size`` and ``allocation``, and the keys the
spec lets a project add because "they do not change the draw": the frame's 定向 ``target`` filters and
its repeat-inspection ``exclusion`` (§1), ``item_departments`` (which department carries out which
item, read by team eligibility, §6) and ``cross_station`` (所所交叉, written only when it is set).

:meth:`Plan.to_record` gives the object and :func:`plans_json` the file's bytes; :func:`parse_plans_json`
reads a ``plans.json`` back into the same dataclasses, so a plan is the same value whether it comes
from the TOML a person wrote (:mod:`xinyong.rounds.plans` validates that) or from a committed file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from xinyong.core.canonical import CJ
from xinyong.draw.allocation import Sizes, allocate

DEFAULT_EXCLUSION_MONTHS = 12

JsonRecord = dict[str, object]


@dataclass(frozen=True)
class RatioAllocation:
    """``ratio`` mode: ``ratios`` (decimal strings) and ``min`` per tier; ``None``: the key was not given."""

    ratios: Mapping[str, str] | None = None
    min: Mapping[str, int] | None = None

    def to_record(self) -> JsonRecord:
        record: JsonRecord = {"mode": "ratio"}
        if self.ratios is not None:
            record["ratios"] = dict(self.ratios)
        if self.min is not None:
            record["min"] = dict(self.min)
        return record

    def share(self, tier: str) -> tuple[str, int]:
        """The tier's ratio and minimum, with spec §2's defaults (ratio 0, minimum 0)."""
        return (self.ratios or {}).get(tier, "0"), (self.min or {}).get(tier, 0)


@dataclass(frozen=True)
class CountAllocation:
    """``count`` mode: ``n`` units shared by ``weights`` (decimal strings) per tier; ``None``: not given."""

    n: int
    weights: Mapping[str, str] | None = None

    def to_record(self) -> JsonRecord:
        record: JsonRecord = {"mode": "count", "n": self.n}
        if self.weights is not None:
            record["weights"] = dict(self.weights)
        return record

    def share(self, tier: str) -> tuple[str, int]:
        """The tier's weight, with spec §2's default (1), and 0: count mode has no minimum."""
        return (self.weights or {}).get(tier, "1"), 0


Allocation = RatioAllocation | CountAllocation


@dataclass(frozen=True)
class TargetFilter:
    """定向抽查: only firms of these entity types, industry sections (A–T) and grids; ``None``: no filter."""

    entity_types: tuple[str, ...] | None = None
    industry_sections: tuple[str, ...] | None = None
    grids: tuple[str, ...] | None = None

    def to_record(self) -> dict[str, list[str]]:
        given = {"entity_types": self.entity_types, "industry_sections": self.industry_sections, "grids": self.grids}
        return {key: list(values) for key, values in given.items() if values is not None}


@dataclass(frozen=True)
class RepeatExclusion:
    """避免重复检查: not again for the same item within ``months``, except firms of ``exempt_tiers``."""

    months: int = DEFAULT_EXCLUSION_MONTHS
    exempt_tiers: tuple[str, ...] = ()

    def to_record(self) -> JsonRecord:
        return {"months": self.months, "exempt_tiers": list(self.exempt_tiers)}


@dataclass(frozen=True)
class Plan:
    """One 抽查计划/任务 of a round."""

    id: str
    name: str
    items: tuple[str, ...]
    departments: tuple[str, ...]  # the lead department first
    team_size: int
    allocation: Allocation
    target: TargetFilter = TargetFilter()
    exclusion: RepeatExclusion = RepeatExclusion()
    # item → the departments that carry it out (from the 抽查事项清单); None: not stated
    item_departments: Mapping[str, tuple[str, ...]] | None = None
    cross_station: bool = False  # 所所交叉: no inspector from the firm's own station

    @property
    def lead(self) -> str:
        return self.departments[0]

    def own_items(self, department: str) -> set[str]:
        """The items this department carries out (all of them when the plan does not say)."""
        if not self.item_departments:
            return set(self.items)
        return {item for item in self.items if department in self.item_departments.get(item, ())}

    def sample_sizes(self, sizes: Sizes) -> dict[str, int]:
        """``n_h`` of every stratum in ``sizes`` (spec §2, :func:`xinyong.draw.allocation.allocate`)."""
        return allocate(self.allocation.to_record(), sizes)

    def to_record(self) -> JsonRecord:
        """The plan object of ``plans.json``."""
        record: JsonRecord = {
            "id": self.id,
            "name": self.name,
            "items": list(self.items),
            "departments": list(self.departments),
            "team_size": self.team_size,
            "allocation": self.allocation.to_record(),
            "target": self.target.to_record(),
            "exclusion": self.exclusion.to_record(),
        }
        if self.item_departments is not None:
            record["item_departments"] = {item: list(d) for item, d in self.item_departments.items()}
        if self.cross_station:
            record["cross_station"] = True
        return record

    @classmethod
    def from_record(cls, record: object) -> Plan:
        """A plan object of ``plans.json``; :class:`ValueError` names what is missing or of the wrong type."""
        raw = _mapping(record, "plan")
        where = f"plan {raw.get('id', '?')}"
        allocation = _mapping(raw.get("allocation"), f"{where}: allocation")
        target = _mapping(raw.get("target", {}), f"{where}: target")
        exclusion = _mapping(raw.get("exclusion", {}), f"{where}: exclusion")
        item_departments = raw.get("item_departments")
        return cls(
            id=_text(raw.get("id"), f"{where}: id"),
            name=_text(raw.get("name"), f"{where}: name"),
            items=_texts(raw.get("items"), f"{where}: items"),
            departments=_texts(raw.get("departments"), f"{where}: departments"),
            team_size=_whole(raw.get("team_size"), f"{where}: team_size"),
            allocation=_allocation(allocation, f"{where}: allocation"),
            target=TargetFilter(
                **{
                    key: _texts(target[key], f"{where}: target.{key}")
                    for key in ("entity_types", "industry_sections", "grids")
                    if key in target
                }
            ),
            exclusion=RepeatExclusion(
                _whole(exclusion.get("months", DEFAULT_EXCLUSION_MONTHS), f"{where}: exclusion.months"),
                _texts(exclusion.get("exempt_tiers", []), f"{where}: exclusion.exempt_tiers"),
            ),
            item_departments=None
            if item_departments is None
            else {
                item: _texts(d, f"{where}: item_departments.{item}")
                for item, d in _mapping(item_departments, f"{where}: item_departments").items()
            },
            cross_station=_flag(raw.get("cross_station", False), f"{where}: cross_station"),
        )


def plans_json(plans: Iterable[Plan]) -> bytes:
    """The bytes of ``plans.json``: the plan objects, sorted by id (UTF-8 bytes), in canonical JSON."""
    return CJ([plan.to_record() for plan in sorted(plans, key=lambda p: p.id.encode("utf-8"))])


def parse_plans_json(data: bytes) -> dict[str, Plan]:
    """The plans of a ``plans.json`` by id; :class:`ValueError` (JSON or content) when it is not one."""
    plans = json.loads(data)
    if not isinstance(plans, list):
        raise ValueError("plans.json is not a list of plans")
    parsed = [Plan.from_record(plan) for plan in plans]
    return {plan.id: plan for plan in parsed}


def _allocation(raw: Mapping[str, object], where: str) -> Allocation:
    mode = raw.get("mode")
    if mode == "ratio":
        return RatioAllocation(
            None if "ratios" not in raw else _decimals(raw["ratios"], f"{where}.ratios"),
            None if "min" not in raw else _wholes(raw["min"], f"{where}.min"),
        )
    if mode == "count":
        return CountAllocation(
            _whole(raw.get("n"), f"{where}.n"),
            None if "weights" not in raw else _decimals(raw["weights"], f"{where}.weights"),
        )
    raise ValueError(f"{where}.mode: must be ratio or count, not {mode!r}")


def _mapping(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: not an object")
    return {str(k): v for k, v in value.items()}


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where}: not text")
    return value


def _texts(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"{where}: not a list")
    return tuple(_text(v, where) for v in value)


def _whole(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{where}: not a whole number")
    return value


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{where}: not true or false")
    return value


def _decimals(value: object, where: str) -> dict[str, str]:
    return {k: _text(v, f"{where}.{k}") for k, v in _mapping(value, where).items()}


def _wholes(value: object, where: str) -> dict[str, int]:
    return {k: _whole(v, f"{where}.{k}") for k, v in _mapping(value, where).items()}
