"""Plain-text summaries printed at the end of a command (rich tables for the terminal)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import polars as pl
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from xinyong.core.ids import RoundId
from xinyong.ingest import contract
from xinyong.ingest.limits import Refusal, TableReport
from xinyong.ingest.validate import RULES


def ingest_summary(
    reports: Mapping[str, TableReport], out_dir: Path, refused: tuple[Refusal, ...] = ()
) -> RenderableType:
    """One row per table, in Chinese and English: rows in, accepted, quarantined, the rules that quarantined
    rows, and whether it passed; a refused ingest says so in red, with each reason under the table."""
    why = {r.table for r in refused}
    title = f"导入被拒绝 INGEST REFUSED → {out_dir} 未改变 (left as it was)" if refused else f"导入 Ingest → {out_dir}"
    table = RichTable(title=title, title_justify="left", title_style="bold red" if refused else "")
    for header in ("table", "表", "读入 rows in", "接受 accepted", "隔离 quarantined", "规则 rules", "结论 verdict"):
        table.add_column(header, justify="right" if header[:2] in ("读入", "接受", "隔离") else "left")
    for name, r in reports.items():
        table.add_row(
            name,
            contract.table(name).label,
            f"{r.input_rows:,}",
            f"{r.accepted:,}",
            f"{r.quarantined:,} ({r.share:.1%})" if r.quarantined else "0",
            ", ".join(f"{rule} {RULES[rule]} {n:,}" for rule, n in r.by_rule.items()),
            "拒绝 REFUSED" if name in why else "通过 OK",
            style="bold red" if name in why else "",
        )
    reasons = [
        Text(f"拒绝 REFUSED {r.table} ({contract.table(r.table).label}): {r.zh} / {r.en}", style="bold red")
        for r in refused
    ]
    return Group(table, *reasons)


def results_summary(status: pl.DataFrame, round_id: RoundId, today: dt.date) -> RichTable:
    """Counts per state, the latest due date (未知 when any is unknown: it is later than every known one), then every
    overdue target."""
    table = RichTable(title=f"轮次 {round_id} 检查结果（{today}）", title_justify="left")
    for header in ("状态", "目标数", "逾期", "最晚公示截止日期"):
        table.add_column(header, justify="left" if header == "状态" else "right")
    for state in ("待录入", "待公示", "已公示"):
        part = status.filter(pl.col("status") == state)
        unknown = part["due"].null_count()
        latest = part["due"].max()
        table.add_row(
            state,
            f"{part.height:,}",
            f"{part['overdue'].sum():,}",
            f"未知（{unknown} 项截止日期未知）" if unknown else str(latest) if latest else "—",
        )
    for row in status.filter(pl.col("overdue")).head(50).iter_rows(named=True):
        table.add_row(f"  逾期 {row['plan']} {row['uscc']}", row["status"], "", str(row["due"]))
    return table


def estimates_table(estimates: pl.DataFrame, round_id: RoundId) -> RichTable:
    """HT estimate with its 95% interval beside the naive rate, per tier, plan and overall (internal)."""
    table = RichTable(title=f"Violation rates, round {round_id} (INTERNAL: per tier)", title_justify="left")
    for header in ("domain", "N", "drawn", "labelled", "HT rate [95%]", "naive rate [95%]"):
        table.add_column(header, justify="left" if header == "domain" else "right")

    def cell(value, low, high) -> str:
        return "—" if value is None else f"{value:.3f} [{low:.3f}, {high:.3f}]"

    for r in estimates.iter_rows(named=True):
        table.add_row(
            f"{r['domain']} {r['name']}",
            f"{r['N']:,}",
            f"{r['drawn']:,}",
            f"{r['labelled']:,}",
            cell(r["ht"], r["ht_low"], r["ht_high"]),
            cell(r["naive"], r["naive_low"], r["naive_high"]),
        )
    return table
