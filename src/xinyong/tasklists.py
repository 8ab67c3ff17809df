"""Task lists (检查任务清单) per department: xlsx with Chinese headers, and CSV in UTF-8 with a BOM.

Regulators open xlsx; Excel shows a CSV's Chinese correctly only with the byte-order mark.  A
target of a joint plan (联合抽查) appears on the list of every department of the plan, which names
the lead department.  The lists carry what an inspection needs — the plan, items, the firm, where
it is — and never its tier or score.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from . import fsio
from .draw.canonical import lines_of
from .rounds import RoundPaths

HEADERS = {
    "round": "抽查批次", "plan": "计划编号", "plan_name": "抽查计划", "items": "抽查事项", "lead": "牵头部门",
    "departments": "参与部门", "uscc": "统一社会信用代码", "name": "市场主体名称", "town": "乡镇(街道)",
    "station": "属地市场监管所", "grid": "监管网格", "key": "随机键值(可公开验证)",
}


def write_task_lists(out: Path, round_id: str, clean_dir: Path) -> dict[str, int]:
    """One xlsx and one CSV per department under ``OUT/rounds/<round>/tasks/``; returns rows per department."""
    paths = RoundPaths(out, round_id)
    selection = [json.loads(line) for line in lines_of((paths.audit / "selection.jsonl").read_bytes())]
    plans = {p["id"]: p for p in json.loads((paths.audit / "plans.json").read_bytes())}
    items = dict(pl.read_parquet(clean_dir / "inspection_items.parquet", columns=["item_id", "name"]).iter_rows())
    firms = pl.read_parquet(clean_dir / "enterprises.parquet", columns=["uscc", "name", "town", "station", "grid"])
    rows = []
    for record in selection:
        plan = plans[record["plan"]]
        for department in plan["departments"]:
            rows.append({
                "department": department, "round": round_id, "plan": plan["id"], "plan_name": plan["name"],
                "items": "；".join(f"{i} {items.get(i, '')}" for i in plan["items"]), "lead": plan["departments"][0],
                "departments": "、".join(plan["departments"]), "uscc": record["uscc"], "key": record["key"],
            })
    table = pl.DataFrame(rows).join(firms, on="uscc", how="left").sort("department", "plan", "key")
    counts = {}
    for (department,), part in table.group_by("department", maintain_order=True):
        sheet = part.select(list(HEADERS)).rename(HEADERS)
        base = paths.out / "rounds" / round_id / "tasks" / f"{round_id}-{department}"
        fsio.write_csv(base.with_suffix(".csv"), sheet, bom=True)
        with fsio.atomic_path(base.with_suffix(".xlsx")) as tmp:
            sheet.write_excel(tmp, worksheet="检查任务清单", autofit=True, header_format={"bold": True, "bg_color": "#DDEBF7"},
                              freeze_panes=(1, 0))
        counts[department] = part.height
    return counts
