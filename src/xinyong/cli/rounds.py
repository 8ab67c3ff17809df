"""``xinyong round``: the verifiable draw and its teams, step by step."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from xinyong.cli.app import _CLEAN, _OUT, _ROUND, app, out, plans_for, workspace
from xinyong.errors import UsageError
from xinyong.workspace.layout import LOG

round_app = typer.Typer(
    help=(
        "The verifiable 双随机 draw (xinyong-draw-v2): frame → preview → approve → commit → reveal → draw → "
        "assign → finalize → tasks, reassign after finalisation, supplement, verify, attest."
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


def _moment(text: str | None, option: str) -> dt.datetime | None:
    """An ISO 8601 time with its zone (``2026-12-01T10:00+08:00``, ``…Z``); one error line otherwise."""
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise UsageError(
            f"{option}: {text!r} is not a time with its zone; write it as 2026-12-01T10:00+08:00 (Beijing time) or "
            "2026-12-01T02:00Z (UTC)"
        )
    return moment


@round_app.command(
    "commit",
    epilog="Examples: xinyong round commit --round 330802-2026-12 --drand-after 2026-12-01T10:00+08:00 "
    "--announced '福利彩票双色球 2026-12-01 开奖号码' --out out/demo\n\n"
    "xinyong round commit --round 330802-2026-12 --drand-round 22000000",
)
def round_commit(
    round_id: _ROUND,
    out_dir: _OUT,
    drand_round: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="A round of the drand quicknet beacon whose signature will be the randomness; refused unless it "
            "is produced at least 10 minutes after the commitment.",
        ),
    ] = None,
    drand_after: Annotated[
        str | None,
        typer.Option(
            metavar="TIME",
            help="Name the first quicknet round produced at least 10 minutes after the commitment and not before "
            "TIME (ISO 8601 with its zone, e.g. 2026-12-01T10:00+08:00).",
        ),
    ] = None,
    announced: Annotated[
        str | None,
        typer.Option(
            metavar="TEXT",
            help="What value will be announced in public, where and when (a lottery draw, dice before witnesses); "
            "committed in Unicode NFC, trimmed, without invisible characters.",
        ),
    ] = None,
) -> None:
    """Fix and publish the commitment before any randomness exists, naming its sources (at least one); show what
    it committed."""
    from xinyong.draw.sources import Drand, utc
    from xinyong.rounds.randomness import Requested
    from xinyong.rounds.run import commit

    requested = Requested(drand_round, _moment(drand_after, "--drand-after"), announced)
    committed = commit(out_dir, round_id, requested, now=dt.datetime.now(dt.UTC))
    out.print(f"Committed round {round_id} at {committed.committed_at}: C = {committed.c}")
    for number, source in enumerate(committed.sources, start=1):
        if isinstance(source, Drand):
            produced = utc(source.beacon.round_time(source.round))
            text = (
                f"drand round {source.round} of {source.beacon.name}, produced {produced}: reveal its signature "
                "with --drand-signature"
            )
        else:
            normalised = " (normalised: NFC, trimmed, zero-width characters removed)" if committed.normalised else ""
            text = f"announced{normalised} {json.dumps(source.description, ensure_ascii=False)}: enter it twice"
        out.print(f"Randomness source {number}: {text}", markup=False, highlight=False, soft_wrap=True)


@round_app.command(
    "reveal",
    epilog="Examples: xinyong round reveal --round 330802-2026-12 --value '03 11 19 24 27 31 + 09' "
    "--value '03,11,19,24,27,31+09' --out out/demo\n\n"
    "xinyong round reveal --round 330802-2026-12 --drand-signature b713718a…",
)
def round_reveal(
    round_id: _ROUND,
    out_dir: _OUT,
    drand_signature: Annotated[
        str | None,
        typer.Option(
            metavar="HEX",
            help="The signature of the drand round the commitment names (96 hex characters), verified offline.",
        ),
    ] = None,
    value: Annotated[
        list[str] | None,
        typer.Option(
            help="The announced value, entered twice (two --value entries whose numbers must match; the first "
            "is kept as entered). A round committed under xinyong-draw-v1 takes its one value once.",
        ),
    ] = None,
) -> None:
    """Accept the round's public randomness (once), checked against the sources its commitment names, and derive
    the seed."""
    from xinyong.rounds.run import reveal

    seed = reveal(out_dir, round_id, signature=drand_signature, values=value or [])
    out.print(f"Seed of round {round_id}: {seed}")


@round_app.command("draw", epilog="Example: xinyong round draw --round 330802-2026-12 --out out/demo")
def round_draw(round_id: _ROUND, out_dir: _OUT) -> None:
    """Select the targets: the smallest keys of every (plan, stratum)."""
    from xinyong.rounds.run import draw

    selection = draw(out_dir, round_id)
    per_plan = ", ".join(f"{p} {n}" for p, n in selection.group_by("plan").len().sort("plan").iter_rows())
    out.print(f"Drew {selection.height:,} targets for round {round_id}: {per_plan}")


@round_app.command("assign", epilog="Example: xinyong round assign --round 330802-2026-12 --out out/demo")
def round_assign(
    round_id: _ROUND,
    out_dir: _OUT,
    clean: Annotated[
        Path | None,
        typer.Option(
            default_factory=_workspace_clean,
            show_default="the workspace's clean/, if any",
            help="Clean folder: read only for a round committed under xinyong-draw-v1, whose teams read the firms "
            "from the registry (a v2 round reads its committed targets.jsonl).",
        ),
    ],
) -> None:
    """Draw the inspector teams (spec §6) from eligibility lists the rules alone decide, on committed files only
    (until finalised)."""
    from xinyong.rounds.run import assign

    result = assign(out_dir, round_id, clean)
    unstaffed = [a for a in result if not a.team]
    out.print(f"Teams for round {round_id}: {len(result) - len(unstaffed):,} staffed, {len(unstaffed):,} unstaffed")
    for a in unstaffed[:20]:
        out.print(f"  unstaffed {a.plan} {a.uscc}: {a.reason}", markup=False)


def _workspace_clean() -> Path | None:
    found = workspace()
    return None if found is None else found.clean


@round_app.command(
    "supplement",
    epilog="Example: xinyong round supplement --round 330802-2026-12 --clean out/demo/clean --out out/demo",
)
def round_supplement(
    round_id: _ROUND,
    clean: _CLEAN,
    out_dir: _OUT,
    rebuild: Annotated[bool, typer.Option(help="Build the frame again (only before the commitment).")] = False,
) -> None:
    """Frame the supplementary round (补抽) of a finalised round: new targets in place of its unstaffed ones and
    of firms found closed or moved; then preview, approve, commit, … it like any round."""
    from xinyong.rounds.run import build_supplement

    result = build_supplement(out_dir, round_id, clean, rebuild=rebuild)
    per_plan = ", ".join(f"{plan} {n}" for plan, n in sorted(Counter(r.plan for r in result.replaced).items()))
    state = (
        f"frame of {result.size:,} (plan, firm) records, {result.excluded:,} of the parent's left out (reasons in "
        "exclusions.jsonl)"
        if result.rebuilt
        else f"frame already built ({result.size:,} records); unchanged"
    )
    out.print(
        f"Supplementary round {result.round_id} of {round_id}: {len(result.replaced):,} targets to replace "
        f"({per_plan}); {state}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    out.print(f"Next: xinyong round preview --round {result.round_id}", markup=False, highlight=False)


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
        "xinyong round verify --public out/demo/public/rounds/330802-2026-12 --auditor 'DEMO-auditor+1a2b3c4d+AQ…'"
    ),
)
def round_verify(
    audit: Annotated[Path | None, typer.Option(help="An auditor bundle: re-derive everything.")] = None,
    public: Annotated[
        Path | None,
        typer.Option(
            help="A round's public folder (rounds/<round>/ of a site): seed, counts, and with the site's log the "
            "order of its files and the witnesses' evidence."
        ),
    ] = None,
    witness: Annotated[
        list[str] | None,
        typer.Option(metavar="VKEY", help="A witness's verifier key you trust: its cosignatures date the commitment."),
    ] = None,
    auditor: Annotated[
        list[str] | None,
        typer.Option(
            metavar="VKEY", help="An auditor's verifier key you trust: its attestation of the round is required."
        ),
    ] = None,
) -> None:
    """Re-derive a round from its files and print every check made."""
    from xinyong.draw.verify import log_evidence, verify_audit, verify_public

    if (audit is None) == (public is None):
        raise UsageError("give exactly one of --audit DIR or --public DIR")
    if audit is not None and (witness or auditor):
        raise UsageError("--witness, --auditor: they check a round's public files; give them with --public DIR")
    if audit is not None:
        checks = verify_audit(audit)
    else:
        assert public is not None
        site = public.parent.parent  # a site's rounds/<round>/: the log is the site's log/
        evidence = log_evidence(site, public.name, witness or []) if (site / LOG).is_dir() else None
        checks = verify_public(public, evidence=evidence, auditors=auditor or [])
    for check in checks:
        out.print(f"  ✔ {check}", markup=False, highlight=False)
    out.print(f"Verified {audit or public}: {len(checks)} checks passed")


@round_app.command(
    "attest",
    epilog="Example: xinyong round attest --audit bundle/330802-2026-12/audit --key auditor.key --out attestation.txt",
)
def round_attest(
    audit: Annotated[Path, typer.Option(help="The round's auditor bundle, as handed to you: re-derived in full.")],
    key: Annotated[Path, typer.Option(help="Your signer key (`xinyong key new`), readable by you only.")],
    out_file: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Write the signed note here too (it is printed either way)."),
    ] = None,
) -> None:
    """An auditor's attestation: re-derive the round from its bundle and sign its round, C, selection and teams."""
    from xinyong.rounds.attestations import attest_round

    note = attest_round(audit, key, out_file)
    out.print(note, end="", markup=False, highlight=False, soft_wrap=True)
    if out_file is not None:
        out.print(f"Wrote {out_file}", markup=False, highlight=False, soft_wrap=True)


@round_app.command(
    "publish-attestation",
    epilog="Example: xinyong round publish-attestation --round 330802-2026-12 attestation.txt --auditor "
    "'纪检监察组+1a2b3c4d+AQ…'",
)
def round_publish_attestation(
    round_id: _ROUND,
    note: Annotated[Path, typer.Argument(metavar="NOTE", help="The signed note `xinyong round attest` wrote.")],
    auditor: Annotated[str, typer.Option(metavar="VKEY", help="The verifier key of the auditor who signed it.")],
    out_dir: _OUT,
) -> None:
    """Publish an auditor's attestation of the round beside its public files, checked and logged first."""
    from xinyong.rounds.attestations import publish_attestation

    published = publish_attestation(out_dir, round_id, note, auditor)
    state = "published and logged" if published.new else "already published; unchanged"
    out.print(
        f"Attestation of round {round_id} by {published.auditor}: {state} ({published.path})",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
