"""``xinyong round …`` as a person runs it, step by step (cli/rounds.py)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from tests.cli.conftest import Ran
from tests.conftest import DECEMBER, NOVEMBER, PLANS
from xinyong.core.canonical import H, records_of
from xinyong.workspace.layout import APPROVAL, ASSIGNMENT, COMMITMENT, FRAME, PREVIEW, RoundPaths


def test_a_round_from_frame_to_task_lists(xinyong: Callable[..., Ran], round_inputs: dict, tmp_path: Path) -> None:
    out, clean, paths = tmp_path / "out", round_inputs["clean"], RoundPaths(tmp_path / "out", DECEMBER)
    r = ("--round", DECEMBER, "--out", out)
    ran = xinyong("round", "frame", *r, "--plans", PLANS, "--tiers", round_inputs["tiers"], "--clean", clean)
    size = len(records_of((paths.audit / FRAME).read_bytes()))
    assert ran.out.startswith(f"Frame of round {DECEMBER}: {size:,} (plan, firm) records; ")
    again = xinyong("round", "frame", *r, "--plans", PLANS, "--tiers", round_inputs["tiers"], "--clean", clean)
    assert again.out == f"Frame of round {DECEMBER} already built ({size:,} records); unchanged\n"

    ran = xinyong("round", "preview", *r)
    sha = H((paths.internal / PREVIEW).read_bytes())
    assert "Errors: 0" in ran.out.splitlines() and f"preview SHA-256 {sha}" in ran.out
    ran = xinyong("round", "approve", *r, "--by", "张三", "--preview", sha)
    approval = json.loads((paths.audit / APPROVAL).read_bytes())
    assert ran.out == f"Round {DECEMBER}: preview {sha} approved by 张三 at {approval['approved_at']}\n"

    ran = xinyong("round", "commit", *r, "--announced", "福利彩票双色球 2026-12-01 开奖号码")
    commitment = json.loads((paths.audit / COMMITMENT).read_bytes())
    assert ran.out == (
        f"Committed round {DECEMBER} at {commitment['committed_at']}: "
        f"C = {H((paths.audit / COMMITMENT).read_bytes())}\n"
        'Randomness source 1: announced "福利彩票双色球 2026-12-01 开奖号码": enter it twice\n'
    )
    ran = xinyong("round", "reveal", *r, "--value", "07 12 19 24 28 33 + 05", "--value", "07,12,19,24,28,33+05")
    assert ran.out.startswith(f"Seed of round {DECEMBER}: ") and len(ran.out.split()[-1]) == 64
    assert json.loads((paths.audit / "randomness.json").read_bytes())["values"] == ["07 12 19 24 28 33 + 05"]

    ran = xinyong("round", "draw", *r)
    selected = records_of((paths.public / "selected.jsonl").read_bytes())
    per_plan = pl.DataFrame(selected).group_by("plan").len().sort("plan")
    assert (
        ran.out.split()
        == (
            f"Drew {len(selected):,} targets for round {DECEMBER}: "
            + ", ".join(f"{p} {n}" for p, n in per_plan.iter_rows())
        ).split()
    )

    ran = xinyong("round", "assign", *r)  # a v2 round reads its committed targets, no clean folder
    teams = records_of((paths.audit / ASSIGNMENT).read_bytes())
    unstaffed = sum(1 for a in teams if not a["team"])
    assert ran.out.startswith(
        f"Teams for round {DECEMBER}: {len(teams) - unstaffed:,} staffed, {unstaffed:,} unstaffed"
    )
    # The frame's salts are fresh each run, so the draw (and whether the roster staffs every target) is too.
    if unstaffed:
        ran = xinyong("round", "finalize", *r, "--accept-unstaffed", "--reason", "测试：名册不足")
        assert ran.out == f"Round {DECEMBER} finalised: accepted unstaffed targets (测试：名册不足)\n"
    else:
        ran = xinyong("round", "finalize", *r)
        assert ran.out == f"Round {DECEMBER} finalised: all targets staffed\n"

    ran = xinyong("round", "tasks", *r, "--clean", clean)
    assert ran.out.startswith("Task lists: ")
    counts = dict(pair.split() for pair in ran.out.removeprefix("Task lists: ").strip().split(", "))
    assert "市场监管" in counts
    for department, n in counts.items():
        assert pl.read_csv(paths.task_list(department).with_suffix(".csv")).height == int(n)
        assert paths.task_list(department).with_suffix(".xlsx").is_file()


def test_verify_re_derives_a_round_from_its_audit_bundle_and_from_its_public_files(
    xinyong: Callable[..., Ran], november_round: Path
) -> None:
    paths = RoundPaths(november_round, NOVEMBER)
    for option, folder in (("--audit", paths.audit), ("--public", paths.public)):
        ran = xinyong("round", "verify", option, folder)
        lines = ran.out.splitlines()
        assert lines[-1] == f"Verified {folder}: {len(lines) - 1} checks passed"
        assert len(lines) > 3 and all(line.startswith("  ✔ ") for line in lines[:-1])


@pytest.mark.usefixtures("guessable_strata_allowed")
def test_preview_prints_the_table_and_the_approve_command(xinyong: Callable[..., Ran], tmp_path: Path) -> None:
    from tests.rounds.hand_round import ROUND, write_round

    paths = write_round(tmp_path / "out")
    ran = xinyong("round", "preview", "--round", ROUND, "--out", paths.out)
    sha = H((paths.internal / PREVIEW).read_bytes())
    lines = ran.out.splitlines()
    assert lines[:4] == [
        f"Preview of round {ROUND} (internal: it shows tiers)",
        f"Tiers as of 2026-10-31, division 330802 衢州市柯城区: 1,000 firms (tier file SHA-256 {'t' * 64})",
        "  plan  tier        N_h      n_h  allocation",
        "  P01   A            10        1  ratio 0.1",
    ]
    assert "  卫健  ≤0  3 / 1  short" in lines and "Errors: 0" in lines
    assert lines[-2:] == [
        f"Wrote {paths.internal / 'preview.xlsx'} and preview.json; preview SHA-256 {sha}",
        f"Approve it with: xinyong round approve --round {ROUND} --by NAME --preview {sha} --out {paths.out}",
    ]


def test_reassign_replaces_a_member_by_the_next_candidate_and_says_what_to_do_next(
    xinyong: Callable[..., Ran], small_november: RoundPaths, tmp_path: Path
) -> None:
    import shutil

    out = Path(shutil.copytree(small_november.out, tmp_path / "out"))
    paths = RoundPaths(out, NOVEMBER)
    record = next(r for r in records_of((paths.audit / ASSIGNMENT).read_bytes()) if r["team"])
    target = ("--plan", record["plan"], "--uscc", record["uscc"], "--inspector", record["team"][0])
    ran = xinyong("round", "reassign", "--round", NOVEMBER, "--out", out, *target, "--reason", "回避：近亲属")
    (change,) = records_of((paths.audit / "reassignments.jsonl").read_bytes())
    assert (
        ran.out.split()
        == (
            f"Round {NOVEMBER}, {record['plan']} {record['uscc']}: {record['team'][0]} replaced by {change['joining']} "
            f"from {change['effective']} (team {'、'.join(change['team'])}; logged); run `xinyong round tasks` for the "
            "new lists"
        ).split()
    )
    again = xinyong("round", "reassign", "--round", NOVEMBER, "--out", out, *target, "--reason", "回避：近亲属")
    assert again.out == ran.out and len(records_of((paths.audit / "reassignments.jsonl").read_bytes())) == 1


def test_commit_shows_the_exact_description_it_committed_and_the_drand_round_it_named(
    xinyong: Callable[..., Ran], small_world, tmp_path: Path
) -> None:
    import shutil

    from tests.crash import ROUND
    from xinyong.draw.sources import QUICKNET, utc

    out = shutil.copytree(small_world.bases["commit"], tmp_path / "out")
    ran = xinyong(
        *("round", "commit", "--round", ROUND, "--out", out),
        *("--drand-after", "2099-12-01T10:00+08:00", "--announced", ' 福利彩票\u200b双色球 "11-01"\n'),
    )
    committed = json.loads((RoundPaths(out, ROUND).audit / COMMITMENT).read_bytes())
    drand, announced = committed["randomness"]["sources"]
    assert announced == {"description": '福利彩票双色球 "11-01"', "kind": "announced"}
    round_number = QUICKNET.first_round_at(dt.datetime(2099, 12, 1, 2, 0, tzinfo=dt.UTC))
    assert drand == {"chain": QUICKNET.hash, "kind": "drand", "round": round_number}
    assert ran.out.splitlines()[1:] == [
        f"Randomness source 1: drand round {round_number} of League of Entropy quicknet, produced "
        f"{utc(QUICKNET.round_time(round_number))}: reveal its signature with --drand-signature",
        "Randomness source 2: announced (normalised: NFC, trimmed, zero-width characters removed) "
        '"福利彩票双色球 \\"11-01\\"": enter it twice',
    ]


def test_supplement_frames_the_replacements_of_a_finalised_round_and_says_what_is_next(
    xinyong: Callable[..., Ran], small_november: RoundPaths, small_inputs: dict, tmp_path: Path
) -> None:
    import shutil

    from tests.conftest import NOW
    from tests.rounds.test_run import results_with_codes
    from xinyong.results.run import import_results

    out = Path(shutil.copytree(small_november.out, tmp_path / "out"))
    paths = RoundPaths(out, NOVEMBER)
    target = next((a["plan"], a["uscc"]) for a in records_of((paths.audit / ASSIGNMENT).read_bytes()) if a["team"])
    import_results(
        out, results_with_codes(paths, {target: "10"}, tmp_path / "form.csv"), today=NOVEMBER.last_day, now=NOW
    )
    r = ("--round", NOVEMBER, "--clean", small_inputs["clean"], "--out", out)
    ran = xinyong("round", "supplement", *r)
    supplement = RoundPaths(out, NOVEMBER.next_supplement())
    size = len(records_of((supplement.audit / FRAME).read_bytes()))
    excluded = len(records_of((supplement.audit / "exclusions.jsonl").read_bytes()))
    assert ran.out == (
        f"Supplementary round {NOVEMBER}-S1 of {NOVEMBER}: 1 targets to replace ({target[0]} 1); frame of {size:,} "
        f"(plan, firm) records, {excluded:,} of the parent's left out (reasons in exclusions.jsonl)\n"
        f"Next: xinyong round preview --round {NOVEMBER}-S1\n"
    )
    again = xinyong("round", "supplement", *r)
    assert again.out.splitlines()[0].endswith(f"frame already built ({size:,} records); unchanged")
