"""The ``xinyong`` command line: parse arguments, call one library function, report errors in one line.

No logic lives here.  Every :class:`~xinyong.errors.XinyongError` becomes ``Error: …`` on stderr
with a non-zero exit code and no traceback.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console

from xinyong import __version__
from xinyong.errors import GateError, UsageError, XinyongError

app = typer.Typer(
    name="xinyong",
    help="xinyong (信用): credit-risk tiers, the verifiable 双随机 sampler and 一公开 disclosures.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
out = Console()


def _required_date(value: str | None, option: str = "--as-of") -> dt.date:
    if value is None:
        raise UsageError(f"{option} is required")
    return _date(value)


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"not a date YYYY-MM-DD: {value!r}") from None


@app.command(epilog="Example: xinyong generate --out data/region --enterprises 60000 --seed 7")
def generate(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the raw tables (created if missing).")],
    enterprises: Annotated[int, typer.Option(help="Number of market entities.")] = 60_000,
    months: Annotated[int, typer.Option(help="Months of 双随机 history (inspections and labels).")] = 36,
    burn_in: Annotated[int, typer.Option(help="Months of other departments' records before that history.")] = 24,
    end_month: Annotated[str, typer.Option(help="Last month of history, YYYY-MM.")] = "2026-10",
    seed: Annotated[int, typer.Option(help="Random seed; the output depends only on it and the sizes.")] = 20261127,
) -> None:
    """Write a realistic raw region (柯城区-like): one table per department, plus truth/."""
    from xinyong.synth import RegionSpec, generate_region
    from xinyong.reports.progress import Bars

    metadata = generate_region(out_dir, RegionSpec(enterprises, months, end_month, seed, burn_in), Bars())
    out.print(f"Wrote {sum(metadata['rows'].values()):,} rows in {len(metadata['rows'])} tables to {out_dir}")


@app.command(epilog="Example: xinyong ingest data/region --out out/clean --encoding gbk")
def ingest(
    raw_dir: Annotated[Path, typer.Argument(help="Folder with one file per table (.parquet, .csv or .xlsx).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for clean Parquet, quarantine/ and manifest.json.")],
    encoding: Annotated[str, typer.Option(help="Encoding of CSV files, e.g. utf-8 or gbk.")] = "utf-8",
    today: Annotated[str | None, typer.Option(help="Judge future dates against this day (default: today).")] = None,
) -> None:
    """Validate raw tables against the data contract; bad rows go to quarantine with reasons."""
    from xinyong.ingest.run import ingest as run
    from xinyong.reports.progress import Bars
    from xinyong.reports.summary import ingest_summary

    reports = run(raw_dir, out_dir, encoding=encoding, today=_date(today), progress=Bars())
    out.print(ingest_summary(reports, out_dir))


@app.command(epilog="Example: xinyong demo --out out/demo")
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for every output of the demo.")] = Path("out/demo"),
    region: Annotated[Path, typer.Option(help="The default region's raw folder; generated if missing.")] = Path("data/region"),
    policy: Annotated[Path, typer.Option(help="Tier policy TOML.")] = Path("policy.toml"),
    plans: Annotated[Path, typer.Option(help="Round plans TOML.")] = Path("plans/330802-default.toml"),
) -> None:
    """Run the monthly job end to end on the embedded default region."""
    from xinyong.demo import run_demo
    from xinyong.reports.progress import Bars
    from xinyong.reports.summary import ingest_summary

    result = run_demo(region, out_dir, Bars(), policy=policy, plans=plans)
    out.print(ingest_summary(result.ingest, out_dir / "clean"))
    out.print("\n[bold]Outputs[/bold]")
    for label, path in result.outputs.items():
        out.print(f"  {label}: {path}", soft_wrap=True)


@app.command(epilog="Example: xinyong features out/demo/clean --as-of 2026-10-31 --out out/demo/features.parquet")
def features(
    clean_dir: Annotated[Path, typer.Argument(help="Clean folder written by `xinyong ingest`.")],
    as_of: Annotated[str, typer.Option(help="Only records dated on or before this day are used (YYYY-MM-DD).")],
    out_path: Annotated[Path, typer.Option("--out", help="Parquet file: one row per live enterprise.")],
) -> None:
    """Build the indicator table (one row per live enterprise), point-in-time."""
    from xinyong.indicators.features import write_features

    rows = write_features(clean_dir, _required_date(as_of), out_path)
    out.print(f"Wrote {rows:,} enterprises × indicators to {out_path}")


model_app = typer.Typer(help="Train, score and promote the credit-risk model.", no_args_is_help=True)
app.add_typer(model_app, name="model")


@model_app.command("train", epilog=(
    "Examples: xinyong model train --clean out/demo/clean --as-of 2026-10-31 --out out/demo/model\n\n"
    "xinyong model train --table credit.csv --label default --id customer_id --out out/credit-model"))
def model_train(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for model.txt, metadata.json and the report.")],
    clean: Annotated[Path | None, typer.Option(help="Region mode: the clean folder.")] = None,
    as_of: Annotated[str | None, typer.Option(help="Region mode: use labels finished by this day.")] = None,
    labels: Annotated[Path | None, typer.Option(help="Region mode: label policy TOML (default: shipped).")] = None,
    truth: Annotated[Path | None, typer.Option(help="Region mode, evaluation only: a generated region's truth/ for the oracle AUC.")] = None,
    labels_from: Annotated[list[Path] | None, typer.Option(
        "--labels-from", help="Region mode: training labels of this system's own rounds (written by `xinyong estimate`); repeatable.")] = None,
    table: Annotated[Path | None, typer.Option(help="Generic mode: a CSV or Parquet table.")] = None,
    label: Annotated[str | None, typer.Option(help="Generic mode: the 0/1 label column.")] = None,
    id_column: Annotated[str | None, typer.Option("--id", help="Generic mode: an id column (not a feature).")] = None,
    time_column: Annotated[str | None, typer.Option("--time", help="Generic mode: split out of time on this column.")] = None,
    weight: Annotated[str | None, typer.Option(help="Generic mode: a weight column (e.g. 1/π).")] = None,
    data_dir: Annotated[Path, typer.Option(help="Project data folder holding the MLflow store.")] = Path("data"),
) -> None:
    """Train a LightGBM model (monotone, calibrated, 1/π-weighted), log it to MLflow and register it."""
    from xinyong.model.run import train_generic, train_region
    from xinyong.reports.progress import Bars

    if (clean is None) == (table is None):
        raise UsageError("give either --clean and --as-of (region mode) or --table and --label (generic mode)")
    if clean is not None:
        trained = train_region(clean, _required_date(as_of, "--as-of"), out_dir, labels=labels, truth_dir=truth, data_dir=data_dir,
                               progress=Bars(), labels_from=labels_from or [])
    else:
        if label is None:
            raise UsageError("generic mode needs --label")
        trained = train_generic(table, label, out_dir, id_column=id_column, time_column=time_column, weight_column=weight, data_dir=data_dir, progress=Bars())
    r = trained.report
    out.print(f"Holdout AUC {r['naive']['auc']['value']:.3f} (1/π-weighted {r['weighted']['auc']['value']:.3f}); "
              f"model version {trained.version} → {out_dir}/report.html")


@model_app.command("score", epilog="Example: xinyong model score --model models --table out/demo/features.parquet --out out/demo/internal/scores.parquet")
def model_score(
    model: Annotated[Path, typer.Option(help="A model folder (e.g. models/ or the --out of model train).")],
    table: Annotated[Path, typer.Option(help="CSV or Parquet with the model's feature columns.")],
    out_path: Annotated[Path, typer.Option("--out", help="Output .parquet or .csv with the id and the calibrated score.")],
    id_column: Annotated[str | None, typer.Option("--id", help="Id column to carry over (default: the model's).")] = None,
) -> None:
    """Write the calibrated score for every row of a table."""
    from xinyong.model.run import score_table

    rows = score_table(model, table, out_path, id_column)
    out.print(f"Scored {rows:,} rows → {out_path}")


@model_app.command("promote", epilog="Example: xinyong model promote 3   (or: xinyong model promote 3 --force --reason '…')")
def model_promote(
    version: Annotated[str, typer.Argument(help="Registered model version to make champion.")],
    force: Annotated[bool, typer.Option(help="Promote even if a gate fails; the override is recorded.")] = False,
    reason: Annotated[str, typer.Option(help="Why --force was needed (recorded).")] = "",
    models_dir: Annotated[Path, typer.Option("--models", help="Where the champion is exported.")] = Path("models"),
    data_dir: Annotated[Path, typer.Option(help="Project data folder holding the MLflow store.")] = Path("data"),
) -> None:
    """Move the `champion` alias to VERSION if its gates pass, and export it to models/."""
    from xinyong.model.registry import promote

    gates = promote(data_dir, version, models_dir, force=force, reason=reason)
    for gate in gates:
        out.print(f"  {'✔' if gate.passed else '✘'} {gate.name}: {gate.detail}", markup=False)
    failed = [g.name for g in gates if not g.passed]
    if failed and not force:
        raise GateError(f"version {version} not promoted: {', '.join(failed)} (use --force --reason … to override)")
    out.print(f"Version {version} is champion; exported to {models_dir}")


tiers_app = typer.Typer(help="Credit-risk tiers A/B/C/D (internal).")
app.add_typer(tiers_app, name="tiers")


@tiers_app.callback(invoke_without_command=True, epilog=(
    "Example: xinyong tiers --features out/demo/internal/features.parquet --model champion "
    "--policy policy.toml --out out/demo/internal/tiers.parquet"))
def tiers(
    ctx: typer.Context,
    features_path: Annotated[Path | None, typer.Option("--features", help="Indicators from `xinyong features`.")] = None,
    model: Annotated[str, typer.Option(help="`champion` (models/) or a model folder.")] = "champion",
    policy: Annotated[Path, typer.Option(help="Tier policy TOML: cut-offs and override rules.")] = Path("policy.toml"),
    out_path: Annotated[Path | None, typer.Option("--out", help="Tier file (.parquet) under an internal/ folder.")] = None,
) -> None:
    """Map calibrated scores to A/B/C/D under the policy, apply override rules, give reasons for C and D."""
    if ctx.invoked_subcommand is not None:
        return
    if features_path is None or out_path is None:
        raise UsageError("xinyong tiers needs --features and --out (see xinyong tiers --help)")
    from xinyong.tiers.run import run_tiers

    summary = run_tiers(features_path, model, policy, out_path)
    counts = ", ".join(f"{t} {n:,}" for t, n in summary.counts.items())
    rules = ", ".join(f"{r} {n:,}" for r, n in summary.rules.items())
    out.print(f"Tiers {counts}; override rules fired: {rules} → {out_path} (internal)")


@tiers_app.command("report", epilog=(
    "Example: xinyong tiers report --current out/demo/internal/tiers.parquet --previous out/demo/internal/tiers-previous.parquet "
    "--clean out/demo/clean --out out/demo/internal/tier-report.html"))
def tiers_report(
    current: Annotated[Path, typer.Option(help="This month's tier file.")],
    previous: Annotated[Path, typer.Option(help="Last month's tier file.")],
    clean: Annotated[Path, typer.Option(help="Clean folder (for grids and industries).")],
    out_path: Annotated[Path, typer.Option("--out", help="HTML report under an internal/ folder (JSON beside it).")],
) -> None:
    """Compare this month's tiers to last month's: migration, shares, PSI alerts, override counts."""
    from xinyong.tiers.report import write_tier_report

    data = write_tier_report(current, previous, clean, out_path)
    alerts = ", ".join(data["alerts"]) or "none"
    out.print(f"Tier report → {out_path}; PSI alerts: {alerts}")


@app.command(epilog="Example: xinyong explain 91330802MA2X8K4N1B --tiers out/demo/internal/tiers.parquet")
def explain(
    uscc: Annotated[str, typer.Argument(help="The enterprise's 统一社会信用代码.")],
    tiers_path: Annotated[Path, typer.Option("--tiers", help="A tier file from `xinyong tiers`.")] = Path("out/demo/internal/tiers.parquet"),
    model: Annotated[str, typer.Option(help="`champion` (models/) or the model folder the tiers came from.")] = "champion",
) -> None:
    """Print a firm's tier, the override rules that fired and the top three reasons (internal)."""
    from xinyong.tiers.run import explain as run

    out.print(run(uscc, tiers_path, model), markup=False, highlight=False)


round_app = typer.Typer(help="The verifiable 双随机 draw (xinyong-draw-v1): frame → commit → reveal → draw → verify.", no_args_is_help=True)
app.add_typer(round_app, name="round")
_ROUND = Annotated[str, typer.Option("--round", help="Round id: division and month, e.g. 330802-2026-12.")]
_OUT = Annotated[Path, typer.Option("--out", help="Output root (rounds/ and public/ go under it).")]


@round_app.command("frame", epilog=(
    "Example: xinyong round frame --round 330802-2026-12 --plans plans/330802-default.toml "
    "--tiers out/demo/internal/tiers.parquet --clean out/demo/clean --out out/demo"))
def round_frame(
    round_id: _ROUND,
    plans: Annotated[Path, typer.Option(help="Round plans TOML.")],
    tiers_path: Annotated[Path, typer.Option("--tiers", help="This month's internal tier file (the strata).")],
    clean: Annotated[Path, typer.Option(help="Clean folder (registry, past inspections, roster).")],
    out_dir: _OUT = Path("out"),
    rebuild: Annotated[bool, typer.Option(help="Build the frame again (only before the commitment).")] = False,
) -> None:
    """Build the frame after exclusions, with the round's plans and roster."""
    from xinyong.rounds.run import build_frame

    result = build_frame(out_dir, round_id, plans, tiers_path, clean, rebuild=rebuild)
    if result["rebuilt"]:
        out.print(f"Frame of round {round_id}: {result['frame']:,} (plan, firm) records; {result['excluded']:,} excluded (reasons in exclusions.jsonl)")
    else:
        out.print(f"Frame of round {round_id} already built ({result['frame']:,} records); unchanged")


@round_app.command("commit", epilog="Example: xinyong round commit --round 330802-2026-12 --randomness '福利彩票双色球 2026-12-01 开奖号码' --out out/demo")
def round_commit(
    round_id: _ROUND,
    randomness: Annotated[str, typer.Option(help="How and when the public random value will be obtained (published in the commitment).")],
    out_dir: _OUT = Path("out"),
) -> None:
    """Fix and publish the commitment before any randomness exists."""
    from xinyong.rounds.run import commit

    out.print(f"Committed round {round_id}: C = {commit(out_dir, round_id, randomness)}")


@round_app.command("reveal", epilog="Example: xinyong round reveal --round 330802-2026-12 --value '03 11 19 24 27 31 + 09' --out out/demo")
def round_reveal(
    round_id: _ROUND,
    value: Annotated[str, typer.Option(help="The public random value, exactly as announced.")],
    out_dir: _OUT = Path("out"),
) -> None:
    """Accept the round's public random value (once) and derive the seed."""
    from xinyong.rounds.run import reveal

    out.print(f"Seed of round {round_id}: {reveal(out_dir, round_id, value)}")


@round_app.command("draw", epilog="Example: xinyong round draw --round 330802-2026-12 --out out/demo")
def round_draw(round_id: _ROUND, out_dir: _OUT = Path("out")) -> None:
    """Select the targets: the smallest keys of every (plan, stratum)."""
    from xinyong.rounds.run import draw

    selection = draw(out_dir, round_id)
    per_plan = ", ".join(f"{p} {n}" for p, n in selection.group_by("plan").len().sort("plan").iter_rows())
    out.print(f"Drew {selection.height:,} targets for round {round_id}: {per_plan}")


@round_app.command("assign", epilog="Example: xinyong round assign --round 330802-2026-12 --clean out/demo/clean --out out/demo")
def round_assign(
    round_id: _ROUND,
    clean: Annotated[Path, typer.Option(help="Clean folder (firms' stations, legal representatives, past teams).")],
    out_dir: _OUT = Path("out"),
) -> None:
    """Draw the inspector teams (spec §6) from eligibility lists the rules alone decide."""
    from xinyong.rounds.run import assign

    result = assign(out_dir, round_id, clean)
    unstaffed = [a for a in result if not a.team]
    out.print(f"Teams for round {round_id}: {len(result) - len(unstaffed):,} staffed, {len(unstaffed):,} unstaffed")
    for a in unstaffed[:20]:
        out.print(f"  unstaffed {a.plan} {a.uscc}: {a.reason}", markup=False)


@round_app.command("finalize", epilog="Example: xinyong round finalize --round 330802-2026-12 --out out/demo --accept-unstaffed --reason '卫健人员不足，报上级统筹'")
def round_finalize(
    round_id: _ROUND,
    out_dir: _OUT = Path("out"),
    accept_unstaffed: Annotated[bool, typer.Option(help="Finalise although some targets are unstaffed (logged).")] = False,
    reason: Annotated[str, typer.Option(help="Why unstaffed targets are accepted (logged).")] = "",
) -> None:
    """Close the teams of a round; unstaffed targets need an explicit, logged decision."""
    from xinyong.rounds.run import finalize

    decision = finalize(out_dir, round_id, accept_unstaffed=accept_unstaffed, reason=reason)
    out.print(f"Round {round_id} finalised: {decision['decision']}" + (f" ({decision['reason']})" if decision["reason"] else ""))


@round_app.command("tasks", epilog="Example: xinyong round tasks --round 330802-2026-12 --clean out/demo/clean --out out/demo")
def round_tasks(
    round_id: _ROUND,
    clean: Annotated[Path, typer.Option(help="Clean folder (firm names and addresses).")],
    out_dir: _OUT = Path("out"),
) -> None:
    """Write the drawn round's task lists per department (xlsx, and CSV with BOM)."""
    from xinyong.rounds.tasks import write_task_lists

    counts = write_task_lists(out_dir, round_id, clean)
    out.print("Task lists: " + ", ".join(f"{d} {n}" for d, n in counts.items()))


@round_app.command("verify", epilog=(
    "Examples: xinyong round verify --audit out/demo/rounds/330802-2026-12/audit\n\n"
    "xinyong round verify --public out/demo/public/rounds/330802-2026-12"))
def round_verify(
    audit: Annotated[Path | None, typer.Option(help="An auditor bundle: re-derive everything.")] = None,
    public: Annotated[Path | None, typer.Option(help="The public files: seed, keys and counts.")] = None,
) -> None:
    """Re-derive a round from its files and print every check made."""
    from xinyong.draw.verify import verify_audit, verify_public

    if (audit is None) == (public is None):
        raise UsageError("give exactly one of --audit DIR or --public DIR")
    checks = verify_audit(audit) if audit else verify_public(public)
    for check in checks:
        out.print(f"  ✔ {check}", markup=False, highlight=False)
    out.print(f"Verified {audit or public}: {len(checks)} checks passed")


results_app = typer.Typer(help="Inspection results of a round: import the filled-in forms, see what is due.", no_args_is_help=True)
app.add_typer(results_app, name="results")


@results_app.command("import", epilog="Example: xinyong results import 330802-2026-11-检查结果.xlsx --out out/demo")
def results_import(
    form: Annotated[Path, typer.Argument(help="The 抽查检查结果录入表 of one round (.xlsx or .csv).")],
    out_dir: _OUT = Path("out"),
    encoding: Annotated[str, typer.Option(help="Encoding of a CSV form, e.g. utf-8 or gbk.")] = "utf-8",
    today: Annotated[str | None, typer.Option(help="Judge future dates against this day (default: today).")] = None,
) -> None:
    """Check every row (round, target, team, codes, dates); import all of them or none."""
    from xinyong.results.run import import_results

    result = import_results(out_dir, form, today=_date(today) or dt.date.today(), encoding=encoding)
    out.print(f"Round {result.round}: {result.added} new results ({result.corrections} corrections), {result.unchanged} already imported")


@results_app.command("status", epilog="Example: xinyong results status --round 330802-2026-11 --out out/demo")
def results_status_command(
    round_id: _ROUND,
    out_dir: _OUT = Path("out"),
    today: Annotated[str | None, typer.Option(help="Judge deadlines on this day (default: today).")] = None,
) -> None:
    """Pending, overdue and published results, with due dates in official working days."""
    from xinyong.reports.summary import results_summary
    from xinyong.results.run import write_status

    day = _date(today) or dt.date.today()
    status, target = write_status(out_dir, round_id, day)
    out.print(results_summary(status, round_id, day))
    out.print(f"Every target with its status and due date: {target}")


@app.command("disclose", epilog="Example: xinyong disclose --out out/demo/public --work out/demo --clean out/demo/clean")
def disclose_command(
    public_dir: Annotated[Path, typer.Option("--out", help="The public site folder (its log's private key goes beside it).")],
    work: Annotated[Path, typer.Option(help="The rounds' output root (the --out of `xinyong round`).")] = Path("out"),
    clean: Annotated[Path, typer.Option(help="Clean folder (firm and item names).")] = Path("out/clean"),
    today: Annotated[str | None, typer.Option(help="Publication day (default: today).")] = None,
) -> None:
    """Publish every recorded result and each round's draw as a static Chinese site, logged first."""
    from xinyong.publish.site import disclose

    result = disclose(work, public_dir, clean, today=_date(today) or dt.date.today())
    out.print(f"Published {result['records']:,} results ({result['new']:,} new) of {result['rounds']} rounds; "
              f"transparency log at {result['log_size']:,} entries. Open {result['site']}")


log_app = typer.Typer(help="The transparency log of everything published: verify it, or get a proof.", no_args_is_help=True)
app.add_typer(log_app, name="log")


@log_app.command("verify", epilog="Example: xinyong log verify out/demo/public --since saved-checkpoint.txt")
def log_verify(
    public_dir: Annotated[Path, typer.Argument(help="A published site folder (with log/).")],
    since: Annotated[Path | None, typer.Option(help="A checkpoint you saved earlier: prove the log only grew since.")] = None,
    key: Annotated[str | None, typer.Option(help="The log's verifier key as you obtained it (default: the site's log/key.txt).")] = None,
) -> None:
    """Check signatures, every inclusion proof, consistency and every published file; name the first bad one."""
    from xinyong.publish.translog import verify_log

    report = verify_log(public_dir, since=since, key=key)
    extra = f"; consistent with your checkpoint at size {report['since']}" if "since" in report else ""
    out.print(f"Verified {public_dir}: log {report['origin']} of {report['size']:,} entries, "
              f"{report['checkpoints']} signed checkpoints, {report['files']:,} published files{extra}")


@log_app.command("proof", epilog=(
    "Examples: xinyong log proof out/demo/public --record R-3f2a9c0d1e4b5a67\n\n"
    "xinyong log proof out/demo/public --index 12\n\nxinyong log proof out/demo/public --from 5"))
def log_proof(
    public_dir: Annotated[Path, typer.Argument(help="A published site folder (with log/).")],
    record: Annotated[str | None, typer.Option(help="Inclusion proof of this published result (its 记录号).")] = None,
    index: Annotated[int | None, typer.Option(help="Inclusion proof of the entry at this index (0-based).")] = None,
    old: Annotated[int | None, typer.Option("--from", help="Consistency proof from this earlier tree size.")] = None,
    size: Annotated[int | None, typer.Option(help="Against this tree size (default: the latest).")] = None,
) -> None:
    """Print an RFC 6962 inclusion or consistency proof as JSON."""
    import json

    from xinyong.publish.translog import prove_consistency, prove_inclusion, record_index

    if sum(x is not None for x in (record, index, old)) != 1:
        raise UsageError("give exactly one of --record ID, --index N or --from SIZE")
    if old is not None:
        proof = prove_consistency(public_dir, old, size)
    else:
        proof = prove_inclusion(public_dir, index if index is not None else record_index(public_dir, record), size)
    out.print_json(json.dumps(proof))


@app.command("estimate", epilog="Example: xinyong estimate 330802-2026-11 --out out/demo")
def estimate_command(
    round_id: Annotated[str, typer.Argument(help="Round id, e.g. 330802-2026-11.")],
    out_dir: _OUT = Path("out"),
    labels: Annotated[Path | None, typer.Option(help="Label policy TOML (default: shipped).")] = None,
) -> None:
    """Unbiased violation rates per tier, plan and overall (stratified Horvitz–Thompson), naive beside."""
    from xinyong.estimate.run import estimate_round
    from xinyong.reports.summary import estimates_table

    out.print(estimates_table(estimate_round(out_dir, round_id, labels), round_id))


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"xinyong {__version__}")
        raise typer.Exit()


def main() -> None:
    """Entry point: run the app; turn user errors into one line and an exit code."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        code = app(standalone_mode=False)
    except XinyongError as exc:
        err.print(f"Error: {exc}", markup=False)
        sys.exit(exc.exit_code)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        err.print("Aborted.")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
