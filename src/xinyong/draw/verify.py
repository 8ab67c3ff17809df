"""Re-derive a round from its files (docs/draw-spec.md §1–§7): what an auditor or the public can check.

``verify_audit`` takes the auditor bundle and recomputes everything: the frame's order and root, the
plans' and roster's hashes, the stratum sizes, the commitment hash, the seed, the allocation and the
selection, byte for byte — and, once the bundle has teams (``assignment.jsonl``), the teams of §6
from ``eligibility.jsonl`` and the committed roster.  ``verify_public`` takes the public files and
checks what they allow: the commitment hash, the seed derivation, every published key, and that each
plan has as many selected firms as its allocation gives for the committed stratum sizes.  Both
return the list of checks made; the first failed check raises :class:`VerificationError`.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from xinyong.core.canonical import CJ, H, jsonl, lines_of, mth, records_of
from xinyong.draw import SPEC
from xinyong.draw.keys import derive_seed, unit_key
from xinyong.draw.plans import Plan, parse_plans_json
from xinyong.draw.selection import draw_selection, selection_records, stratum_sizes
from xinyong.errors import VerificationError

AUDIT_FILES = ("commitment.json", "randomness.json", "frame.jsonl", "plans.json", "inspectors.jsonl", "selection.jsonl")


def _read(folder: Path, name: str) -> bytes:
    path = folder / name
    if not path.is_file():
        raise VerificationError(f"{path}: missing")
    return path.read_bytes()


def _check(checks: list[str], ok: bool, what: str, file: Path) -> None:
    if not ok:
        raise VerificationError(f"{file}: FAILED {what}")
    checks.append(what)


def verify_audit(folder: Path) -> list[str]:
    data = {name: _read(folder, name) for name in AUDIT_FILES}
    checks: list[str] = []
    commitment = json.loads(data["commitment.json"])
    _check(
        checks,
        CJ(commitment) == data["commitment.json"],
        "commitment.json is canonical JSON",
        folder / "commitment.json",
    )
    _check(checks, commitment.get("spec") == SPEC, f"spec is {SPEC}", folder / "commitment.json")
    frame_lines = lines_of(data["frame.jsonl"])
    records = [json.loads(line) for line in frame_lines]
    _check(
        checks,
        all(CJ(r) == line for r, line in zip(records, frame_lines, strict=True)),
        "every frame line is canonical JSON",
        folder / "frame.jsonl",
    )
    order = [(r["plan"].encode(), r["uscc"].encode()) for r in records]
    _check(
        checks,
        order == sorted(order) and len(set(order)) == len(order),
        "frame sorted by (plan, uscc), no duplicate pair",
        folder / "frame.jsonl",
    )
    _check(
        checks, mth(frame_lines) == commitment["frame_root"], "frame_root = MTH(frame.jsonl)", folder / "frame.jsonl"
    )
    _check(checks, len(records) == commitment["frame_size"], "frame_size", folder / "frame.jsonl")
    _check(
        checks,
        H(data["plans.json"]) == commitment["plans_sha256"],
        "plans_sha256 = H(plans.json)",
        folder / "plans.json",
    )
    _check(
        checks,
        mth(lines_of(data["inspectors.jsonl"])) == commitment["inspectors_root"],
        "inspectors_root = MTH(inspectors.jsonl)",
        folder / "inspectors.jsonl",
    )
    frame = pl.DataFrame(records, schema={"plan": pl.Utf8, "salt": pl.Utf8, "stratum": pl.Utf8, "uscc": pl.Utf8})
    sizes = stratum_sizes(frame)
    _check(checks, sizes == commitment["strata"], "stratum sizes in the commitment", folder / "commitment.json")
    c = H(data["commitment.json"])
    randomness = json.loads(data["randomness.json"])
    _check(
        checks,
        randomness.get("commitment") == c and randomness.get("round") == commitment["round"],
        "randomness.json names this commitment and round",
        folder / "randomness.json",
    )
    seed = derive_seed(c, randomness["value"])
    checks.append(f"seed = {seed.hex()}")
    plans = _plans(folder, data["plans.json"])
    wanted = {plan: plans[plan].sample_sizes(strata) for plan, strata in sizes.items()}
    expected = jsonl(selection_records(draw_selection(frame, wanted, seed)))
    _check(
        checks,
        expected == data["selection.jsonl"],
        "selection.jsonl re-derived byte for byte",
        folder / "selection.jsonl",
    )
    if (folder / "assignment.jsonl").exists():
        checks += _verify_teams(folder, data, plans, seed)
    return checks


def _plans(folder: Path, data: bytes) -> dict[str, Plan]:
    try:
        return parse_plans_json(data)
    except ValueError as exc:
        raise VerificationError(f"{folder / 'plans.json'}: FAILED plans.json holds plan objects ({exc})") from None


def _verify_teams(folder: Path, data: dict[str, bytes], plans: dict[str, Plan], seed: bytes) -> list[str]:
    """Spec §6 from eligibility.jsonl, inspectors.jsonl and the selection: the teams, byte for byte."""
    from xinyong.draw.teams import Inspector, assign_teams

    checks: list[str] = []
    eligibility = records_of(_read(folder, "eligibility.jsonl"))
    selected = records_of(data["selection.jsonl"])
    _check(
        checks,
        sorted((e["plan"], e["uscc"]) for e in eligibility) == sorted((s["plan"], s["uscc"]) for s in selected),
        "eligibility.jsonl lists exactly the selected targets",
        folder / "eligibility.jsonl",
    )
    roster = {
        r["id"]: Inspector(r["id"], r["department"], r["level"], r["capacity"], None, frozenset(), "", "")
        for r in records_of(data["inspectors.jsonl"])
    }
    eligible = {(e["plan"], e["uscc"]): e["eligible"] for e in eligibility}
    _check(
        checks,
        all(i in roster for ids in eligible.values() for i in ids),
        "every eligible id is in the committed roster",
        folder / "eligibility.jsonl",
    )
    result = assign_teams([(s["plan"], s["key"], s["uscc"]) for s in selected], eligible, roster, plans, seed)
    expected = jsonl(a.record() for a in sorted(result, key=lambda a: (a.plan.encode(), a.uscc.encode())))
    _check(
        checks,
        expected == _read(folder, "assignment.jsonl"),
        "assignment.jsonl re-derived byte for byte",
        folder / "assignment.jsonl",
    )
    return checks


def verify_public(folder: Path) -> list[str]:
    checks: list[str] = []
    commitment_bytes = _read(folder, "commitment.json")
    commitment = json.loads(commitment_bytes)
    c = H(commitment_bytes)
    randomness = json.loads(_read(folder, "randomness.json"))
    _check(
        checks,
        randomness.get("commitment") == c,
        "randomness.json names H(commitment.json)",
        folder / "randomness.json",
    )
    plans_bytes = _read(folder, "plans.json")
    _check(
        checks, H(plans_bytes) == commitment["plans_sha256"], "plans.json is the committed plans", folder / "plans.json"
    )
    seed = derive_seed(c, randomness["value"])
    checks.append(f"seed = {seed.hex()}")
    selected = records_of(_read(folder, "selection.jsonl"))
    for record in selected:
        if unit_key(seed, record["plan"], record["uscc"]).hex() != record["key"]:
            raise VerificationError(f"{folder / 'selection.jsonl'}: FAILED key of {record['plan']} {record['uscc']}")
    checks.append(f"all {len(selected)} keys = H(unit tag, seed, plan, uscc)")
    plans = _plans(folder, plans_bytes)
    for plan, strata in commitment["strata"].items():
        expected = sum(plans[plan].sample_sizes(strata).values())
        got = sum(1 for r in selected if r["plan"] == plan)
        _check(
            checks,
            got == expected,
            f"plan {plan}: {got} selected = Σ n_h for the committed stratum sizes",
            folder / "selection.jsonl",
        )
    return checks
