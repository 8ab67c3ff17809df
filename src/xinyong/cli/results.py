"""``xinyong results``: import the filled-in forms and see what is due."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from xinyong.cli.app import _OUT, _ROUND, _date, app, out, workspace

results_app = typer.Typer(
    help="Inspection results of a round: import the filled-in forms, see what is due.", no_args_is_help=True
)
app.add_typer(results_app, name="results")


@results_app.command("import", epilog="Example: xinyong results import 330802-2026-11-检查结果录入表.xlsx")
def results_import(
    form: Annotated[Path, typer.Argument(help="The 抽查检查结果录入表 of one round (.xlsx, .xls or .csv).")],
    out_dir: _OUT,
    encoding: Annotated[
        str | None,
        typer.Option(help="Encoding of a CSV form, e.g. utf-8 or gbk (default: UTF-8 when valid, else GB18030)."),
    ] = None,
    today: Annotated[str | None, typer.Option(help="Judge future dates against this day (default: today).")] = None,
) -> None:
    """Check every filled-in row (round, target, team, codes, dates); import all of them or none. Rows without
    dates or codes are 待录入: listed, and imported when the form comes back with them filled in."""
    from xinyong.results.run import import_results

    result = import_results(
        out_dir, form, today=_date(today, "--today") or dt.date.today(), now=dt.datetime.now(dt.UTC), encoding=encoding
    )
    waiting = (
        f"; {len(result.pending)} rows 待录入 (no result yet; import the form again once they are filled in): "
        f"rows {_ranges(result.pending)}"
        if result.pending
        else ""
    )
    out.print(
        f"Round {result.round}: {result.added} new results ({result.corrections} corrections), {result.unchanged} "
        f"already imported{waiting}",
        soft_wrap=True,
    )


def _ranges(rows: tuple[int, ...]) -> str:
    """Row numbers as runs: 3, 5-9, 12."""
    runs: list[list[int]] = []
    for row in rows:
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


@results_app.command("status", epilog="Example: xinyong results status --round 330802-2026-11")
def results_status_command(
    round_id: _ROUND,
    out_dir: _OUT,
    today: Annotated[str | None, typer.Option(help="Judge deadlines on this day (default: today).")] = None,
) -> None:
    """Pending, overdue and published results, with due dates in official working days (unknown ones counted)."""
    from xinyong.core.calendar import NO_SUPPLEMENT
    from xinyong.reports.summary import results_summary
    from xinyong.results.run import write_status
    from xinyong.results.status import unknown_note

    day = _date(today, "--today") or dt.date.today()
    found = workspace()
    supplement = found.supplement() if found else NO_SUPPLEMENT
    status, target = write_status(out_dir, round_id, day, supplement)
    out.print(results_summary(status, round_id, day))
    note = unknown_note(status, supplement)
    if note:
        out.print(note, markup=False, soft_wrap=True)
    out.print(f"每个目标的状态与公示截止日期：{target}", markup=False, soft_wrap=True)
