"""Terminal summaries: counts per state, overdue targets, and unknown deadlines said as such."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from rich.console import Console, RenderableType

from xinyong.ingest.limits import Limits, TableReport, refusals
from xinyong.reports.summary import estimates_table, ingest_summary, results_summary


def text(table: RenderableType) -> str:
    console = Console(record=True, width=200)
    console.print(table)
    return console.export_text()


def rows(shown: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in shown.splitlines() if line.startswith("│")]


def test_ingest_summary_says_per_table_in_chinese_and_english_whether_it_passed_and_why_not() -> None:
    reports = {
        "enterprises": TableReport("市场主体登记信息.csv", 400, 0, 400, {"invalid_date": 400}),
        "inspection_items": TableReport("抽查事项清单.xlsx", 13, 13, 0, {}),
    }
    shown = text(ingest_summary(reports, Path("clean"), refusals(reports, Limits())))
    assert shown.splitlines()[0].strip() == "导入被拒绝 INGEST REFUSED → clean 未改变 (left as it was)"
    assert rows(shown) == [
        ["enterprises", "市场主体登记信息", "400", "0", "400 (100.0%)", "invalid_date 不是日期 400", "拒绝 REFUSED"],
        ["inspection_items", "抽查事项清单", "13", "13", "0", "", "通过 OK"],
    ]
    assert (
        shown.splitlines()[-1]
        == "拒绝 REFUSED enterprises (市场主体登记信息): 全部 400 行被隔离 / all 400 rows quarantined"
    )
    passed = text(ingest_summary({"inspection_items": reports["inspection_items"]}, Path("clean")))
    assert passed.splitlines()[0].strip() == "导入 Ingest → clean"


def test_results_summary_counts_states_lists_the_overdue_and_never_hides_an_unknown_deadline() -> None:
    status = pl.DataFrame(
        {
            "plan": ["P01", "P01", "P02"],
            "uscc": ["91330802725854134A", "91330802MA29U0QJ36", "91110000600037341L"],
            "status": ["待录入", "待录入", "已公示"],
            "due": [dt.date(2026, 11, 20), None, dt.date(2026, 12, 1)],
            "overdue": [True, False, False],
        }
    )
    shown = text(results_summary(status, "330802-2026-11", dt.date(2026, 11, 27)))
    assert shown.splitlines()[0].rstrip() == "轮次 330802-2026-11 检查结果（2026-11-27）"
    assert [cell.strip() for cell in shown.splitlines()[2].split("┃")[1:-1]] == [
        "状态",
        "目标数",
        "逾期",
        "最晚公示截止日期",
    ]
    assert rows(shown) == [
        ["待录入", "2", "1", "未知（1 项截止日期未知）"],  # not 2026-11-20: the unknown one is later than that
        ["待公示", "0", "0", "—"],
        ["已公示", "1", "0", "2026-12-01"],
        ["逾期 P01 91330802725854134A", "待录入", "", "2026-11-20"],
    ]


def test_estimates_show_the_interval_or_a_dash() -> None:
    row = {"domain": "tier", "N": 1200, "drawn": 60, "labelled": 55}
    interval = {"ht": 0.25, "ht_low": 0.1, "ht_high": 0.4, "naive": 0.3, "naive_low": 0.2, "naive_high": 0.45}
    estimates = pl.DataFrame(
        [{**row, "name": "D", **interval}, {**row, "name": "A", **dict.fromkeys(interval)}],
        schema_overrides=dict.fromkeys(interval, pl.Float64),
    )
    shown = text(estimates_table(estimates, "330802-2026-11"))
    assert "INTERNAL" in shown
    assert rows(shown) == [
        ["tier D", "1,200", "60", "55", "0.250 [0.100, 0.400]", "0.300 [0.200, 0.450]"],
        ["tier A", "1,200", "60", "55", "—", "—"],
    ]
