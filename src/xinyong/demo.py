"""``xinyong demo``: the monthly job end to end on the embedded default region.

Stages so far: generate the default region (once; it is deterministic) → ingest and validate →
indicators as of the last day of history → the champion model from ``models/`` (trained, logged
to MLflow, promoted through its gates and exported first if ``models/`` is empty) → a calibrated
score for every live firm.  Each later stage (tiers, the draw, teams, disclosure) is added here
as it is built, so the demo always runs everything that exists.  Scores are internal: they go
under ``OUT/internal/``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .features import write_features
from .generate import GENERATOR, RegionSpec, generate_region, read_metadata
from .indicators import catalog
from .ingest import TableReport, ingest
from .model import MODEL_FILE, RiskModel
from .modeling import score_table, train_region
from .progress import SILENT, Progress
from .draw.verify import verify_audit, verify_public
from .registry import promote
from .rounds import RoundPaths, assign, build_frame, commit, draw, finalize, reveal
from .tasklists import write_task_lists
from .tier_report import write_tier_report
from .tiers import run_tiers


@dataclass(frozen=True)
class DemoResult:
    ingest: dict[str, TableReport]
    outputs: dict[str, Path]  # what a person opens, by description


def run_demo(
    region: Path, out_dir: Path, progress: Progress = SILENT, *, models_dir: Path = Path("models"), data_dir: Path = Path("data"),
    policy: Path = Path("policy.toml"), plans: Path = Path("plans/330802-default.toml"),
) -> DemoResult:
    """Run every stage on the default region."""
    ensure_region(region, progress)
    clean = out_dir / "clean"
    internal = out_dir / "internal"
    reports = ingest(region, clean, progress=progress)
    as_of = dt.date.fromisoformat(f"{read_metadata(region)['end_month']}-01") + dt.timedelta(days=32)
    as_of = as_of.replace(day=1) - dt.timedelta(days=1)  # the last day of history
    write_features(clean, as_of, internal / "features.parquet")
    outputs = {
        "raw region (generated; truth/ is for evaluation only)": region,
        "clean tables (Parquet, one per table)": clean,
        "quarantined rows with file, line, column, rule": clean / "quarantine",
        "ingest manifest (rows in = accepted + quarantined)": clean / "manifest.json",
        f"indicators of every live firm as of {as_of} (internal)": internal / "features.parquet",
    }
    if not _usable_champion(models_dir):
        trained = train_region(clean, as_of, internal / "model", truth_dir=region / "truth", data_dir=data_dir, progress=progress)
        gates = promote(data_dir, trained.version, models_dir)
        if not all(g.passed for g in gates):
            failed = ", ".join(g.name for g in gates if not g.passed)
            raise UsageError(f"the demo model failed its promotion gates ({failed}); see {internal / 'model' / 'report.html'}")
        outputs["model validation report (internal)"] = internal / "model" / "report.html"
        outputs["MLflow store (runs and registry)"] = data_dir / "mlflow"
    score_table(models_dir, internal / "features.parquet", internal / "scores.parquet")
    outputs["champion model (text model, metadata, model card)"] = models_dir
    outputs["calibrated risk scores (internal)"] = internal / "scores.parquet"

    previous = as_of.replace(day=1) - dt.timedelta(days=1)
    write_features(clean, previous, internal / "features-previous.parquet")
    run_tiers(internal / "features-previous.parquet", models_dir, policy, internal / "tiers-previous.parquet")
    run_tiers(internal / "features.parquet", models_dir, policy, internal / "tiers.parquet")
    write_tier_report(internal / "tiers.parquet", internal / "tiers-previous.parquet", clean, internal / "tier-report.html")
    outputs[f"tiers A/B/C/D with rules and reasons, as of {as_of} (internal)"] = internal / "tiers.parquet"
    outputs["tier monitoring report, this month against last (internal)"] = internal / "tier-report.html"

    # Data end with October; November is under way; the round being planned is December's.
    round_month = (as_of.replace(day=1) + dt.timedelta(days=62)).strftime("%Y-%m")
    round_id = f"{read_metadata(region)['division']}-{round_month}"
    paths = RoundPaths(out_dir, round_id)
    if not (paths.audit / "selection.jsonl").exists():
        build_frame(out_dir, round_id, plans, internal / "tiers.parquet", clean, rebuild=not (paths.audit / "commitment.json").exists())
        if not (paths.audit / "commitment.json").exists():
            commit(out_dir, round_id, DEMO_RANDOMNESS_SOURCE)
        reveal(out_dir, round_id, DEMO_RANDOMNESS_VALUE)
        draw(out_dir, round_id)
    if not (paths.audit / "assignment.jsonl").exists():
        assign(out_dir, round_id, clean)
    verify_audit(paths.audit)
    verify_public(paths.public)
    finalize(out_dir, round_id, accept_unstaffed=True,
             reason="DEMO: the generated roster is small; real rounds escalate or decide explicitly")
    write_task_lists(out_dir, round_id, clean)
    outputs[f"round {round_id}: task lists per department (xlsx, CSV with BOM)"] = paths.out / "rounds" / round_id / "tasks"
    outputs[f"round {round_id}: auditor bundle (spec §7), verified"] = paths.audit
    outputs[f"round {round_id}: public commitment, randomness, plans, selection (verified)"] = paths.public
    outputs[f"round {round_id}: inclusion probability of every frame record (internal)"] = paths.internal / "inclusion.parquet"
    return DemoResult(reports, outputs)


DEMO_RANDOMNESS_SOURCE = "DEMO ONLY: a fixed string stands in for public randomness; real rounds use an announced public draw"
DEMO_RANDOMNESS_VALUE = "DEMO — not public randomness — 演示用固定值"


def _usable_champion(models_dir: Path) -> bool:
    """A champion exported to ``models/`` that was trained on the current indicator catalog."""
    if not (models_dir / MODEL_FILE).is_file():
        return False
    return RiskModel.load(models_dir).features_ == [i.name for i in catalog()]


def ensure_region(region: Path, progress: Progress = SILENT, spec: RegionSpec = RegionSpec()) -> None:
    """Generate the default region into ``region`` unless the same region is already there."""
    metadata = read_metadata(region)
    wanted = {"generator": GENERATOR, "seed": spec.seed, "enterprises": spec.enterprises, "months": spec.months,
              "burn_in": spec.burn_in, "end_month": spec.end_month}
    if metadata is None or any(metadata.get(k) != v for k, v in wanted.items()):
        generate_region(region, spec, progress)
