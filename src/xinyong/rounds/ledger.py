"""The inspection history as later steps read it: the clean ``inspections`` table and every round under ``OUT``.

The ledger is not a file of its own: it is derived, on every read, from the files the rounds already keep —
``audit/plans.json``, the teams on record (:mod:`xinyong.rounds.staffing`), ``internal/inclusion.parquet``
(stratum and π) and ``results/results.jsonl`` of every finalised round under ``OUT/rounds/`` — so it can
never drift from them, and a round, a reassignment or a result counts from the moment it is on record.
The rows and the rule that merges them are :mod:`xinyong.rounds.history`'s.  Its readers: ``round frame``
(repeat-inspection exclusions), ``round assign`` (rotation), ``xinyong features`` and ``xinyong model
train`` (``--work OUT``: the inspection-history indicators and the training labels).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from xinyong.core.ids import RoundId
from xinyong.draw.plans import parse_plans_json
from xinyong.results.check import current_results
from xinyong.results.run import read_results
from xinyong.rounds.history import OwnRound, ingested, inspection_history, round_rows
from xinyong.rounds.staffing import read_staffing
from xinyong.rounds.stage import Stage, check_committed, stage_of
from xinyong.workspace.layout import INCLUSION, PLANS, ROUNDS, RoundPaths, clean_table


def work_rounds(out: Path) -> list[RoundId]:
    """The rounds under the work root ``out``, in order; a folder there that is not a round is an error."""
    folder = out / ROUNDS
    found = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    return sorted(RoundId.parse(p.name, str(p)) for p in found)


def read_own_round(out: Path, round_id: RoundId, command: str) -> OwnRound | None:
    """What round ``round_id`` holds of its inspections; ``None`` until it is finalised.  Its committed
    files are checked first: ``command`` is refused on a history read from a damaged round."""
    paths = RoundPaths(out, round_id)
    check_committed(paths, command)
    if stage_of(paths) < Stage.FINALIZED:
        return None
    inclusion = pl.read_parquet(paths.internal / INCLUSION, columns=["plan", "uscc", "stratum", "pi_value", "selected"])
    strata = {(plan, uscc): (stratum, pi) for plan, uscc, stratum, pi, _ in inclusion.filter("selected").iter_rows()}
    return OwnRound(
        round_id,
        parse_plans_json((paths.audit / PLANS).read_bytes()),
        read_staffing(paths),
        strata,
        current_results(read_results(out, round_id)),
    )


def read_history(clean_dir: Path, out: Path | None, command: str) -> pl.DataFrame:
    """The inspection history: the clean folder's ``inspections`` and every finalised round under ``out``."""
    rows = ingested(pl.read_parquet(clean_table(clean_dir, "inspections")))
    own = [read_own_round(out, r, command) for r in work_rounds(out)] if out is not None else []
    return inspection_history(rows, [round_rows(r) for r in own if r is not None])
