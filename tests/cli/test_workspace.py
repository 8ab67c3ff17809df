"""``xinyong init``, and every command finding its workspace: from a sub-folder, the option or the environment."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.cli.conftest import run as in_process
from tests.conftest import CHAMPION, DECEMBER, NOW
from tests.workspace.notices import FIXTURE_2027
from xinyong.workspace.layout import RoundPaths
from xinyong.workspace.settings import ENVIRONMENT, read_workspace


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """``run(*args, cwd=FOLDER)``: ``xinyong ARGS`` in ``FOLDER``: (exit code, stdout, stderr)."""

    def call(*args: object, cwd: Path) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd)
        ran = in_process(list(args), capsys, monkeypatch)
        return ran.code, ran.out, ran.err

    return call


def test_init_makes_a_workspace_and_says_where_everything_is(run, tmp_path: Path) -> None:
    code, stdout, stderr = run("init", "柯城区", "--division", "330802", "--name", "柯城区", cwd=tmp_path)
    assert (code, stderr) == (0, "")
    root = Path("柯城区")  # as given
    assert stdout.splitlines() == [
        f"Workspace 柯城区 in {root}: edit {root / 'xinyong.toml'}",
        f"  plans of 330802: {root / 'plans' / '330802.toml'} (rounds 330802-YYYY-MM)",
        f"  tier policy: {root / 'policy.toml'}",
        f"Put the departments' exports in {root / 'raw'} and run `xinyong ingest` there; every command in the "
        "folder finds the workspace",
    ]
    assert read_workspace(tmp_path / root).name == "柯城区"


def test_a_month_in_a_workspace_run_from_a_sub_folder_takes_every_default_from_it(
    run, small_region: Path, tmp_path: Path
) -> None:
    """ingest → features → tiers → round frame → explain, run in a sub-folder with only the options that
    name this month's files: the raw, clean and work folders, the policy, the plans and the champion come
    from the workspace found upwards (the champion: the shipped one, as the office has exported none)."""
    assert run("init", "ws", "--division", "330802", cwd=tmp_path)[0] == 0
    ws = read_workspace(tmp_path / "ws")
    shutil.copytree(small_region, ws.raw, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.csv", "truth"))
    # The office's own policy and plans, not the shipped ones.
    ws.policy.write_text(ws.policy.read_text("utf-8").replace('source = "model"', 'source = "shares"'), "utf-8")
    plans = ws.plans["330802"]
    plans.write_text(plans.read_text("utf-8").replace("企业公示信息双随机抽查", "本局企业公示信息抽查"), "utf-8")
    here = ws.root / "notes"  # a folder of the office's own, inside the workspace
    here.mkdir()

    code, _, stderr = run("ingest", "--today", "2026-11-27", cwd=here)
    assert (code, stderr) == (0, "") and (ws.clean / "manifest.json").is_file()
    code, _, stderr = run("features", "--as-of", "2026-10-31", "--out", "../internal/features.parquet", cwd=here)
    assert (code, stderr) == (0, "")
    code, stdout, stderr = run(
        "tiers", "--features", "../internal/features.parquet", "--out", "../internal/tiers.parquet", cwd=here
    )
    assert (code, stderr) == (0, "") and "→ ../internal/tiers.parquet (internal)" in stdout
    metadata = pl.read_parquet_metadata(ws.tiers)
    assert metadata["xinyong.policy"] == str(ws.policy)
    shares = pl.read_parquet(ws.tiers)["model_tier"].value_counts(normalize=True).sort("model_tier")
    assert shares["proportion"].round(2).to_list() == [0.4, 0.3, 0.2, 0.1]  # the office's cut-offs by share

    code, stdout, stderr = run("round", "frame", "--round", "330802-2026-12", "--tiers", ws.tiers, cwd=here)
    assert (code, stderr) == (0, "") and stdout.startswith("Frame of round 330802-2026-12: ")
    plans_json = json.loads((ws.out / "rounds" / "330802-2026-12" / "audit" / "plans.json").read_bytes())
    assert plans_json[0]["name"] == "本局企业公示信息抽查"  # P01, from the workspace's plans
    firm = pl.read_parquet(ws.tiers).filter(pl.col("tier") == "D")["uscc"][0]
    code, stdout, stderr = run("explain", firm, cwd=here)
    assert (code, stderr) == (0, "") and stdout.startswith(f"{firm}  信用风险分类 tier D")
    assert list(here.iterdir()) == []  # nothing was written where the commands ran
    assert ws.champion == CHAMPION


def test_the_option_and_the_environment_name_the_workspace_from_anywhere(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("init", "ws", "--division", "330802", cwd=tmp_path)[0] == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    missing = f"{tmp_path / 'ws' / 'rounds' / '330802-2026-12'}: round 330802-2026-12 is not framed"
    code, _, stderr = run("--workspace", tmp_path / "ws", "round", "draw", "--round", "330802-2026-12", cwd=elsewhere)
    assert code == 2 and stderr.startswith(f"Error: {missing}; `xinyong round draw` needs it revealed")
    monkeypatch.setenv(ENVIRONMENT, "../ws")  # relative: from the folder the command runs in
    code, _, stderr = run("round", "draw", "--round", "330802-2026-12", cwd=elsewhere)
    assert code == 2 and stderr.startswith(f"Error: {missing}; `xinyong round draw` needs it revealed")
    monkeypatch.setenv(ENVIRONMENT, str(elsewhere))
    code, _, stderr = run("round", "draw", "--round", "330802-2026-12", cwd=tmp_path)
    assert (code, stderr) == (
        2,
        f"Error: {ENVIRONMENT}: {elsewhere}: not a workspace (it has no xinyong.toml); make one with "
        "`xinyong init DIR --division CODE`\n",
    )


def test_an_option_given_wins_over_the_workspace(run, tmp_path: Path) -> None:
    assert run("init", "ws", "--division", "330802", cwd=tmp_path)[0] == 0
    other = tmp_path / "other-out"
    code, _, stderr = run("round", "draw", "--round", "330802-2026-12", "--out", other, cwd=tmp_path / "ws")
    assert code == 2 and stderr.startswith(f"Error: {other / 'rounds' / '330802-2026-12'}: round 330802-2026-12 is")


def test_without_a_workspace_the_shipped_defaults_serve_and_the_rest_must_be_given(run, tmp_path: Path) -> None:
    code, _, stderr = run("round", "draw", "--round", "330802-2026-12", cwd=tmp_path)
    assert (code, stderr) == (
        2,
        "Error: --out: not given, and there is no workspace to take it from: run in a workspace (a folder with "
        f"xinyong.toml, made by `xinyong init`), or pass --workspace DIR or set {ENVIRONMENT}\n",
    )
    tiers = tmp_path / "internal" / "t.parquet"
    code, _, stderr = run("tiers", "--features", tmp_path / "f.parquet", "--out", tiers, cwd=tmp_path)
    assert (code, stderr) == (
        2,
        f"Error: {tmp_path / 'f.parquet'}: no such features file; make one with `xinyong features`\n",
    )  # the shipped champion and policy were found: the features file is the first thing missing


def test_results_status_counts_deadlines_with_the_workspace_calendar_supplement(
    run, december_staffed: RoundPaths, tmp_path: Path
) -> None:
    """December's results fall due in 2027, a year the installed calendar does not know: without the office's
    supplement (its transcription of the State Council's notice) they are unknown, counted and explained; with it
    (here the 2027 TEST FIXTURE, not the real notice) they are known."""
    from xinyong.rounds.run import finalize

    assert run("init", "ws", "--division", "330802", cwd=tmp_path)[0] == 0
    ws = read_workspace(tmp_path / "ws")
    shutil.copytree(december_staffed.out, ws.out, dirs_exist_ok=True)
    finalize(ws.out, DECEMBER, accept_unstaffed=True, reason="test round: the generated roster is small", now=NOW)
    status = ws.out / "rounds" / str(DECEMBER) / "results" / "status.csv"

    code, stdout, stderr = run("results", "status", "--round", DECEMBER, "--today", "2027-01-05", cwd=ws.root)
    targets = pl.read_csv(status).height
    lines = [line.strip() for line in stdout.splitlines()]
    assert (code, stderr) == (0, "")
    assert f"│ 待录入 │ {targets:>6,} │    0 │ 未知（{targets} 项截止日期未知） │" in lines
    assert lines[-2:] == [
        f"{targets} 项截止日期未知：日历缺 2027 年（chinese-calendar 1.11.0 覆盖 2004–2026；请在工作区日历补充中录入"
        "国务院办公厅 2027 年节假日安排通知）",
        f"每个目标的状态与公示截止日期：{status}",
    ]
    written = pl.read_csv(status, infer_schema=False)
    assert set(written.select("公示截止日期", "是否逾期", "说明").rows()) == {
        (None, "未知", "日历缺 2027 年，截止日期未知")
    }

    (ws.root / "calendar.toml").write_text(FIXTURE_2027, encoding="utf-8")
    ws.file.write_text(ws.file.read_text("utf-8").replace('# calendar = "calendar.toml"', 'calendar = "calendar.toml"'))
    code, stdout, stderr = run("results", "status", "--round", DECEMBER, "--today", "2027-01-05", cwd=ws.root)
    assert (code, stderr) == (0, "") and "未知" not in stdout
    assert f"│ 待录入 │ {targets:>6,} │    0 │       2027-01-29 │" in [line.strip() for line in stdout.splitlines()]
    # No result recorded yet: each is due 20 working days after the month's end, 2026-12-31 (1/1–1/3 off).
    assert set(pl.read_csv(status, infer_schema=False).select("公示截止日期", "是否逾期").rows()) == {
        ("2027-01-29", "否")
    }
