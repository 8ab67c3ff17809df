"""``xinyong disclose``: the 一公开 site — every published result, and how each round was drawn.

What the public sees is fixed by DESIGN.md: 检查实施机关, 类型, 抽查计划/事项, the firm's name and USCC,
日期 and 结果, for every result (国务院《关于在市场监管领域全面推行部门联合"双随机、一公开"监管的意见》,
国发〔2019〕5号: results are published through the enterprise credit publicity system).  Nothing
else: no tier, no model output, no inspector's ID-card number or phone.  For each round the site
also shows its commitment, its public randomness and the selected firms with their keys, and says
in plain words how anyone can check the draw.

The site is static and self-contained — pages, one script, one stylesheet, and the records as a
script file — so it works opened from disk (file://) and behind any web server.  Building it is
pure (:func:`build_site` returns path → bytes); :func:`disclose` then logs every new result and the
manifest of the site's files in the transparency log (:mod:`xinyong.publish.translog`) *before* writing
them, so no published record is ever without its log entry.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import polars as pl

from xinyong.core.canonical import records_of
from xinyong.core.codes import RESULT_LABELS, authority_of, division_name
from xinyong.core.ids import RoundId
from xinyong.errors import UsageError
from xinyong.publish import translog
from xinyong.results.run import read_results
from xinyong.rounds.stage import Stage, stage_of
from xinyong.workspace import checks, fsio
from xinyong.workspace.layout import (
    COMMITMENT,
    DOWNLOADS,
    INDEX,
    PLANS,
    PUBLIC,
    PUBLIC_ROUND_FILES,
    RANDOMNESS,
    ROUNDS,
    SELECTION,
    SITE_ROUNDS,
    RoundPaths,
    clean_table,
)

# The public fields of a result, in the order of DESIGN.md.
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
    files: dict[str, bytes]  # its public files (PUBLIC_ROUND_FILES) that exist, as published
    results: list[dict]  # every record, corrections included, in the order entered

    @cached_property
    def plans(self) -> dict[str, dict]:
        return {p["id"]: p for p in json.loads(self.files[PLANS])}

    @property
    def commitment(self) -> bytes:
        return self.files[COMMITMENT]

    @property
    def randomness(self) -> dict | None:
        return json.loads(self.files[RANDOMNESS]) if RANDOMNESS in self.files else None

    @cached_property
    def selection(self) -> list[dict]:
        return records_of(self.files[SELECTION]) if SELECTION in self.files else []


def read_round(out: Path, round_id: RoundId) -> Round:
    public = RoundPaths(out, round_id).public
    files = {name: (public / name).read_bytes() for name in PUBLIC_ROUND_FILES if (public / name).exists()}
    return Round(round_id, files, read_results(out, round_id))


def public_record(record: dict, plan: dict, firm_name: str, item_names: dict[str, str], published: str) -> dict:
    """The public form of one result record (DESIGN.md's public fields, and its id)."""
    division = RoundId.parse(record["round"], f"result {record['id']}").division
    return {
        "记录号": record["id"],
        "抽查批次": record["round"],
        "检查实施机关": "、".join(authority_of(division, d) for d in plan["departments"]),
        "类型": "部门联合双随机抽查" if len(plan["departments"]) > 1 else "双随机抽查",
        "抽查计划": plan["name"],
        "抽查事项": "；".join(item_names.get(i, i) for i in plan["items"]),
        "市场主体名称": firm_name,
        "统一社会信用代码": record["uscc"],
        "日期": record["ended"],
        "结果": "；".join(RESULT_LABELS[c] for c in record["codes"]),
        "公示日期": published,
        "更正记录": record["corrects"] or "",
    }


def disclose(out: Path, public_dir: Path, clean_dir: Path, *, today: dt.date) -> dict:
    """Publish every recorded result of every round under ``out`` to the site in ``public_dir``."""
    checks.clean_folder(clean_dir)
    checks.output_folder(public_dir, clean_dir)
    if out.resolve() == public_dir.resolve() or public_dir.resolve() in out.resolve().parents:
        raise UsageError(
            f"{public_dir}: the work folder {out} would be inside the public site; publish to another folder, "
            f"e.g. {out / PUBLIC}"
        )
    round_ids = [r for r in work_rounds(out) if stage_of(RoundPaths(out, r)) >= Stage.COMMITTED]
    if not round_ids:
        raise UsageError(f"{out}: no committed rounds to disclose (looked in {out / ROUNDS})")
    divisions = sorted({r.division for r in round_ids})
    if len(divisions) > 1:
        raise UsageError(
            f"{out / ROUNDS}: rounds of {len(divisions)} divisions ({', '.join(divisions)}); a site is one division's"
        )
    division = divisions[0]
    rounds = [read_round(out, r) for r in round_ids]
    names = dict(pl.read_parquet(clean_table(clean_dir, "enterprises"), columns=["uscc", "name"]).iter_rows())
    items = dict(pl.read_parquet(clean_table(clean_dir, "inspection_items"), columns=["item_id", "name"]).iter_rows())
    dates = translog.published_dates(public_dir)
    records = [
        public_record(r, rnd.plans[r["plan"]], names.get(r["uscc"], ""), items, dates.get(r["id"], today.isoformat()))
        for rnd in rounds
        for r in rnd.results
    ]
    site = build_site(division, rounds, records, names)
    round_files = {f"{SITE_ROUNDS}/{rnd.id}/{name}": data for rnd in rounds for name, data in rnd.files.items()}
    entries = [translog.file_entry(public_dir, public_dir / path, data) for path, data in round_files.items()]
    entries += [{"kind": "disclosure", "record": record} for record in records]
    entries.append(
        {"kind": "site", "files": {path: hashlib.sha256(data).hexdigest() for path, data in sorted(site.items())}}
    )
    appended = translog.append(public_dir, entries, origin=translog.origin_for(division))
    for path, data in round_files.items():  # already there when the site is OUT/public itself
        if not (public_dir / path).exists():
            fsio.write_bytes(public_dir / path, data)
    for path, data in site.items():
        fsio.write_bytes(public_dir / path, data)
    new = sum(1 for r in records if r["记录号"] not in dates)
    return {
        "records": len(records),
        "new": new,
        "rounds": len(rounds),
        "log_size": appended.checkpoint.size,
        "site": public_dir / INDEX,
    }


def work_rounds(out: Path) -> list[RoundId]:
    """The rounds under the work root ``out``, in order; a folder there that is not a round is an error."""
    folder = out / ROUNDS
    found = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    return sorted(RoundId.parse(p.name, str(p)) for p in found)


# -- the site (pure) ------------------------------------------------------------------------------
def build_site(division: str, rounds: list[Round], records: list[dict], names: dict[str, str]) -> dict[str, bytes]:
    """Every page and download of the site, by path."""
    place = division_name(division)
    corrected = {r["更正记录"]: r["记录号"] for r in records if r["更正记录"]}
    shown = [
        {**r, "状态": f"已被 {corrected[r['记录号']]} 更正" if r["记录号"] in corrected else "有效"} for r in records
    ]
    site = {
        "assets/site.css": CSS.encode("utf-8"),
        "assets/site.js": SCRIPT.encode("utf-8"),
        "data/records.js": (
            "window.XINYONG_RECORDS = " + json.dumps(shown, ensure_ascii=False, indent=0) + ";\n"
        ).encode("utf-8"),
        f"{DOWNLOADS}/results.csv": _csv(shown),
        f"{DOWNLOADS}/results.json": _json(shown),
        INDEX: _index(place, rounds, shown).encode("utf-8"),
    }
    for rnd in rounds:
        mine = [r for r in shown if r["抽查批次"] == str(rnd.id)]
        site[f"{DOWNLOADS}/{rnd.id}.csv"] = _csv(mine)
        site[f"{DOWNLOADS}/{rnd.id}.json"] = _json(mine)
        site[f"{SITE_ROUNDS}/{rnd.id}.html"] = _round_page(place, rnd, mine, names).encode("utf-8")
    return site


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["记录号", "抽查批次", *FIELDS, "状态"], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return "\ufeff".encode("utf-8") + buffer.getvalue().encode("utf-8")  # Excel needs the BOM to read UTF-8


def _json(rows: list[dict]) -> bytes:
    return (json.dumps(rows, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _page(title: str, body: str, root: str = "", search: bool = False) -> str:
    scripts = (
        f'<script src="{root}data/records.js"></script><script src="{root}assets/site.js"></script>\n' if search else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{html.escape(title)}</title><link rel="icon" href="data:,">'
        f'<link rel="stylesheet" href="{root}assets/site.css"></head>\n<body>\n'
        f'<header><a href="{root}index.html">“双随机、一公开”抽查检查结果公示</a></header>\n<main>\n{body}\n</main>\n'
        "<footer>本站为静态公示页面，所有文件均记入可公开验证的透明日志（见首页“如何核验”）。</footer>\n"
        f"{scripts}</body></html>\n"
    )


def _table(headers: list[str], rows: list[list[str]], css: str = "") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>\n" for row in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>'


def _index(place: str, rounds: list[Round], records: list[dict]) -> str:
    by_round_plan = defaultdict(int)
    for r in records:
        by_round_plan[(r["抽查批次"], r["抽查计划"])] += 1
    months = []
    for rnd in sorted(rounds, key=lambda r: r.id, reverse=True):
        selected = defaultdict(int)
        for s in rnd.selection:
            selected[s["plan"]] += 1
        rows = [
            [
                p["name"],
                "、".join(p["departments"]),
                str(selected.get(pid, 0)),
                str(by_round_plan.get((str(rnd.id), p["name"]), 0)),
            ]
            for pid, p in sorted(rnd.plans.items())
        ]
        month = rnd.id.first_day
        months.append(
            f'<h3>{month.year}年{month.month}月 · <a href="rounds/{rnd.id}.html">批次 {rnd.id}</a></h3>'
            + _table(["抽查计划", "参与部门", "抽中户数", "已公示结果"], rows)
        )
    body = f"""<h1>{html.escape(place)}“双随机、一公开”抽查检查结果</h1>
<section id="search"><h2>查询</h2>
<p><label for="q">输入市场主体名称或统一社会信用代码：</label>
<input id="q" type="search" placeholder="如：柯城 或 91330802…" autocomplete="off"></p>
<p id="count" aria-live="polite"></p><div id="hits"></div></section>
<section id="months"><h2>按月份和抽查计划</h2>{"".join(months)}</section>
<section id="downloads"><h2>下载</h2><ul>
<li><a href="downloads/results.csv" download>全部结果（CSV，Excel 可直接打开）</a></li>
<li><a href="downloads/results.json" download>全部结果（JSON）</a></li></ul></section>
<section id="verify"><h2>如何核验</h2>
<p>本站每一个文件、每一条结果都按 RFC 6962 记入只增不改的透明日志；日志每次更新都由本机关的 Ed25519 密钥签名（C2SP checkpoint 格式）。</p>
<ol><li>保存一份当前的签名检查点 <a href="log/checkpoint.txt">log/checkpoint.txt</a> 和公钥 <a href="log/key.txt">log/key.txt</a>。</li>
<li>以后任何时候运行 <code>xinyong log verify 本站文件夹 --since 保存的检查点</code>：它核对签名、每条结果的包含证明、新旧检查点的一致性证明，以及每个文件的 SHA-256。</li>
<li>只要有一个字节被改动、删除或补登，核验就会失败，并指出是哪个文件或哪一条记录。</li>
<li>单条结果的包含证明：<code>xinyong log proof 本站文件夹 --record 记录号</code>（RFC 6962，可用任何兼容工具核对）。</li></ol></section>"""
    return _page(f"{place}“双随机、一公开”抽查检查结果公示", body, search=True)


def _round_page(place: str, rnd: Round, records: list[dict], names: dict[str, str]) -> str:
    commitment = json.loads(rnd.commitment)
    c = hashlib.sha256(rnd.commitment).hexdigest()
    randomness = (
        (
            f"<p>公开随机数（承诺公布后才产生）：<code>{html.escape(rnd.randomness['value'])}</code>；"
            f"来源：{html.escape(commitment['randomness']['source'])}</p>"
        )
        if rnd.randomness
        else "<p>尚未取得公开随机数。</p>"
    )
    selection = _table(
        ["计划", "统一社会信用代码", "市场主体名称", "随机键值"],
        [[s["plan"], s["uscc"], names.get(s["uscc"], ""), s["key"]] for s in rnd.selection],
        "keys",
    )
    results = _table(
        ["检查实施机关", "类型", "抽查计划", "市场主体名称", "统一社会信用代码", "日期", "结果", "状态"],
        [
            [
                r["检查实施机关"],
                r["类型"],
                r["抽查计划"],
                r["市场主体名称"],
                r["统一社会信用代码"],
                r["日期"],
                r["结果"],
                r["状态"],
            ]
            for r in records
        ],
    )
    body = f"""<h1>{html.escape(place)} 抽查批次 {rnd.id}</h1>
<section><h2>抽取过程</h2>
<p>承诺（commitment）在任何随机数产生之前公布，固定了抽查名录、抽查计划和检查人员名录：
<a href="{rnd.id}/commitment.json">commitment.json</a>，SHA-256 <code>{c}</code>。</p>
{randomness}
<p>抽查计划：<a href="{rnd.id}/plans.json">plans.json</a>；抽中名单及随机键值：<a href="{rnd.id}/selection.jsonl">selection.jsonl</a>。</p>
<h3>如何自己核验这次抽取</h3><ol>
<li>计算 commitment.json 文件的 SHA-256，应等于上面的值；randomness.json 中的 commitment 字段也应等于它。</li>
<li>种子 = SHA-256("xinyong-draw-v1/seed\\n" ‖ 承诺哈希 ‖ "\\n" ‖ 公开随机数)。</li>
<li>每户的随机键值 = SHA-256("xinyong-draw-v1/unit\\n" ‖ 种子 ‖ 计划编号 ‖ "\\n" ‖ 统一社会信用代码)，应与下表一致；键值最小的若干户被抽中。</li>
<li>或者直接运行 <code>xinyong round verify --public 本页所在文件夹/{rnd.id}</code>。纪检监察等审计方可用完整的审计包重算整个抽取（规范 xinyong-draw-v1 第 7 节）。</li>
<li>透明日志证明这些文件在公布后没有被改动，并且承诺先于随机数登记（见首页“如何核验”）。</li></ol></section>
<section><h2>抽中名单（{len(rnd.selection)} 户）</h2>{selection}</section>
<section><h2>检查结果（{len(records)} 条）</h2>{results}
<p>下载：<a href="../downloads/{rnd.id}.csv" download>CSV</a> · <a href="../downloads/{rnd.id}.json" download>JSON</a></p></section>"""
    return _page(f"抽查批次 {rnd.id}", body, "../")


CSS = """body{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei','PingFang SC',sans-serif;margin:0;color:#1d1d1d;line-height:1.6}
header{background:#b3261e;padding:.8em 2em}header a{color:#fff;font-weight:bold;text-decoration:none;font-size:1.1em}
main{max-width:1100px;margin:1em auto;padding:0 1.5em}footer{max-width:1100px;margin:2em auto;padding:1em 1.5em;color:#666;font-size:.9em}
table{border-collapse:collapse;margin:.8em 0;font-size:.92em}td,th{border:1px solid #d0d0d0;padding:.3em .55em;text-align:left;vertical-align:top}
th{background:#f4f4f4}table.keys td:last-child{font-family:monospace;font-size:.85em;word-break:break-all}
input[type=search]{font-size:1.05em;padding:.35em .6em;width:min(32em,90%)}code{background:#f4f4f4;padding:0 .25em;word-break:break-all}
"""

SCRIPT = """'use strict';
// Search over window.XINYONG_RECORDS (loaded from data/records.js, so it works from file:// too).
(function () {
  const box = document.getElementById('q');
  if (!box) { return; }
  const all = window.XINYONG_RECORDS || [];
  const hits = document.getElementById('hits');
  const count = document.getElementById('count');
  const columns = ['检查实施机关', '类型', '抽查计划', '抽查事项', '市场主体名称', '统一社会信用代码', '日期', '结果', '状态'];
  function cell(text) { const td = document.createElement('td'); td.textContent = text; return td; }
  function show() {
    const q = box.value.trim().toUpperCase();
    hits.textContent = '';
    if (!q) { count.textContent = '共 ' + all.length + ' 条结果，输入名称或代码查询。'; return; }
    const found = all.filter(r => r['市场主体名称'].toUpperCase().includes(q) || r['统一社会信用代码'].includes(q));
    count.textContent = '找到 ' + found.length + ' 条' + (found.length > 200 ? '，显示前 200 条' : '');
    if (!found.length) { return; }
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    columns.forEach(c => { const th = document.createElement('th'); th.textContent = c; head.appendChild(th); });
    const body = table.createTBody();
    found.slice(0, 200).forEach(r => { const tr = body.insertRow(); columns.forEach(c => tr.appendChild(cell(r[c]))); });
    hits.appendChild(table);
  }
  box.addEventListener('input', show);
  show();
})();
"""
