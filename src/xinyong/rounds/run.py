"""``xinyong round``: frame → preview → approve → commit → reveal → draw → assign → finalize (→ reassign), in order.

The order is the one the public draw contract demands (docs/draw-spec.md §4): the frame and
everything that decides the draw (plans, roster) are fixed and published as a commitment *before*
any randomness exists; the public random value is accepted once; only then is the seed derived and
the draw made.  Before the irrevocable commitment the framed round is checked and signed off
(issue 12): ``preview`` writes what the draw would take and what it needs
(:mod:`xinyong.rounds.preview`, ``internal/preview.json`` and ``.xlsx``), ``approve`` records who
approved which preview (``audit/approval.json``), and ``commit`` requires an approval of the
current frame, plans and roster.  ``frame --rebuild`` removes the approval and the preview of the
frame it replaces, and a preview that differs from the approved one removes the approval: an
approval is only ever of the files on disk.  The step a round has reached is read from its files:

- ``OUT/rounds/<round>/audit/``: the auditor bundle of spec §7 (byte-exact as hashed), plus the
  reasons (``exclusions.jsonl``: who was left out of the frame and why; ``eligibility-exclusions.jsonl``
  and ``unstaffed.jsonl``), the decision that closed the teams (``decisions.jsonl``, ``finalized.json``) and,
  after it, every change of a team (``reassignments.jsonl``: who left, who joined by the draw's order, why);
- ``OUT/rounds/<round>/internal/inclusion.parquet``: π for every frame record, for estimation;
- ``OUT/public/rounds/<round>/``: ``commitment.json``, ``randomness.json``, ``plans.json`` and the
  selected firms (``selected.jsonl``: plan and USCC only — no key, stratum or π, draw spec v2 §5), and the
  auditors' attestations of the round (``attestations/``, :mod:`xinyong.rounds.attestations`) — each logged in
  the transparency log of ``OUT/public/log/`` (:mod:`xinyong.publish.translog`) before it is written, so the
  log shows the commitment was public before the randomness, and the randomness before the selection.

A round is drawn under draw spec v2 (docs/draw-spec.md): ``frame`` also writes ``targets.jsonl``, every fact
about a firm that team eligibility reads (:func:`xinyong.rounds.frame.targets_of`), and ``commit`` fixes it
with ``strata.json`` (N_h per plan and stratum, committed by its hash only) and names the sources of the
randomness (a drand beacon round at least 10 minutes ahead, an announced value, or both:
:mod:`xinyong.rounds.randomness`); ``reveal`` takes the drand signature, verified offline, and the announced
value entered twice; ``assign`` reads nothing but committed files (``plans.json``, ``inspectors.jsonl``,
``targets.jsonl``) and the round id, so no later change of the clean registry or the history can move a team.
Rounds committed under ``xinyong-draw-v1`` go on under v1 (:func:`xinyong.rounds.stage.version_of`): their
reveal takes one value, their assign reads the firms from the clean registry (``--clean``).  ``supplement``
makes a finalised round's supplementary round ``R-S<n>`` (:mod:`xinyong.rounds.supplement`), which then goes
through the same steps.

The names come from :mod:`xinyong.workspace.layout`, the stage a round has reached and the check
each step makes of it from :mod:`xinyong.rounds.stage`.  A finished step re-run gives
byte-identical files; a frame, plan or roster changed after the commitment is detected and refused.
Once finalised, a round's teams are drawn no more (``assign`` is refused): a team changes only by
``reassign``.  The past inspections the frame excludes and the last teams rotation keeps away are the
whole inspection history — the clean folder's and every finalised round's under ``OUT``
(:mod:`xinyong.rounds.ledger`).

Each step holds the round's lock while it runs (:func:`xinyong.rounds.stage.changes_round`; a second
process is refused with the pid of the first) and can be cut short anywhere — a crash, a SIGKILL —
and then run again: it writes the file that marks its stage last, so a round cut short is still at
its earlier stage, and the step run again finishes with the files an uninterrupted run writes.  A
document already in the transparency log is recognised by its bytes, so a commitment, a randomness
or a selection logged just before the crash is not logged twice, and one logged with other bytes
is refused: a round whose commitment is logged is committed, whatever its audit files say.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import polars as pl

from xinyong.core.canonical import (
    CJ,
    FRAME_FIELDS,
    H,
    Stored,
    jsonl,
    jsonl_table,
    lines_of,
    mth,
    read_jsonl_table,
    records_of,
)
from xinyong.core.ids import RoundId
from xinyong.draw.keys import V1, V2, derive_seed, derive_seed_v2
from xinyong.draw.plans import parse_plans_json, plans_json
from xinyong.draw.selection import draw_selection, selected_records, selection_records, stratum_sizes
from xinyong.draw.sources import Announced, Source, outputs, parse_sources
from xinyong.draw.teams import Firm, Inspector
from xinyong.errors import InputFileError, RoundStateError, UsageError
from xinyong.publish import translog
from xinyong.results.check import current_results
from xinyong.results.run import read_results
from xinyong.rounds.frame import TARGET_FIELDS, check_tiers, frame_records, targets_of
from xinyong.rounds.ledger import read_history, work_rounds
from xinyong.rounds.plans import Item, PlanFile, read_plans
from xinyong.rounds.preview import Approval, Fixed, Preview, TiersUsed, fixed_of, preview, sheets
from xinyong.rounds.randomness import Requested, named_sources, revealed
from xinyong.rounds.staffing import read_staffing
from xinyong.rounds.stage import (
    Stage,
    changes_round,
    changing,
    committed_files,
    record_written,
    require,
    stage_of,
    version_of,
)
from xinyong.rounds.supplement import (
    REPLACED_CODES,
    Replaced,
    needs,
    replaced_targets,
    supplement_frame,
    supplement_plans,
)
from xinyong.workspace import checks, fsio
from xinyong.workspace.layout import (
    APPROVAL,
    ASSIGNMENT,
    COMMITMENT,
    DECISIONS,
    ELIGIBILITY,
    ELIGIBILITY_EXCLUSIONS,
    EXCLUSIONS,
    FINALIZED,
    FRAME,
    INCLUSION,
    INSPECTORS,
    PLANS,
    PREPARED_COMMITMENT,
    PREVIEW,
    PREVIEW_XLSX,
    RANDOMNESS,
    REASSIGNMENTS,
    SELECTED,
    SELECTION,
    STRATA,
    TARGETS,
    TIERS,
    TIERS_USED,
    UNSTAFFED,
    RoundPaths,
    clean_table,
)

if TYPE_CHECKING:
    from xinyong.draw.reassign import Reassignment
    from xinyong.draw.teams import Assignment

T = TypeVar("T")


# -- frame -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FrameResult:
    size: int  # (plan, firm) records in the frame
    excluded: int | None  # records left out (exclusions.jsonl); None when an existing frame was kept
    rebuilt: bool


def build_frame(
    out: Path, round_id: RoundId, plans_path: Path, tiers_path: Path, clean_dir: Path, *, rebuild: bool = False
) -> FrameResult:
    """The frame of every plan after exclusions (spec §1), with the round's roster (§3).

    A frame cut short is no frame (its last file, ``exclusions.jsonl``, marks it) and is built again,
    with fresh salts; the salts of a finished frame never change unless ``rebuild`` asks for it.
    """
    paths = RoundPaths(out, round_id)
    if round_id.parent is not None:
        raise UsageError(
            f"--round: {round_id} is a supplementary round; it is framed from its parent by `xinyong round "
            f"supplement --round {round_id.parent}`"
        )
    checks.output_folder(out, clean_dir)
    checks.clean_folder(clean_dir)
    items = {
        row["item_id"]: Item(row["target_type"], tuple(row["departments"].split(";")))
        for row in pl.read_parquet(clean_table(clean_dir, "inspection_items")).iter_rows(named=True)
    }
    # With the items, each plan carries which department carries out which item: committed with the plans.
    grids = pl.read_parquet(clean_table(clean_dir, "enterprises"), columns=["grid"])["grid"].unique().sort()
    plan_file = read_plans(plans_path, items, grids.to_list())
    round_id.require_division(plan_file.division, "--round", str(plans_path))
    checks.table_file(tiers_path, TIERS)
    tiers = pl.read_parquet(tiers_path, columns=["uscc", "as_of", "tier"])
    check_tiers(tiers_path, tiers, round_id)
    used = TiersUsed(str(tiers["as_of"][0]), round_id.division, tiers.height, H(tiers_path.read_bytes()))
    _earlier_rounds_finalised(paths)
    with changing(paths, Stage.NEW, "round frame") as stage:
        if stage >= Stage.COMMITTED or _logged(paths, COMMITMENT) is not None:
            raise RoundStateError(f"round {round_id} is committed; its frame, plans and roster can no longer change")
        if stage >= Stage.FRAMED and not rebuild:
            return FrameResult(len(lines_of((paths.audit / FRAME).read_bytes())), None, rebuilt=False)
        # A new frame is not the one previewed and approved: both go, the approval (a later stage) first,
        # and the round is not framed again until the new frame is whole (exclusions.jsonl, written last).
        for stale in (paths.audit / APPROVAL, paths.internal / PREVIEW, paths.internal / PREVIEW_XLSX):
            stale.unlink(missing_ok=True)
        (paths.audit / EXCLUSIONS).unlink(missing_ok=True)
        return _write_frame(paths, plan_file, items, tiers.drop("as_of"), used, clean_dir)


def _earlier_rounds_finalised(paths: RoundPaths) -> None:
    """Refuse to frame a month while an earlier committed round under the same work root is not finalised:
    its targets are not inspection history yet, so the new frame could draw them again."""
    round_id = paths.round_id
    for earlier in (r for r in work_rounds(paths.out) if r.division == round_id.division and r < round_id):
        reached = stage_of(RoundPaths(paths.out, earlier))
        if Stage.COMMITTED <= reached < Stage.FINALIZED:
            raise RoundStateError(
                f"{RoundPaths(paths.out, earlier).folder}: round {earlier} is {reached.label}, not finalised, so its "
                f"targets are not inspection history yet and round {round_id} could draw them again; finish it "
                f"first (`{Stage(reached + 1).step} --round {earlier}`)"
            )


def _write_frame(
    paths: RoundPaths,
    plan_file: PlanFile,
    items: dict[str, Item],
    tiers: pl.DataFrame,
    used: TiersUsed,
    clean_dir: Path,
) -> FrameResult:
    round_id, plans = paths.round_id, plan_file.plans
    firms = pl.read_parquet(
        clean_table(clean_dir, "enterprises"),
        columns=["uscc", "entity_type", "industry_code", "grid", "legal_rep_id", "station"],
    )
    history = read_history(clean_dir, paths.out, "round frame")
    past = history.select("uscc", "item_id", "inspection_date")
    frame, exclusions = frame_records(plans, items, tiers.join(firms, on="uscc", how="left"), past, round_id)
    frame = _salted(frame)
    _write_framed(paths, frame, plan_file.to_json(), roster_records(clean_dir), firms, history)
    fsio.write_bytes(paths.internal / TIERS_USED, used.to_json())
    fsio.write_bytes(paths.audit / EXCLUSIONS, jsonl(exclusions.to_dicts()))  # last: it marks the round framed
    return FrameResult(frame.height, exclusions.height, rebuilt=True)


def _salted(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame (plan, stratum, uscc) with 16 fresh bytes per record as its salt, as 32 hex digits (the hex
    text is cut, never the bytes: numpy's bytes type drops trailing zero bytes, which would leave a salt of a
    zero-ending draw short)."""
    salts = pl.Series(np.frombuffer(os.urandom(16 * frame.height).hex().encode("ascii"), dtype="S32").astype("U32"))
    return frame.with_columns(salts.alias("salt")).select("plan", "salt", "stratum", "uscc")


def _write_framed(
    paths: RoundPaths,
    frame: pl.DataFrame,
    plans: bytes,
    roster: list[dict],
    registry: pl.DataFrame,
    history: pl.DataFrame,
) -> None:
    """The frame's audit files but the last (``exclusions.jsonl``): frame, plans, roster and the frame's targets."""
    fsio.write_bytes(paths.audit / FRAME, jsonl_table(frame, FRAME_FIELDS))
    fsio.write_bytes(paths.audit / PLANS, plans)
    fsio.write_bytes(paths.audit / INSPECTORS, jsonl(roster))
    targets = targets_of(frame["uscc"], registry, history, paths.round_id)
    fsio.write_bytes(paths.audit / TARGETS, jsonl_table(targets, TARGET_FIELDS))


# -- supplement (draw spec v2 §7a) -------------------------------------------------------------------
@dataclass(frozen=True)
class SupplementResult:
    round_id: RoundId  # the supplementary round
    replaced: tuple[Replaced, ...]  # the parent's targets it draws replacements for
    size: int  # (plan, firm) records in its frame
    excluded: int | None  # records of the parent's frame left out; None when an existing frame was kept
    rebuilt: bool


def build_supplement(out: Path, parent_id: RoundId, clean_dir: Path, *, rebuild: bool = False) -> SupplementResult:
    """Frame the supplementary round of the finalised round ``parent_id`` (:mod:`xinyong.rounds.supplement`): as
    many new targets per plan as the parent has targets unstaffed or found closed or moved, from the
    parent's frame without the chain's selected pairs, with fresh salts; its roster is the clean folder's, each
    officer's capacity less the teams they are on in the chain, and its targets are read as ``round frame``
    reads them.  Like a frame, it is built once unless ``rebuild`` asks for it (only before its commitment)."""
    parent = RoundPaths(out, parent_id)
    child = RoundPaths(out, parent_id.next_supplement())
    checks.output_folder(out, clean_dir)
    checks.clean_folder(clean_dir)
    require(parent, Stage.FINALIZED, "round supplement")
    strata = {(r["plan"], r["uscc"]): r["stratum"] for r in _selection(parent)}
    replaced = replaced_targets(strata, read_staffing(parent).teams(), current_results(read_results(out, parent_id)))
    if not replaced:
        raise RoundStateError(
            f"round {parent_id} has no target to replace: every target is staffed and none was found closed or "
            f"moved (result codes {', '.join(REPLACED_CODES)}), so it needs no supplementary round"
        )
    _earlier_rounds_finalised(child)
    with changing(child, Stage.NEW, "round supplement") as stage:
        if stage >= Stage.COMMITTED or _logged(child, COMMITMENT) is not None:
            raise RoundStateError(
                f"round {child.round_id} is committed; to replace targets of it, run xinyong round supplement "
                f"--round {child.round_id}"
            )
        if stage >= Stage.FRAMED and not rebuild:
            size = len(lines_of((child.audit / FRAME).read_bytes()))
            return SupplementResult(child.round_id, tuple(replaced), size, None, rebuilt=False)
        for stale in (child.audit / APPROVAL, child.internal / PREVIEW, child.internal / PREVIEW_XLSX):
            stale.unlink(missing_ok=True)
        (child.audit / EXCLUSIONS).unlink(missing_ok=True)
        wanted = needs(replaced)
        parent_plans = parse_plans_json((parent.audit / PLANS).read_bytes())
        chain = [RoundPaths(out, r) for r in child.round_id.chain]
        selected = pl.DataFrame(
            [
                (str(r.round_id), x["plan"], x["uscc"])
                for r in chain
                for x in records_of((r.audit / SELECTION).read_bytes())
            ],
            schema={"round": pl.Utf8, "plan": pl.Utf8, "uscc": pl.Utf8},
            orient="row",
        )
        gone = pl.DataFrame(
            [
                (uscc, "、".join(codes))
                for r in chain
                for (_, uscc), result in current_results(read_results(out, r.round_id)).items()
                if (codes := [c for c in result["codes"] if c in REPLACED_CODES])
            ],
            schema={"uscc": pl.Utf8, "codes": pl.Utf8},
            orient="row",
        ).unique("uscc", keep="first", maintain_order=True)
        frame = read_jsonl_table((parent.audit / FRAME).read_bytes(), FRAME_FIELDS)
        kept, exclusions = supplement_frame(frame, selected, gone, parent_plans)
        kept = _salted(kept)
        load = Counter(m for r in chain for team in read_staffing(r).teams().values() for m in team)
        roster = [{**r, "capacity": max(0, r["capacity"] - load[r["id"]])} for r in roster_records(clean_dir)]
        plans = supplement_plans(parent_plans, wanted)
        registry = pl.read_parquet(clean_table(clean_dir, "enterprises"), columns=["uscc", "legal_rep_id", "station"])
        history = read_history(clean_dir, out, "round supplement")
        _write_framed(child, kept, plans_json(plans), roster, registry, history)
        fsio.write_bytes(child.internal / TIERS_USED, (parent.internal / TIERS_USED).read_bytes())
        fsio.write_bytes(child.audit / EXCLUSIONS, jsonl(exclusions.to_dicts()))  # last: it marks the round framed
        return SupplementResult(child.round_id, tuple(replaced), kept.height, exclusions.height, rebuilt=True)


def _selection(paths: RoundPaths) -> list[dict]:
    """A drawn round's ``selection.jsonl`` (auditor-only): key, π, plan, rank, stratum and uscc of each target."""
    return records_of((paths.audit / SELECTION).read_bytes())


def roster_records(clean_dir: Path) -> list[dict]:
    """inspectors.jsonl: enforcement officers only (experts and auxiliary staff never count).

    Beside the spec's capacity, department, id and level, each record carries what eligibility
    reads — certificate expiry, qualifications, station, division and declared relations (回避) — so that it
    too is fixed by the commitment and cannot be edited to steer a team.
    """
    roster = pl.read_parquet(clean_table(clean_dir, "inspectors")).filter(pl.col("staff_type") == "执法人员")
    relations = pl.read_parquet(clean_table(clean_dir, "inspector_relations"))
    declared = (
        relations.select("inspector_id", pl.coalesce("uscc", "legal_rep_id").alias("party"))
        .group_by("inspector_id")
        .agg(pl.col("party").unique().sort().alias("declared"))
    )
    return (
        roster.join(declared, on="inspector_id", how="left")
        .select(
            "capacity",
            pl.col("cert_expiry").cast(pl.Utf8),
            pl.col("declared").fill_null(pl.lit([], dtype=pl.List(pl.Utf8))),
            "department",
            "division",
            pl.col("inspector_id").alias("id"),
            pl.col("pool_level").alias("level"),
            pl.col("qualifications").str.split(";").list.sort().alias("qualifications"),
            "station",
        )
        .sort("id")
        .to_dicts()
    )


def publish_files(paths: RoundPaths, files: dict[str, bytes]) -> bool:
    """Log each public file of the round in the transparency log first, then write it: nothing is public unlogged.
    Returns whether any of them was not logged before.

    A file already logged with these bytes (a step cut short after its append) is not logged again; one
    logged with other bytes is refused, for a published document never changes.
    """
    public_root = paths.public_root
    entries = [translog.file_entry(public_root, paths.public / name, data) for name, data in files.items()]
    with translog.locked(public_root):
        logged = translog.logged_files(public_root)
        for name, entry in zip(files, entries, strict=True):
            digest, index = logged.get(entry["path"], (entry["sha256"], -1))
            if digest != entry["sha256"]:
                raise RoundStateError(
                    f"{paths.public / name}: the transparency log already holds another {name} of round "
                    f"{paths.round_id} (entry {index}); a published document never changes: run the step again "
                    "with the inputs it was first run with"
                )
        translog.append(public_root, entries, origin=translog.origin_for(paths.round_id.division))
        for name, data in files.items():
            fsio.write_bytes(paths.public / name, data)
    return any(entry["path"] not in logged for entry in entries)


def _logged(paths: RoundPaths, name: str) -> tuple[str, int] | None:
    """The SHA-256 and entry index of the round's public file ``name`` in the transparency log, if logged."""
    return translog.logged_files(paths.public_root).get((paths.public / name).relative_to(paths.public_root).as_posix())


# -- preview and approve -------------------------------------------------------------------------
REFRAME = "build the frame again with xinyong round frame --rebuild"
REPREVIEW = "run xinyong round preview again"
REAPPROVE = "remove it, run xinyong round preview and approve again"


def _parsed(path: Path, parse: Callable[[bytes], T], fix: str) -> T:
    """``parse`` of the file's bytes; a file missing or that does not parse is one error naming it and the fix."""
    if not path.is_file():
        raise InputFileError(path, f"missing; {fix}")
    try:
        return parse(path.read_bytes())
    except (ValueError, TypeError, KeyError, pl.exceptions.PolarsError) as exc:
        raise InputFileError(path, f"damaged, not as xinyong wrote it ({type(exc).__name__}: {exc}); {fix}") from None


def _jsonl(data: bytes) -> bytes:
    """A .jsonl file's bytes, refused unless they are whole lines (:func:`~xinyong.core.canonical.lines_of`)."""
    lines_of(data)
    return data


def _fixed(paths: RoundPaths) -> Fixed:
    """The hashes of the round's frame, plans and roster as they are on disk now."""
    audit = paths.audit
    return fixed_of(
        _parsed(audit / FRAME, _jsonl, REFRAME),
        (audit / PLANS).read_bytes(),
        _parsed(audit / INSPECTORS, _jsonl, REFRAME),
    )


@changes_round(Stage.FRAMED, "round preview")
def preview_round(out: Path, round_id: RoundId) -> tuple[Preview, str]:
    """Check the framed round and write ``internal/preview.xlsx`` and ``preview.json``; returns the
    preview and the SHA-256 of ``preview.json``'s bytes, which an approval names."""
    paths = RoundPaths(out, round_id)
    if require(paths, Stage.FRAMED, "round preview") >= Stage.COMMITTED:
        raise RoundStateError(
            f"round {round_id} is committed; it was previewed and approved before ({paths.audit / APPROVAL})"
        )
    audit = paths.audit
    result = preview(
        round_id,
        _fixed(paths),
        _parsed(paths.internal / TIERS_USED, TiersUsed.from_json, REFRAME),
        _parsed(audit / FRAME, lambda data: read_jsonl_table(data, FRAME_FIELDS), REFRAME),
        _parsed(audit / PLANS, parse_plans_json, REFRAME),
        _parsed(audit / EXCLUSIONS, records_of, REFRAME),
        _parsed(audit / INSPECTORS, lambda data: [Inspector.from_record(r) for r in records_of(data)], REFRAME),
    )
    data = result.to_json()
    sha = H(data)
    approval = audit / APPROVAL
    if approval.is_file() and _parsed(approval, Approval.from_json, REAPPROVE).preview_sha256 != sha:
        approval.unlink()  # it approved another preview
    fsio.write_xlsx(paths.internal / PREVIEW_XLSX, sheets(result, sha))
    fsio.write_bytes(paths.internal / PREVIEW, data)  # last: it marks the round previewed
    return result, sha


@changes_round(Stage.PREVIEWED, "round approve")
def approve(
    out: Path, round_id: RoundId, by: str, approved_at: dt.datetime, preview_sha: str | None = None
) -> Approval:
    """Record that ``by`` approved the round's current preview (``preview_sha``, when given, must be it)."""
    paths = RoundPaths(out, round_id)
    stage = require(paths, Stage.PREVIEWED, "round approve")
    if stage >= Stage.COMMITTED:
        raise RoundStateError(f"round {round_id} is committed; its approval is closed ({paths.audit / APPROVAL})")
    name = " ".join(by.split())
    if not name:
        raise UsageError("--by: the approver's name is empty")
    checked = _parsed(paths.internal / PREVIEW, Preview.from_json, REPREVIEW)
    sha = H((paths.internal / PREVIEW).read_bytes())
    if preview_sha is not None and preview_sha.strip().lower() != sha:
        raise UsageError(
            f"--preview: {preview_sha} is not the current preview of round {round_id} ({sha}); "
            "read the current one before approving it"
        )
    if checked.fixed != _fixed(paths):
        raise RoundStateError(
            f"round {round_id}: the frame, plans or roster changed since the preview; run xinyong round preview again"
        )
    if checked.errors:
        raise RoundStateError(
            f"round {round_id}: the preview has {len(checked.errors)} error(s) and cannot be approved "
            f"(first: {checked.errors[0].message}); correct the plans or the roster, then run xinyong round frame "
            "--rebuild and xinyong round preview"
        )
    if stage >= Stage.APPROVED:
        existing = _parsed(paths.audit / APPROVAL, Approval.from_json, REAPPROVE)
        if existing.preview_sha256 == sha and existing.approved_by == name:
            return existing  # approved already, by the same person: nothing changes
        if existing.preview_sha256 == sha:
            raise RoundStateError(
                f"round {round_id}: preview {sha} is already approved by {existing.approved_by} "
                f"at {existing.approved_at}"
            )
    approval = Approval(
        round=str(round_id),
        preview_sha256=sha,
        frame_root=checked.fixed.frame_root,
        plans_sha256=checked.fixed.plans_sha256,
        inspectors_root=checked.fixed.inspectors_root,
        approved_by=name,
        approved_at=approved_at.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
    )
    fsio.write_bytes(paths.audit / APPROVAL, approval.to_json())
    return approval


# -- commit ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Committed:
    c: str  # C = H(commitment.json), hex
    sources: tuple[Source, ...]  # the randomness sources it names, in order
    committed_at: str  # UTC, ISO 8601 to the second
    normalised: bool  # the announced description given was not already in its normal form


@dataclass(frozen=True)
class _Prepared:
    """A commitment as made, before it is logged (``internal/prepared-commitment.json``): a commit cut short after
    logging finishes with it when run again with the same request, whatever the clock says by then."""

    request: dict[str, object]
    commitment: dict[str, object]

    def to_json(self) -> bytes:
        return CJ({"commitment": self.commitment, "request": self.request})

    @classmethod
    def read(cls, path: Path) -> _Prepared | None:
        try:
            value = json.loads(path.read_bytes())
            return cls(dict(value["request"]), dict(value["commitment"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None


@changes_round(Stage.APPROVED, "round commit")
def commit(out: Path, round_id: RoundId, requested: Requested, *, now: dt.datetime) -> Committed:
    """Fix and publish the commitment at ``now`` (draw spec v2 §4.1): the frame, plans, roster, targets and strata,
    and the randomness sources ``requested`` (:func:`xinyong.rounds.randomness.named_sources`).

    Run again with the same request, a finished commit reports its commitment; with another it is refused, for
    a round is committed once.
    """
    paths = RoundPaths(out, round_id)
    stage = require(paths, Stage.APPROVED, "round commit")
    normal = requested.normal()
    request = normal.record()
    prepared = _Prepared.read(paths.internal / PREPARED_COMMITMENT)
    if stage >= Stage.COMMITTED:
        existing = (paths.audit / COMMITMENT).read_bytes()
        if prepared is not None and prepared.request == request and CJ(prepared.commitment) == existing:
            record_written(paths, COMMITMENT)  # a run cut short before the record: finish it
            return _committed(existing, normal != requested)
        raise RoundStateError(f"round {round_id} already has a commitment; a round is committed once")
    fixed = _fixed(paths)
    approval = _parsed(paths.audit / APPROVAL, Approval.from_json, REAPPROVE)
    if approval.fixed != fixed or approval.preview_sha256 != H((paths.internal / PREVIEW).read_bytes()):
        raise RoundStateError(
            f"round {round_id}: no approval of the current frame and plans; run xinyong round preview, then "
            "xinyong round approve --by NAME"
        )
    frame = read_jsonl_table((paths.audit / FRAME).read_bytes(), FRAME_FIELDS)
    strata = stratum_sizes(frame)
    strata_bytes = CJ(strata)
    logged = _logged(paths, COMMITMENT)
    held = prepared is not None and logged is not None and logged[0] == H(CJ(prepared.commitment))
    if not (held and prepared is not None and prepared.request == request):
        # Not logged yet (or asked otherwise): made now, at this time, with sources that are still in the future.
        # Once the log holds a commitment it stays the one prepared: another one is refused when published.
        parent = _parent(paths)
        sources = named_sources(normal, now, [s for r in round_id.chain for s in _sources(RoundPaths(out, r))])
        plans = parse_plans_json((paths.audit / PLANS).read_bytes())
        commitment: dict[str, object] = {
            "spec": V2.spec,
            "round": str(round_id),
            "frame_root": fixed.frame_root,
            "frame_size": frame.height,
            "plans_sha256": fixed.plans_sha256,
            "inspectors_root": fixed.inspectors_root,
            "targets_root": mth(lines_of((paths.audit / TARGETS).read_bytes())),
            "strata_sha256": H(strata_bytes),
            "sizes": {
                plan: {"frame": sum(sizes.values()), "selected": sum(plans[plan].sample_sizes(sizes).values())}
                for plan, sizes in strata.items()
            },
            "parent": parent,
            "randomness": {"sources": [source.record() for source in sources]},
            "committed_at": now.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
        }
        prepared = _Prepared(request, commitment)
        if not held:
            fsio.write_bytes(paths.internal / PREPARED_COMMITMENT, prepared.to_json())
    data = CJ(prepared.commitment)
    fsio.write_bytes(paths.audit / STRATA, strata_bytes)
    # The files' own hashes, so that every later step can tell quickly that nothing changed since (internal).
    record_written(paths, *committed_files(V2))
    publish_files(paths, {COMMITMENT: data, PLANS: (paths.audit / PLANS).read_bytes()})
    fsio.write_bytes(paths.audit / COMMITMENT, data)  # last: its presence marks the round committed
    record_written(paths, COMMITMENT)
    return _committed(data, normal != requested)


def _committed(data: bytes, normalised: bool) -> Committed:
    commitment = json.loads(data)
    sources = parse_sources(commitment["randomness"]["sources"])
    return Committed(H(data), tuple(sources), commitment["committed_at"], normalised)


def _parent(paths: RoundPaths) -> dict[str, str] | None:
    """A supplementary round's ``parent`` (draw spec v2 §7a): its parent round and that round's C."""
    parent = paths.round_id.parent
    if parent is None:
        return None
    commitment = RoundPaths(paths.out, parent).audit / COMMITMENT
    return {"round": str(parent), "commitment": H(commitment.read_bytes())}


def _sources(paths: RoundPaths) -> list[Source]:
    """The randomness sources a committed round used: a v2 commitment's, or a v1 round's description (announced)."""
    randomness = json.loads((paths.audit / COMMITMENT).read_bytes())["randomness"]
    if "source" in randomness:  # xinyong-draw-v1: one description of a value to be announced
        return [Announced(randomness["source"])]
    return parse_sources(randomness["sources"])


# -- reveal ------------------------------------------------------------------------------------
@changes_round(Stage.COMMITTED, "round reveal")
def reveal(out: Path, round_id: RoundId, *, signature: str | None = None, values: Sequence[str] = ()) -> str:
    """Accept the round's public randomness once and return its seed (hex): under v2 the drand round's
    ``signature`` and each announced value entered twice (``values``), in the sources' order
    (:func:`xinyong.rounds.randomness.revealed`); under v1 the one public value."""
    paths = RoundPaths(out, round_id)
    stage = require(paths, Stage.COMMITTED, "round reveal")
    commitment = (paths.audit / COMMITMENT).read_bytes()
    c = H(commitment)
    if version_of(paths) is V1:
        if signature is not None or len(values) != 1 or not values[0].strip():
            raise UsageError(
                f"--value: round {round_id} was committed under {V1.spec}, which takes one public value, entered once"
            )
        data = CJ({"commitment": c, "round": str(round_id), "value": values[0]})
        seed = derive_seed(c, values[0])
    else:
        given = revealed(parse_sources(json.loads(commitment)["randomness"]["sources"]), signature, values)
        data = CJ({"commitment": c, "round": str(round_id), "values": given.values})
        seed = derive_seed_v2(c, given.outputs)
    existing = paths.audit / RANDOMNESS
    if stage >= Stage.REVEALED:
        if existing.read_bytes() == data:
            record_written(paths, RANDOMNESS)
            return seed.hex()
        raise RoundStateError(f"round {round_id} already has its public randomness; a second reveal is refused")
    publish_files(paths, {RANDOMNESS: data})
    fsio.write_bytes(existing, data)
    record_written(paths, RANDOMNESS)
    return seed.hex()


# -- draw --------------------------------------------------------------------------------------
@changes_round(Stage.REVEALED, "round draw")
def draw(out: Path, round_id: RoundId) -> pl.DataFrame:
    paths = RoundPaths(out, round_id)
    require(paths, Stage.REVEALED, "round draw")
    frame = read_jsonl_table((paths.audit / FRAME).read_bytes(), FRAME_FIELDS)
    plans = parse_plans_json((paths.audit / PLANS).read_bytes())
    sizes = stratum_sizes(frame)
    wanted = {plan: plans[plan].sample_sizes(strata) for plan, strata in sizes.items()}
    version = version_of(paths)
    selection = draw_selection(frame, wanted, _seed(paths), version)
    fsio.write_bytes(paths.audit / SELECTION, jsonl(selection_records(selection)))
    if version.salted:  # v2: the public list has no key, rank, stratum or π
        publish_files(paths, {SELECTED: jsonl(selected_records(selection))})
    else:
        publish_files(paths, {SELECTION: jsonl(selection.select("key", "plan", "uscc").to_dicts())})
    pi = pl.DataFrame(
        [(p, h, f"{n}/{sizes[p][h]}", n / sizes[p][h]) for p, strata in wanted.items() for h, n in strata.items()],
        schema={"plan": pl.Utf8, "stratum": pl.Utf8, "pi": pl.Utf8, "pi_value": pl.Float64},
        orient="row",
    )
    inclusion = (
        frame.join(pi, on=["plan", "stratum"], how="left")
        .join(selection.select("plan", "uscc", pl.lit(True).alias("selected")), on=["plan", "uscc"], how="left")
        .with_columns(pl.col("selected").fill_null(False))
        .drop("salt")
    )
    fsio.write_parquet(paths.internal / INCLUSION, inclusion)  # last: it marks the round drawn
    record_written(paths, SELECTION)
    return selection


# -- assign (spec §6) ---------------------------------------------------------------------------
@changes_round(Stage.DRAWN, "round assign")
def assign(out: Path, round_id: RoundId, clean_dir: Path | None = None) -> list[Assignment]:
    """Eligibility lists and teams for the drawn targets; returns the assignments (with reasons).

    Under v2 eligibility reads the committed files alone (``plans.json``, ``inspectors.jsonl``,
    ``targets.jsonl``) and the round id; ``clean_dir`` is read only for a round committed under v1, whose firms
    come from the clean registry and the inspection history as they are when it runs."""
    from xinyong.draw.teams import assign_teams, eligibility, eligibility_records

    paths = RoundPaths(out, round_id)
    stage = require(paths, Stage.DRAWN, "round assign")
    if stage >= Stage.FINALIZED:
        raise RoundStateError(
            f"{paths.folder}: round {round_id} is finalised; teams change only by `xinyong round reassign "
            f"--round {round_id} --plan … --uscc … --inspector … --reason '…'`, which is logged"
        )
    if stage >= Stage.ASSIGNED:  # teams are drawn once: a run again gives the teams drawn, whatever changed since
        record_written(paths, *ASSIGNED_FILES)
        return _assigned(paths)
    version = version_of(paths)
    selected = records_of((paths.audit / SELECTION).read_bytes())
    if version.salted:
        firms = {r["uscc"]: Firm.from_record(r) for r in records_of((paths.audit / TARGETS).read_bytes())}
    elif clean_dir is None:
        raise UsageError(
            f"--clean: round {round_id} was committed under {V1.spec}, whose teams read the firms from the clean "
            "registry; give the clean folder"
        )
    else:
        checks.clean_folder(clean_dir)
        firms = _firms(clean_dir, out, pl.Series([r["uscc"] for r in selected], dtype=pl.Utf8), round_id)
    seed = _seed(paths)
    plans = parse_plans_json((paths.audit / PLANS).read_bytes())
    records = records_of((paths.audit / INSPECTORS).read_bytes())
    roster = {r["id"]: Inspector.from_record(r) for r in records}
    eligible, exclusions = eligibility(
        plans, records, firms, [(r["plan"], r["uscc"]) for r in selected], round_id.last_day
    )
    result = assign_teams([(r["plan"], r["key"], r["uscc"]) for r in selected], eligible, roster, plans, seed, version)
    ordered = sorted(result, key=lambda a: (a.plan.encode(), a.uscc.encode()))
    fsio.write_bytes(paths.audit / ELIGIBILITY, jsonl(eligibility_records(eligible)))
    fsio.write_bytes(paths.audit / ASSIGNMENT, jsonl(a.record() for a in ordered))
    fsio.write_bytes(
        paths.audit / ELIGIBILITY_EXCLUSIONS,
        jsonl({"inspector": e.inspector, "plan": e.plan, "reason": e.reason, "uscc": e.uscc} for e in exclusions),
    )
    unstaffed = [{"plan": a.plan, "reason": a.reason, "uscc": a.uscc} for a in ordered if not a.team]
    fsio.write_bytes(paths.audit / UNSTAFFED, jsonl(unstaffed))  # last: it marks the round assigned
    record_written(paths, *ASSIGNED_FILES)
    return ordered


ASSIGNED_FILES = (ELIGIBILITY, ASSIGNMENT, ELIGIBILITY_EXCLUSIONS, UNSTAFFED)


def _assigned(paths: RoundPaths) -> list[Assignment]:
    """The teams a finished ``round assign`` drew, with the reasons of the unstaffed ones."""
    from xinyong.draw.teams import Assignment

    reasons = {(u["plan"], u["uscc"]): u["reason"] for u in records_of((paths.audit / UNSTAFFED).read_bytes())}
    return [
        Assignment(a["plan"], a["uscc"], a["team"], reasons.get((a["plan"], a["uscc"])))
        for a in records_of((paths.audit / ASSIGNMENT).read_bytes())
    ]


@dataclass(frozen=True)
class Decision(Stored):
    """How a round's assignment was closed (``finalized.json``, and a line of ``decisions.jsonl``)."""

    round: str
    unstaffed: tuple[str, ...]  # "plan uscc" of every unstaffed target
    decision: str
    reason: str
    decided_at: str  # UTC, ISO 8601 to the second


@changes_round(Stage.ASSIGNED, "round finalize")
def finalize(
    out: Path, round_id: RoundId, *, now: dt.datetime, accept_unstaffed: bool = False, reason: str = ""
) -> Decision:
    """Close the round's assignment at ``now``; unstaffed targets need an explicit decision, which is logged."""
    paths = RoundPaths(out, round_id)
    record_path = paths.audit / FINALIZED
    if require(paths, Stage.ASSIGNED, "round finalize") >= Stage.FINALIZED:
        record_written(paths, DECISIONS, FINALIZED)
        return Decision.from_json(record_path.read_bytes())
    unstaffed = records_of((paths.audit / UNSTAFFED).read_bytes())
    if unstaffed and not (accept_unstaffed and reason.strip()):
        first = unstaffed[0]
        raise RoundStateError(
            f"round {round_id} has {len(unstaffed)} unstaffed targets (e.g. {first['plan']} {first['uscc']}: "
            f"{first['reason']}); "
            "finalise only with --accept-unstaffed --reason '…', which is logged"
        )
    decision = Decision(
        round=str(round_id),
        unstaffed=tuple(f"{u['plan']} {u['uscc']}" for u in unstaffed),
        decision="accepted unstaffed targets" if unstaffed else "all targets staffed",
        reason=reason.strip() if unstaffed else "",  # a reason only ever explains accepting unstaffed targets
        decided_at=now.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
    )
    log = paths.audit / DECISIONS
    logged = log.read_bytes() if log.exists() else b""
    last = Decision.from_json(lines_of(logged)[-1]) if logged else None
    if last is not None and asdict(last) == {**asdict(decision), "decided_at": last.decided_at}:
        decision = last  # logged by a run cut short before finalized.json: that decision stands
    else:
        fsio.write_bytes(log, logged + decision.to_json() + b"\n")
    fsio.write_bytes(record_path, decision.to_json())
    record_written(paths, DECISIONS, FINALIZED)
    return decision


def _seed(paths: RoundPaths) -> bytes:
    """The round's seed (spec §4) from its commitment and randomness, under the round's version."""
    commitment = (paths.audit / COMMITMENT).read_bytes()
    randomness = json.loads((paths.audit / RANDOMNESS).read_bytes())
    if version_of(paths) is V1:
        return derive_seed(H(commitment), randomness["value"])
    sources = parse_sources(json.loads(commitment)["randomness"]["sources"])
    return derive_seed_v2(H(commitment), outputs(sources, randomness["values"]))


# -- reassign (after finalisation) ------------------------------------------------------------------
@changes_round(Stage.FINALIZED, "round reassign")
def reassign(
    out: Path, round_id: RoundId, plan_id: str, uscc: str, inspector: str, reason: str, *, today: dt.date
) -> Reassignment:
    """Replace ``inspector`` on the team of (plan, uscc) of a finalised round by the next candidate of the draw
    (:func:`xinyong.draw.reassign.replacement`), from ``today`` on.  The change is logged in the transparency
    log (the target and the hash of the record: teams are not public), then appended to
    ``audit/reassignments.jsonl``.  The same reassignment asked again returns the one on record, so a run cut
    short between the log and the file is finished by running it again the same day."""
    from xinyong.draw.reassign import Reassignment, replaced, replacement

    paths = RoundPaths(out, round_id)
    require(paths, Stage.FINALIZED, "round reassign")
    staffing = read_staffing(paths)
    target = (plan_id, uscc)
    if target not in staffing.drawn:
        raise UsageError(f"--plan, --uscc: {uscc} was not drawn for plan {plan_id} in round {round_id}")
    reason = reason.strip()
    done = next((r for r in staffing.reassignments if r.target == target and r.leaving == inspector), None)
    if done is not None and done.reason == reason:
        record_written(paths, REASSIGNMENTS)
        return done
    if not reason:
        raise UsageError("--reason: a reassignment needs its reason (e.g. '回避：…'), which is logged")
    team = staffing.team(target)
    if inspector not in team:
        on_record = "、".join(team) if team else "none: the target is unstaffed"
        raise UsageError(f"--inspector: {inspector} is not on the team of {plan_id} {uscc} ({on_record})")
    result = current_results(read_results(out, round_id)).get(target)
    if result is not None:
        raise RoundStateError(
            f"{plan_id} {uscc} already has result {result['id']}; the team that inspected stays on record"
        )
    if staffing.reassignments and today < staffing.reassignments[-1].effective:
        raise RoundStateError(
            f"{paths.audit / REASSIGNMENTS}: the last reassignment took effect on "
            f"{staffing.reassignments[-1].effective}, after today ({today}); check the clock"
        )
    roster = {r["id"]: Inspector.from_record(r) for r in records_of((paths.audit / INSPECTORS).read_bytes())}
    eligible = {(e["plan"], e["uscc"]): e["eligible"] for e in records_of((paths.audit / ELIGIBILITY).read_bytes())}
    plan = parse_plans_json((paths.audit / PLANS).read_bytes())[plan_id]
    joining = replacement(staffing, target, inspector, eligible[target], roster, plan, _seed(paths), version_of(paths))
    if joining is None:
        raise RoundStateError(
            f"{plan_id} {uscc}: no eligible inspector with capacity is left to replace {inspector} "
            f"({roster[inspector].department}); the team stays on record as it is"
        )
    change = Reassignment(plan_id, uscc, inspector, joining, replaced(team, inspector, joining), reason, today)
    line = CJ(change.record())
    entry = {
        "kind": "reassignment",
        "plan": plan_id,
        "round": str(round_id),
        "sha256": hashlib.sha256(line).hexdigest(),
        "uscc": uscc,
    }
    translog.append(paths.public_root, [entry], origin=translog.origin_for(round_id.division))
    log = paths.audit / REASSIGNMENTS
    fsio.write_bytes(log, (log.read_bytes() if log.exists() else b"") + line + b"\n")
    record_written(paths, REASSIGNMENTS)
    return change


def _firms(clean_dir: Path, out: Path, usccs: pl.Series, round_id: RoundId) -> dict[str, Firm]:
    """A v1 round's drawn firms as eligibility reads them, from the clean registry and the whole inspection history
    (:mod:`xinyong.rounds.ledger`) as they are now: what v2 commits in ``targets.jsonl`` instead."""
    registry = pl.read_parquet(clean_table(clean_dir, "enterprises"), columns=["uscc", "legal_rep_id", "station"])
    targets = targets_of(usccs, registry, read_history(clean_dir, out, "round assign"), round_id)
    return {r["uscc"]: Firm.from_record(r) for r in targets.iter_rows(named=True)}
