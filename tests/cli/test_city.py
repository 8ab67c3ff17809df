"""A city workspace of two districts runs a month end to end, as a person runs it (docs/workspace.md, "A city
workspace"): ``xinyong init`` with 柯城区 and 衢江区 of 衢州市, 衢江区's towns listed, a two-district region
generated, ingested, indicators, tiers from the shipped champion, the city's round 330800-2026-11 from frame to
task lists, its results imported and published, and its estimates."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from tests.cli.conftest import Ran, run
from xinyong.core.canonical import H, records_of
from xinyong.core.ids import RoundId
from xinyong.publish.leaks import find_leaks
from xinyong.synth.outcomes import simulate_results
from xinyong.workspace.layout import ASSIGNMENT, ELIGIBILITY, FRAME, INSPECTORS, PREVIEW, SELECTION, RoundPaths

ROUND = RoundId.parse("330800-2026-11", "ROUND")
# A few of 衢江区's 乡镇(街道), with a station and grid each (an example: an office lists all of its own).
QUJIANG = [
    ("樟潭街道", "衢江东", "樟潭市场监管所"),
    ("浮石街道", "衢江东", "樟潭市场监管所"),
    ("高家镇", "衢江东", "高家市场监管所"),
    ("莲花镇", "衢江西", "杜泽市场监管所"),
    ("杜泽镇", "衢江西", "杜泽市场监管所"),
]


def test_a_city_workspace_of_two_districts_runs_a_month_end_to_end(
    xinyong: Callable[..., Ran], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ws = tmp_path / "衢州"
    ran = xinyong("init", ws, "--division", "330802", "--division", "330803", "--name", "衢州市")
    assert f"plans of 330800: {ws / 'plans' / '330800.toml'} (rounds 330800-YYYY-MM)" in ran.out

    def city(*args: object) -> Ran:
        return xinyong("--workspace", ws, *args)

    # 衢江区's towns are not shipped: until they are listed, ingest says how.
    refused = run(["--workspace", ws, "ingest", "--today", "2026-11-27"], capsys, monkeypatch)
    assert refused.code == 2 and refused.err.startswith(
        f"Error: {ws / 'xinyong.toml'}: [[town]]: no town of division 330803 衢州市衢江区 is listed; "
    )
    towns = "".join(
        f'\n[[town]]\ntown = "{t}"\ngrid = "{g}"\nstation = "{s}"\ndivision = "330803"\n' for t, g, s in QUJIANG
    )
    (ws / "xinyong.toml").write_text((ws / "xinyong.toml").read_text(encoding="utf-8") + towns, encoding="utf-8")

    city("generate", "--out", ws / "raw", "--enterprises", 3000, "--months", 24, "--seed", 11)
    registry = pl.read_parquet(ws / "raw" / "enterprises.parquet")
    by_district = dict(registry.group_by(pl.col("uscc").str.slice(2, 6)).len().iter_rows())
    assert set(by_district) == {"330802", "330803"} and min(by_district.values()) > 1000  # about half each
    assert set(registry.filter(pl.col("uscc").str.slice(2, 6) == "330803")["town"]) == {t for t, _, _ in QUJIANG}
    roster = pl.read_parquet(ws / "raw" / "inspectors.parquet")
    assert set(roster["division"]) == {"330802", "330803", "330800"}  # both districts' officers and the city's

    city("ingest", "--today", "2026-11-27")
    manifest = json.loads((ws / "clean" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["enterprises"]["accepted"] == 3000  # 樟潭街道 and the other listed towns pass
    features, tiers = ws / "internal" / "features.parquet", ws / "internal" / "tiers.parquet"
    city("features", "--as-of", "2026-10-31", "--out", features)
    city("tiers", "--features", features, "--out", tiers)

    paths = RoundPaths(ws, ROUND)
    city("round", "frame", "--round", ROUND, "--tiers", tiers)
    frame = records_of((paths.audit / FRAME).read_bytes())
    assert {r["uscc"][2:8] for r in frame} == {"330802", "330803"}  # one frame over both districts
    ran = city("round", "preview", "--round", ROUND)
    live = pl.read_parquet(tiers).height
    assert ran.out.splitlines()[1].startswith(f"Tiers as of 2026-10-31, division 330800 衢州市: {live:,} firms ")
    preview = (paths.internal / PREVIEW).read_bytes()
    assert json.loads(preview)["errors"] == []
    city("round", "approve", "--round", ROUND, "--by", "张三", "--preview", H(preview))
    city("round", "commit", "--round", ROUND, "--announced", "福利彩票双色球 2026-11-01 开奖号码")
    city("round", "reveal", "--round", ROUND, "--value", "03 09 14 22 27 31 + 11", "--value", "03 09 14 22 27 31 11")
    city("round", "draw", "--round", ROUND)
    selected = records_of((paths.audit / SELECTION).read_bytes())
    assert {r["uscc"][2:8] for r in selected} == {"330802", "330803"}
    ran = city("round", "assign", "--round", ROUND)
    if "0 unstaffed" in ran.out:
        city("round", "finalize", "--round", ROUND)
    else:
        city("round", "finalize", "--round", ROUND, "--accept-unstaffed", "--reason", "测试：名册不足")
    city("round", "verify", "--audit", paths.audit)

    # 属地管辖: a 衢江区 target's eligible officers are 衢江区's or the city's, never 柯城区's (and the other way
    # round), and the city's pool (330800, pool level 1: drawn when a district's cannot form the team) covers both.
    division = {r["id"]: r["division"] for r in records_of((paths.audit / INSPECTORS).read_bytes())}
    eligible = {(e["plan"], e["uscc"]): e["eligible"] for e in records_of((paths.audit / ELIGIBILITY).read_bytes())}
    for (_, uscc), ids in eligible.items():
        assert {division[i] for i in ids} <= {uscc[2:8], "330800"}, uscc
    covered = {uscc[2:8] for (_, uscc), ids in eligible.items() for i in ids if division[i] == "330800"}
    assert covered == {"330802", "330803"}
    teams = [a for a in records_of((paths.audit / ASSIGNMENT).read_bytes()) if a["team"]]
    assert {a["uscc"][2:8] for a in teams} == {"330802", "330803"}

    ran = city("round", "tasks", "--round", ROUND)
    assert ran.out.startswith("Task lists: ") and "市场监管" in ran.out

    form = simulate_results(
        ws,
        ROUND,
        ws / "raw" / "truth",
        ws / "clean",
        tmp_path / "330800-2026-11-检查结果.xlsx",
        last_day=ROUND.last_day,
    )
    ran = city("results", "import", form, "--today", "2026-11-30")
    added = len(teams)
    assert ran.out.startswith(f"Round {ROUND}: {added} new results")
    city("results", "status", "--round", ROUND, "--today", "2026-11-30")

    ran = city("disclose")  # the clock's day
    assert ran.out.startswith(f"Published {added:,} results ({added:,} new) of 1 rounds")
    city("log", "verify")
    index = (ws / "public" / "index.html").read_text(encoding="utf-8")
    assert "<h1>衢州市“双随机、一公开”抽查检查结果</h1>" in index
    published = json.loads((ws / "public" / "downloads" / f"{ROUND}.json").read_text(encoding="utf-8"))
    assert {r["统一社会信用代码"][2:8] for r in published} == {"330802", "330803"}
    assert all(r["检查实施机关"].startswith("衢州市市场监督管理局") for r in published if "市场监管" in r["抽查计划"])
    assert find_leaks(ws / "public", [tiers]) == []

    city("estimate", str(ROUND))
    estimates = pl.read_csv(paths.internal / "estimates.csv")
    assert estimates.height > 0
