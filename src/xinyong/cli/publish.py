"""``xinyong disclose`` and ``xinyong log``: the public site and its transparency log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from xinyong.cli.app import _CLEAN, _PUBLIC_ARGUMENT, _date, _from_workspace, app, out
from xinyong.errors import UsageError


@app.command("disclose", epilog="Example: xinyong disclose --out public --work . --clean clean")
def disclose_command(
    public_dir: Annotated[
        Path,
        typer.Option(
            "--out",
            default_factory=_from_workspace("--out", lambda w: w.public),
            show_default="the workspace's public/",
            help="The public site folder (its log's private key goes beside it).",
        ),
    ],
    work: Annotated[
        Path,
        typer.Option(
            default_factory=_from_workspace("--work", lambda w: w.out),
            show_default="the workspace's work root",
            help="The rounds' output root (the --out of `xinyong round`).",
        ),
    ],
    clean: _CLEAN,
    today: Annotated[
        str | None,
        typer.Option(
            help="For demos and tests only: publish as of this day, today or later (default: today, from the clock)."
        ),
    ] = None,
) -> None:
    """Publish every recorded result and each round's draw as a static Chinese site, logged first.

    The 公示日期 of a result published now is today's date, from the clock.
    """
    from xinyong.publish.run import disclose

    result = disclose(work, public_dir, clean, today=_publication_day(today))
    out.print(
        f"Published {result.records:,} results ({result.new:,} new) of {result.rounds} rounds; "
        f"transparency log at {result.log_size:,} entries. Open {result.site}"
    )


def _publication_day(value: str | None) -> dt.date:
    """Today, from the clock; ``--today`` may move it later for a demo or a test, never earlier."""
    clock = dt.date.today()
    day = _date(value, "--today") or clock
    if day < clock:
        raise UsageError(
            f"--today: {day} is before today ({clock}); a result's 公示日期 is the day it is published, so a "
            "demo or test may only move it later"
        )
    return day


log_app = typer.Typer(
    help="The transparency log of everything published: verify it, or get a proof.", no_args_is_help=True
)
app.add_typer(log_app, name="log")


@log_app.command(
    "verify",
    epilog=(
        "Examples: xinyong log verify out/demo/public --since saved-checkpoint.txt\n\n"
        'xinyong log verify out/demo/public --witness "$(cat jijian.vkey)" --witness "$(cat shangji.vkey)" '
        "--quorum 1"
    ),
)
def log_verify(
    public_dir: _PUBLIC_ARGUMENT,
    since: Annotated[
        Path | None, typer.Option(help="A checkpoint you saved earlier: prove the log only grew since.")
    ] = None,
    key: Annotated[
        str | None, typer.Option(help="The log's verifier key as you obtained it (default: the site's log/key.txt).")
    ] = None,
    witness: Annotated[
        list[str] | None,
        typer.Option(
            metavar="VKEY",
            help="A witness's verifier key you trust (repeat for each): the latest checkpoint must carry its "
            "cosignature.",
        ),
    ] = None,
    quorum: Annotated[
        int | None,
        typer.Option(
            metavar="K", help="How many of the --witness keys must have cosigned the latest checkpoint (default: all)."
        ),
    ] = None,
) -> None:
    """Check signatures, cosignatures, every entry and proof, the chain of checkpoints, every published file
    and record; name the first bad one."""
    from xinyong.publish.translog import verify_log

    report = verify_log(public_dir, since=since, key=key, witnesses=witness or [], quorum=quorum)
    extra = f"; consistent with your checkpoint at size {report.since}" if report.since is not None else ""
    if report.witnessed:
        times = (
            dt.datetime.fromtimestamp(c.timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for c in report.witnessed
        )
        extra += "; cosigned by " + ", ".join(
            f"{c.witness} at {t}" for c, t in zip(report.witnessed, times, strict=True)
        )
    out.print(
        f"Verified {public_dir}: log {report.origin} of {report.size:,} entries, "
        f"{report.checkpoints} signed checkpoints, {report.files:,} published files, "
        f"{report.records:,} published results{extra}",
        markup=False,
        soft_wrap=True,
    )


@log_app.command(
    "proof",
    epilog=(
        "Examples: xinyong log proof out/demo/public --record R-3f2a9c0d1e4b5a67\n\n"
        "xinyong log proof out/demo/public --index 12\n\nxinyong log proof out/demo/public --from 5"
    ),
)
def log_proof(
    public_dir: _PUBLIC_ARGUMENT,
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
    elif index is not None:
        proof = prove_inclusion(public_dir, index, size)
    else:
        assert record is not None  # exactly one of the three was given
        proof = prove_inclusion(public_dir, record_index(public_dir, record), size)
    out.print_json(json.dumps(proof))


@log_app.command("upgrade", epilog="Example: xinyong log upgrade out/demo/public")
def log_upgrade(public_dir: _PUBLIC_ARGUMENT) -> None:
    """Convert a log written before the tiled layout (log/entries.jsonl, log/tree/) to C2SP tlog-tiles, once:
    the same entries, tree, roots and signed checkpoints (any step that appends to the log converts it too)."""
    from xinyong.publish.translog import locked, upgrade
    from xinyong.workspace.layout import LOG

    if not (public_dir / LOG).is_dir():
        raise UsageError(f"{public_dir}: no transparency log (no {LOG}/ folder)")
    with locked(public_dir):
        converted = upgrade(public_dir)
    what = "converted to C2SP tlog-tiles" if converted else "already in the C2SP tlog-tiles layout; nothing to do"
    out.print(f"{public_dir / LOG}: {what}", markup=False, soft_wrap=True)
