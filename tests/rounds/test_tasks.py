"""Task lists, inspection notices and each inspector's list of a finalised round, per department; no
ID-card number, phone or tier in them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl

from tests.conftest import DECEMBER, NOW
from xinyong.workspace.layout import RoundPaths


def test_task_lists_notices_and_personal_lists(
    december_staffed: RoundPaths, round_inputs: dict, tmp_path: Path
) -> None:
    from xinyong.rounds.run import finalize
    from xinyong.rounds.tasks import HEADERS, NOTICE, write_task_lists

    copy = tmp_path / "out"
    shutil.copytree(december_staffed.out, copy)
    finalize(copy, DECEMBER, accept_unstaffed=True, reason="test", now=NOW)
    audit = RoundPaths(copy, DECEMBER).audit
    counts = write_task_lists(copy, DECEMBER, round_inputs["clean"])
    selection = [json.loads(line) for line in (audit / "selection.jsonl").read_bytes().splitlines()]
    plans = {p["id"]: p for p in json.loads((audit / "plans.json").read_bytes())}
    expected: dict[str, int] = {}
    for record in selection:
        for department in plans[record["plan"]]["departments"]:
            expected[department] = expected.get(department, 0) + 1
    assert counts == dict(sorted(expected.items()))
    tasks = RoundPaths(copy, DECEMBER).tasks
    sheet = pl.read_excel(tasks / f"{DECEMBER}-卫健.xlsx", sheet_name="检查任务清单")
    assert sheet.columns == list(HEADERS.values()) and sheet.height == expected["卫健"]
    assert set(sheet["牵头部门"]) == {"市场监管"}  # the joint food plan, led by market regulation
    csv = (tasks / f"{DECEMBER}-卫健.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf") and pl.read_csv(csv[3:]).height == sheet.height
    assignments = [json.loads(line) for line in (audit / "assignment.jsonl").read_bytes().splitlines()]
    staffed_count = sum(1 for a in assignments if a["team"])
    notices = pl.read_excel(tasks / f"{DECEMBER}-告知清单.xlsx", sheet_name="检查告知")
    assert notices.columns == list(NOTICE.values()) and notices.height == staffed_count
    members = {i for a in assignments for i in a["team"]}
    assert len(list((tasks / "inspectors").glob("*.xlsx"))) == len(members)
    roster = pl.read_parquet(round_inputs["clean"] / "inspectors.parquet")
    text = "".join((tasks / f"{DECEMBER}-告知清单.csv").read_text(encoding="utf-8-sig"))
    assert not any(card in text for card in roster["id_card_no"]) and not any(
        phone in text for phone in roster["phone"]
    )
    assert any(cert in text for cert in roster["cert_no"].drop_nulls())  # officers show their 执法证
    from xinyong.publish.leaks import find_leaks

    assert find_leaks(tasks, [round_inputs["tiers"]]) == []  # a task list is no place for a tier
