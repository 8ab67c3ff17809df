"""Make ``tests/office/results/``: results forms as offices send them back, and the round they belong to.

    PYTHONPATH=src .venv/bin/python scripts/office_results_files.py

It builds a small finalised round through the real steps — a generated region of 2,000 firms, ingested, tiered by
the shipped champion, and one plan of 119 targets (round 330802-2026-11, teams of two 市场监管 officers) — copies
the round's ``audit/`` and ``internal/`` files to ``tests/office/results/round/`` and writes, from the round's
pre-filled 检查结果录入表, the forms below, each made the way an office makes it: xlsx with a 说明 sheet first,
title rows above the header, spaces in the header, blank rows, every form of date (text, date cells, an Excel
serial number in a General cell, a date-time), codes and teams with every separator, full-width and lower-case
letters, USCCs with spaces, in lower case, or turned into numbers by Excel; CSV in GBK as Excel on Chinese Windows
saves it and in UTF-8 with a BOM; and an Excel 97–2003 .xls converted by LibreOffice (``soffice --headless
--convert-to xls``), which must be installed.  ``tests/cli/test_results_office.py`` imports each one with
``xinyong results import`` and states what it must give.

Running it again draws a new round (a frame's salts are fresh randomness) and rewrites every file; the layout of
each form (which rows are filled, blank or wrong) stays the same, so the tests' expectations do too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

from xinyong.core.ids import RoundId
from xinyong.indicators.run import write_features
from xinyong.ingest.contract import results_form
from xinyong.ingest.run import ingest
from xinyong.rounds.run import approve, assign, build_frame, commit, draw, finalize, preview_round, reveal
from xinyong.rounds.tasks import write_task_lists
from xinyong.synth import RegionSpec, generate_region
from xinyong.tiers.run import run_tiers
from xinyong.workspace.layout import SHIPPED_CHAMPION, SHIPPED_POLICY, RoundPaths
from xinyong.workspace.tables import read_table

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "tests" / "office" / "results"
ROUND = RoundId.parse("330802-2026-11", "ROUND")
TARGETS = 119
PLANS = """division = "330802"

[[plan]]
id = "P01"
name = "企业公示信息双随机抽查"
items = ["SJ-SC-01"]
departments = ["市场监管"]
team_size = 2
allocation = { mode = "count", n = 119, weights = { A = "1", B = "2", C = "4", D = "8" } }
exclusion = { months = 12, exempt_tiers = ["D"] }
"""
NOW = dt.datetime(2026, 10, 30, 1, 0, tzinfo=dt.UTC)
LABELS = {c.name: c.label for c in results_form().columns}
COLUMNS = ("round", "plan", "uscc", "name", "team", "team_names", "started", "ended", "codes", "corrects", "remarks")
EXCEL_EPOCH = dt.date(1899, 12, 30)

# How the i-th filled-in row writes its codes, its team's separator and its USCC.
CODES = (
    " 1 ",
    "a",
    "Ａ",
    "A；B",
    "B,D",
    "D、E",
    "E F",
    "1",
    "C（公示信息隐瞒真实情况、弄虚作假）",
    "未发现问题",
    "6",
    "b d",
)
SEPARATORS = (";", "；", "、", ",", "，", " ", " ; ")
USCC_FORMS: tuple[Callable[[str], str], ...] = (
    lambda u: u,
    lambda u: u + " ",
    lambda u: u.lower(),
    lambda u: f" {u[:4]} {u[4:8]} {u[8:]}",
    lambda u: u.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),  # full-width letters and digits
)
# The forms a date is written in: text, or (xlsx) a cell of a kind.
DATE_TEXTS: tuple[Callable[[dt.date], str], ...] = (
    lambda d: d.isoformat(),
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: d.strftime("%Y%m%d"),
)
DATE_CELLS = ("date", "serial", "datetime")


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        out = build_round(Path(scratch))
        prefilled = read_table(
            RoundPaths(out, ROUND).results_form.with_suffix(".xlsx"), results_form(), optional_may_be_absent=True
        )
        rows = [dict(zip(COLUMNS, (r[c] for c in COLUMNS), strict=True)) for r in prefilled.iter_rows(named=True)]
        if len(rows) != TARGETS:
            sys.exit(f"the round staffed {len(rows)} targets, not {TARGETS}; run the script again")
        if TARGET.exists():
            shutil.rmtree(TARGET)
        paths = RoundPaths(out, ROUND)
        for part in ("audit", "internal"):
            shutil.copytree(paths.folder / part, TARGET / "round" / part)
        write_forms(rows, TARGET)
    for path in sorted(TARGET.iterdir()):
        print(f"wrote {path}")


def build_round(work: Path) -> Path:
    raw, clean, out = work / "raw", work / "clean", work / "out"
    generate_region(raw, RegionSpec(enterprises=2_000, months=24, seed=13))
    ingest(raw, clean, today=dt.date(2026, 10, 31))
    features, tiers = work / "internal" / "features.parquet", work / "internal" / "tiers.parquet"
    write_features(clean, dt.date(2026, 9, 30), features)
    run_tiers(features, SHIPPED_CHAMPION, SHIPPED_POLICY, tiers)
    plans = work / "plans.toml"
    plans.write_text(PLANS, encoding="utf-8")
    build_frame(out, ROUND, plans, tiers, clean)
    _, sha = preview_round(out, ROUND)
    approve(out, ROUND, "办公室测试审批人", NOW, sha)
    commit(out, ROUND, "福利彩票双色球 2026-11-01 开奖号码")
    reveal(out, ROUND, "05 11 17 20 26 32 + 08")
    draw(out, ROUND)
    assign(out, ROUND, clean)
    finalize(out, ROUND, accept_unstaffed=True, reason="office test round", now=NOW)
    write_task_lists(out, ROUND, clean)
    return out


def filled(row: dict, i: int, shift: int = 0) -> dict:
    """``row`` filled in as the i-th returned result: dates in November, codes, team and USCC as people write them."""
    k = i + shift
    started = dt.date(2026, 11, 2) + dt.timedelta(days=i % 20)
    team = row["team"].split(";")
    return {
        **row,
        "uscc": USCC_FORMS[k % len(USCC_FORMS)](row["uscc"]),
        "team": SEPARATORS[k % len(SEPARATORS)].join(team),
        "started": started,
        "ended": started + dt.timedelta(days=i % 3),
        "codes": CODES[i % len(CODES)],
        "remarks": "已整改" if i % 7 == 3 else None,
        "date_form": k,
    }


def write_forms(rows: list[dict], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    first = [filled(r, i) if i < 60 else r for i, r in enumerate(rows)]
    # The second batch: 30 more rows filled in, the first 60 as before but typed differently.
    second = [filled(r, i, shift=3) if i < 90 else r for i, r in enumerate(rows)]
    write_xlsx(folder / "01-部分填写-第一批.xlsx", first, blank_before=(20, 80))
    write_xlsx(folder / "02-部分填写-第二批.xlsx", second, blank_before=(20, 80))
    write_csv(folder / "03-GBK-Excel中文版.csv", [filled(r, i) if i < 40 else r for i, r in enumerate(rows)], "gbk")
    everything = [filled(r, i) for i, r in enumerate(rows)]
    write_csv(folder / "04-UTF8-BOM.csv", everything, "utf-8-sig", blank_before=(10, 11, 50))
    convert_to_xls(folder / "05-Excel97-2003.xls", first)
    some = [filled(r, i) if i < 100 else r for i, r in enumerate(rows)]
    write_csv(folder / "06-日期不明.csv", change(some, {4: {"started": "11/12/2026"}}), "utf-8-sig")
    write_xlsx(folder / "07-代码有误.xlsx", change(some, {7: {"codes": "G"}, 30: {"codes": "Ｘ；1"}}))
    number = float(913308021420021000)
    write_xlsx(folder / "08-信用代码存为数字.xlsx", change(some, {2: {"uscc": number}}))
    write_csv(folder / "09-信用代码科学计数.csv", change(some, {5: {"uscc": "9.13308E+17"}}), "utf-8-sig")
    write_xlsx(folder / "10-漏填代码.xlsx", change(some, {9: {"codes": None}}))


def change(rows: list[dict], changes: dict[int, dict]) -> list[dict]:
    return [{**r, **changes.get(i, {})} for i, r in enumerate(rows)]


def header() -> list[str]:
    """The form's Chinese headers, some with the spaces people leave in them."""
    spaced = {"uscc": " 统一社会信用代码", "started": "检查开始 日期", "codes": "检查结果代码 "}
    return [spaced.get(c, LABELS[c]) for c in COLUMNS]


def write_xlsx(path: Path, rows: list[dict], blank_before: tuple[int, ...] = ()) -> None:
    """A workbook as an office returns it: 说明 first, then the form under two title rows and a blank one."""
    book = xlsxwriter.Workbook(path)
    book.set_properties({"created": dt.datetime(2026, 11, 1)})  # the same bytes on every run
    notes = book.add_worksheet("说明")
    notes.write(0, 0, "填表说明")
    notes.write(
        1, 0, "检查日期请填写为 YYYY-MM-DD；检查结果代码见 docs/disclosure.md；未检查的对象留空，待检查后再导入。"
    )
    sheet = book.add_worksheet("检查结果")
    formats = {
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "text": book.add_format({"num_format": "@"}),
    }
    sheet.write(0, 0, f"{ROUND} 抽查检查结果录入表")
    sheet.write(1, 0, "衢州市柯城区市场监督管理局")
    line = 3
    sheet.write_row(line, 0, header())
    for i, row in enumerate(rows):
        line += 1 + (i in blank_before)
        for j, column in enumerate(COLUMNS):
            value = row[column]
            if value is None:
                continue
            if isinstance(value, dt.date):
                kind = DATE_CELLS[row["date_form"] % len(DATE_CELLS)] if row["date_form"] % 2 else "text"
                write_date(sheet, line, j, value, kind, row["date_form"], formats)
            elif isinstance(value, float):
                sheet.write_number(line, j, value)  # what Excel makes of a long number typed in a General cell
            else:
                sheet.write_string(line, j, value, formats["text"])
    book.close()


def write_date(sheet, line: int, col: int, day: dt.date, kind: str, form: int, formats: dict) -> None:
    if kind == "date":
        sheet.write_datetime(line, col, dt.datetime.combine(day, dt.time()), formats["date"])
    elif kind == "datetime":
        sheet.write_datetime(line, col, dt.datetime.combine(day, dt.time(14, 30)), formats["datetime"])
    elif kind == "serial":
        sheet.write_number(line, col, (day - EXCEL_EPOCH).days)  # a date typed into a General cell, as a number
    else:
        sheet.write_string(line, col, DATE_TEXTS[form % len(DATE_TEXTS)](day), formats["text"])


def write_csv(path: Path, rows: list[dict], encoding: str, blank_before: tuple[int, ...] = ()) -> None:
    """A CSV file as Excel saves one: CRLF, every row as wide as the header, dates as the sheet shows them."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header())
    for i, row in enumerate(rows):
        if i in blank_before:
            writer.writerow([""] * len(COLUMNS))
        cells = []
        for column in COLUMNS:
            value = row[column]
            if isinstance(value, dt.date):
                value = DATE_TEXTS[(row["date_form"] + (column == "ended")) % len(DATE_TEXTS)](value)
            cells.append("" if value is None else value)
        writer.writerow(cells)
    path.write_bytes(text.getvalue().encode(encoding))


def convert_to_xls(path: Path, rows: list[dict]) -> None:
    """The form saved as Excel 97–2003 by LibreOffice."""
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / f"{path.stem}.xlsx"
        write_xlsx(source, rows, blank_before=(20, 80))
        subprocess.run(
            [
                "soffice",
                "--headless",
                f"-env:UserInstallation=file://{scratch}/profile",
                "--convert-to",
                "xls",
                "--outdir",
                scratch,
                str(source),
            ],
            check=True,
            capture_output=True,
        )
        shutil.copyfile(Path(scratch) / f"{path.stem}.xls", path)


if __name__ == "__main__":
    main()
