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
drawn under v1 as it was published then, its selected firms with their keys.

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
from xinyong.draw.sources import Drand, Source, outputs, parse_sources
from xinyong.publish.checkpoint import DASH, NoteError, b64decode
from xinyong.reports.render import render
from xinyong.results.check import Record
from xinyong.workspace.layout import (
    ATTESTATIONS,
    COMMITMENT,
    DOWNLOADS,
    INDEX,
    PLANS,
    RANDOMNESS,
    SELECTED,
    SELECTION,
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


def build_site(
    division: str, rounds: list[Round], records: list[PublicRecord], names: dict[str, str]
) -> dict[str, bytes]:
    """Every page and download of the site, by path."""
    place = divisions.place(division)
    corrected = {r["更正记录"]: r["记录号"] for r in records if r["更正记录"]}
    shown = [
        {**r, "状态": f"已被 {corrected[r['记录号']]} 更正" if r["记录号"] in corrected else "有效"} for r in records
    ]
    site = {
        "assets/site.css": _static("site.css"),
        "assets/site.js": _static("site.js"),
        "data/records.js": (
            "window.XINYONG_RECORDS = " + json.dumps(shown, ensure_ascii=False, indent=0) + ";\n"
        ).encode("utf-8"),
        **_downloads("results", shown),
        INDEX: _index(division, rounds, shown).encode("utf-8"),
    }
    for rnd in rounds:
        mine = [r for r in shown if r["抽查批次"] == str(rnd.id)]
        site |= _downloads(str(rnd.id), mine)
        site[f"{SITE_ROUNDS}/{rnd.id}.html"] = _round_page(place, rnd, mine, names).encode("utf-8")
    return site


# The columns of a download: a result's public fields with its id, its round and whether it is in force.
DOWNLOAD_COLUMNS = ("记录号", "抽查批次", *FIELDS, "状态")
DOWNLOAD_SHEET = "抽查检查结果"


def _downloads(name: str, rows: list[PublicRecord]) -> dict[str, bytes]:
    """The results ``rows`` as ``downloads/<name>``.xlsx, .csv and .json."""
    table = pl.DataFrame(
        {c: [r[c] for r in rows] for c in DOWNLOAD_COLUMNS}, schema=dict.fromkeys(DOWNLOAD_COLUMNS, pl.Utf8)
    )
    return {
        f"{DOWNLOADS}/{name}.xlsx": workbook({DOWNLOAD_SHEET: table}),
        f"{DOWNLOADS}/{name}.csv": csv_bytes(table),
        f"{DOWNLOADS}/{name}.json": (json.dumps(rows, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
    }


@dataclass(frozen=True)
class Month:
    """One round on the front page: its month and, per plan, the firms selected and results published."""

    round_id: str
    year: str
    month: int
    plans: list[list[str]]  # plan, departments, selected, published


@dataclass(frozen=True)
class IndexPage:
    place: str
    months: list[Month]  # newest first
    example: str  # what the search box suggests: the place's short name or its firms' USCC prefix


@dataclass(frozen=True)
class Randomness:
    value: str
    source: str


@dataclass(frozen=True)
class SourceRow:
    """A v2 round's randomness source as its page shows it: what was named in advance, and once revealed its value
    and output ``r``."""

    named: str  # the source, in words (drand chain and round and when it is produced; the announced description)
    value: str | None
    output: str | None


# The columns of a round page's results table.
ROUND_RESULT_COLUMNS = ("检查实施机关", "类型", "抽查计划", "市场主体名称", "统一社会信用代码", "日期", "结果", "状态")


@dataclass(frozen=True)
class RoundPage:
    place: str
    round_id: str
    commitment_sha256: str
    v2: bool
    randomness: Randomness | None  # v1: None until the round's public randomness is in
    sources: list[SourceRow]  # v2: the sources, in the commitment's order
    seed: str | None  # v2: once the randomness is in
    parent: str | None  # v2: the round a supplementary round replaces targets of
    plans: list[list[str]]  # v2: plan, name, frame records N_p, to select n_p, selected
    attestations: list[list[str]]  # v2: auditor (key name), key id, file
    selection: list[list[str]]  # plan, USCC, name (and under v1 the key)
    result_columns: tuple[str, ...]
    results: list[list[str]]


def _index(division: str, rounds: list[Round], records: list[PublicRecord]) -> str:
    by_round_plan: defaultdict[tuple[str, str], int] = defaultdict(int)
    for r in records:
        by_round_plan[(r["抽查批次"], r["抽查计划"])] += 1
    months = []
    for rnd in sorted(rounds, key=lambda r: r.id, reverse=True):
        selected: defaultdict[str, int] = defaultdict(int)
        for s in rnd.selection:
            selected[s["plan"]] += 1
        rows = [
            [
                p.name,
                "、".join(p.departments),
                str(selected.get(pid, 0)),
                str(by_round_plan.get((str(rnd.id), p.name), 0)),
            ]
            for pid, p in sorted(rnd.plans.items())
        ]
        first = rnd.id.first_day
        months.append(Month(str(rnd.id), str(first.year), first.month, rows))
    example = f"{divisions.short_name(division)} 或 91{divisions.prefix(division)}…"
    return render("publish/index.html", page=IndexPage(divisions.place(division), months, example))


def _round_page(place: str, rnd: Round, records: list[PublicRecord], names: dict[str, str]) -> str:
    randomness, sources, seed, parent, plans, attestations = None, [], None, None, [], []
    revealed = rnd.randomness
    if rnd.v2:
        named = parse_sources(rnd.committed["randomness"]["sources"])
        sources = [SourceRow(_named(s), None, None) for s in named]
        if revealed:
            values: list[str] = revealed["values"]
            results = outputs(named, values)
            sources = [SourceRow(_named(s), v, r) for s, v, r in zip(named, values, results, strict=True)]
            seed = derive_seed_v2(hashlib.sha256(rnd.commitment).hexdigest(), results).hex()
        parent = (rnd.committed.get("parent") or {}).get("round")
        selected = Counter(s["plan"] for s in rnd.selection)
        plans = [
            [pid, rnd.plans[pid].name, str(size["frame"]), str(size["selected"]), str(selected[pid])]
            for pid, size in sorted(rnd.committed["sizes"].items())
        ]
        attestations = [[*_signer(note), name] for name, note in rnd.attestations.items()]
    elif revealed:
        randomness = Randomness(revealed["value"], rnd.committed["randomness"]["source"])
    page = RoundPage(
        place=place,
        round_id=str(rnd.id),
        commitment_sha256=hashlib.sha256(rnd.commitment).hexdigest(),
        v2=rnd.v2,
        randomness=randomness,
        sources=sources,
        seed=seed,
        parent=parent,
        plans=plans,
        attestations=attestations,
        selection=[
            [s["plan"], s["uscc"], names.get(s["uscc"], ""), *([] if rnd.v2 else [s["key"]])] for s in rnd.selection
        ],
        result_columns=ROUND_RESULT_COLUMNS,
        results=[[r[c] for c in ROUND_RESULT_COLUMNS] for r in records],
    )
    return render("publish/round.html", page=page)


def _named(source: Source) -> str:
    """A randomness source in words, for the public."""
    if isinstance(source, Drand):
        return f"{source.describe()}，链 {source.chain}"
    return source.describe()


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
