"""The 检查告知书: the one-page notice a drawn firm gets before a 双随机 inspection, as PDF (no file touched).

What it says, and why:

- who is inspected (name, 统一社会信用代码, address) and that the firm was drawn at random for a round's plan
  (《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》, 国发〔2019〕5号);
- what is checked and under which provision: each 抽查事项 with its 抽查依据 (``inspection_items.legal_basis``);
- when: the round's inspection window (:func:`xinyong.rounds.tasks.inspection_window`);
- by whom: each member of the team on record with department and 执法证号 — never an ID-card number or a
  phone — and that officers show their certificates (《中华人民共和国行政处罚法》第四十二条: at least two
  officers; 第五十五条: the certificate is shown, and without it the firm may refuse the inspection);
- the firm's rights: to see the 执法证 (第五十五条), to ask for 回避 of an officer with a conflict of
  interest, and how (第四十三条: the request, with its reason, goes to the authority, whose head decides;
  the inspection is not stopped while it is decided), 陈述和申辩 (第七条、第四十五条); and that the result
  is made public within 20 working days (国发〔2019〕5号);
- whom to contact: the workspace's ``[workspace] contact`` (docs/workspace.md), or blank lines to fill in.

No tier, score or reason is on it.  The page is laid out by WeasyPrint from ``rounds/notice.html`` in
Noto Serif CJK (A4, 五号 10.5-point body); a notice that would run over one page is laid out again in a
smaller type (9.5-point: room for about four items and four officers), and one still longer runs on to a
second page rather than shrink further.  WeasyPrint writes no date into a PDF unless told, so the same
notice is the same bytes.  One regular weight keeps a notice's PDF near 200 KB (WeasyPrint embeds a subset
of each font face used, and a CJK face's subset is large).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Any

from weasyprint import HTML  # type: ignore[import-untyped]

from xinyong.reports.render import render

WORKERS = 4  # processes that make a round's notices at most
PARALLEL_FROM = 40  # notices: fewer are made in this process (starting a worker takes about a second)


@dataclass(frozen=True)
class Officer:
    """A member of the team as the firm sees them: name, department, 执法证号 (or what they are, if they have none)."""

    name: str
    department: str
    certificate: str


@dataclass(frozen=True)
class Item:
    """An 抽查事项 and its 抽查依据."""

    id: str
    name: str
    legal_basis: str


@dataclass(frozen=True)
class Notice:
    """Everything one 检查告知书 says."""

    number: str  # 编号: round, plan and USCC
    firm: str
    uscc: str
    address: str  # "" when the registry has no address
    round: str
    plan: str
    plan_name: str
    authorities: tuple[str, ...]  # 检查实施机关, the lead department's first
    items: tuple[Item, ...]
    window: str  # e.g. 2026年12月1日至2026年12月31日
    team: tuple[Officer, ...]
    contact: str  # "" leaves lines to fill in by hand


def html(notice: Notice, *, compact: bool = False) -> str:
    """The notice as an HTML page (``compact``: a smaller type, for a notice too long for one page)."""
    return render("rounds/notice.html", notice=notice, compact=compact)


def pdf(notice: Notice) -> bytes:
    """The notice as a one-page PDF."""
    document = HTML(string=html(notice)).render(font_config=_fonts())
    if len(document.pages) > 1:
        document = HTML(string=html(notice, compact=True)).render(font_config=_fonts())
    data: bytes = document.write_pdf()
    return data


def pdfs(notices: Sequence[Notice]) -> Iterator[bytes]:
    """Each notice as a one-page PDF, in order.  WeasyPrint lays out and writes about five such pages a
    second on one core, so a round's hundreds of notices are made in worker processes, one per core (up to
    :data:`WORKERS`); each notice is made alone, so the bytes do not depend on how many."""
    workers = min(os.cpu_count() or 1, WORKERS)
    if workers < 2 or len(notices) < PARALLEL_FROM:
        yield from map(pdf, notices)
        return
    # spawned, not forked: a fork of a process running polars' thread pool can deadlock
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from pool.map(pdf, notices, chunksize=4)


@cache
def _fonts() -> Any:
    """WeasyPrint's font configuration, made once: it caches the fonts it has found (a notice renders in a
    fifth of the time with it)."""
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

    return FontConfiguration()
