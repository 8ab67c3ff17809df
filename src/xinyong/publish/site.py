"""The 一公开 site — every published result, and how each round was drawn — as bytes from data.

What the public sees of every result is fixed (docs/disclosure.md): 检查实施机关, 类型, 抽查计划/事项, the
firm's name and USCC, 日期 and 结果 (国务院《关于在市场监管领域全面推行部门联合"双随机、一公开"监管的意见》,
国发〔2019〕5号: results are published through the enterprise credit publicity system), with the record's
记录号, 抽查批次, 公示日期 and 更正记录 so that it can be found, proved and corrected.  Nothing else: no
tier, no model output, no inspector's ID-card number or phone.  For each round the site
also shows how it was drawn and says in plain words how anyone can check the draw (:func:`_round_page`): under
draw spec v2 its commitment, the randomness sources it named in advance (a drand beacon round and its time, an
announced description), the values and the seed once revealed, each plan's frame and selected counts, the
selected firms without keys, and the auditors who attested the round (nothing of a stratum, a key or π); a round
drawn under v1 as it was published then, its selected firms with their keys.  A page links only to the round's
files that exist, and a round not yet drawn says how far it has got (:func:`_stage`) instead of a count.  A
round's results are listed with their 记录号 and 公示日期, a correction and what it corrects linked both ways; its
long tables are paged and filtered by ``publish/static/site.js`` (every row is in the page, for a reader without
a script) — docs/disclosure.md §3.

Every download is offered three ways: xlsx (text cells: a USCC stays 18 characters, a firm named
``=HYPERLINK(…)`` is a name), CSV for spreadsheets (UTF-8 with a BOM, its cells made safe:
:func:`xinyong.workspace.sheets.csv_bytes` — ``="…"`` around an all-digit USCC, ``'`` before a leading
``=``, ``+``, ``-`` or ``@``), and JSON, the records exactly as published, for programs.  None of them is an
input whose bytes a verifier re-derives: the log records their hashes in the site's manifest.

The site is static and self-contained — pages, one script, one stylesheet, and the records as a
script file — so it works opened from disk (file://) and behind any web server.  The pages are the
public family of templates, ``publish/base.html`` and one per page (:mod:`xinyong.reports.render`);
the script and the stylesheet are ``publish/static/``, copied as they are.  Building it is
pure: :func:`build_site` returns path → bytes; :mod:`xinyong.publish.run` reads the rounds, logs and
writes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any

import polars as pl

from xinyong.core import divisions
from xinyong.core.canonical import records_of
from xinyong.core.codes import RESULT_LABELS, authority_of
from xinyong.core.ids import RoundId
from xinyong.draw.keys import V2, derive_seed_v2
from xinyong.draw.plans import Plan, parse_plans_json
from xinyong.draw.sources import Drand, Source, outputs, parse_sources, utc
from xinyong.publish.checkpoint import DASH, NoteError, b64decode
from xinyong.reports.render import render
from xinyong.results.check import Record
from xinyong.workspace.layout import (
    ATTESTATIONS,
    COMMITMENT,
    DOWNLOADS,
    INDEX,
    LOG_CHECKPOINT,
    LOG_KEY,
    LOG_WITNESSES,
    PLANS,
    RANDOMNESS,
    RESULTS_DOWNLOAD,
    SELECTED,
    SELECTION,
    SITE_RECORDS_SCRIPT,
    SITE_ROUNDS,
)
from xinyong.workspace.sheets import csv_bytes, workbook

# A result as the public sees it: the public fields (all text), by their Chinese names.
PublicRecord = dict[str, str]
# The public fields of a result, in the order of docs/disclosure.md.
FIELDS = (
    "检查实施机关",
    "类型",
    "抽查计划",
    "抽查事项",
    "市场主体名称",
    "统一社会信用代码",
    "日期",
    "结果",
    "公示日期",
    "更正记录",
)


@dataclass(frozen=True)
class Round:
    id: RoundId
    files: dict[str, bytes]  # its public files (PUBLIC_ROUND_FILES, …_V2, attestations/*.txt) that exist, as published
    results: list[Record]  # every record, corrections included, in the order entered

    @cached_property
    def plans(self) -> dict[str, Plan]:
        return parse_plans_json(self.files[PLANS])

    @property
    def commitment(self) -> bytes:
        return self.files[COMMITMENT]

    @cached_property
    def committed(self) -> dict[str, Any]:
        value = json.loads(self.commitment)
        return value if isinstance(value, dict) else {}

    @property
    def v2(self) -> bool:
        return self.committed.get("spec") == V2.spec

    @property
    def randomness(self) -> dict[str, Any] | None:
        return json.loads(self.files[RANDOMNESS]) if RANDOMNESS in self.files else None

    @cached_property
    def selection(self) -> list[dict[str, str]]:
        """The selected pairs as published: v2's ``selected.jsonl``, v1's ``selection.jsonl`` (with keys)."""
        name = SELECTED if self.v2 else SELECTION
        return records_of(self.files[name]) if name in self.files else []

    @property
    def attestations(self) -> dict[str, bytes]:
        """The auditors' signed attestations published beside the round, by file name."""
        prefix = f"{ATTESTATIONS}/"
        return {name.removeprefix(prefix): data for name, data in sorted(self.files.items()) if name.startswith(prefix)}


def public_record(
    record: Record, plan: Plan, firm_name: str, item_names: dict[str, str], published: str
) -> PublicRecord:
    """The public form of one result record (the public fields of docs/disclosure.md, and its id and round)."""
    division = RoundId.parse(record["round"], f"result {record['id']}").division
    return {
        "记录号": record["id"],
        "抽查批次": record["round"],
        "检查实施机关": "、".join(authority_of(division, d) for d in plan.departments),
        "类型": "部门联合双随机抽查" if len(plan.departments) > 1 else "双随机抽查",
        "抽查计划": plan.name,
        "抽查事项": "；".join(item_names.get(i, i) for i in plan.items),
        "市场主体名称": firm_name,
        "统一社会信用代码": record["uscc"],
        "日期": record["ended"],
        "结果": "；".join(RESULT_LABELS[c] for c in record["codes"]),
        "公示日期": published,
        "更正记录": record["corrects"] or "",
    }


def correctors(records: list[PublicRecord]) -> dict[str, str]:
    """The 记录号 of each corrected record of ``records`` → the 记录号 of the record correcting it."""
    return {r["更正记录"]: r["记录号"] for r in records if r["更正记录"]}


def with_status(records: list[PublicRecord]) -> list[PublicRecord]:
    """Each record as the site shows it, with its 状态: 有效, or 已被 <记录号> 更正 when one of ``records``
    corrects it (a corrected record stays published, linked to its correction and back)."""
    corrected = correctors(records)
    return [
        {**r, "状态": f"已被 {corrected[r['记录号']]} 更正" if r["记录号"] in corrected else "有效"} for r in records
    ]


def records_json(rows: list[PublicRecord]) -> bytes:
    """The records as the JSON downloads hold them (:data:`SITE_RESULTS` and each round's)."""
    return (json.dumps(rows, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


_SCRIPT_HEAD, _SCRIPT_TAIL = "window.XINYONG_RECORDS = ", ";\n"


def records_script(rows: list[PublicRecord]) -> bytes:
    """The records as the search page loads them (:data:`SITE_RECORDS_SCRIPT`), so that it works from file://."""
    return (_SCRIPT_HEAD + json.dumps(rows, ensure_ascii=False, indent=0) + _SCRIPT_TAIL).encode("utf-8")


def read_records_script(data: bytes) -> object:
    """The records of a :func:`records_script` (JSON, as parsed); ValueError when it is not one."""
    text = data.decode("utf-8")
    if not (text.startswith(_SCRIPT_HEAD) and text.endswith(_SCRIPT_TAIL)):
        raise ValueError("not the site's records script")
    return json.loads(text[len(_SCRIPT_HEAD) : -len(_SCRIPT_TAIL)])


def build_site(
    division: str, rounds: list[Round], records: list[PublicRecord], names: dict[str, str]
) -> dict[str, bytes]:
    """Every page and download of the site, by path."""
    place = divisions.place(division)
    shown = with_status(records)
    site = {
        "assets/site.css": _static("site.css"),
        "assets/site.js": _static("site.js"),
        SITE_RECORDS_SCRIPT: records_script(shown),
        **_downloads(RESULTS_DOWNLOAD, shown),
        INDEX: _index(division, rounds, shown).encode("utf-8"),
    }
    for rnd in rounds:
        mine = [r for r in shown if r["抽查批次"] == str(rnd.id)]
        site |= _downloads(str(rnd.id), mine)
        site[f"{SITE_ROUNDS}/{rnd.id}.html"] = _round_page(place, rnd, mine, names).encode("utf-8")
    return site


# A published record, as the log holds it: its id, its round and the public fields.
RECORD_KEYS = ("记录号", "抽查批次", *FIELDS)
# The columns of a download: a published record and whether it is in force.
DOWNLOAD_COLUMNS = (*RECORD_KEYS, "状态")
DOWNLOAD_SHEET = "抽查检查结果"


def _downloads(name: str, rows: list[PublicRecord]) -> dict[str, bytes]:
    """The results ``rows`` as ``downloads/<name>``.xlsx, .csv and .json."""
    table = pl.DataFrame(
        {c: [r[c] for r in rows] for c in DOWNLOAD_COLUMNS}, schema=dict.fromkeys(DOWNLOAD_COLUMNS, pl.Utf8)
    )
    return {
        f"{DOWNLOADS}/{name}.xlsx": workbook({DOWNLOAD_SHEET: table}),
        f"{DOWNLOADS}/{name}.csv": csv_bytes(table),
        f"{DOWNLOADS}/{name}.json": records_json(rows),
    }


@dataclass(frozen=True)
class Month:
    """One round on the front page: its month, how far it has got and, per plan, the firms selected and results
    published (until the draw, the step it waits for instead of a count)."""

    round_id: str
    year: str
    month: int
    stage: str  # what the public files say of the round, in words (:func:`_stage`)
    plans: list[list[str]]  # plan, departments, selected, published


@dataclass(frozen=True)
class LogFiles:
    """The log's files a reader keeps or pins, by their paths on the site (the log's layout names them)."""

    key: str = LOG_KEY
    witnesses: str = LOG_WITNESSES
    checkpoint: str = LOG_CHECKPOINT


@dataclass(frozen=True)
class IndexPage:
    place: str
    months: list[Month]  # newest first
    example: str  # what the search box suggests: the place's short name or its firms' USCC prefix
    log: LogFiles


@dataclass(frozen=True)
class Randomness:
    value: str
    source: str


@dataclass(frozen=True)
class SourceRow:
    """A v2 round's randomness source as its page shows it: what was named in advance, where its value is
    published, and once revealed its value and output ``r``."""

    named: str  # the source, in words (drand chain and round and when it is produced; the announced description)
    where: str | None  # a drand round's address on drand's public HTTP relay, where anyone can fetch its value
    value: str | None
    output: str | None


@dataclass(frozen=True)
class ResultRow:
    """One result on a round's page: the record's 记录号 (the row's anchor), the fields shown, and the record it
    corrects and the record correcting it, each a link to its row."""

    id: str
    cells: list[str]  # ROUND_RESULT_COLUMNS[1:-2]: 抽查计划 … 公示日期
    corrects: str  # 更正记录: the 记录号 this record corrects, or ""
    corrects_href: str  # its row: on this page, or the search of the front page when it is another round's
    corrected_by: str  # the 记录号 of the record correcting this one (a row of this page), or "" (状态 有效)


# The columns of a round page's results table.  The page lists the plans' 检查实施机关 and 类型 once, in its plan
# table; every public field is in the downloads and the search.
ROUND_RESULT_COLUMNS = (
    "记录号",
    "抽查计划",
    "市场主体名称",
    "统一社会信用代码",
    "日期",
    "结果",
    "公示日期",
    "更正记录",
    "状态",
)
# The rows of a long table a round page shows at once (site.js pages and filters them; without a script every row
# is there, in one long page).
PAGE_ROWS = 50


@dataclass(frozen=True)
class RoundPage:
    place: str
    round_id: str
    commitment_sha256: str
    v2: bool
    files: frozenset[str]  # the round's public files that exist: the page links to these only
    randomness: Randomness | None  # v1: None until the round's public randomness is in
    sources: list[SourceRow]  # v2: the sources, in the commitment's order
    seed: str | None  # v2: once the randomness is in
    parent: str | None  # v2: the round a supplementary round replaces targets of
    plan_columns: tuple[str, ...]
    plans: list[list[str]]  # plan, name, 检查实施机关, 类型, (v2: frame records N_p, to select n_p,) selected
    attestations: list[list[str]]  # v2: auditor (key name), key id, file
    drawn: bool  # the selected firms are published
    selection: list[list[str]]  # plan, USCC, name (and under v1 the key)
    result_columns: tuple[str, ...]
    results: list[ResultRow]
    page_rows: int


def _index(division: str, rounds: list[Round], records: list[PublicRecord]) -> str:
    by_round_plan: defaultdict[tuple[str, str], int] = defaultdict(int)
    for r in records:  # the results in force: a corrected record and its correction are one target's result
        by_round_plan[(r["抽查批次"], r["抽查计划"])] += r["状态"] == "有效"
    months = []
    for rnd in sorted(rounds, key=lambda r: r.id, reverse=True):
        selected = Counter(s["plan"] for s in rnd.selection)
        drawn = _drawn(rnd)
        rows = [
            [
                p.name,
                "、".join(p.departments),
                str(selected[pid]) if drawn else "待抽取",
                str(by_round_plan.get((str(rnd.id), p.name), 0)) if drawn else "—",
            ]
            for pid, p in sorted(rnd.plans.items())
        ]
        first = rnd.id.first_day
        months.append(Month(str(rnd.id), str(first.year), first.month, _stage(rnd), rows))
    example = f"{divisions.short_name(division)} 或 91{divisions.prefix(division)}…"
    return render("publish/index.html", page=IndexPage(divisions.place(division), months, example, LogFiles()))


def _drawn(rnd: Round) -> bool:
    """Whether the round's selected firms are published (v2 ``selected.jsonl``, v1 ``selection.jsonl``)."""
    return (SELECTED if rnd.v2 else SELECTION) in rnd.files


def _stage(rnd: Round) -> str:
    """How far the round has got, as its public files say: committed, its randomness in, or drawn."""
    if _drawn(rnd):
        return "已抽取"
    if rnd.randomness is not None:
        return "已取得随机数，待抽取"
    return "已公布承诺，待取得随机数后抽取"


def _round_page(place: str, rnd: Round, records: list[PublicRecord], names: dict[str, str]) -> str:
    randomness, sources, seed, parent, attestations = None, [], None, None, []
    revealed = rnd.randomness
    selected = Counter(s["plan"] for s in rnd.selection)
    drawn = _drawn(rnd)
    plans = {
        pid: [
            pid,
            plan.name,
            "、".join(authority_of(rnd.id.division, d) for d in plan.departments),
            "部门联合双随机抽查" if len(plan.departments) > 1 else "双随机抽查",
        ]
        for pid, plan in sorted(rnd.plans.items())
    }
    plan_columns: tuple[str, ...] = ("计划编号", "抽查计划", "检查实施机关", "类型")
    if rnd.v2:
        named = parse_sources(rnd.committed["randomness"]["sources"])
        sources = [SourceRow(_named(s), _where(s), None, None) for s in named]
        if revealed:
            values: list[str] = revealed["values"]
            results = outputs(named, values)
            sources = [SourceRow(_named(s), _where(s), v, r) for s, v, r in zip(named, values, results, strict=True)]
            seed = derive_seed_v2(hashlib.sha256(rnd.commitment).hexdigest(), results).hex()
        parent = (rnd.committed.get("parent") or {}).get("round")
        sizes = rnd.committed["sizes"]
        plan_columns += ("抽查名录户数", "应抽户数", "已抽户数")
        for pid, row in plans.items():
            size = sizes.get(pid, {"frame": "—", "selected": "—"})
            row += [str(size["frame"]), str(size["selected"]), str(selected[pid]) if drawn else "待抽取"]
        attestations = [[*_signer(note), name] for name, note in rnd.attestations.items()]
    else:
        plan_columns += ("已抽户数",)
        for pid, row in plans.items():
            row.append(str(selected[pid]) if drawn else "待抽取")
        if revealed:
            randomness = Randomness(revealed["value"], rnd.committed["randomness"]["source"])
    corrected = correctors(records)
    here = {r["记录号"] for r in records}
    page = RoundPage(
        place=place,
        round_id=str(rnd.id),
        commitment_sha256=hashlib.sha256(rnd.commitment).hexdigest(),
        v2=rnd.v2,
        files=frozenset(rnd.files),
        randomness=randomness,
        sources=sources,
        seed=seed,
        parent=parent,
        plan_columns=plan_columns,
        plans=list(plans.values()),
        attestations=attestations,
        drawn=drawn,
        selection=[
            [s["plan"], s["uscc"], names.get(s["uscc"], ""), *([] if rnd.v2 else [s["key"]])] for s in rnd.selection
        ],
        result_columns=ROUND_RESULT_COLUMNS,
        results=[
            ResultRow(
                r["记录号"],
                [r[c] for c in ROUND_RESULT_COLUMNS[1:-2]],
                r["更正记录"],
                f"#{r['更正记录']}" if r["更正记录"] in here else f"../{INDEX}#{r['更正记录']}",
                corrected.get(r["记录号"], ""),
            )
            for r in records
        ],
        page_rows=PAGE_ROWS,
    )
    return render("publish/round.html", page=page)


BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")
# drand's public HTTP relay (League of Entropy): GET <relay>/<chain hash>/public/<round> gives that round's signature.
DRAND_RELAY = "https://api.drand.sh"


def _named(source: Source) -> str:
    """A randomness source in words, for the public: a drand round by its chain, number and the moment it is
    produced (UTC and 北京时间); an announced value by its description, as committed."""
    if isinstance(source, Drand):
        produced = source.beacon.round_time(source.round)
        return (
            f"drand 公共随机信标 {source.beacon.name} 链（链哈希 {source.chain}）第 {source.round} 轮，"
            f"产生于 {utc(produced)}（北京时间 {produced.astimezone(BEIJING):%Y-%m-%d %H:%M:%S}）"
        )
    return f"事先公开宣布的数值：{source.description}"


def _where(source: Source) -> str | None:
    """Where anyone can fetch a drand round's value once it is produced; None for an announced value."""
    return f"{DRAND_RELAY}/{source.chain}/public/{source.round}" if isinstance(source, Drand) else None


def _signer(note: bytes) -> tuple[str, str]:
    """(key name, key id in hex) of the first signature of a signed note, as the page lists who attested."""
    _, _, signatures = note.decode("utf-8", errors="replace").partition("\n\n")
    line = next((line for line in signatures.split("\n") if line.startswith(DASH)), "")
    name, _, blob = line[len(DASH) :].partition(" ")
    try:
        key = b64decode(blob, "signature")[:4].hex()
    except NoteError:
        key = ""
    return name, key


def _static(name: str) -> bytes:
    """A file of the site that is the same on every site (``publish/static/``), as shipped."""
    return resources.files("xinyong.publish").joinpath("static", name).read_bytes()
