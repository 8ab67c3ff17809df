"""The site as a citizen uses it, in headless Chromium from file://: a 470-firm month's round page filtered by plan
and by result and paged, a link to a record on another page of the table, the page without a script, a firm's
results found by the search — and screenshots of each at desktop (1280) and phone (390) widths, saved under
out/test-artifacts/site/ to be looked at."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, page
from tests.publish.test_round_page import SIGNATURE
from xinyong.core.canonical import CJ, H, jsonl
from xinyong.core.ids import RoundId
from xinyong.draw.plans import Plan
from xinyong.draw.sources import QUICKNET
from xinyong.publish.site import PAGE_ROWS, Round, build_site, public_record

ROUND = RoundId.parse("330802-2026-11", "test")
NEXT = RoundId.parse("330802-2026-12", "test")
PLANS = [
    {
        "id": "P01",
        "name": "企业公示信息双随机抽查",
        "departments": ["市场监管"],
        "items": ["SJ-SC-01"],
        "team_size": 2,
        "allocation": {"mode": "count", "n": 400},
    },
    {
        "id": "P02",
        "name": "食品经营联合抽查",
        "departments": ["市场监管", "卫健"],
        "items": ["SJ-01"],
        "team_size": 2,
        "allocation": {"mode": "count", "n": 70},
    },
]
FIRMS = 470
SHOTS = ARTIFACTS / "site"


def commitment(round_id: RoundId, sizes: dict[str, int], beacon: int) -> bytes:
    return CJ(
        {
            "spec": "xinyong-draw-v2",
            "round": str(round_id),
            "sizes": {pid: {"frame": n * 20, "selected": n} for pid, n in sizes.items()},
            "parent": None,
            "randomness": {
                "sources": [
                    {"chain": QUICKNET.hash, "kind": "drand", "round": beacon},
                    {"description": "福利彩票双色球 2026-11-30 开奖号码", "kind": "announced"},
                ]
            },
        }
    )


@pytest.fixture(scope="module")
def public(tmp_path_factory) -> Path:
    """A site of a drawn 470-firm month, every firm's result published and one corrected, and the next month
    committed but not drawn."""
    usccs = [f"91330802MA2{i:05d}X{i % 10}"[:18] for i in range(FIRMS)]
    names = {u: f"衢州某某{i:03d}商贸有限公司" for i, u in enumerate(usccs)}
    pairs = [("P01" if i < 400 else "P02", u) for i, u in enumerate(usccs)]
    data = commitment(ROUND, {"P01": 400, "P02": 70}, 657413)  # a real round: its signature verifies
    randomness = CJ({"commitment": H(data), "round": str(ROUND), "values": [SIGNATURE, "05 12 17 22 28 33 14"]})
    files = {
        "commitment.json": data,
        "plans.json": CJ(PLANS),
        "randomness.json": randomness,
        "selected.jsonl": jsonl({"plan": p, "uscc": u} for p, u in pairs),
    }
    codes = [["1"], ["1"], ["1"], ["B"], ["E"], ["7"]]
    results = [
        {
            "id": f"R-{i:04d}",
            "round": str(ROUND),
            "plan": p,
            "uscc": u,
            "ended": "2026-11-20",
            "codes": codes[i % 6],
            "corrects": None,
        }
        for i, (p, u) in enumerate(pairs)
    ]
    results.append({**results[3], "id": "R-9999", "codes": ["E"], "corrects": results[3]["id"]})
    plans = {p["id"]: Plan.from_record(p) for p in PLANS}
    records = [
        public_record(r, plans[r["plan"]], names[r["uscc"]], {}, "2026-12-02" if r["corrects"] else "2026-11-30")
        for r in results
    ]
    undrawn = Round(
        NEXT, {"commitment.json": commitment(NEXT, {"P01": 400, "P02": 70}, 34429012), "plans.json": CJ(PLANS)}, []
    )
    site = build_site("330802", [Round(ROUND, files, results), undrawn], records, names)
    site |= {f"rounds/{ROUND}/{name}": b for name, b in files.items()}
    site |= {f"rounds/{NEXT}/{name}": b for name, b in undrawn.files.items()}
    folder = tmp_path_factory.mktemp("site") / "public"
    for path, content in site.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content)
    return folder


def shown(tab, table: str) -> list[str]:
    """The first cell of each row of ``table`` the reader sees."""
    return tab.locator(f"{table} tbody tr:visible td:first-child").all_inner_texts()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_470_firm_rounds_page_filters_by_plan_and_result_and_pages(public: Path, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with page(width=width) as (tab, errors):
        tab.goto((public / "rounds" / f"{ROUND}.html").as_uri())
        results = "table.results"
        assert tab.inner_text("#results .status") == f"共 {FIRMS + 1} 条，显示第 1–{PAGE_ROWS} 条"
        assert shown(tab, results) == [f"R-{i:04d}" for i in range(PAGE_ROWS)]
        assert tab.inner_text("#results .pages span") == f"第 1 / {-(-(FIRMS + 1) // PAGE_ROWS)} 页"
        tab.click("#results .pages button:has-text('下一页')")
        assert shown(tab, results)[0] == f"R-{PAGE_ROWS:04d}"
        # the results of one plan that found something: the joint plan's 70 firms, every sixth 发现问题经责令已改正
        tab.select_option("#results select >> nth=0", "食品经营联合抽查")
        tab.select_option("#results select >> nth=1", "发现问题经责令已改正")
        expected = [f"R-{i:04d}" for i in range(400, FIRMS) if i % 6 == 4]
        assert (
            tab.inner_text("#results .status")
            == f"共 {FIRMS + 1} 条，符合条件 {len(expected)} 条，显示第 1–{len(expected)} 条"
        )
        assert shown(tab, results) == expected and tab.is_hidden("#results .pages")
        tab.screenshot(path=str(SHOTS / f"round-filtered-{width}.png"), full_page=True)
        # the selected firms: filtered by plan, and found by name
        tab.select_option("#selected select", "P02")
        assert tab.inner_text("#selected .status") == f"共 {FIRMS} 条，符合条件 70 条，显示第 1–{PAGE_ROWS} 条"
        tab.fill("#selected input", "衢州某某401")
        assert tab.locator("table.selected tbody tr:visible td:nth-child(3)").all_inner_texts() == [
            "衢州某某401商贸有限公司"
        ]
        # a corrected record's 状态 links to its correction, on the last page and hidden by the filter: it is shown
        tab.fill("#results input", "")
        tab.select_option("#results select >> nth=0", "")
        tab.select_option("#results select >> nth=1", "")
        assert tab.inner_text("[id='R-0003'] td:last-child") == "已被 R-9999 更正"
        tab.click("[id='R-0003'] td:last-child a")
        tab.wait_for_selector("[id='R-9999']", state="visible")
        assert tab.inner_text("[id='R-9999'] td:nth-child(8)") == "更正 R-0003"
        tab.click("[id='R-9999'] td:nth-child(8) a")
        tab.wait_for_selector("[id='R-0003']", state="visible")
        height = tab.evaluate("document.documentElement.scrollHeight")
        assert height < (9000 if width == 1280 else 40000), height  # about one page of 50 rows, not all 471
        assert errors == []


def test_without_a_script_the_rounds_page_shows_every_record(public: Path) -> None:
    with page(width=1280, javascript=False) as (tab, errors):
        tab.goto((public / "rounds" / f"{ROUND}.html").as_uri())
        assert tab.locator("table.results tbody tr:visible").count() == FIRMS + 1
        assert tab.locator("table.selected tbody tr:visible").count() == FIRMS
        assert "浏览器启用 JavaScript 后可按抽查计划、结果筛选并分页浏览" in tab.inner_text("#results")
        assert errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_index_a_firms_results_and_an_undrawn_round_as_a_reader_sees_them(public: Path, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    records = json.loads((public / "downloads" / "results.json").read_bytes())
    firm = records[3]
    with page(width=width) as (tab, errors):
        tab.goto((public / "index.html").as_uri())
        months = tab.inner_text("#months")
        assert f"2026年12月 · 批次 {NEXT} · 已公布承诺，待取得随机数后抽取" in months
        assert f"2026年11月 · 批次 {ROUND} · 已抽取" in months
        tab.screenshot(path=str(SHOTS / f"index-{width}.png"), full_page=True)
        tab.fill("#q", firm["统一社会信用代码"])
        tab.wait_for_selector("#hits table")
        rows = tab.locator("#hits tbody tr")
        assert [rows.nth(i).get_attribute("id") for i in range(rows.count())] == ["R-0003", "R-9999"]
        head = tab.locator("#hits thead th").all_inner_texts()
        first = dict(zip(head, tab.locator("[id='R-0003'] td").all_inner_texts(), strict=True))
        assert first["记录号"] == "R-0003" and first["公示日期"] == "2026-11-30" and first["状态"] == "已被 R-9999 更正"
        tab.locator("#search").screenshot(path=str(SHOTS / f"firm-{width}.png"))
        tab.click("[id='R-9999'] td:first-child a")  # its 记录号 opens its row on its round's page, the last page
        tab.wait_for_selector("table.results [id='R-9999']", state="visible")
        assert tab.url.endswith(f"rounds/{ROUND}.html#R-9999")
        assert tab.inner_text("#results .pages span") == "第 10 / 10 页"
        tab.goto((public / "rounds" / f"{NEXT}.html").as_uri())
        text = tab.inner_text("main")
        assert "第 34429012 轮，产生于 2026-12-01 02:00:00 UTC（北京时间 2026-12-01 10:00:00）" in text
        assert "待抽取：取得随机数后公布。" in text
        tab.screenshot(path=str(SHOTS / f"round-undrawn-{width}.png"), full_page=True)
        assert errors == []
