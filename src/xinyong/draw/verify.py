"""Re-derive a round from its files (docs/draw-spec.md §1–§7): what an auditor or the public can check.

``verify_audit`` takes the auditor bundle and recomputes everything: the frame's order and root, the
plans' and roster's hashes, the stratum sizes, the commitment hash, the seed, the allocation and the
selection, byte for byte — and, once the bundle has teams (``assignment.jsonl``), the teams of §6
from ``eligibility.jsonl`` and the committed roster, and that every reassignment since
(``reassignments.jsonl``) replaced the member who left by the next eligible candidate of the draw
(:mod:`xinyong.draw.reassign`).  ``verify_public`` takes the public files and
checks what they allow: the commitment hash, the seed derivation, every published key, and that each
plan has as many selected firms as its allocation gives for the committed stratum sizes.  Both
return the list of checks made; the first failed check raises :class:`VerificationError`.  Every file
is read as untrusted: one that is truncated, is not JSON, lacks a field or holds a field of the wrong type
fails with the file and what it lacks, like any other check.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from xinyong.core.canonical import CJ, H, jsonl, lines_of, mth
from xinyong.draw import SPEC
from xinyong.draw.keys import derive_seed, unit_key
from xinyong.draw.plans import Plan, parse_plans_json
from xinyong.draw.reassign import Reassignment, Staffing, replaced, replacement
from xinyong.draw.selection import draw_selection, selection_records, stratum_sizes
from xinyong.draw.teams import Inspector, assign_teams
from xinyong.errors import InputFileError, VerificationError
from xinyong.workspace.layout import (
    ASSIGNMENT,
    COMMITMENT,
    ELIGIBILITY,
    FRAME,
    INSPECTORS,
    PLANS,
    RANDOMNESS,
    REASSIGNMENTS,
    SELECTION,
)

AUDIT_FILES = (COMMITMENT, RANDOMNESS, FRAME, PLANS, INSPECTORS, SELECTION)
# The fields a verifier reads from each file, with their JSON types.
COMMITMENT_FIELDS = {
    "spec": str,
    "round": str,
    "frame_root": str,
    "frame_size": int,
    "plans_sha256": str,
    "inspectors_root": str,
    "strata": dict,
    "randomness": dict,
}
RANDOMNESS_FIELDS = {"commitment": str, "round": str, "value": str}
FRAME_RECORD = {"plan": str, "salt": str, "stratum": str, "uscc": str}
SELECTED = {"key": str, "plan": str, "uscc": str}
INSPECTOR_RECORD = {"id": str, "department": str, "level": int, "capacity": int}
ELIGIBLE = {"plan": str, "uscc": str, "eligible": list}
_KINDS = {str: "text", int: "a whole number", dict: "a JSON object", list: "a list"}


def _folder(folder: Path) -> None:
    if not folder.is_dir():
        raise InputFileError(folder, "not a folder; give a round's audit/ folder or its public folder")


def _read(folder: Path, name: str) -> bytes:
    path = folder / name
    if not path.is_file():
        raise VerificationError(f"{path}: missing")
    return path.read_bytes()


def _check(checks: list[str], ok: bool, what: str, file: Path) -> None:
    if not ok:
        raise VerificationError(f"{file}: FAILED {what}")
    checks.append(what)


def _shaped(value: object, fields: Mapping[str, type], file: Path, what: str) -> dict[str, Any]:
    """``value`` as a JSON object holding each of ``fields`` with its type (a bool is no number)."""
    if not isinstance(value, dict):
        raise VerificationError(f"{file}: FAILED {what} is a JSON object")
    for key, kind in fields.items():
        field = value.get(key)
        if not isinstance(field, kind) or (kind is int and isinstance(field, bool)):
            raise VerificationError(f"{file}: FAILED {what} has {key} as {_KINDS[kind]}")
    return value


def _object(folder: Path, name: str, data: bytes, fields: Mapping[str, type]) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except ValueError as error:
        raise VerificationError(f"{folder / name}: FAILED {name} is JSON ({error})") from None
    return _shaped(value, fields, folder / name, name)


def _lines(folder: Path, name: str, data: bytes) -> list[bytes]:
    try:
        return lines_of(data)
    except ValueError:
        raise VerificationError(f"{folder / name}: FAILED {name} ends with a newline (is it truncated?)") from None


def _records(folder: Path, name: str, data: bytes, fields: Mapping[str, type]) -> list[dict[str, Any]]:
    records = []
    for number, line in enumerate(_lines(folder, name, data), start=1):
        try:
            value = json.loads(line)
        except ValueError as error:
            raise VerificationError(f"{folder / name}: FAILED line {number} is JSON ({error})") from None
        records.append(_shaped(value, fields, folder / name, f"line {number}"))
    return records


def _canonical(value: object, data: bytes) -> bool:
    try:
        return CJ(value) == data
    except TypeError:  # a float, or a key that is not text: never canonical
        return False


def _sizes(strata: object, file: Path) -> dict[str, dict[str, int]]:
    """The committed stratum sizes: plan → stratum → N_h."""
    shaped = isinstance(strata, dict) and all(
        isinstance(sizes, dict)
        and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in sizes.values())
        for sizes in strata.values()
    )
    if not shaped:
        raise VerificationError(f"{file}: FAILED strata maps each plan to its stratum sizes (whole numbers)")
    return strata  # type: ignore[return-value]  # checked above


def _allocate(plans: dict[str, Plan], plan: str, strata: dict[str, int], file: Path) -> dict[str, int]:
    if plan not in plans:
        raise VerificationError(f"{file}: FAILED plan {plan} of the commitment is in {PLANS}")
    try:
        return plans[plan].sample_sizes(strata)
    except (ValueError, KeyError, TypeError) as error:  # an allocation the spec does not define
        raise VerificationError(f"{file}: FAILED plan {plan} has an allocation of spec §2 ({error})") from None


def _seed(commitment_hash: str, randomness: dict[str, Any]) -> bytes:
    return derive_seed(commitment_hash, randomness["value"])


def verify_audit(folder: Path) -> list[str]:
    _folder(folder)
    data = {name: _read(folder, name) for name in AUDIT_FILES}
    checks: list[str] = []
    commitment = _object(folder, COMMITMENT, data[COMMITMENT], COMMITMENT_FIELDS)
    _check(
        checks,
        _canonical(commitment, data[COMMITMENT]),
        "commitment.json is canonical JSON",
        folder / COMMITMENT,
    )
    _check(checks, commitment.get("spec") == SPEC, f"spec is {SPEC}", folder / COMMITMENT)
    frame_lines = _lines(folder, FRAME, data[FRAME])
    records = _records(folder, FRAME, data[FRAME], FRAME_RECORD)
    _check(
        checks,
        all(_canonical(r, line) for r, line in zip(records, frame_lines, strict=True)),
        "every frame line is canonical JSON",
        folder / FRAME,
    )
    order = [(r["plan"].encode(), r["uscc"].encode()) for r in records]
    _check(
        checks,
        order == sorted(order) and len(set(order)) == len(order),
        "frame sorted by (plan, uscc), no duplicate pair",
        folder / FRAME,
    )
    _check(checks, mth(frame_lines) == commitment["frame_root"], "frame_root = MTH(frame.jsonl)", folder / FRAME)
    _check(checks, len(records) == commitment["frame_size"], "frame_size", folder / FRAME)
    _check(
        checks,
        H(data[PLANS]) == commitment["plans_sha256"],
        "plans_sha256 = H(plans.json)",
        folder / PLANS,
    )
    _check(
        checks,
        mth(_lines(folder, INSPECTORS, data[INSPECTORS])) == commitment["inspectors_root"],
        "inspectors_root = MTH(inspectors.jsonl)",
        folder / INSPECTORS,
    )
    frame = pl.DataFrame(records, schema={"plan": pl.Utf8, "salt": pl.Utf8, "stratum": pl.Utf8, "uscc": pl.Utf8})
    sizes = stratum_sizes(frame)
    _check(checks, sizes == commitment["strata"], "stratum sizes in the commitment", folder / COMMITMENT)
    c = H(data[COMMITMENT])
    randomness = _object(folder, RANDOMNESS, data[RANDOMNESS], RANDOMNESS_FIELDS)
    _check(
        checks,
        randomness.get("commitment") == c and randomness.get("round") == commitment["round"],
        "randomness.json names this commitment and round",
        folder / RANDOMNESS,
    )
    seed = _seed(c, randomness)
    checks.append(f"seed = {seed.hex()}")
    plans = _plans(folder, data[PLANS])
    wanted = {plan: _allocate(plans, plan, strata, folder / PLANS) for plan, strata in sizes.items()}
    expected = jsonl(selection_records(draw_selection(frame, wanted, seed)))
    _check(
        checks,
        expected == data[SELECTION],
        "selection.jsonl re-derived byte for byte",
        folder / SELECTION,
    )
    if (folder / ASSIGNMENT).exists():
        checks += _verify_teams(folder, data, plans, seed)
    return checks


def _plans(folder: Path, data: bytes) -> dict[str, Plan]:
    try:
        value = json.loads(data)
    except ValueError as error:
        raise VerificationError(f"{folder / PLANS}: FAILED {PLANS} is JSON ({error})") from None
    if not isinstance(value, list):
        raise VerificationError(f"{folder / PLANS}: FAILED {PLANS} is a list of plans")
    try:
        return parse_plans_json(data)
    except ValueError as exc:
        raise VerificationError(f"{folder / PLANS}: FAILED {PLANS} holds plan objects ({exc})") from None


def _verify_teams(folder: Path, data: dict[str, bytes], plans: dict[str, Plan], seed: bytes) -> list[str]:
    """Spec §6 from eligibility.jsonl, inspectors.jsonl and the selection: the teams, byte for byte."""

    checks: list[str] = []
    eligibility = _records(folder, ELIGIBILITY, _read(folder, ELIGIBILITY), ELIGIBLE)
    selected = _records(folder, SELECTION, data[SELECTION], SELECTED)
    _check(
        checks,
        sorted((e["plan"], e["uscc"]) for e in eligibility) == sorted((s["plan"], s["uscc"]) for s in selected),
        "eligibility.jsonl lists exactly the selected targets",
        folder / ELIGIBILITY,
    )
    roster = {
        r["id"]: Inspector(r["id"], r["department"], r["level"], r["capacity"], None, frozenset(), "", "")
        for r in _records(folder, INSPECTORS, data[INSPECTORS], INSPECTOR_RECORD)
    }
    eligible = {(e["plan"], e["uscc"]): e["eligible"] for e in eligibility}
    _check(
        checks,
        all(isinstance(i, str) and i in roster for ids in eligible.values() for i in ids),
        "every eligible id is in the committed roster",
        folder / ELIGIBILITY,
    )
    result = assign_teams([(s["plan"], s["key"], s["uscc"]) for s in selected], eligible, roster, plans, seed)
    expected = jsonl(a.record() for a in sorted(result, key=lambda a: (a.plan.encode(), a.uscc.encode())))
    _check(
        checks,
        expected == _read(folder, ASSIGNMENT),
        "assignment.jsonl re-derived byte for byte",
        folder / ASSIGNMENT,
    )
    if (folder / REASSIGNMENTS).exists():
        drawn = {(a.plan, a.uscc): a.team for a in result}
        checks.append(_verify_reassignments(folder, Staffing(drawn), eligible, roster, plans, seed))
    return checks


def _verify_reassignments(
    folder: Path,
    staffing: Staffing,
    eligible: Mapping[tuple[str, str], list[str]],
    roster: Mapping[str, Inspector],
    plans: Mapping[str, Plan],
    seed: bytes,
) -> str:
    """Each reassignment, in order: its member was on the team then, and its replacement is the next candidate."""
    file = folder / REASSIGNMENTS
    changes: list[Reassignment] = []
    for number, line in enumerate(_lines(folder, REASSIGNMENTS, _read(folder, REASSIGNMENTS)), start=1):
        try:
            change = Reassignment.from_record(json.loads(line))
        except ValueError as error:
            raise VerificationError(f"{file}: FAILED line {number} is a reassignment ({error})") from None
        where = f"line {number} ({change.plan} {change.uscc})"
        if change.target not in staffing.drawn or change.leaving not in staffing.team(change.target):
            raise VerificationError(f"{file}: FAILED {where}: {change.leaving} was on the target's team then")
        if changes and change.effective < changes[-1].effective:
            raise VerificationError(f"{file}: FAILED {where}: dated after the reassignment before it")
        expected = replacement(
            staffing, change.target, change.leaving, eligible[change.target], roster, plans[change.plan], seed
        )
        team = staffing.team(change.target)
        if change.joining != expected or change.team != replaced(team, change.leaving, str(expected)):
            raise VerificationError(
                f"{file}: FAILED {where}: {change.joining} replaces {change.leaving}; the next eligible candidate "
                f"by key is {expected or 'nobody'}"
            )
        changes.append(change)
        staffing = Staffing(staffing.drawn, tuple(changes))
    return f"reassignments.jsonl: each of {len(changes)} replacements is the next eligible candidate by key"


def verify_public(folder: Path) -> list[str]:
    _folder(folder)
    checks: list[str] = []
    commitment_bytes = _read(folder, COMMITMENT)
    commitment = _object(folder, COMMITMENT, commitment_bytes, COMMITMENT_FIELDS)
    c = H(commitment_bytes)
    randomness = _object(folder, RANDOMNESS, _read(folder, RANDOMNESS), RANDOMNESS_FIELDS)
    _check(
        checks,
        randomness.get("commitment") == c,
        "randomness.json names H(commitment.json)",
        folder / RANDOMNESS,
    )
    plans_bytes = _read(folder, PLANS)
    _check(checks, H(plans_bytes) == commitment["plans_sha256"], "plans.json is the committed plans", folder / PLANS)
    seed = _seed(c, randomness)
    checks.append(f"seed = {seed.hex()}")
    selected = _records(folder, SELECTION, _read(folder, SELECTION), SELECTED)
    for record in selected:
        if unit_key(seed, record["plan"], record["uscc"]).hex() != record["key"]:
            raise VerificationError(f"{folder / SELECTION}: FAILED key of {record['plan']} {record['uscc']}")
    checks.append(f"all {len(selected)} keys = H(unit tag, seed, plan, uscc)")
    plans = _plans(folder, plans_bytes)
    for plan, strata in _sizes(commitment["strata"], folder / COMMITMENT).items():
        expected = sum(_allocate(plans, plan, strata, folder / PLANS).values())
        got = sum(1 for r in selected if r["plan"] == plan)
        _check(
            checks,
            got == expected,
            f"plan {plan}: {got} selected = Σ n_h for the committed stratum sizes",
            folder / SELECTION,
        )
    return checks
