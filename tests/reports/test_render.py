"""Every page family renders through one Jinja2 environment: autoescape on, StrictUndefined, templates
shipped as package data — and the matplotlib SVG is the only markup a template inserts unescaped."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path, PurePosixPath

import polars as pl
import pytest
from jinja2 import UndefinedError
from markupsafe import Markup

from tests.conftest import REPO
from xinyong.core.ids import RoundId
from xinyong.draw.plans import Plan
from xinyong.estimate.run import render_html as estimates_page
from xinyong.publish.site import Round, build_site, public_record
from xinyong.reports.render import environment, render

HOSTILE = "<script>alert(1)</script> \"&'"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &#34;&amp;&#39;"
ROUND_ID = "330802-2026-11"
USCC = "91330802MA2ABCDE1X"


def a_round(firm: str, plan: str) -> tuple[Round, list[dict]]:
    plans = [
        {
            "id": "P01",
            "name": plan,
            "departments": ["市场监管"],
            "items": ["SJ-01"],
            "team_size": 2,
            "allocation": {"mode": "count", "n": 1},
        }
    ]
    files = {
        "commitment.json": json.dumps({"randomness": {"source": "drand quicknet round 1"}}).encode(),
        "randomness.json": json.dumps({"value": "ab" * 32}).encode(),
        "plans.json": json.dumps(plans, ensure_ascii=False).encode(),
        "selection.jsonl": json.dumps({"plan": "P01", "uscc": USCC, "key": "cd" * 32}).encode() + b"\n",
    }
    result = {"id": "R-1", "round": ROUND_ID, "uscc": USCC, "ended": "2026-11-20", "codes": ["1"], "corrects": None}
    record = public_record(result, Plan.from_record(plans[0]), firm, {"SJ-01": "登记事项检查"}, "2026-11-30")
    return Round(RoundId.parse(ROUND_ID, "test"), files, [result]), [record]


def test_a_hostile_firm_or_plan_name_is_text_on_every_public_page() -> None:
    rnd, records = a_round(HOSTILE, HOSTILE)
    site = build_site("330802", [rnd], records, {USCC: HOSTILE})
    index, page = site["index.html"].decode(), site[f"rounds/{ROUND_ID}.html"].decode()
    assert HOSTILE not in index and HOSTILE not in page
    assert f"<tr><td>{ESCAPED}</td><td>市场监管</td><td>1</td><td>1</td></tr>" in index
    assert f"<tr><td>P01</td><td>{USCC}</td><td>{ESCAPED}</td><td>{'cd' * 32}</td></tr>" in page
    assert f"<td>{ESCAPED}</td><td>{ESCAPED}</td><td>{USCC}</td>" in page  # 抽查计划, 市场主体名称
    assert index.startswith('<!DOCTYPE html>\n<html lang="zh-CN">') and index.endswith("</body></html>\n")


def test_a_hostile_name_is_text_on_an_internal_page_and_the_plot_is_markup() -> None:
    row = {"N": 100, "drawn": 10, "labelled": 9, "violations": 2, "N_without_results": 0, "pending": 0}
    interval = {"ht": 0.2, "ht_low": 0.05, "ht_high": 0.5, "naive": 0.22, "naive_low": 0.04, "naive_high": 0.55}
    estimates = pl.DataFrame([{"domain": "plan", "name": HOSTILE, **row, **interval}])
    page = estimates_page(estimates, HOSTILE)
    assert HOSTILE not in page
    assert f"<title>违法率估计 Violation rates — round {ESCAPED}</title>" in page
    assert f'<tr><td class="l">plan {ESCAPED}</td><td>100</td><td>10</td><td>9</td><td>0</td>' in page
    assert '<p class="internal">内部资料 INTERNAL — 按风险等级统计，不得公开。</p>' in page
    assert "<figcaption>分层 HT 估计与未加权比例（95% 区间）</figcaption><svg " in page


def test_only_markup_marked_safe_is_inserted_unescaped() -> None:
    figure = environment().get_template("reports/macros.html").module.figure
    assert figure("c", "<svg></svg>") == "<figure><figcaption>c</figcaption>&lt;svg&gt;&lt;/svg&gt;</figure>"
    assert figure("<c>", Markup("<svg></svg>")) == "<figure><figcaption>&lt;c&gt;</figcaption><svg></svg></figure>"


def test_a_variable_the_caller_did_not_pass_is_an_error() -> None:
    with pytest.raises(UndefinedError) as caught:
        render("publish/index.html")
    assert str(caught.value) == "'page' is undefined"
    with pytest.raises(UndefinedError) as caught:
        render("reports/tiers.html", page=object())
    assert str(caught.value) == "'object object' has no attribute 'current'"


def test_every_template_and_static_file_is_package_data() -> None:
    package = REPO / "src" / "xinyong"
    shipped = sorted(
        p.relative_to(package).as_posix()
        for folder in [*package.glob("*/templates"), package / "publish" / "static"]
        for p in folder.iterdir()
    )
    assert {"publish/static/site.js", "reports/templates/model.html", "rounds/templates/notice.html"} <= set(shipped)
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["xinyong"]
    assert [p for p in shipped if not any(PurePosixPath(p).match(pattern) for pattern in patterns)] == []
    templates = {f"{p.split('/')[0]}/{p.split('/')[-1]}" for p in shipped if "/templates/" in p}
    assert set(environment().list_templates()) == templates  # e.g. publish/templates/base.html is publish/base.html


def test_the_templates_found_are_the_packages_own() -> None:
    import xinyong.publish

    base = Path(xinyong.publish.__file__).parent / "templates" / "base.html"
    source, filename, _ = environment().loader.get_source(environment(), "publish/base.html")
    assert Path(filename) == base and source == base.read_text(encoding="utf-8")
