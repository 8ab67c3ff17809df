"""Re-derive a round from its files (docs/draw-spec.md): what an auditor or the public can check.

A bundle or public folder is checked under the contract its ``commitment.json`` names: ``xinyong-draw-v2``
(rounds committed from issue 14 on) or ``xinyong-draw-v1`` (rounds committed before, which keep verifying
exactly as they did).

``verify_audit`` takes the auditor bundle and recomputes everything.  Under v1: the frame's order and root,
the plans' and roster's hashes, the stratum sizes, the commitment hash, the seed, the allocation and the
selection, byte for byte — and, once the bundle has teams (``assignment.jsonl``), the teams of §6 from
``eligibility.jsonl`` and the committed roster, and every reassignment since (``reassignments.jsonl``)
(:mod:`xinyong.draw.reassign`).  Under v2 (spec v2 §1–§7), every check of v1 and: the committed firm-side facts
(``targets.jsonl``: one canonical line per distinct frame USCC, sorted by USCC bytes, ``targets_root``), the
committed stratum sizes (``strata.json``: canonical, ``strata_sha256``, the frame's), the public per-plan
``sizes``, the ``parent``, the randomness sources (each drand value's BLS signature verified offline, each
announced value normalised: :mod:`xinyong.draw.sources`), the v2 seed, the selection with salted keys, the
public ``selected.jsonl`` when the bundle holds it, and — with teams — ``eligibility.jsonl`` *re-derived* from
``plans.json``, ``inspectors.jsonl``, ``targets.jsonl`` and the round id (:func:`xinyong.draw.teams.eligibility`),
so that no team can rest on a hand-edited eligibility list, then the teams and reassignments with v2 keys.

``verify_public`` takes a round's public files.  Under v1: the commitment hash, the seed, every published key
and each plan's count.  Under v2 (spec v2 §8), the process: the commitment is canonical, C, the plans, the
sources, the randomness names C and the round, every drand value verifies, the seed; ``selected.jsonl`` is
canonical, sorted, without duplicates, of valid USCCs and committed plans, with exactly the committed ``n_p``
pairs per plan.  Given the transparency log's evidence (:class:`LogEvidence`, built by :func:`log_evidence`), it
checks that the commitment was logged before the randomness and the randomness before ``selected.jsonl``, and
reports for each source whether "commitment before randomness" is proven, not proven yet, or contradicted (a
failure); given auditors' keys, it requires each auditor's signed attestation of these files
(:mod:`xinyong.draw.attest`).

Both return the list of checks made; the first failed check raises :class:`VerificationError`.  Every file
is read as untrusted: one that is truncated, is not JSON, lacks a field or holds a field of the wrong type
fails with the file and what it lacks, like any other check.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

import polars as pl

from xinyong.core import uscc as uscc_code
from xinyong.core.canonical import CJ, H, jsonl, lines_of, mth
from xinyong.core.ids import RoundId
from xinyong.draw.keys import V1, V2, Version, derive_seed, derive_seed_v2, unit_key
from xinyong.draw.plans import Plan, parse_plans_json
from xinyong.draw.reassign import Reassignment, Staffing, replaced, replacement
from xinyong.draw.selection import draw_selection, selected_records, selection_records, stratum_sizes
from xinyong.draw.sources import Announced, Drand, Source, output, parse_sources, utc
from xinyong.draw.teams import Firm, Inspector, assign_teams, eligibility, eligibility_records
from xinyong.errors import InputFileError, RoundIdError, SourceError, VerificationError
from xinyong.publish import translog
from xinyong.workspace.layout import (
    ASSIGNMENT,
    COMMITMENT,
    ELIGIBILITY,
    FRAME,
    INSPECTORS,
    PLANS,
    RANDOMNESS,
    REASSIGNMENTS,
    SELECTED,
    SELECTION,
    SITE_ROUNDS,
    STRATA,
    TARGETS,
)

AUDIT_FILES = (COMMITMENT, RANDOMNESS, FRAME, PLANS, INSPECTORS, SELECTION)
AUDIT_FILES_V2 = (*AUDIT_FILES, TARGETS, STRATA)
# The fields a verifier reads from each file, with their JSON types: both versions commit the frame, plans,
# roster and randomness; v1 publishes its strata, v2 commits them and the targets by hash and publishes plan sizes.
_COMMITTED = {
    "spec": str,
    "round": str,
    "frame_root": str,
    "frame_size": int,
    "plans_sha256": str,
    "inspectors_root": str,
    "randomness": dict,
}
COMMITMENT_FIELDS = {**_COMMITTED, "strata": dict}
COMMITMENT_FIELDS_V2 = {**_COMMITTED, "targets_root": str, "strata_sha256": str, "sizes": dict}
RANDOMNESS_FIELDS = {"commitment": str, "round": str, "value": str}
RANDOMNESS_FIELDS_V2 = {"commitment": str, "round": str, "values": list}
FRAME_RECORD = {"plan": str, "salt": str, "stratum": str, "uscc": str}
SELECTION_RECORD = {"key": str, "plan": str, "uscc": str}
SELECTED_RECORD = {"plan": str, "uscc": str}
TARGET_RECORD = {"last_team": list, "legal_rep": str, "station": str, "uscc": str}
INSPECTOR_RECORD = {"id": str, "department": str, "level": int, "capacity": int}
ROSTER_RECORD = {**INSPECTOR_RECORD, "division": str}  # v2: what eligibility reads of every officer
ELIGIBLE = {"plan": str, "uscc": str, "eligible": list}
_KINDS = {str: "text", int: "a whole number", dict: "a JSON object", list: "a list"}
HEX64 = re.compile(r"[0-9a-f]{64}")  # a SHA-256 in hex, as every hash of the spec is written
_SALT = re.compile(r"[0-9a-f]{32}")

# What the log shows about "commitment before randomness" for one source (spec v2 §8).
PROVEN = "proven"
NOT_PROVEN = "not proven"
CONTRADICTED = "contradicted"
UNCHECKABLE = "not machine-checkable"


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


def _json(folder: Path, name: str, data: bytes) -> object:
    try:
        return json.loads(data)
    except ValueError as error:
        raise VerificationError(f"{folder / name}: FAILED {name} is JSON ({error})") from None


def _object(folder: Path, name: str, data: bytes, fields: Mapping[str, type]) -> dict[str, Any]:
    return _shaped(_json(folder, name, data), fields, folder / name, name)


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


def _canonical_lines(checks: list[str], folder: Path, name: str, data: bytes, records: list[dict[str, Any]]) -> None:
    lines = _lines(folder, name, data)
    _check(
        checks,
        all(_canonical(r, line) for r, line in zip(records, lines, strict=True)),
        f"every {name.split('.')[0]} line is canonical JSON",
        folder / name,
    )


def _texts(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _sizes(strata: object, file: Path) -> dict[str, dict[str, int]]:
    """The committed stratum sizes: plan → stratum → N_h."""
    shaped = isinstance(strata, dict) and all(
        isinstance(sizes, dict) and all(_count(n) for n in sizes.values()) for sizes in strata.values()
    )
    if not shaped:
        raise VerificationError(f"{file}: FAILED strata maps each plan to its stratum sizes (whole numbers)")
    return strata  # type: ignore[return-value]  # checked above


@dataclass(frozen=True)
class PlanSize:
    """A plan's public counts in a v2 commitment's ``sizes``: frame records N_p and selected pairs n_p."""

    frame: int
    selected: int


def _plan_sizes(value: object, file: Path) -> dict[str, PlanSize]:
    """The v2 commitment's ``sizes``: plan → N_p and n_p, whole numbers, n_p ≤ N_p."""
    sizes: dict[str, PlanSize] = {}
    for plan, counts in value.items() if isinstance(value, dict) else ():
        frame, selected = (counts.get(key) if isinstance(counts, dict) else None for key in ("frame", "selected"))
        if _count(frame) and _count(selected) and selected <= frame:
            sizes[plan] = PlanSize(frame, selected)
    if not isinstance(value, dict) or len(sizes) != len(value):
        raise VerificationError(
            f"{file}: FAILED sizes maps each plan to its frame and selected counts (whole numbers, selected ≤ frame)"
        )
    return sizes


def _count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _allocate(plans: dict[str, Plan], plan: str, strata: dict[str, int], file: Path) -> dict[str, int]:
    if plan not in plans:
        raise VerificationError(f"{file}: FAILED plan {plan} of the commitment is in {PLANS}")
    try:
        return plans[plan].sample_sizes(strata)
    except (ValueError, KeyError, TypeError) as error:  # an allocation the spec does not define
        raise VerificationError(f"{file}: FAILED plan {plan} has an allocation of spec §2 ({error})") from None


def _plans(folder: Path, data: bytes) -> dict[str, Plan]:
    if not isinstance(_json(folder, PLANS, data), list):
        raise VerificationError(f"{folder / PLANS}: FAILED {PLANS} is a list of plans")
    try:
        return parse_plans_json(data)
    except ValueError as exc:
        raise VerificationError(f"{folder / PLANS}: FAILED {PLANS} holds plan objects ({exc})") from None


def _spec(data: bytes) -> object:
    """The ``spec`` a commitment names (None when it is not a JSON object); the checks say what else is wrong."""
    try:
        value = json.loads(data)
    except ValueError:
        return None
    return value.get("spec") if isinstance(value, dict) else None


@dataclass(frozen=True)
class Audit:
    """What :func:`audit_round` established about a bundle: the checks, and what an attestation signs."""

    checks: list[str]
    spec: str
    round: str
    commitment: str  # C, hex
    selected: bytes | None  # v2: the public selected.jsonl the bundle implies; None under v1
    assignment: bytes | None  # the assignment.jsonl re-derived; None before the teams


def verify_audit(folder: Path) -> list[str]:
    """Every check of the spec the bundle's commitment names (v1 or v2), in order; a VerificationError names
    the first that fails."""
    return audit_round(folder).checks


def audit_round(folder: Path) -> Audit:
    """:func:`verify_audit`, with what it established (for :func:`xinyong.draw.attest.attest`)."""
    _folder(folder)
    commitment = _read(folder, COMMITMENT)
    return _audit_v2(folder) if _spec(commitment) == V2.spec else _audit_v1(folder)


# -- shared steps -----------------------------------------------------------------------------------
def _frame(checks: list[str], folder: Path, data: bytes, commitment: Mapping[str, Any]) -> pl.DataFrame:
    """Spec §1: canonical lines sorted by (plan, uscc), no pair twice, ``frame_root`` and ``frame_size``."""
    records = _records(folder, FRAME, data, FRAME_RECORD)
    _canonical_lines(checks, folder, FRAME, data, records)
    order = [(r["plan"].encode(), r["uscc"].encode()) for r in records]
    _check(
        checks,
        order == sorted(order) and len(set(order)) == len(order),
        "frame sorted by (plan, uscc), no duplicate pair",
        folder / FRAME,
    )
    _check(
        checks,
        mth(_lines(folder, FRAME, data)) == commitment["frame_root"],
        "frame_root = MTH(frame.jsonl)",
        folder / FRAME,
    )
    _check(checks, len(records) == commitment["frame_size"], "frame_size", folder / FRAME)
    return pl.DataFrame(records, schema=dict.fromkeys(("plan", "salt", "stratum", "uscc"), pl.Utf8))


def _hashes(checks: list[str], folder: Path, data: Mapping[str, bytes], commitment: Mapping[str, Any]) -> None:
    _check(checks, H(data[PLANS]) == commitment["plans_sha256"], "plans_sha256 = H(plans.json)", folder / PLANS)
    _check(
        checks,
        mth(_lines(folder, INSPECTORS, data[INSPECTORS])) == commitment["inspectors_root"],
        "inspectors_root = MTH(inspectors.jsonl)",
        folder / INSPECTORS,
    )


# -- v1 ---------------------------------------------------------------------------------------------
def _audit_v1(folder: Path) -> Audit:
    data = {name: _read(folder, name) for name in AUDIT_FILES}
    checks: list[str] = []
    commitment = _object(folder, COMMITMENT, data[COMMITMENT], COMMITMENT_FIELDS)
    _check(checks, _canonical(commitment, data[COMMITMENT]), "commitment.json is canonical JSON", folder / COMMITMENT)
    _check(checks, commitment.get("spec") == V1.spec, f"spec is {V1.spec}", folder / COMMITMENT)
    frame = _frame(checks, folder, data[FRAME], commitment)
    _hashes(checks, folder, data, commitment)
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
    seed = derive_seed(c, randomness["value"])
    checks.append(f"seed = {seed.hex()}")
    plans = _plans(folder, data[PLANS])
    wanted = {plan: _allocate(plans, plan, strata, folder / PLANS) for plan, strata in sizes.items()}
    expected = jsonl(selection_records(draw_selection(frame, wanted, seed)))
    _check(checks, expected == data[SELECTION], "selection.jsonl re-derived byte for byte", folder / SELECTION)
    assignment = None
    if (folder / ASSIGNMENT).exists():
        eligibility_list = _records(folder, ELIGIBILITY, _read(folder, ELIGIBILITY), ELIGIBLE)
        selected = _records(folder, SELECTION, data[SELECTION], SELECTION_RECORD)
        _check(
            checks,
            sorted((e["plan"], e["uscc"]) for e in eligibility_list)
            == sorted((s["plan"], s["uscc"]) for s in selected),
            "eligibility.jsonl lists exactly the selected targets",
            folder / ELIGIBILITY,
        )
        roster = {
            r["id"]: Inspector(r["id"], r["department"], r["level"], r["capacity"], None, frozenset(), "", "")
            for r in _records(folder, INSPECTORS, data[INSPECTORS], INSPECTOR_RECORD)
        }
        eligible = {(e["plan"], e["uscc"]): e["eligible"] for e in eligibility_list}
        _check(
            checks,
            all(isinstance(i, str) and i in roster for ids in eligible.values() for i in ids),
            "every eligible id is in the committed roster",
            folder / ELIGIBILITY,
        )
        targets = [(s["plan"], s["key"], s["uscc"]) for s in selected]
        assignment = _verify_teams(checks, folder, targets, eligible, roster, plans, seed, V1)
    return Audit(checks, V1.spec, commitment["round"], c, None, assignment)


# -- v2 ---------------------------------------------------------------------------------------------
def _audit_v2(folder: Path) -> Audit:
    data = {name: _read(folder, name) for name in AUDIT_FILES_V2}
    checks: list[str] = []
    file = folder / COMMITMENT
    commitment = _object(folder, COMMITMENT, data[COMMITMENT], COMMITMENT_FIELDS_V2)
    _check(checks, _canonical(commitment, data[COMMITMENT]), "commitment.json is canonical JSON", file)
    checks.append(f"spec is {V2.spec}")
    round_id = _round_id(commitment["round"], file)
    _parent(checks, commitment, round_id, file)
    frame = _frame(checks, folder, data[FRAME], commitment)
    _check(
        checks,
        all(_SALT.fullmatch(salt) for salt in frame["salt"]),
        "every salt is 32 lower-case hex characters",
        folder / FRAME,
    )
    _hashes(checks, folder, data, commitment)
    roster = _roster(checks, folder, data[INSPECTORS])
    firms = _targets(checks, folder, data[TARGETS], set(frame["uscc"]), commitment["targets_root"])
    sizes = _strata(checks, folder, data[STRATA], commitment["strata_sha256"], stratum_sizes(frame))
    plans = _plans(folder, data[PLANS])
    wanted = {plan: _allocate(plans, plan, strata, folder / PLANS) for plan, strata in sizes.items()}
    expected_sizes = {plan: PlanSize(sum(sizes[plan].values()), sum(n.values())) for plan, n in wanted.items()}
    _check(
        checks,
        _plan_sizes(commitment["sizes"], file) == expected_sizes,
        "sizes: N_p and n_p of every plan from strata.json and its allocation",
        file,
    )
    c = H(data[COMMITMENT])
    seed = _seed_v2(checks, folder, data[RANDOMNESS], c, commitment)
    chain = {r: folder.parent.parent / str(r) / folder.name for r in round_id.chain}  # OUT/rounds/<round>/audit
    pairs = {(p, u) for p, u in frame.select("plan", "uscc").iter_rows()}
    _chain(checks, chain, commitment, _sources(commitment, file), pairs, folder / FRAME)
    selection = draw_selection(frame, wanted, seed, V2)
    records = selection_records(selection)
    _check(
        checks,
        jsonl(records) == data[SELECTION],
        "selection.jsonl re-derived byte for byte",
        folder / SELECTION,
    )
    selected = jsonl(selected_records(selection))
    if (folder / SELECTED).exists():
        _check(
            checks,
            _read(folder, SELECTED) == selected,
            "selected.jsonl = plan and uscc of the selection",
            folder / SELECTED,
        )
    assignment = None
    if (folder / ASSIGNMENT).exists():
        targets = [(r["plan"], r["uscc"]) for r in records]
        eligible, _ = eligibility(plans, roster, firms, targets, round_id.last_day)
        _same_lines(
            checks,
            folder,
            ELIGIBILITY,
            jsonl(eligibility_records(eligible)),
            "eligibility.jsonl re-derived byte for byte from plans.json, inspectors.jsonl, targets.jsonl and the round",
        )
        people = {r["id"]: Inspector.from_record(r) for r in roster}
        keyed = [(r["plan"], r["key"], r["uscc"]) for r in records]
        assignment = _verify_teams(checks, folder, keyed, eligible, people, plans, seed, V2)
    return Audit(checks, V2.spec, commitment["round"], c, selected, assignment)


def _round_id(text: str, file: Path) -> RoundId:
    try:
        return RoundId.parse(text, "round")
    except RoundIdError as error:
        raise VerificationError(f"{file}: FAILED round is a round id ({error.problem})") from None


def _parent(checks: list[str], commitment: Mapping[str, Any], round_id: RoundId, file: Path) -> None:
    """Spec v2 §4, §7a: ``parent`` is null for a month's round; a supplement ``R-S<n>`` names R (n = 1) or
    ``R-S<n−1>`` and that round's C."""
    if "parent" not in commitment:
        raise VerificationError(f"{file}: FAILED commitment.json has parent (null for a month's round)")
    parent, expected = commitment["parent"], round_id.parent
    if expected is None:
        if parent is not None:
            raise VerificationError(
                f"{file}: FAILED parent is null: round {round_id} is a month's round, not a supplement"
            )
        checks.append("parent: none (a month's round)")
        return
    if not (
        isinstance(parent, dict)
        and parent.get("round") == str(expected)
        and isinstance(parent.get("commitment"), str)
        and HEX64.fullmatch(parent["commitment"])
    ):
        raise VerificationError(
            f'{file}: FAILED parent is {{"round": "{expected}", "commitment": its C}}: round {round_id} is a '
            "supplementary round (§7a)"
        )
    checks.append(f"parent: round {expected}, C = {parent['commitment']}")


def _chain(
    checks: list[str],
    folders: Mapping[RoundId, Path],
    commitment: Mapping[str, Any],
    sources: Sequence[Source],
    pairs: set[tuple[str, str]],
    what: Path,
) -> None:
    """Spec v2 §7a against the files of the rounds of a supplement's chain (``folders``: each round's bundle or
    public folder, oldest first): each commitment is the one its child names, no pair of ``pairs`` (the frame, or
    the public list) was selected in the chain, and the sources are fresh (a later drand round, another announced
    value).  Rounds whose files are not at hand are reported, not checked."""
    if not folders:
        return
    absent = [folder for folder in folders.values() if not (folder / COMMITMENT).is_file()]
    if absent:
        checks.append(f"parent chain: {absent[0]} not at hand; its commitments, selections and sources not compared")
        return
    link = commitment["parent"]["commitment"]
    chosen: set[tuple[str, str]] = set()
    drand: dict[str, int] = {}
    announced: set[str] = set()
    for round_id, folder in reversed(list(folders.items())):
        data = _read(folder, COMMITMENT)
        _check(checks, H(data) == link, f"{round_id}: commitment.json is the one its supplement names", folder)
        earlier = _shaped(_json(folder, COMMITMENT, data), {"randomness": dict}, folder / COMMITMENT, COMMITMENT)
        link = earlier["parent"]["commitment"] if isinstance(earlier.get("parent"), dict) else None
        if earlier.get("spec") == V2.spec:
            for source in _sources(earlier, folder / COMMITMENT):
                if isinstance(source, Drand):
                    drand[source.chain] = max(drand.get(source.chain, 0), source.round)
                else:
                    announced.add(source.description)
        elif isinstance(earlier["randomness"].get("source"), str):
            announced.add(earlier["randomness"]["source"])
        name = SELECTED if (folder / SELECTED).is_file() else SELECTION
        chosen |= {(r["plan"], r["uscc"]) for r in _records(folder, name, _read(folder, name), SELECTED_RECORD)}
    again = sorted(pairs & chosen)
    if again:
        plan, uscc = again[0]
        raise VerificationError(f"{what}: FAILED no pair of it was selected in its chain ({plan} {uscc} was)")
    checks.append(f"no pair of {what.name} was selected in the chain ({len(chosen)} pairs)")
    for number, source in enumerate(sources, start=1):
        if isinstance(source, Drand) and source.round <= drand.get(source.chain, 0):
            raise VerificationError(
                f"{what.parent / COMMITMENT}: FAILED source {number}: drand round {source.round} is later than the "
                f"chain's (round {drand[source.chain]})"
            )
        if isinstance(source, Announced) and source.description in announced:
            raise VerificationError(
                f"{what.parent / COMMITMENT}: FAILED source {number}: an announced value the chain did not use "
                f"({source.description!r} did)"
            )
    checks.append("sources: none of the chain's (a later drand round, another announced value)")


def _roster(checks: list[str], folder: Path, data: bytes) -> list[dict[str, Any]]:
    """inspectors.jsonl as eligibility reads it: every field it reads present and of its type, sorted by id."""
    file = folder / INSPECTORS
    records = _records(folder, INSPECTORS, data, ROSTER_RECORD)
    for number, record in enumerate(records, start=1):
        expiry = record.get("cert_expiry")
        if expiry is not None:
            try:
                dt.date.fromisoformat(expiry)
            except (TypeError, ValueError):
                raise VerificationError(f"{file}: FAILED line {number} has cert_expiry as a date or null") from None
        for key in ("qualifications", "declared"):
            if key in record and not _texts(record[key]):
                raise VerificationError(f"{file}: FAILED line {number} has {key} as a list of text")
        if not isinstance(record.get("station", ""), str):
            raise VerificationError(f"{file}: FAILED line {number} has station as text")
    _canonical_lines(checks, folder, INSPECTORS, data, records)
    ids = [r["id"].encode() for r in records]
    _check(checks, ids == sorted(set(ids)), "inspectors.jsonl sorted by id, no id twice", file)
    return records


def _targets(checks: list[str], folder: Path, data: bytes, frame_usccs: set[str], root: str) -> dict[str, Firm]:
    """Spec v2 §1a: one canonical record per distinct frame USCC, sorted by USCC bytes, and ``targets_root``."""
    file = folder / TARGETS
    records = _records(folder, TARGETS, data, TARGET_RECORD)
    for number, record in enumerate(records, start=1):
        if not _texts(record["last_team"]):
            raise VerificationError(f"{file}: FAILED line {number} has last_team as a list of inspector ids")
    _canonical_lines(checks, folder, TARGETS, data, records)
    order = [r["uscc"].encode() for r in records]
    _check(checks, order == sorted(set(order)), "targets sorted by uscc, no USCC twice", file)
    given = {r["uscc"] for r in records}
    missing, extra = sorted(frame_usccs - given), sorted(given - frame_usccs)
    if missing or extra:
        problem = f"{missing[0]} of the frame has none" if missing else f"{extra[0]} is not in the frame"
        raise VerificationError(f"{file}: FAILED one record per distinct USCC of frame.jsonl ({problem})")
    checks.append(f"targets.jsonl: one record for each of the frame's {len(given)} USCCs")
    _check(checks, mth(_lines(folder, TARGETS, data)) == root, "targets_root = MTH(targets.jsonl)", file)
    return {r["uscc"]: Firm.from_record(r) for r in records}


def _strata(
    checks: list[str], folder: Path, data: bytes, digest: str, frame_sizes: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    """Spec v2 §4.1: ``strata.json`` canonical, its hash committed, and the frame's stratum sizes."""
    file = folder / STRATA
    value = _json(folder, STRATA, data)
    _check(checks, H(data) == digest, "strata_sha256 = H(strata.json)", file)
    _check(checks, _canonical(value, data), "strata.json is canonical JSON", file)
    _check(checks, _sizes(value, file) == frame_sizes, "strata.json = the frame's stratum sizes", file)
    return frame_sizes


def _sources(commitment: Mapping[str, Any], file: Path) -> list[Source]:
    try:
        return parse_sources(commitment["randomness"].get("sources"))
    except SourceError as error:
        raise VerificationError(f"{file}: FAILED randomness.sources: {error}") from None


def _seed_v2(checks: list[str], folder: Path, data: bytes, c: str, commitment: Mapping[str, Any]) -> bytes:
    """Spec v2 §4: the sources, ``randomness.json`` (C, the round, one value per source), each output, the seed."""
    sources = _sources(commitment, folder / COMMITMENT)
    file = folder / RANDOMNESS
    randomness = _object(folder, RANDOMNESS, data, RANDOMNESS_FIELDS_V2)
    _check(checks, _canonical(randomness, data), "randomness.json is canonical JSON", file)
    _check(
        checks,
        randomness["commitment"] == c and randomness["round"] == commitment["round"],
        "randomness.json names this commitment and round",
        file,
    )
    values = randomness["values"]
    _check(
        checks,
        _texts(values) and len(values) == len(sources),
        f"randomness.json has one value (text) for each of the {len(sources)} sources",
        file,
    )
    outputs = []
    for number, (source, value) in enumerate(zip(sources, values, strict=True), start=1):
        try:
            outputs.append(output(source, value))
        except SourceError as error:
            raise VerificationError(f"{file}: FAILED source {number}: {error}") from None
        if isinstance(source, Drand):
            checks.append(
                f"source {number}: the signature of drand round {source.round} verifies against the "
                f"{source.beacon.name} key (BLS12-381, offline); r = {outputs[-1]}"
            )
        else:
            checks.append(f"source {number}: the announced value gives r = {json.dumps(outputs[-1])}")
    seed = derive_seed_v2(c, outputs)
    checks.append(f"seed = {seed.hex()}")
    return seed


def _same_lines(checks: list[str], folder: Path, name: str, expected: bytes, what: str) -> None:
    """The file is ``expected`` byte for byte; else the failure names its first line that differs."""
    given = _read(folder, name)
    if given != expected:
        ours, theirs = expected.split(b"\n"), given.split(b"\n")
        pairs = enumerate(zip(ours, theirs, strict=False), start=1)
        line = next((k for k, (a, b) in pairs if a != b), min(len(ours), len(theirs)))
        raise VerificationError(f"{folder / name}: FAILED {what} (line {line} differs)")
    checks.append(what)


# -- teams (both versions) -------------------------------------------------------------------------
def _verify_teams(
    checks: list[str],
    folder: Path,
    targets: list[tuple[str, str, str]],
    eligible: Mapping[tuple[str, str], list[str]],
    roster: Mapping[str, Inspector],
    plans: Mapping[str, Plan],
    seed: bytes,
    version: Version,
) -> bytes:
    """Spec §6 from the eligibility lists and the roster: assignment.jsonl byte for byte, then the reassignments."""
    result = assign_teams(targets, eligible, roster, plans, seed, version)
    expected = jsonl(a.record() for a in sorted(result, key=lambda a: (a.plan.encode(), a.uscc.encode())))
    _check(
        checks, expected == _read(folder, ASSIGNMENT), "assignment.jsonl re-derived byte for byte", folder / ASSIGNMENT
    )
    if (folder / REASSIGNMENTS).exists():
        drawn = {(a.plan, a.uscc): a.team for a in result}
        checks.append(_verify_reassignments(folder, Staffing(drawn), eligible, roster, plans, seed, version))
    return expected


def _verify_reassignments(
    folder: Path,
    staffing: Staffing,
    eligible: Mapping[tuple[str, str], list[str]],
    roster: Mapping[str, Inspector],
    plans: Mapping[str, Plan],
    seed: bytes,
    version: Version,
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
            staffing, change.target, change.leaving, eligible[change.target], roster, plans[change.plan], seed, version
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


# -- the public files -------------------------------------------------------------------------------
@dataclass(frozen=True)
class LogEvidence:
    """What the transparency log shows about one round's public files (spec v2 §8), for :func:`verify_public`."""

    files: Mapping[str, tuple[str, int]]  # a name in the round's public folder → (its logged SHA-256, its entry index)
    cosigned: Sequence[tuple[int, str, int]]  # (checkpoint size, witness key name, POSIX time) of every cosignature
    # by a trusted witness; a checkpoint of size N holds log entries 0 … N−1


@dataclass(frozen=True)
class Ordering:
    """Whether the log shows "commitment before randomness" for one source (spec v2 §8)."""

    source: int  # 1-based, in the commitment's order
    status: str  # PROVEN, NOT_PROVEN, CONTRADICTED or UNCHECKABLE
    text: str


def ordering(
    sources: Sequence[Source], commitment_index: int, cosigned: Sequence[tuple[int, str, int]]
) -> list[Ordering]:
    """Spec v2 §8 for each source, from the first cosignature (time T) of a checkpoint that holds the commitment's
    log entry: a drand round produced at t(R) is proven when T < t(R), contradicted when t(R) ≤ T, and not proven
    while no trusted witness has cosigned such a checkpoint; when an announced value was announced is not in any
    file, so it is not machine-checkable, and T is shown for a person to compare."""
    holding = sorted((time, witness, size) for size, witness, time in cosigned if size > commitment_index)
    result = []
    for number, source in enumerate(sources, start=1):
        where = f"source {number} ({source.describe()})"
        if not holding:
            status = NOT_PROVEN if isinstance(source, Drand) else UNCHECKABLE
            text = (
                f"{where}: commitment before randomness {status}: no trusted witness has cosigned a checkpoint "
                f"holding the commitment (log entry {commitment_index}) yet"
            )
            result.append(Ordering(number, status, text))
            continue
        time, witness, size = holding[0]
        moment = dt.datetime.fromtimestamp(time, dt.UTC)
        when = (
            f"witness {witness} cosigned checkpoint {size}, holding the commitment (log entry {commitment_index}), "
            f"at {utc(moment)}"
        )
        if not isinstance(source, Drand):
            text = f"{where}: {UNCHECKABLE}: {when}; check that the value was announced after that"
            result.append(Ordering(number, UNCHECKABLE, text))
            continue
        produced = source.beacon.round_time(source.round)
        if moment < produced:
            text = (
                f"{where}: commitment before randomness {PROVEN}: {when}, before round {source.round} ({utc(produced)})"
            )
            result.append(Ordering(number, PROVEN, text))
        else:
            text = (
                f"{where}: commitment before randomness {CONTRADICTED}: the first cosignature holding the commitment "
                f"is at {utc(moment)} ({when}), not before round {source.round} was produced ({utc(produced)})"
            )
            result.append(Ordering(number, CONTRADICTED, text))
    return result


def verify_public(folder: Path, *, evidence: LogEvidence | None = None, auditors: Sequence[str] = ()) -> list[str]:
    """Every check of a round's public files that the spec its commitment names allows (v1 or v2), in order.

    ``evidence`` (:func:`log_evidence` of the site the folder is in): that each file is the logged one and the log
    holds the commitment before the randomness before the selection; under v2 also each source's ordering
    (:func:`ordering`; contradicted fails).  ``auditors``: verifier keys (``name+hash+key``) of the auditors the
    caller trusts; each must have signed an attestation of these files (spec v2 §8, :mod:`xinyong.draw.attest`).
    A VerificationError names the first check that fails; a malformed key is a UsageError naming ``--auditor``.
    """
    from xinyong.draw.attest import check_attestations, trusted_keys  # attest imports this module

    trusted = trusted_keys(auditors)
    _folder(folder)
    commitment_bytes = _read(folder, COMMITMENT)
    if _spec(commitment_bytes) != V2.spec:
        if trusted:
            raise VerificationError(
                f"{folder / COMMITMENT}: FAILED attestations by {', '.join(v.name for v in trusted)}: a round of "
                f"{V1.spec} has none (they are part of {V2.spec}, §8)"
            )
        checks = _public_v1(folder, commitment_bytes)
        if evidence is not None:
            _log_order(checks, folder, evidence, (COMMITMENT, RANDOMNESS, SELECTION))
        return checks
    checks, commitment, sources, selected = _public_v2(folder, commitment_bytes)
    if evidence is None:
        checks.append("ordering: not checked (no transparency log evidence given)")
    else:
        index = _log_order(checks, folder, evidence, (COMMITMENT, RANDOMNESS, SELECTED))
        for found in ordering(sources, index, evidence.cosigned):
            if found.status == CONTRADICTED:
                raise VerificationError(f"{folder / COMMITMENT}: FAILED {found.text}")
            checks.append(found.text)
    checks += check_attestations(folder, trusted, commitment["round"], H(commitment_bytes), H(selected))
    return checks


def _public_v1(folder: Path, commitment_bytes: bytes) -> list[str]:
    checks: list[str] = []
    commitment = _object(folder, COMMITMENT, commitment_bytes, COMMITMENT_FIELDS)
    c = H(commitment_bytes)
    randomness = _object(folder, RANDOMNESS, _read(folder, RANDOMNESS), RANDOMNESS_FIELDS)
    _check(checks, randomness.get("commitment") == c, "randomness.json names H(commitment.json)", folder / RANDOMNESS)
    plans_bytes = _read(folder, PLANS)
    _check(checks, H(plans_bytes) == commitment["plans_sha256"], "plans.json is the committed plans", folder / PLANS)
    seed = derive_seed(c, randomness["value"])
    checks.append(f"seed = {seed.hex()}")
    selected = _records(folder, SELECTION, _read(folder, SELECTION), SELECTION_RECORD)
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


def _public_v2(folder: Path, commitment_bytes: bytes) -> tuple[list[str], dict[str, Any], list[Source], bytes]:
    """Spec v2 §8 "Process": the checks, the commitment, its sources and the bytes of ``selected.jsonl``."""
    checks: list[str] = []
    file = folder / COMMITMENT
    commitment = _object(folder, COMMITMENT, commitment_bytes, COMMITMENT_FIELDS_V2)
    _check(checks, _canonical(commitment, commitment_bytes), "commitment.json is canonical JSON", file)
    c = H(commitment_bytes)
    checks.append(f"spec is {V2.spec}; C = H(commitment.json) = {c}")
    round_id = _round_id(commitment["round"], file)
    _parent(checks, commitment, round_id, file)
    plans_bytes = _read(folder, PLANS)
    _check(checks, H(plans_bytes) == commitment["plans_sha256"], "plans.json is the committed plans", folder / PLANS)
    plans = _plans(folder, plans_bytes)
    sizes = _plan_sizes(commitment["sizes"], file)
    unknown = sorted(set(sizes) - set(plans))
    _check(checks, not unknown, "every plan of the commitment's sizes is in plans.json", file)
    _seed_v2(checks, folder, _read(folder, RANDOMNESS), c, commitment)
    data = _read(folder, SELECTED)
    pairs = _selected(checks, folder, data, sizes)
    sources = _sources(commitment, file)
    _chain(checks, {r: folder.parent / str(r) for r in round_id.chain}, commitment, sources, pairs, folder / SELECTED)
    return checks, commitment, sources, data


def _selected(checks: list[str], folder: Path, data: bytes, sizes: Mapping[str, PlanSize]) -> set[tuple[str, str]]:
    """Spec v2 §5/§8: canonical ``{"plan", "uscc"}`` lines sorted by (plan, uscc) bytes, no pair twice, valid USCCs,
    exactly n_p pairs of each plan of the commitment and none of another; the pairs."""
    file = folder / SELECTED
    records = _records(folder, SELECTED, data, SELECTED_RECORD)
    for number, record in enumerate(records, start=1):
        if set(record) != set(SELECTED_RECORD):
            raise VerificationError(
                f"{file}: FAILED line {number} holds plan and uscc only (no key, rank, stratum or π)"
            )
        if not uscc_code.is_valid(record["uscc"]):
            raise VerificationError(f"{file}: FAILED line {number}: {record['uscc']!r} is a USCC (GB 32100 check)")
    _canonical_lines(checks, folder, SELECTED, data, records)
    order = [(r["plan"].encode(), r["uscc"].encode()) for r in records]
    _check(checks, order == sorted(set(order)), "selected.jsonl sorted by (plan, uscc), no duplicate pair", file)
    checks.append(f"all {len(records)} USCCs are valid (GB 32100 check character)")
    other = sorted({r["plan"] for r in records} - set(sizes))
    _check(checks, not other, "every selected plan is in the commitment's sizes", file)
    for plan, size in sizes.items():
        got = sum(1 for r in records if r["plan"] == plan)
        _check(checks, got == size.selected, f"plan {plan}: {got} selected = n_p of the commitment", file)
    return {(r["plan"], r["uscc"]) for r in records}


def _log_order(checks: list[str], folder: Path, evidence: LogEvidence, names: tuple[str, str, str]) -> int:
    """Each file is the one logged, and the log holds them in the given order; the commitment's entry index."""
    indices = []
    for name in names:
        if name not in evidence.files:
            raise VerificationError(f"{folder / name}: FAILED {name} is in the transparency log")
        digest, index = evidence.files[name]
        if H(_read(folder, name)) != digest:
            raise VerificationError(
                f"{folder / name}: FAILED {name} is the logged document (log entry {index} has SHA-256 {digest[:12]}…)"
            )
        indices.append(index)
    _check(
        checks,
        indices[0] < indices[1] < indices[2],
        f"the log holds {names[0]} (entry {indices[0]}) before {names[1]} (entry {indices[1]}) before {names[2]} "
        f"(entry {indices[2]})",
        folder / names[1] if indices[0] >= indices[1] else folder / names[2],
    )
    return indices[0]


def log_evidence(site: Path, round_id: str, witnesses: Sequence[str] = ()) -> LogEvidence:
    """The transparency log's evidence about round ``round_id`` of the public site ``site`` (the folder holding
    ``log/`` and ``rounds/``): each of the round's logged files by its name in ``rounds/<round>/``, and the
    cosignatures by ``witnesses`` (their verifier keys).  It reads the log as it stands; that the log itself is
    sound (signatures, proofs, every file) is ``xinyong log verify``'s check."""
    prefix = f"{SITE_ROUNDS}/{round_id}/"
    logged = translog.logged_files(site)
    files = {path.removeprefix(prefix): entry for path, entry in logged.items() if path.startswith(prefix)}
    return LogEvidence(files, _cosigned(site, witnesses))


def _cosigned(site: Path, witnesses: Sequence[str]) -> list[tuple[int, str, int]]:
    """(size, witness, timestamp) of every valid cosignature by one of ``witnesses`` (verifier keys) of a checkpoint
    of ``site``'s log (:func:`xinyong.publish.translog.cosigned`)."""
    return [(c.size, c.witness, c.timestamp) for c in translog.cosigned(site, witnesses)]
