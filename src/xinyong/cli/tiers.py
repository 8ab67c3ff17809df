"""``xinyong tiers`` and ``xinyong explain``: the internal tiers and why a firm has its tier."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xinyong.cli.app import _CHAMPION, _CLEAN, _POLICY, _TIERS_FILE, app, out
from xinyong.errors import UsageError

tiers_app = typer.Typer(help="Credit-risk tiers A/B/C/D (internal).")
app.add_typer(tiers_app, name="tiers")


@tiers_app.callback(
    invoke_without_command=True,
    epilog=("Example: xinyong tiers --features internal/features.parquet --out internal/tiers.parquet"),
)
def tiers(
    ctx: typer.Context,
    model: _CHAMPION,
    policy: _POLICY,
    features_path: Annotated[
        Path | None, typer.Option("--features", help="Indicators from `xinyong features`.")
    ] = None,
    out_path: Annotated[
        Path | None, typer.Option("--out", help="Tier file (.parquet) under an internal/ folder.")
    ] = None,
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


@tiers_app.command(
    "report",
    epilog=(
        "Example: xinyong tiers report --current internal/tiers.parquet --previous "
        "internal/tiers-previous.parquet --out internal/tier-report.html"
    ),
)
def tiers_report(
    current: Annotated[Path, typer.Option(help="This month's tier file.")],
    previous: Annotated[Path, typer.Option(help="Last month's tier file.")],
    out_path: Annotated[
        Path, typer.Option("--out", help="HTML report (.html) under an internal/ folder (JSON beside it).")
    ],
    clean: _CLEAN,
) -> None:
    """Compare this month's tiers to last month's: migration, shares, PSI alerts, override counts."""
    from xinyong.tiers.run import write_tier_report

    report = write_tier_report(current, previous, clean, out_path)
    alerts = ", ".join(report.alerts) or "none"
    out.print(f"Tier report → {out_path}; PSI alerts: {alerts}")


@app.command(epilog="Example: xinyong explain 91330802MA2X8K4N1B --tiers internal/tiers.parquet")
def explain(
    uscc: Annotated[str, typer.Argument(help="The enterprise's 统一社会信用代码.")],
    tiers_path: _TIERS_FILE,
    model: _CHAMPION,
) -> None:
    """Print a firm's tier, the override rules that fired and the top three reasons (internal)."""
    from xinyong.tiers.run import explain as run

    out.print(run(uscc, tiers_path, model), markup=False, highlight=False)
