"""Task lists after the teams are drawn: per department, per inspector, the 告知清单 and a 检查告知书 per firm
(双清单), and the round's results form.

- **The inspection window** (检查时间) of a round is its calendar month (:func:`inspection_window`): a result
  whose inspection started before it is refused (:mod:`xinyong.results.check`), and a result not yet
  recorded is counted due from the month's last day (:mod:`xinyong.results.status`).  Its **results
  deadline** is the 20th official working day after the window's end (results are made public within 20
  working days, 国发〔2019〕5号; :func:`xinyong.core.calendar.result_due`, with the workspace's calendar
  supplement); when neither the installed calendar nor the supplement knows a year it needs, the lists say
  so — 截止日期未知（…）— instead of guessing.
- **A department's list** (``<round>-<department>``) has every target of its plans; a target of a joint plan
  (联合抽查) is on the list of every department of the plan, which names the lead.  Each row carries the firm
  (USCC, name, address when the registry has one, town, station, grid), the team — names and 执法证 numbers,
  which officers show at the door — and whether it is staffed; the plan, its items and their 抽查依据
  (``inspection_items.legal_basis``), the window, the deadline and the round follow on screen and in the CSV,
  and for a round drawn under draw spec v1 the draw's public key (a v2 round's keys are not public: the list is
  in the draw's order, without them).  The printed sheet (:mod:`xinyong.workspace.sheets`: A4 landscape, one page wide)
  shows the firm and team columns under title lines with the window, the deadline and each plan's items and
  legal basis, so the paper carries everything once.
- **A personal list** (``inspectors/<round>-<id>-<name>``) is the same for one inspector's targets, titled with
  whose it is: name, 执法证号 and department.
- **The 告知清单** lists every staffed target with its team and the file of its 检查告知书, **one PDF per
  firm** (``告知书/<round>-<plan>-<uscc>-<name>.pdf``, :mod:`xinyong.rounds.notice`), each one A4 page.  There
  is no combined PDF: WeasyPrint holds every page of a document in memory until it is written (about 1 MB a
  page), and a team prints the notices of its own firms (its personal list names them).  The office's
  contact on the notice is the workspace's ``[workspace] contact``; without one the notice leaves lines to
  fill in.
- **The results form** (``<round>-检查结果录入表.xlsx``, :mod:`xinyong.rounds.form`) has every staffed target and
  its team filled in, for the inspectors to add dates and result codes and hand back to ``xinyong results import``.

Lists are xlsx and CSV in UTF-8 with a BOM (Excel shows a CSV's Chinese only with it), the CSV made safe for
spreadsheets (:func:`xinyong.workspace.sheets.csv_bytes`: no cell is a formula, an all-digit USCC stays text);
the form is xlsx only.  Nothing carries an ID-card number, a phone number, a tier or a score.  A round must
be finalised (``xinyong round finalize``) first; the teams are the teams on record
(:mod:`xinyong.rounds.staffing`): after a reassignment, run it again.  Everything is written holding the
round's lock and is the same bytes every time it is written, so a run cut short is finished by running it again.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from xinyong.core.calendar import NO_SUPPLEMENT, RESULT_DEADLINE_WORKDAYS, Supplement, result_due
from xinyong.core.canonical import records_of
from xinyong.core.codes import authority_of
from xinyong.core.ids import RoundId
from xinyong.draw.plans import Plan, parse_plans_json
from xinyong.errors import CalendarUnavailableError
from xinyong.rounds import notice
from xinyong.rounds.form import form_sheets
from xinyong.rounds.staffing import read_staffing
from xinyong.rounds.stage import Stage, changes_round, require, version_of
from xinyong.workspace import checks, fsio
from xinyong.workspace.layout import PLANS, SELECTION, RoundPaths, clean_table
from xinyong.workspace.sheets import Sheet

# The columns of a task list: the printed ones first (firm and team), then those on screen and in the CSV.
PRINTED = {
    "plan": "计划编号",
    "uscc": "统一社会信用代码",
    "name": "市场主体名称",
    "address": "住所(经营场所)",  # only when the registry has the column
    "town": "乡镇(街道)",
    "station": "属地市场监管所",
    "grid": "监管网格",
    "team": "检查人员（姓名、执法证号）",
    "status": "派员状态",
}
ON_SCREEN = {
    "plan_name": "抽查计划",
    "items": "抽查事项",
    "legal_basis": "抽查依据",
    "lead": "牵头部门",
    "departments": "参与部门",
    "window": "检查时间",
    "deadline": "结果公示截止",
    "key": "随机键值(可公开验证)",
    "round": "抽查批次",
}
HEADERS = PRINTED | ON_SCREEN
# The columns of the 告知清单, likewise.
NOTICE_PRINTED = {
    "uscc": "统一社会信用代码",
    "name": "市场主体名称",
    "address": "住所(经营场所)",
    "plan": "计划编号",
    "plan_name": "抽查计划",
    "team": "检查人员（姓名、执法证号）",
}
NOTICE_ON_SCREEN = {
    "notice": "检查告知书文件",
    "items": "抽查事项",
    "legal_basis": "抽查依据",
    "window": "检查时间",
    "round": "抽查批次",
}
NOTICE = NOTICE_PRINTED | NOTICE_ON_SCREEN
STAFFED = "已派员"
UNSTAFFED = "未能派员（无符合规则的检查人员，已在本批次的派员决定中记录）"
UNKNOWN = "截止日期未知"
FIRM_COLUMNS = ("uscc", "name", "address", "town", "station", "grid")


def inspection_window(round_id: RoundId) -> tuple[dt.date, dt.date]:
    """The days a round's inspections take place: its calendar month."""
    return round_id.first_day, round_id.last_day


def day_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def deadline_text(window_end: dt.date, supplement: Supplement = NO_SUPPLEMENT) -> str:
    """The results deadline after ``window_end``, or why it is not known yet."""
    try:
        return result_due(window_end, supplement).isoformat()
    except CalendarUnavailableError as missing:
        return f"{UNKNOWN}（{missing}）"


@changes_round(Stage.FINALIZED, "round tasks")
def write_task_lists(
    out: Path, round_id: RoundId, clean_dir: Path, *, supplement: Supplement = NO_SUPPLEMENT, contact: str = ""
) -> dict[str, int]:
    """Every list, notice and the form under ``OUT/rounds/<round>/tasks/``; returns rows per department."""
    paths = RoundPaths(out, round_id)
    require(paths, Stage.FINALIZED, "round tasks")
    checks.clean_folder(clean_dir)
    selection = records_of((paths.audit / SELECTION).read_bytes())
    teams = read_staffing(paths).teams()
    roster = pl.read_parquet(
        clean_table(clean_dir, "inspectors"),
        columns=["inspector_id", "name", "cert_no", "staff_type", "department", "station"],
    )
    people = {r["inspector_id"]: r for r in roster.iter_rows(named=True)}
    plans = parse_plans_json((paths.audit / PLANS).read_bytes())
    items = {
        r["item_id"]: r
        for r in pl.read_parquet(
            clean_table(clean_dir, "inspection_items"), columns=["item_id", "name", "legal_basis"]
        ).iter_rows(named=True)
    }
    enterprises = clean_table(clean_dir, "enterprises")
    firms = pl.read_parquet(enterprises, columns=[c for c in FIRM_COLUMNS if c in pl.read_parquet_schema(enterprises)])
    start, end = inspection_window(round_id)
    window = f"{day_text(start)}至{day_text(end)}"
    deadline = deadline_text(end, supplement)
    rows = []
    for record in selection:
        plan = plans[record["plan"]]
        team = teams[(plan.id, record["uscc"])]
        for department in plan.departments:
            rows.append(
                {
                    "department": department,
                    "round": str(round_id),
                    "plan": plan.id,
                    "plan_name": plan.name,
                    "items": "；".join(f"{i} {items[i]['name']}" for i in plan.items),
                    "legal_basis": "；".join(items[i]["legal_basis"] for i in plan.items),
                    "lead": plan.lead,
                    "departments": "、".join(plan.departments),
                    "window": window,
                    "deadline": deadline,
                    "uscc": record["uscc"],
                    "key": record["key"],
                    "team": "、".join(_member(people[i]) for i in team),
                    "team_ids": team,
                    "team_names": [people[i]["name"] for i in team],
                    "status": STAFFED if team else UNSTAFFED,
                }
            )
    table = pl.DataFrame(rows).join(firms, on="uscc", how="left").sort("department", "plan", "key")
    shown = HEADERS if not version_of(paths).salted else {k: v for k, v in HEADERS.items() if k != "key"}
    columns, printed = _present(shown, PRINTED, table)
    latest = deadline if deadline.startswith(UNKNOWN) else f"最迟 {deadline}"
    head = (f"检查时间：{window}；检查结果自检查完成之日起{RESULT_DEADLINE_WORKDAYS}个工作日内公示，{latest}",)

    def task_sheet(part: pl.DataFrame, heading: str) -> Sheet:
        lines = tuple(_plan_line(plans[p], items) for p in part["plan"].unique(maintain_order=True))
        return Sheet(part.select(list(columns)).rename(columns), (heading, *head, *lines), printed)

    counts = {}
    for (department,), part in table.group_by("department", maintain_order=True):
        heading = f"{round_id} {department} 双随机抽查检查任务清单（{part.height} 户）"
        _write(paths.task_list(department), task_sheet(part, heading), "检查任务清单")
        counts[department] = part.height
    per_target = table.unique(["plan", "uscc"], maintain_order=True)
    for (inspector,), part in per_target.explode("team_ids").drop_nulls("team_ids").group_by("team_ids"):
        who = people[inspector]
        certificate = f"执法证号 {who['cert_no']}" if who["cert_no"] else who["staff_type"]
        heading = f"{round_id} 个人检查任务清单：{who['name']}（{certificate}；{who['department']} {who['station']}）"
        path = paths.inspector_list(inspector, who["name"])
        _write(path, task_sheet(part.sort("plan", "key"), heading), "个人检查任务")
    staffed = per_target.filter(pl.col("team") != "").sort("plan", "uscc")
    notices = [_notice(r, plans[r["plan"]], items, people, window, contact) for r in staffed.iter_rows(named=True)]
    files = [paths.notice(n.plan, n.uscc, n.firm) for n in notices]
    listed = staffed.with_columns(notice=pl.Series([f.name for f in files], dtype=pl.Utf8))
    notice_columns, notice_printed = _present(NOTICE, NOTICE_PRINTED, listed)
    heading = f"{round_id} 检查告知清单（双清单：抽查对象与检查人员，{listed.height} 户）"
    sheet = Sheet(listed.select(list(notice_columns)).rename(notice_columns), (heading, *head), notice_printed)
    _write(paths.notices, sheet, "检查告知")
    for path, data in zip(files, notice.pdfs(notices), strict=True):
        fsio.write_bytes(path, data)
    fsio.write_xlsx(paths.results_form.with_suffix(".xlsx"), form_sheets(staffed, start))
    return counts


def _present(columns: dict[str, str], printed: dict[str, str], table: pl.DataFrame) -> tuple[dict[str, str], int]:
    """The ``columns`` of a list that ``table`` has (an address only when the registry has one), and how many
    of them are printed."""
    present = {k: v for k, v in columns.items() if k in table.columns}
    return present, sum(1 for k in printed if k in present)


def _member(person: dict) -> str:
    """A team member as a list shows them: name and 执法证号 (an expert or assistant: what they are)."""
    return f"{person['name']}({person['cert_no'] or person['staff_type']})"


def _plan_line(plan: Plan, items: dict[str, dict]) -> str:
    """One plan as a title line: its items, their legal basis and its departments."""
    listed = "；".join(f"{i} {items[i]['name']}（{items[i]['legal_basis']}）" for i in plan.items)
    who = (
        f"牵头部门 {plan.lead}，联合 {'、'.join(plan.departments[1:])}"
        if len(plan.departments) > 1
        else f"实施部门 {plan.lead}"
    )
    return f"{plan.id} {plan.name}：抽查事项及依据 {listed}；{who}"


def _notice(
    row: dict, plan: Plan, items: dict[str, dict], people: dict[str, dict], window: str, contact: str
) -> notice.Notice:
    division = RoundId.parse(row["round"], "round").division
    return notice.Notice(
        number=f"{row['round']}-{plan.id}-{row['uscc']}",
        firm=row["name"] or "",
        uscc=row["uscc"],
        address=row.get("address") or "",
        round=row["round"],
        plan=plan.id,
        plan_name=plan.name,
        authorities=tuple(authority_of(division, d) for d in plan.departments),
        items=tuple(notice.Item(i, items[i]["name"], items[i]["legal_basis"]) for i in plan.items),
        window=window,
        team=tuple(
            notice.Officer(
                people[i]["name"],
                f"{people[i]['department']}（{people[i]['station']}）",
                people[i]["cert_no"] or f"（{people[i]['staff_type']}，无执法证）",
            )
            for i in row["team_ids"]
        ),
        contact=contact,
    )


def _write(base: Path, sheet: Sheet, worksheet: str) -> None:
    fsio.write_csv(base.with_suffix(".csv"), sheet.frame, bom=True)
    fsio.write_xlsx(base.with_suffix(".xlsx"), {worksheet: sheet})
