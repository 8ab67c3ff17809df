"""Task lists after the teams are drawn: per department, per inspector, and a notice per firm (双清单).

Each is xlsx with Chinese headers and CSV in UTF-8 with a BOM (Excel shows a CSV's Chinese only
with it).  The round's results form comes pre-filled with every staffed target and its team, for
the inspectors to add dates and result codes and hand back to `xinyong results import`.  A target of a joint
plan (联合抽查) appears on the list of every department of the plan,
which names the lead department.  The firm's notice says who will inspect — names and 执法证
numbers, which officers show at the door — and never an ID-card number or a phone number.  None
of the lists carries a tier or score.  A round must be finalised (`xinyong round finalize`) first.  The
teams are the teams on record (:mod:`xinyong.rounds.staffing`): after a reassignment, run it again.

The lists are written holding the round's lock and are the same bytes every time they are written
(:func:`xinyong.workspace.fsio.write_xlsx`), so a run cut short is finished by running it again.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from xinyong.core.canonical import records_of
from xinyong.core.ids import RoundId
from xinyong.draw.plans import parse_plans_json
from xinyong.ingest import contract
from xinyong.rounds.staffing import read_staffing
from xinyong.rounds.stage import Stage, changes_round, require
from xinyong.workspace import checks, fsio
from xinyong.workspace.layout import PLANS, SELECTION, RoundPaths, clean_table

HEADERS = {
    "round": "抽查批次",
    "plan": "计划编号",
    "plan_name": "抽查计划",
    "items": "抽查事项",
    "lead": "牵头部门",
    "departments": "参与部门",
    "uscc": "统一社会信用代码",
    "name": "市场主体名称",
    "town": "乡镇(街道)",
    "station": "属地市场监管所",
    "grid": "监管网格",
    "team": "检查人员",
    "status": "派员状态",
    "key": "随机键值(可公开验证)",
}
NOTICE = {
    "uscc": "统一社会信用代码",
    "name": "市场主体名称",
    "plan_name": "抽查计划",
    "items": "抽查事项",
    "lead": "牵头部门",
    "team": "检查人员（姓名、执法证号）",
    "round": "抽查批次",
}


@changes_round(Stage.FINALIZED, "round tasks")
def write_task_lists(out: Path, round_id: RoundId, clean_dir: Path) -> dict[str, int]:
    """One xlsx and one CSV per department under ``OUT/rounds/<round>/tasks/``; returns rows per department."""
    paths = RoundPaths(out, round_id)
    require(paths, Stage.FINALIZED, "round tasks")
    checks.clean_folder(clean_dir)
    selection = records_of((paths.audit / SELECTION).read_bytes())
    teams = read_staffing(paths).teams()
    roster = pl.read_parquet(clean_table(clean_dir, "inspectors"), columns=["inspector_id", "name", "cert_no"])
    people = {r["inspector_id"]: f"{r['name']}({r['cert_no']})" for r in roster.iter_rows(named=True)}
    plans = parse_plans_json((paths.audit / PLANS).read_bytes())
    items = dict(pl.read_parquet(clean_table(clean_dir, "inspection_items"), columns=["item_id", "name"]).iter_rows())
    firms = pl.read_parquet(clean_table(clean_dir, "enterprises"), columns=["uscc", "name", "town", "station", "grid"])
    rows = []
    for record in selection:
        plan = plans[record["plan"]]
        for department in plan.departments:
            rows.append(
                {
                    "department": department,
                    "round": str(round_id),
                    "plan": plan.id,
                    "plan_name": plan.name,
                    "items": "；".join(f"{i} {items.get(i, '')}" for i in plan.items),
                    "lead": plan.lead,
                    "departments": "、".join(plan.departments),
                    "uscc": record["uscc"],
                    "key": record["key"],
                    "team": "、".join(people[i] for i in teams[(plan.id, record["uscc"])]),
                    "team_ids": teams[(plan.id, record["uscc"])],
                    "status": "已派员" if teams[(plan.id, record["uscc"])] else "未能派员（见 unstaffed.jsonl）",
                }
            )
    table = pl.DataFrame(rows).join(firms, on="uscc", how="left").sort("department", "plan", "key")
    counts = {}
    for (department,), part in table.group_by("department", maintain_order=True):
        _write(paths.task_list(department), part.select(list(HEADERS)).rename(HEADERS), "检查任务清单")
        counts[department] = part.height
    per_target = table.unique(["plan", "uscc"], maintain_order=True)
    for (inspector,), part in (
        per_target.explode("team_ids").drop_nulls("team_ids").group_by("team_ids", maintain_order=True)
    ):
        _write(paths.inspector_list(inspector), part.select(list(HEADERS)).rename(HEADERS), "个人检查任务")
    notices = per_target.filter(pl.col("team") != "").select(list(NOTICE)).rename(NOTICE)
    _write(paths.notices, notices, "检查告知")
    _write(paths.results_form, results_template(per_target.filter(pl.col("team") != "")), "检查结果")
    return counts


def results_template(targets: pl.DataFrame) -> pl.DataFrame:
    """The results form (:func:`xinyong.ingest.contract.results_form`) with every staffed target and its
    team filled in, the dates and codes left for the inspectors; `xinyong results import` reads it back."""
    form = contract.results_form()
    filled = targets.select(
        "round",
        "plan",
        "uscc",
        "name",
        pl.col("team_ids").list.join(";").alias("team"),
        *(pl.lit(None, pl.Utf8).alias(c) for c in ("team_names", "started", "ended", "codes", "corrects", "remarks")),
    ).sort("plan", "uscc")
    return filled.select(form.column_names).rename({c.name: c.label for c in form.columns})


def _write(base: Path, sheet: pl.DataFrame, worksheet: str) -> None:
    fsio.write_csv(base.with_suffix(".csv"), sheet, bom=True)
    fsio.write_xlsx(base.with_suffix(".xlsx"), {worksheet: sheet})
