"""``xinyong model``: train, score and promote the credit-risk model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xinyong.cli.app import _CHAMPION, _DATA_DIR, _WORK, _required_date, app, needed, out, workspace
from xinyong.errors import GateError, UsageError

model_app = typer.Typer(help="Train, score and promote the credit-risk model.", no_args_is_help=True)
app.add_typer(model_app, name="model")


@model_app.command(
    "train",
    epilog=(
        "Examples: xinyong model train --as-of 2026-10-31 --out internal/model\n\n"
        "xinyong model train --table credit.csv --label default --id customer_id --out out/credit-model"
    ),
)
def model_train(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for model.txt, metadata.json and the report.")],
    data_dir: _DATA_DIR,
    work: _WORK,
    clean: Annotated[
        Path | None,
        typer.Option(help="Region mode: the clean folder.", show_default="the workspace's clean/ unless --table"),
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="Region mode: use labels finished by this day.")] = None,
    labels: Annotated[Path | None, typer.Option(help="Region mode: label policy TOML (default: shipped).")] = None,
    truth: Annotated[
        Path | None, typer.Option(help="Region mode, evaluation only: a generated region's truth/ for the oracle AUC.")
    ] = None,
    table: Annotated[Path | None, typer.Option(help="Generic mode: a CSV or Parquet table.")] = None,
    label: Annotated[str | None, typer.Option(help="Generic mode: the 0/1 label column.")] = None,
    id_column: Annotated[str | None, typer.Option("--id", help="Generic mode: an id column (not a feature).")] = None,
    time_column: Annotated[
        str | None, typer.Option("--time", help="Generic mode: split out of time on this column.")
    ] = None,
    weight: Annotated[str | None, typer.Option(help="Generic mode: a weight column (e.g. 1/π).")] = None,
) -> None:
    """Train a LightGBM model (monotone, calibrated, 1/π-weighted), log it to MLflow and register it."""
    from xinyong.model.run import train_generic, train_region
    from xinyong.reports.progress import Bars

    if clean is not None and table is not None:
        raise UsageError("give either --clean and --as-of (region mode) or --table and --label (generic mode)")
    if table is None and clean is None:
        clean = needed("--clean").clean
    if clean is not None:
        day = _required_date(as_of, "--as-of")
        trained = train_region(
            clean,
            day,
            out_dir,
            labels=labels,
            truth_dir=truth,
            data_dir=data_dir,
            progress=Bars(),
            work=work,
        )
    else:
        if table is None or label is None:
            raise UsageError("generic mode needs --table and --label")
        trained = train_generic(
            table,
            label,
            out_dir,
            id_column=id_column,
            time_column=time_column,
            weight_column=weight,
            data_dir=data_dir,
            progress=Bars(),
        )
    if trained.labels:
        out.print(f"Labels as of {day}, by source of inspections:")
        for source in trained.labels:
            out.print(f"  {source.describe(day)}", markup=False, soft_wrap=True)
    holdout = trained.holdout
    out.print(
        f"Holdout AUC {holdout.naive.auc:.3f} (1/π-weighted {holdout.weighted.auc:.3f}); "
        f"model version {trained.version} → {out_dir}/report.html"
    )


@model_app.command(
    "score",
    epilog="Example: xinyong model score --table internal/features.parquet --out internal/scores.parquet",
)
def model_score(
    table: Annotated[Path, typer.Option(help="CSV or Parquet with the model's feature columns.")],
    out_path: Annotated[
        Path, typer.Option("--out", help="Output .parquet, .csv or .xlsx with the id and the calibrated score.")
    ],
    model: _CHAMPION,
    id_column: Annotated[
        str | None, typer.Option("--id", help="Id column to carry over (default: the model's).")
    ] = None,
) -> None:
    """Write the calibrated score for every row of a table."""
    from xinyong.model.run import score_table

    rows = score_table(model, table, out_path, id_column)
    out.print(f"Scored {rows:,} rows → {out_path}")


@model_app.command(
    "promote",
    epilog=(
        "Examples: xinyong model promote 3   (or: xinyong model promote 3 --force --reason '…')\n\n"
        "xinyong model promote 2 --generic --models out/credit-champion"
    ),
)
def model_promote(
    version: Annotated[str, typer.Argument(help="Registered model version to make champion.")],
    data_dir: _DATA_DIR,
    models_dir: Annotated[
        Path | None,
        typer.Option(
            "--models",
            help="Where the champion is exported.",
            show_default="the workspace's models/; a folder of its own with --generic",
        ),
    ] = None,
    generic: Annotated[
        bool, typer.Option(help="VERSION is a generic-mode model (registered as xinyong-generic).")
    ] = False,
    force: Annotated[bool, typer.Option(help="Promote even if a gate fails; needs --reason, recorded.")] = False,
    reason: Annotated[str, typer.Option(help="Why --force was needed (recorded).")] = "",
) -> None:
    """Move the `champion` alias to VERSION if its gates pass, and export it to models/."""
    from xinyong.model.registry import promote

    found = workspace()
    if models_dir is None:
        if generic:
            raise UsageError(
                "--models: give the folder to export a generic-mode champion to; the workspace's models/ holds the "
                "regulator's champion"
            )
        models_dir = needed("--models").models
    elif generic and found is not None and models_dir.resolve() == found.models.resolve():
        raise UsageError(
            f"--models: {models_dir} is the workspace's models/, which holds the regulator's champion; export a "
            "generic-mode model to a folder of its own"
        )
    gates = promote(data_dir, version, models_dir, generic=generic, force=force, reason=reason)
    for gate in gates:
        out.print(f"  {'✔' if gate.passed else '✘'} {gate.name}: {gate.detail}", markup=False, soft_wrap=True)
    failed = [g.name for g in gates if not g.passed]
    if failed and not force:
        raise GateError(f"version {version} not promoted: {', '.join(failed)} (use --force --reason … to override)")
    out.print(f"Version {version} is champion; exported to {models_dir}", markup=False, soft_wrap=True)
