"""``xinyong estimate``: unbiased violation rates of a round."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xinyong.cli.app import _OUT, _ROUND_ARGUMENT, app, out


@app.command("estimate", epilog="Example: xinyong estimate 330802-2026-11")
def estimate_command(
    round_id: _ROUND_ARGUMENT,
    out_dir: _OUT,
    labels: Annotated[Path | None, typer.Option(help="Label policy TOML (default: shipped).")] = None,
) -> None:
    """Unbiased violation rates per tier, plan and overall (stratified Horvitz–Thompson), naive beside."""
    import polars as pl

    from xinyong.estimate.run import estimate_round
    from xinyong.reports.summary import estimates_table

    estimates = estimate_round(out_dir, round_id, labels)
    out.print(estimates_table(estimates, round_id))
    note = estimates.filter(pl.col("domain") == "overall")["note"].item()
    if note:  # 暂定：N 项结果待录入
        out.print(note, markup=False)
