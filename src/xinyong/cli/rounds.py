"""``xinyong round``: the verifiable draw and its teams, step by step."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from xinyong.cli.app import _CLEAN, _OUT, _ROUND, app, out, plans_for, workspace
from xinyong.errors import UsageError

round_app = typer.Typer(
    help=(
        "The verifiable 双随机 draw (xinyong-draw-v1): frame → preview → approve → commit → reveal → draw → "
        "assign → finalize → tasks, reassign after finalisation, verify."
    ),
    no_args_is_help=True,
)
app.add_typer(round_app, name="round")


@round_app.command(
    "frame",
    epilog=("Example: xinyong round frame --round 330802-2026-12 --tiers internal/tiers.parquet"),
)
def round_frame(
    round_id: _ROUND,
    tiers_path: Annotated[Path, typer.Option("--tiers", help="This month's internal tier file (the strata).")],
    clean: _CLEAN,
    out_dir: _OUT,
    plans: Annotated[
        Path | None,
        typer.Option(
            help="Round plans TOML.",
            show_default="the workspace's plans of the round's division, else the shipped ones of it",
        ),
    ] = None,
    rebuild: Annotated[bool, typer.Option(help="Build the frame again (only before the commitment).")] = False,
) -> None:
    """Build the frame after exclusions, with the round's plans and roster."""
    from xinyong.rounds.run import build_frame

    result = build_frame(out_dir, round_id, plans_for(plans, round_id), tiers_path, clean, rebuild=rebuild)
    if result.rebuilt:
        out.print(
            f"Frame of round {round_id}: {result.size:,} (plan, firm) records; {result.excluded:,} excluded "
            "(reasons in exclusions.jsonl)"
        )
    else:
        out.print(f"Frame of round {round_id} already built ({result.size:,} records); unchanged")


@round_app.command("preview", epilog="Example: xinyong round preview --round 330802-2026-12")
def round_preview(round_id: _ROUND, out_dir: _OUT) -> None:
    """Check the framed round before the commitment: N_h and n_h per plan and tier, exclusions by
    reason, inspector capacity; write internal/preview.xlsx (for sign-off) and preview.json."""
    from xinyong.rounds.preview import report_lines
    from xinyong.rounds.run import preview_round
    from xinyong.workspace.layout import PREVIEW, PREVIEW_XLSX, RoundPaths

    result, sha = preview_round(out_dir, round_id)
    for line in report_lines(result):
        out.print(line, markup=False, highlight=False, soft_wrap=True)
    internal = RoundPaths(out_dir, round_id).internal
    out.print(
        f"Wrote {internal / PREVIEW_XLSX} and {PREVIEW}; preview SHA-256 {sha}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if not result.errors:
        out.print(
            f"Approve it with: xinyong round approve --round {round_id} --by NAME --preview {sha} --out {out_dir}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@round_app.command(
    "approve",
    epilog="Example: xinyong round approve --round 330802-2026-12 --by 张三",
)
def round_approve(
    round_id: _ROUND,
    by: Annotated[str, typer.Option("--by", help="Who approves the preview (recorded in audit/approval.json).")],
    out_dir: _OUT,
    preview_sha: Annotated[
        str | None,
        typer.Option(
            "--preview",
            metavar="SHA",
            help="The SHA-256 of the preview approved, as `xinyong round preview` printed it; refused if not current.",
        ),
    ] = None,
) -> None:
    """Record who approved the round's current preview, by its hash; commit requires it."""
    import datetime as dt

    from xinyong.rounds.run import approve

    approval = approve(out_dir, round_id, by, dt.datetime.now(dt.UTC), preview_sha)
    out.print(
        f"Round {round_id}: preview {approval.preview_sha256} approved by {approval.approved_by} at "
        f"{approval.approved_at}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@round_app.command(
    "commit",
    epilog="Example: xinyong round commit --round 330802-2026-12 --randomness '福利彩票双色球 2026-12-01 开奖号码' "
    "--out out/demo",
)
def round_commit(
    round_id: _ROUND,
    randomness: Annotated[
        str,
        typer.Option(
            help="How and when the public random value will be obtained (published in the commitment; "
            "committed in Unicode NFC, trimmed, without invisible characters)."
        ),
    ],
    out_dir: _OUT,
) -> None:
    """Fix and publish the commitment before any randomness exists, and show the description it commits."""
    from xinyong.rounds.run import commit

    committed = commit(out_dir, round_id, randomness)
    out.print(f"Committed round {round_id}: C = {committed.c}")
    normalised = " (normalised: NFC, trimmed, zero-width characters removed)" if committed.normalised else ""
    out.print(f"Randomness description committed{normalised}: {committed.source_json}", markup=False, highlight=False)


@round_app.command(
    "reveal",
    epilog="Example: xinyong round reveal --round 330802-2026-12 --value '03 11 19 24 27 31 + 09' --out out/demo",
)
def round_reveal(
    round_id: _ROUND,
    value: Annotated[str, typer.Option(help="The public random value, exactly as announced.")],
    out_dir: _OUT,
) -> None:
    """Accept the round's public random value (once) and derive the seed."""
    from xinyong.rounds.run import reveal

    out.print(f"Seed of round {round_id}: {reveal(out_dir, round_id, value)}")


@round_app.command("draw", epilog="Example: xinyong round draw --round 330802-2026-12 --out out/demo")
def round_draw(round_id: _ROUND, out_dir: _OUT) -> None:
    """Select the targets: the smallest keys of every (plan, stratum)."""
    from xinyong.rounds.run import draw

    selection = draw(out_dir, round_id)
    per_plan = ", ".join(f"{p} {n}" for p, n in selection.group_by("plan").len().sort("plan").iter_rows())
    out.print(f"Drew {selection.height:,} targets for round {round_id}: {per_plan}")


@round_app.command(
    "assign", epilog="Example: xinyong round assign --round 330802-2026-12 --clean out/demo/clean --out out/demo"
)
def round_assign(
    round_id: _ROUND,
    clean: _CLEAN,
    out_dir: _OUT,
) -> None:
    """Draw the inspector teams (spec §6) from eligibility lists the rules alone decide (until finalised)."""
    from xinyong.rounds.run import assign

    result = assign(out_dir, round_id, clean)
    unstaffed = [a for a in result if not a.team]
    out.print(f"Teams for round {round_id}: {len(result) - len(unstaffed):,} staffed, {len(unstaffed):,} unstaffed")
    for a in unstaffed[:20]:
        out.print(f"  unstaffed {a.plan} {a.uscc}: {a.reason}", markup=False)


@round_app.command(
    "finalize",
    epilog="Example: xinyong round finalize --round 330802-2026-12 --out out/demo --accept-unstaffed --reason "
    "'卫健人员不足，报上级统筹'",
)
def round_finalize(
    round_id: _ROUND,
    out_dir: _OUT,
    accept_unstaffed: Annotated[
        bool, typer.Option(help="Finalise although some targets are unstaffed (logged).")
    ] = False,
    reason: Annotated[str, typer.Option(help="Why unstaffed targets are accepted (logged).")] = "",
) -> None:
    """Close the teams of a round; unstaffed targets need an explicit, logged decision."""
    from xinyong.rounds.run import finalize

    decision = finalize(
        out_dir, round_id, now=dt.datetime.now(dt.UTC), accept_unstaffed=accept_unstaffed, reason=reason
    )
    out.print(f"Round {round_id} finalised: {decision.decision}" + (f" ({decision.reason})" if decision.reason else ""))


@round_app.command(
    "reassign",
    epilog="Example: xinyong round reassign --round 330802-2026-12 --plan P01 --uscc 91330802MA296TDX3C "
    "--inspector INS-00062 --reason '回避：与该企业法定代表人系近亲属' --out out/demo",
)
def round_reassign(
    round_id: _ROUND,
    plan: Annotated[str, typer.Option(help="The target's plan, e.g. P01.")],
    uscc: Annotated[str, typer.Option(help="The target firm's USCC.")],
    inspector: Annotated[str, typer.Option(help="The team member who cannot act (recusal, leave, illness).")],
    reason: Annotated[str, typer.Option(help="Why, e.g. '回避：…' (logged with the reassignment).")],
    out_dir: _OUT,
) -> None:
    """After finalisation: replace one member of a target's team by the next eligible inspector of the draw, logged."""
    from xinyong.rounds.run import reassign

    change = reassign(out_dir, round_id, plan, uscc, inspector, reason, today=dt.date.today())
    out.print(
        f"Round {round_id}, {plan} {uscc}: {change.leaving} replaced by {change.joining} from {change.effective} "
        f"(team {'、'.join(change.team)}; logged); run `xinyong round tasks` for the new lists",
        markup=False,
    )


@round_app.command(
    "tasks", epilog="Example: xinyong round tasks --round 330802-2026-12 --clean out/demo/clean --out out/demo"
)
def round_tasks(
    round_id: _ROUND,
    clean: _CLEAN,
    out_dir: _OUT,
) -> None:
    """Write the finalised round's task lists per department and inspector (xlsx, and CSV with BOM), a 检查告知书
    PDF per firm and the results form."""
    from xinyong.core.calendar import NO_SUPPLEMENT
    from xinyong.rounds.tasks import write_task_lists

    found = workspace()
    counts = write_task_lists(
        out_dir,
        round_id,
        clean,
        supplement=found.supplement() if found else NO_SUPPLEMENT,
        contact=found.contact if found else "",
    )
    out.print("Task lists: " + ", ".join(f"{d} {n}" for d, n in counts.items()))


@round_app.command(
    "verify",
    epilog=(
        "Examples: xinyong round verify --audit out/demo/rounds/330802-2026-12/audit\n\n"
        "xinyong round verify --public out/demo/public/rounds/330802-2026-12"
    ),
)
def round_verify(
    audit: Annotated[Path | None, typer.Option(help="An auditor bundle: re-derive everything.")] = None,
    public: Annotated[Path | None, typer.Option(help="The public files: seed, keys and counts.")] = None,
) -> None:
    """Re-derive a round from its files and print every check made."""
    from xinyong.draw.verify import verify_audit, verify_public

    if (audit is None) == (public is None):
        raise UsageError("give exactly one of --audit DIR or --public DIR")
    checks = verify_audit(audit) if audit is not None else verify_public(public) if public is not None else []
    for check in checks:
        out.print(f"  ✔ {check}", markup=False, highlight=False)
    out.print(f"Verified {audit or public}: {len(checks)} checks passed")
