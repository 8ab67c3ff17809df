"""``xinyong demo``: the monthly job end to end on the embedded default region, in a workspace of its own.

The demo's folder ``OUT`` is a workspace (:mod:`xinyong.workspace.settings`), made on the first run like
``xinyong init OUT --division 330802`` would make it and reused after, so nothing depends on the folder the demo
is run from; a folder that is neither new, empty nor the demo's own workspace is refused. Stages: generate the
default region into ``OUT/raw/`` (once; it is deterministic) → ingest and validate → indicators as of the last
day of history → the champion: the workspace's, else the shipped one (package data); only when neither was
trained on the current indicator catalog is one trained, logged to the workspace's MLflow store, promoted
through its gates and exported to ``OUT/models/`` → a calibrated score and a tier for every live firm under the
workspace's policy → last month's round and this month's, with the workspace's plans, under draw spec v2:
framed, previewed, approved (by a stand-in labelled as the demo's), committed naming one announced source
labelled DEMO (a fixed string of digits, entered twice at the reveal: no network is needed, and no beacon round
is waited for), each commitment cosigned by a DEMO witness (its state in ``OUT/private/DEMO-witness/``) before
its randomness is revealed, drawn, staffed and verified, with task lists; this month's round attested by a DEMO
auditor (its key in ``OUT/private/``) and the attestation published → last month's results, SIMULATED from the
generator's truth and imported → the public site and its transparency log, cosigned by the DEMO witness and
verified (this month's public round with the DEMO auditor's and the DEMO witness's keys) → unbiased estimates.
Last month's finalised round is inspection history for this month's frame and teams
(:mod:`xinyong.rounds.ledger`), and its results for the next model's labels (``xinyong model train --work``).
Scores and tiers are internal: they go under ``OUT/internal/``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.ids import RoundId
from xinyong.draw.attest import attestation_file
from xinyong.draw.verify import log_evidence, verify_audit, verify_public
from xinyong.errors import UsageError
from xinyong.estimate.run import estimate_round
from xinyong.indicators.catalog import catalog
from xinyong.indicators.run import write_features
from xinyong.ingest.run import TableReport, ingest
from xinyong.model.estimator import RiskModel
from xinyong.model.registry import COMPARABLE, promote
from xinyong.model.run import score_table, train_region
from xinyong.publish.checkpoint import Verifier
from xinyong.publish.run import disclose
from xinyong.publish.translog import verify_log
from xinyong.publish.witness import cosign, init_witness
from xinyong.reports.progress import SILENT, Progress
from xinyong.results.run import import_results
from xinyong.rounds.attestations import attest_round, new_key, publish_attestation, read_signer
from xinyong.rounds.randomness import Requested
from xinyong.rounds.run import approve, assign, build_frame, commit, draw, finalize, preview_round, reveal
from xinyong.rounds.stage import Stage, stage_of
from xinyong.rounds.tasks import write_task_lists
from xinyong.synth import GENERATOR, RegionMetadata, RegionSpec, generate_region, read_metadata
from xinyong.synth.outcomes import simulate_results
from xinyong.tiers.run import run_tiers, write_tier_report
from xinyong.workspace import checks
from xinyong.workspace.layout import (
    ESTIMATES_HTML,
    INCLUSION,
    INDEX,
    LOG_KEY,
    MANIFEST,
    MLFLOW,
    MODEL_FILE,
    PRIVATE,
    PUBLIC,
    QUARANTINE,
    REPORT_HTML,
    WITNESS_KEY,
    WORKSPACE_FILE,
    RoundPaths,
)
from xinyong.workspace.settings import Workspace, create_workspace, read_workspace

DEMO_NAME = "演示 DEMO: the generated default region"
# On the demo's 检查告知书: plainly not a real office's contact.
DEMO_CONTACT = "演示 DEMO：信用监管科（示例），电话 0570-0000000（示例号码）"


@dataclass(frozen=True)
class DemoResult:
    workspace: Workspace
    ingest: dict[str, TableReport]
    outputs: dict[str, Path]  # what a person opens, by description


def demo_workspace(out_dir: Path) -> Workspace:
    """The demo's workspace in ``out_dir``: made when the folder is new or empty, else the one made before."""
    if not (out_dir / WORKSPACE_FILE).is_file():
        if out_dir.is_dir() and any(out_dir.iterdir()):
            raise UsageError(
                f"{out_dir}: is not empty and not the demo's workspace (it has no {WORKSPACE_FILE}); "
                "give the demo a new or empty folder"
            )
        return create_workspace(out_dir, [DEFAULT_DIVISION], DEMO_NAME, DEMO_CONTACT)
    found = read_workspace(out_dir)
    if found.name != DEMO_NAME:
        raise UsageError(
            f"{out_dir}: is the workspace {found.name or ', '.join(found.divisions)}, not the demo's; the demo "
            "writes a generated region and DEMO rounds, so give it a folder of its own"
        )
    return found


def run_demo(out_dir: Path, progress: Progress = SILENT, *, region: Path | None = None) -> DemoResult:
    """Run every stage on the default region, in the demo's workspace ``out_dir`` (``region``: the raw
    folder of the default region, generated there if missing; default the workspace's ``raw/``)."""
    checks.output_folder(out_dir, *([] if region is None else [region]))
    ws = demo_workspace(out_dir)
    region = ws.raw if region is None else region
    metadata = ensure_region(region, progress)
    clean, internal = ws.clean, ws.internal
    as_of = dt.date.fromisoformat(f"{metadata.end_month}-01") + dt.timedelta(days=32)
    as_of = as_of.replace(day=1) - dt.timedelta(days=1)  # the last day of history
    # Data end with October.  November's round (drawn on September's tiers) has been inspected;
    # its results are SIMULATED from the generator's truth.  December's round is being planned, on
    # the demo's "today": November's last day.
    division = metadata.division
    november = RoundId(division, RoundId(division, as_of.replace(day=1)).months_before(-1))
    december = RoundId(division, november.months_before(-1))
    demo_day = november.last_day
    reports = ingest(region, clean, today=demo_day, progress=progress, towns=ws.region_towns())
    write_features(clean, as_of, internal / "features.parquet", ws.out)
    outputs = {
        "the demo's workspace (its settings: plans, policy, model, folders)": ws.file,
        "raw region (generated; truth/ is for evaluation only)": region,
        "clean tables (Parquet, one per table)": clean,
        "quarantined rows with file, line, column, rule": clean / QUARANTINE,
        "ingest manifest (rows in = accepted + quarantined)": clean / MANIFEST,
        f"indicators of every live firm as of {as_of} (internal)": internal / "features.parquet",
    }
    champion = ws.champion
    if not usable_champion(champion):
        outputs["model validation report (internal)"] = train_champion(ws, as_of, region / "truth", progress)
        outputs["MLflow store (runs and registry)"] = ws.data / MLFLOW
        champion = ws.models
    score_table(champion, internal / "features.parquet", internal / "scores.parquet")
    outputs["champion model (text model, metadata, model card)"] = champion
    outputs["calibrated risk scores (internal)"] = internal / "scores.parquet"

    previous = as_of.replace(day=1) - dt.timedelta(days=1)
    write_features(clean, previous, internal / "features-previous.parquet", ws.out)
    run_tiers(internal / "features-previous.parquet", champion, ws.policy, internal / "tiers-previous.parquet")
    run_tiers(internal / "features.parquet", champion, ws.policy, ws.tiers)
    write_tier_report(ws.tiers, internal / "tiers-previous.parquet", clean, internal / "tier-report.html")
    outputs[f"tiers A/B/C/D with rules and reasons, as of {as_of} (internal)"] = ws.tiers
    outputs["tier monitoring report, this month against last (internal)"] = internal / "tier-report.html"

    last = run_round(ws.out, november, ws.plans_for(november), internal / "tiers-previous.parquet", clean)
    this = run_round(ws.out, december, ws.plans_for(december), ws.tiers, clean)
    write_task_lists(ws.out, this.round_id, clean, supplement=ws.supplement(), contact=ws.contact)
    auditor = demo_attestation(ws.out, this)
    outputs[f"round {this.round_id}: the DEMO auditor's attestation, published (its key: {DEMO_AUDITOR_KEY})"] = (
        this.public / attestation_file(auditor)
    )
    outputs[f"round {this.round_id}: task lists, a 检查告知书 PDF per firm, the results form"] = this.tasks
    outputs[f"round {this.round_id}: auditor bundle (spec §7), verified"] = this.audit
    outputs[f"round {this.round_id}: inclusion probability of every frame record (internal)"] = (
        this.internal / INCLUSION
    )

    form = last.simulated_form
    if not form.exists():
        simulate_results(ws.out, last.round_id, region / "truth", clean, form, last_day=demo_day - dt.timedelta(days=3))
    import_results(ws.out, form, today=demo_day, now=demo_clock(demo_day))
    public = ws.public
    disclose(ws.out, public, clean, today=demo_day)
    witness = str(demo_witness(ws.out, demo_clock(demo_day)))
    verify_log(public, witnesses=[witness])
    evidence = log_evidence(public, str(this.round_id), [witness])
    verify_public(this.public, evidence=evidence, auditors=[str(auditor)])
    outputs[f"the DEMO witness's state (its key and the checkpoints it cosigned; its verifier key: {witness})"] = (
        ws.out / PRIVATE / DEMO_WITNESS
    )
    estimate_round(ws.out, last.round_id)
    outputs[f"round {last.round_id}: SIMULATED results form (from the generator's truth, for the demo)"] = form
    outputs[f"round {last.round_id}: unbiased violation rates per tier and plan, plot and table (internal)"] = (
        last.internal / ESTIMATES_HTML
    )
    outputs["public site (static; open index.html from disk or serve the folder), transparency log verified"] = (
        public / INDEX
    )
    return DemoResult(ws, reports, outputs)


def run_round(out_dir: Path, round_id: RoundId, plans: Path, tiers: Path, clean: Path) -> RoundPaths:
    """One round to its finalised teams, verified (steps already done are not repeated); its preview is
    approved by the demo's labelled stand-in approver."""
    paths = RoundPaths(out_dir, round_id)
    eve = round_id.first_day - dt.timedelta(days=1)  # a round is planned, approved and closed the day before its month
    if stage_of(paths) < Stage.DRAWN:
        if stage_of(paths) < Stage.COMMITTED:
            build_frame(out_dir, round_id, plans, tiers, clean, rebuild=True)
            preview_round(out_dir, round_id)
            approve(out_dir, round_id, DEMO_APPROVER, demo_clock(eve))
            commit(out_dir, round_id, Requested(announced=DEMO_RANDOMNESS_SOURCE), now=demo_clock(eve))
            demo_witness(out_dir, demo_clock(eve))  # the commitment is witnessed before any randomness exists
        reveal(out_dir, round_id, values=(DEMO_RANDOMNESS_VALUE, DEMO_RANDOMNESS_VALUE))  # entered twice
        draw(out_dir, round_id)
    if stage_of(paths) < Stage.ASSIGNED:
        assign(out_dir, round_id)
    verify_audit(paths.audit)
    verify_public(paths.public)
    finalize(
        out_dir,
        round_id,
        now=demo_clock(eve),
        accept_unstaffed=True,
        reason="演示 DEMO：生成的检查人员名册较小；实际批次应调派上级人员或明确决定",
    )
    return paths


def demo_attestation(out_dir: Path, paths: RoundPaths) -> Verifier:
    """The DEMO auditor attests the staffed round (re-deriving it from its bundle) and the office publishes the
    attestation; the auditor's key is made once, in ``OUT/private/``.  Returns the auditor's verifier key."""
    key = out_dir / PRIVATE / DEMO_AUDITOR_KEY
    verifier = read_signer(key).verifier if key.is_file() else new_key(DEMO_AUDITOR, key)
    note = out_dir / PRIVATE / f"{DEMO_AUDITOR}-{paths.round_id}-attestation.txt"
    attest_round(paths.audit, key, note)
    publish_attestation(out_dir, paths.round_id, note, str(verifier))
    return verifier


def demo_witness(out_dir: Path, now: dt.datetime) -> Verifier:
    """The DEMO witness cosigns the log's latest checkpoint at ``now`` (the demo's clock), as an independent body
    would (:mod:`xinyong.publish.witness`); its state is made once, in ``OUT/private/DEMO-witness/``, pinning the
    log's key from ``log/key.txt``.  Returns the witness's verifier key."""
    state, public = out_dir / PRIVATE / DEMO_WITNESS, out_dir / PUBLIC
    if not (state / WITNESS_KEY).is_file():
        init_witness(state, DEMO_WITNESS_NAME)
    return cosign(state, public, now=now, log_key=(public / LOG_KEY).read_text(encoding="ascii").strip()).witness


DEFAULT_REGION = RegionSpec()
DEFAULT_DIVISION = "330802"  # the generated region's (衢州市柯城区)
DEMO_RANDOMNESS_SOURCE = (
    "演示 DEMO：以固定的数字代替公开随机数，并非公开开奖（DEMO ONLY: fixed digits stand in for public randomness; "
    "real rounds name a drand beacon round and/or a public lottery draw）"
)
DEMO_RANDOMNESS_VALUE = "DEMO 演示固定值，并非公开随机数：31415 92653 58979"
DEMO_APPROVER = "演示审批人 (DEMO: no person approved this round)"
DEMO_AUDITOR = "DEMO-auditor-演示审计方"  # a signer key's name has no spaces
DEMO_AUDITOR_KEY = "DEMO-auditor.key"
DEMO_WITNESS = "DEMO-witness"  # its state folder in OUT/private/
DEMO_WITNESS_NAME = "demo-witness.invalid/DEMO"  # a key name is a schema-less URL; .invalid is never a real host
DEMO_INCOMPARABLE = (
    "DEMO: the champion in use was trained on another indicator catalog, so it cannot be compared with one trained "
    "on the current catalog; every other gate passed"
)


def demo_clock(day: dt.date) -> dt.datetime:
    """The demo's clock on ``day``: 09:00 Beijing time (01:00 UTC), so its outputs do not depend on when it runs."""
    return dt.datetime.combine(day, dt.time(1, 0), tzinfo=dt.UTC)


def usable_champion(models_dir: Path) -> bool:
    """A champion in ``models_dir`` that was trained on the current indicator catalog."""
    if not (models_dir / MODEL_FILE).is_file():
        return False
    return RiskModel.load(models_dir).features_ == [i.name for i in catalog()]


def train_champion(ws: Workspace, as_of: dt.date, truth_dir: Path, progress: Progress = SILENT) -> Path:
    """Train the model on the workspace's clean tables, log it to its MLflow store, promote it through its
    gates — against the champion in use, the workspace's or the shipped one — and export it to the workspace's
    ``models/``; returns the validation report.  Only when that champion cannot be compared (it was trained on
    another indicator catalog) and every other gate passed is the promotion forced, with that reason recorded.

    This is how the shipped champion is made: ``xinyong/defaults/models/`` is this export for the default
    region, as of the last day of its history (docs: ``xinyong/defaults/models/README.md``)."""
    model_dir = ws.internal / "model"
    trained = train_region(ws.clean, as_of, model_dir, truth_dir=truth_dir, data_dir=ws.data, progress=progress)
    if trained.version is None:
        raise UsageError(f"the demo model was not registered in MLflow under {ws.data}")
    gates = promote(ws.data, trained.version, ws.models)
    if [g.name for g in gates if not g.passed] == [COMPARABLE]:  # the champion in use predates the catalog
        gates = promote(ws.data, trained.version, ws.models, force=True, reason=DEMO_INCOMPARABLE)
    elif not all(g.passed for g in gates):
        failed = ", ".join(g.name for g in gates if not g.passed)
        raise UsageError(f"the demo model failed its promotion gates ({failed}); see {model_dir / REPORT_HTML}")
    return model_dir / REPORT_HTML


def ensure_region(region: Path, progress: Progress = SILENT, spec: RegionSpec = DEFAULT_REGION) -> RegionMetadata:
    """Generate the default region into ``region`` unless the same region is already there; its metadata."""
    metadata = read_metadata(region)
    if metadata is None or metadata.generator != GENERATOR or metadata.spec != spec:
        return generate_region(region, spec, progress)
    return metadata
