"""The results form (抽查检查结果录入表) of a round, pre-filled for its inspectors (pure: sheets out).

The form is the contract's (:func:`xinyong.ingest.contract.results_form`): one row per staffed target, the
columns in the contract's order under its Chinese labels, so that ``xinyong results import`` reads it back.
The round, plan, firm and team (ids and, where the form has the column, the members' names beside them)
are filled in and protected; the columns inspectors fill in — the dates, the result codes, a correction's
record id, remarks — are open, each with its rule as a prompt.  The codes column offers a drop-down of the
result codes of the 国家企业信用信息公示系统 (:data:`xinyong.core.codes.RESULT_LABELS`; several codes still
go in one cell, separated by ``;``), the date columns are date cells that warn about a date before the
round's inspection window, and the protection has no password (:mod:`xinyong.workspace.sheets`).  Two
more sheets follow the form: every result code with its Chinese meaning (结果代码说明), and every column
with whether it is required and how to fill it (填写说明), from the contract.  The form is xlsx only: a CSV
can carry none of this, and Excel turns an all-digit USCC of a CSV into a number.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from xinyong.core.codes import RESULT_CODES, RESULT_LABELS
from xinyong.ingest.contract import results_form
from xinyong.workspace.sheets import Entry, Sheet

FORM_SHEET = "检查结果"
CODES_SHEET = "结果代码说明"
GUIDE_SHEET = "填写说明"
CODES_PROMPT = (
    "从下拉列表选择结果代码；多个代码以 ; 分隔（如 A;B），1（未发现问题）不得与其他代码并用。"
    f"各代码的含义见“{CODES_SHEET}”工作表。"
)


def form_sheets(targets: pl.DataFrame, window_start: dt.date) -> dict[str, Sheet]:
    """The form's sheets for ``targets`` (columns ``round``, ``plan``, ``uscc``, ``name``, ``team_ids`` and
    ``team_names``, lists in the same order), its dates checked against the window's first day."""
    form = results_form()
    filled = {
        "round": pl.col("round"),
        "plan": pl.col("plan"),
        "uscc": pl.col("uscc"),
        "name": pl.col("name"),
        "team": pl.col("team_ids").list.join(";"),
        "team_names": pl.col("team_names").list.join("、"),
    }
    rows = targets.sort("plan", "uscc").select(
        (filled[c].alias(c) if c in filled else pl.lit(None, pl.Utf8).alias(c)) for c in form.column_names
    )
    entries = tuple(
        Entry(
            column.label,
            prompt=CODES_PROMPT if column.name == "codes" else column.description,
            choices=RESULT_CODES if column.name == "codes" else (),
            date=column.kind == "date",
            not_before=window_start if column.kind == "date" else None,
        )
        for column in form.columns
        if column.name not in filled
    )
    codes = pl.DataFrame({"代码": list(RESULT_LABELS), "检查结果": list(RESULT_LABELS.values())})
    guide = pl.DataFrame(
        {
            "列": [c.label for c in form.columns],
            "填写": ["已预填，勿改" if c.name in filled else "必填" if c.required else "选填" for c in form.columns],
            "说明": [c.description for c in form.columns],
        }
    )
    return {
        FORM_SHEET: Sheet(rows.rename({c.name: c.label for c in form.columns}), entries=entries),
        CODES_SHEET: Sheet(codes, title=("抽查检查结果代码（国家企业信用信息公示系统）",)),
        GUIDE_SHEET: Sheet(guide, title=(f"{form.label}填写说明", form.description)),
    }
