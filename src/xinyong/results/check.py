"""The rules a row of the results form must keep, and the records the rows make (pure).

A row is checked against its round: the firm is one of the round's staffed targets; the team is
the team on record for the target on the day the inspection started — the drawn team or, from the
day of a reassignment (``xinyong round reassign``) on, the new one
(:class:`xinyong.draw.reassign.Staffing`); a correction comes from the team that recorded the result
it corrects; each result code is one of the 国家企业信用信息公示系统's codes
(:data:`xinyong.core.codes.RESULT_LABELS`), none twice, and ``1`` (未发现问题) stands alone; the
inspection did not start before the round's month (the other date rules are the form's,
:mod:`xinyong.ingest.validate`).  A result is never overwritten: a correction is a new row naming the record
it corrects, and the result in force for a target is the last of its chain of corrections.

A record's id, its 记录号, is ``R-`` and 16 hex digits of HMAC-SHA-256 of its content (canonical JSON) under
a secret of the work root (``OUT/private/record-id.key``; docs/disclosure.md §1): the same row always makes
the same record, so importing a form again changes nothing, yet the published id reveals nothing — a plain
hash of the content could be searched by trying the few inspector pairs and start dates a result can have.
A row whose content is a stored record's is that record, whatever its id (records stored before the id
was keyed keep theirs).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import polars as pl

from xinyong.core.canonical import CJ
from xinyong.core.codes import RESULT_CODES
from xinyong.draw.reassign import Staffing
from xinyong.workspace.tables import LINE

PROBLEM_COLUMNS = ("line", "column", "rule", "detail")


# A result record as stored in results.jsonl (JSON), and (plan, uscc), the target it belongs to.
Record = dict[str, Any]
Target = tuple[str, str]


@dataclass(frozen=True)
class RoundContext:
    month_start: dt.date
    month_end: dt.date
    staffing: Staffing  # the drawn teams ([] when unstaffed) and the reassignments since


def current_results(records: list[Record]) -> dict[Target, Record]:
    """The result in force for each (plan, uscc): the last of its chain of corrections."""
    corrected = {r["corrects"] for r in records if r["corrects"]}
    return {(r["plan"], r["uscc"]): r for r in records if r["id"] not in corrected}


def check_rows(
    rows: pl.DataFrame, context: RoundContext, existing: list[Record], source: str, key: bytes
) -> tuple[list[Record], pl.DataFrame]:
    """The records the rows make (their ids keyed by ``key``), and every rule a row breaks against the round
    and its past results (pure).  A row saying what a stored record says is that record."""
    by_id = {r["id"]: r for r in existing}
    stored = {CJ(content_of(r)): r for r in existing}
    current = current_results(existing)
    records: list[Record] = []
    problems: list[tuple[int, str, str, str]] = []
    for row in rows.iter_rows(named=True):
        line, target = row[LINE], (row["plan"], row["uscc"])
        record = make_record(row, source, key)
        record = stored.get(CJ(content_of(record)), record)
        problem = _row_problem(row, record, target, context, by_id, current)
        if problem:
            problems.append((line, *problem))
        else:
            records.append(record)
    return records, pl.DataFrame(
        problems, schema={c: pl.Int64 if c == "line" else pl.Utf8 for c in PROBLEM_COLUMNS}, orient="row"
    )


def _row_problem(
    row: dict[str, Any],
    record: Record,
    target: Target,
    context: RoundContext,
    by_id: dict[str, Record],
    current: dict[Target, Record],
) -> tuple[str, str, str] | None:
    if target not in context.staffing.drawn:
        return "uscc", "not_a_target", f"{row['uscc']} was not drawn for plan {row['plan']} in this round"
    on_record = context.staffing.team(target, row["started"])
    if not on_record:
        return "team", "unstaffed", "no team was drawn for this target; it cannot have a result"
    if sorted(record["team"]) != sorted(on_record):
        return (
            "team",
            "team_mismatch",
            f"{'、'.join(record['team'])} is not the team on record for this target on {row['started']} "
            f"({'、'.join(on_record)})",
        )
    codes = row["codes"].split(";")
    if "1" in codes and len(codes) > 1:
        return "codes", "codes_exclusive", "1 (未发现问题) cannot be combined with other codes"
    if len(set(codes)) != len(codes):
        return "codes", "duplicate_code", f"{row['codes']} repeats a code"
    if row["started"] < context.month_start:
        return "started", "before_round", f"{row['started']} is before the round's month ({context.month_start})"
    if record["id"] in by_id:
        return None  # the same record again: nothing to do
    if row["corrects"]:
        corrected = by_id.get(row["corrects"])
        if corrected is None or (corrected["plan"], corrected["uscc"]) != target:
            return "corrects", "unknown_record", f"{row['corrects']} is not a result of this target"
        if sorted(corrected["team"]) != sorted(record["team"]):
            return (
                "team",
                "correction_team",
                f"{'、'.join(record['team'])} did not record {row['corrects']} ({'、'.join(corrected['team'])} did); "
                "a correction comes from the team that inspected",
            )
        if current.get(target, {}).get("id") != row["corrects"]:
            return (
                "corrects",
                "already_corrected",
                f"{row['corrects']} was already corrected by {current[target]['id']}; correct that one",
            )
    elif target in current:
        return (
            "corrects",
            "already_recorded",
            (
                f"this target already has result {current[target]['id']}; to change it, "
                f"fill 更正记录号 with {current[target]['id']}"
            ),
        )
    return None


# What a record says: every field but its id, where it was read from and when it was imported.
CONTENT_FIELDS = ("round", "plan", "uscc", "team", "started", "ended", "codes", "corrects", "remarks")


def content_of(record: Record) -> dict[str, Any]:
    return {k: record[k] for k in CONTENT_FIELDS}


def record_id(content: dict[str, Any], key: bytes) -> str:
    """``R-`` and the first 16 hex digits of HMAC-SHA-256(key, CJ(content)): the same content, the same id."""
    return "R-" + hmac.new(key, CJ(content), hashlib.sha256).hexdigest()[:16]


def make_record(row: dict[str, Any], source: str, key: bytes) -> Record:
    """A result record; its id is keyed by ``key`` over what it says, so the same row always makes the same record."""
    content = {
        "round": row["round"],
        "plan": row["plan"],
        "uscc": row["uscc"],
        "team": sorted(row["team"].split(";")),
        "started": row["started"].isoformat(),
        "ended": row["ended"].isoformat(),
        "codes": sorted(row["codes"].split(";"), key=RESULT_CODES.index),
        "corrects": row["corrects"],
        "remarks": row["remarks"] or "",
    }
    return {"id": record_id(content, key), **content, "source": f"{source} row {row[LINE]}"}
