"""When ingest refuses what it read: the limits on quarantine that tell a disaster from a few bad rows.

A few bad rows are quarantined and the rest go on; a table that is mostly or wholly quarantined is
not data with some bad rows but a file that was read wrongly (an export in the wrong encoding or
date format, a column mapping gone wrong), and going on with what is left would let every later
step run on a fraction of the region as if it were all of it.  So ingest refuses (exit code 6,
:class:`~xinyong.errors.IngestRefusedError`), and the clean folder stays as it was, when

- a table with rows had every row quarantined;
- a table had more than ``max_quarantined`` of its rows quarantined (default 5%;
  ``xinyong ingest --max-quarantined``);
- the registry (``enterprises``, which every other table refers to) had more than
  ``max_registry_loss`` of its firms quarantined (default 1%; ``--max-registry-loss``), accepted no
  firm at all, or accepted more than that share fewer firms than the previous ingest into the same
  clean folder (a partial export: deregistered firms stay in a registry, with their status).

Each reason is given in Chinese and in English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

REGISTRY = "enterprises"


@dataclass(frozen=True)
class TableReport:
    """What ingest made of one table: its file, the rows read, accepted and quarantined, and by which rules."""

    file: str
    input_rows: int
    accepted: int
    quarantined: int
    by_rule: dict[str, int]

    @property
    def share(self) -> float:
        return self.quarantined / self.input_rows if self.input_rows else 0.0


@dataclass(frozen=True)
class Limits:
    """The shares of quarantined rows above which ingest refuses (0 to 1)."""

    max_quarantined: float = 0.05
    max_registry_loss: float = 0.01


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Previous:
    """The registry of the ingest already in the clean folder: the firms it accepted, and on which day."""

    accepted: int
    ingest_date: str


@dataclass(frozen=True)
class Refusal:
    """Why ingest refuses, for one table, in Chinese and in English."""

    table: str
    zh: str
    en: str


def _percent(share: float) -> str:
    return f"{share * 100:.3g}%"


def refusals(
    reports: Mapping[str, TableReport], limits: Limits, previous: Previous | None = None
) -> tuple[Refusal, ...]:
    """Every reason to refuse these reports under ``limits`` (none: the ingest stands), in table order."""
    found = []
    for name, r in reports.items():
        counted = f"{r.quarantined:,} of {r.input_rows:,} rows quarantined ({_percent(r.share)}"
        if r.input_rows and r.quarantined == r.input_rows:
            found.append(Refusal(name, f"全部 {r.input_rows:,} 行被隔离", f"all {r.input_rows:,} rows quarantined"))
        elif name == REGISTRY and r.share > limits.max_registry_loss:
            found.append(
                Refusal(
                    name,
                    f"登记表 {r.input_rows:,} 户中 {r.quarantined:,} 户被隔离（{_percent(r.share)}，"
                    f"上限 {_percent(limits.max_registry_loss)}）",
                    f"{counted}; --max-registry-loss {_percent(limits.max_registry_loss)})",
                )
            )
        elif r.share > limits.max_quarantined:
            found.append(
                Refusal(
                    name,
                    f"{r.input_rows:,} 行中 {r.quarantined:,} 行被隔离（{_percent(r.share)}，"
                    f"上限 {_percent(limits.max_quarantined)}）",
                    f"{counted}; --max-quarantined {_percent(limits.max_quarantined)})",
                )
            )
        elif name == REGISTRY and r.accepted == 0:
            found.append(Refusal(name, "登记表没有任何市场主体", "the registry has no firms"))
        elif name == REGISTRY and previous is not None and previous.accepted > 0:
            drop = (previous.accepted - r.accepted) / previous.accepted
            if drop > limits.max_registry_loss:
                found.append(
                    Refusal(
                        name,
                        f"登记表接受 {r.accepted:,} 户，比上次导入（{previous.ingest_date}）的 {previous.accepted:,} 户"
                        f"少 {_percent(drop)}（上限 {_percent(limits.max_registry_loss)}）",
                        f"{r.accepted:,} firms accepted, {_percent(drop)} fewer than the {previous.accepted:,} of "
                        f"the previous ingest ({previous.ingest_date}; --max-registry-loss "
                        f"{_percent(limits.max_registry_loss)})",
                    )
                )
    return tuple(found)
