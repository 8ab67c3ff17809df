"""``xinyong demo``: the monthly job end to end on the embedded default region.

Stages: generate the default region (once; it is deterministic) → ingest and validate →
indicators as of the last day of history → the champion model from ``models/`` (trained, logged
to MLflow, promoted through its gates and exported first if ``models/`` is empty) → a calibrated
score and a tier for every live firm → last month's round and this month's, framed, previewed,
approved (by a stand-in labelled as the demo's), committed, drawn, staffed and verified, with task
lists → last month's results, SIMULATED from the generator's truth and imported → the public site
and its transparency log, verified → unbiased estimates.  Last month's finalised round is inspection
history for this month's frame and teams (:mod:`xinyong.rounds.ledger`), and its results for the next
model's labels (``xinyong model train --work``).  Scores and tiers are internal: they go under
``OUT/internal/``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.ids import RoundId
from xinyong.draw.verify import verify_audit, verify_public
from xinyong.errors import UsageError
from xinyong.estimate.run import estimate_round
from xinyong.indicators.catalog import catalog
from xinyong.indicators.run import write_features
from xinyong.ingest.run import TableReport, ingest
from xinyong.model.estimator import RiskModel
from xinyong.model.registry import promote
from xinyong.model.run import score_table, train_region
from xinyong.publish.run import disclose
from xinyong.publish.translog import verify_log
from xinyong.reports.progress import SILENT, Progress
from xinyong.results.run import import_results
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
    MANIFEST,
    MODEL_FILE,
    PUBLIC,
    QUARANTINE,
    REPORT_HTML,
    RoundPaths,
)


@dataclass(frozen=True)
class DemoResult:
    ingest: dict[str, TableReport]
    outputs: dict[str, Path]  # what a person opens, by description


def run_demo(
    region: Path,
    out_dir: Path,
    progress: Progress = SILENT,
    *,
    models_dir: Path = Path("models"),
    data_dir: Path = Path("data"),
    policy: Path = Path("policy.toml"),
    plans: Path = Path("plans/330802-default.toml"),
) -> DemoResult:
    """Run every stage on the default region."""
    checks.output_folder(out_dir, region)
    metadata = ensure_region(region, progress)
    clean = out_dir / "clean"
    internal = out_dir / "internal"
    reports = ingest(region, clean, progress=progress)
    as_of = dt.date.fromisoformat(f"{metadata.end_month}-01") + dt.timedelta(days=32)
    as_of = as_of.replace(day=1) - dt.timedelta(days=1)  # the last day of history
    write_features(clean, as_of, internal / "features.parquet", out_dir)
    outputs = {
        "raw region (generated; truth/ is for evaluation only)": region,
        "clean tables (Parquet, one per table)": clean,
        "quarantined rows with file, line, column, rule": clean / QUARANTINE,
        "ingest manifest (rows in = accepted + quarantined)": clean / MANIFEST,
        f"indicators of every live firm as of {as_of} (internal)": internal / "features.parquet",
    }
    if not _usable_champion(models_dir):
        trained = train_region(
            clean, as_of, internal / "model", truth_dir=region / "truth", data_dir=data_dir, progress=progress
        )
        if trained.version is None:
            raise UsageError(f"the demo model was not registered in MLflow under {data_dir}")
        gates = promote(data_dir, trained.version, models_dir)
        if not all(g.passed for g in gates):
            failed = ", ".join(g.name for g in gates if not g.passed)
            raise UsageError(
                f"the demo model failed its promotion gates ({failed}); see {internal / 'model' / REPORT_HTML}"
            )
        outputs["model validation report (internal)"] = internal / "model" / REPORT_HTML
        outputs["MLflow store (runs and registry)"] = data_dir / "mlflow"
    score_table(models_dir, internal / "features.parquet", internal / "scores.parquet")
    outputs["champion model (text model, metadata, model card)"] = models_dir
    outputs["calibrated risk scores (internal)"] = internal / "scores.parquet"

    previous = as_of.replace(day=1) - dt.timedelta(days=1)
    write_features(clean, previous, internal / "features-previous.parquet", out_dir)
    run_tiers(internal / "features-previous.parquet", models_dir, policy, internal / "tiers-previous.parquet")
    run_tiers(internal / "features.parquet", models_dir, policy, internal / "tiers.parquet")
    write_tier_report(
        internal / "tiers.parquet", internal / "tiers-previous.parquet", clean, internal / "tier-report.html"
    )
    outputs[f"tiers A/B/C/D with rules and reasons, as of {as_of} (internal)"] = internal / "tiers.parquet"
    outputs["tier monitoring report, this month against last (internal)"] = internal / "tier-report.html"

    # Data end with October.  November's round (drawn on September's tiers) has been inspected;
    # its results are SIMULATED from the generator's truth.  December's round is being planned.
    division = metadata.division
    november = RoundId(division, as_of.replace(day=1)).months_before(-1)
    last = run_round(out_dir, RoundId(division, november), plans, internal / "tiers-previous.parquet", clean)
    this = run_round(
        out_dir, RoundId(division, last.round_id.months_before(-1)), plans, internal / "tiers.parquet", clean
    )
    write_task_lists(out_dir, this.round_id, clean)
    outputs[f"round {this.round_id}: task lists per department (xlsx, CSV with BOM)"] = this.tasks
    outputs[f"round {this.round_id}: auditor bundle (spec §7), verified"] = this.audit
    outputs[f"round {this.round_id}: inclusion probability of every frame record (internal)"] = (
        this.internal / INCLUSION
    )

    demo_day = last.round_id.last_day
    form = last.simulated_form
    if not form.exists():
        simulate_results(
            out_dir, last.round_id, region / "truth", clean, form, last_day=demo_day - dt.timedelta(days=3)
        )
    import_results(out_dir, form, today=demo_day)
    public = out_dir / PUBLIC
    disclose(out_dir, public, clean, today=demo_day)
    verify_log(public)
    estimate_round(out_dir, last.round_id)
    outputs[f"round {last.round_id}: SIMULATED results form (from the generator's truth, for the demo)"] = form
    outputs[f"round {last.round_id}: unbiased violation rates per tier and plan, plot and table (internal)"] = (
        last.internal / ESTIMATES_HTML
    )
    outputs["public site (static; open index.html from disk or serve the folder), transparency log verified"] = (
        public / INDEX
    )
    return DemoResult(reports, outputs)


def run_round(out_dir: Path, round_id: RoundId, plans: Path, tiers: Path, clean: Path) -> RoundPaths:
    """One round to its finalised teams, verified (steps already done are not repeated); its preview is
    approved by the demo's labelled stand-in approver."""
    paths = RoundPaths(out_dir, round_id)
    if stage_of(paths) < Stage.DRAWN:
        if stage_of(paths) < Stage.COMMITTED:
            build_frame(out_dir, round_id, plans, tiers, clean, rebuild=True)
            preview_round(out_dir, round_id)
            approve(out_dir, round_id, DEMO_APPROVER, demo_approval_time(round_id))
            commit(out_dir, round_id, DEMO_RANDOMNESS_SOURCE)
        reveal(out_dir, round_id, DEMO_RANDOMNESS_VALUE)
        draw(out_dir, round_id)
    if stage_of(paths) < Stage.ASSIGNED:
        assign(out_dir, round_id, clean)
    verify_audit(paths.audit)
    verify_public(paths.public)
    finalize(
        out_dir,
        round_id,
        accept_unstaffed=True,
        reason="DEMO: the generated roster is small; real rounds escalate or decide explicitly",
    )
    return paths


DEFAULT_REGION = RegionSpec()
DEMO_RANDOMNESS_SOURCE = (
    "DEMO ONLY: a fixed string stands in for public randomness; real rounds use an announced public draw"
)
DEMO_RANDOMNESS_VALUE = "DEMO — not public randomness — 演示用固定值"
DEMO_APPROVER = "演示审批人 (DEMO: no person approved this round)"


def demo_approval_time(round_id: RoundId) -> dt.datetime:
    """The demo's approval time: 09:00 Beijing time (01:00 UTC) on the day before the round's month."""
    return dt.datetime.combine(round_id.first_day - dt.timedelta(days=1), dt.time(1, 0), tzinfo=dt.UTC)


def _usable_champion(models_dir: Path) -> bool:
    """A champion exported to ``models/`` that was trained on the current indicator catalog."""
    if not (models_dir / MODEL_FILE).is_file():
        return False
    return RiskModel.load(models_dir).features_ == [i.name for i in catalog()]


def ensure_region(region: Path, progress: Progress = SILENT, spec: RegionSpec = DEFAULT_REGION) -> RegionMetadata:
    """Generate the default region into ``region`` unless the same region is already there; its metadata."""
    metadata = read_metadata(region)
    if metadata is None or metadata.generator != GENERATOR or metadata.spec != spec:
        return generate_region(region, spec, progress)
    return metadata
