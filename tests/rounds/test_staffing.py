"""A round's teams on record are read from assignment.jsonl and, once there are any, reassignments.jsonl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xinyong.core.canonical import jsonl
from xinyong.core.ids import RoundId
from xinyong.draw.reassign import Reassignment
from xinyong.rounds.staffing import read_staffing
from xinyong.workspace.layout import ASSIGNMENT, REASSIGNMENTS, RoundPaths


def test_the_teams_on_record_are_the_drawn_ones_with_the_reassignments_since(tmp_path: Path) -> None:
    paths = RoundPaths(tmp_path, RoundId.parse("330802-2026-11", "ROUND"))
    paths.audit.mkdir(parents=True)
    (paths.audit / ASSIGNMENT).write_bytes(
        jsonl(
            [
                {"plan": "P01", "status": "staffed", "team": ["INS-00001", "INS-00002"], "uscc": "F1"},
                {"plan": "P01", "status": "unstaffed", "team": [], "uscc": "F2"},
            ]
        )
    )
    drawn = read_staffing(paths)
    assert drawn.teams() == {("P01", "F1"): ["INS-00001", "INS-00002"], ("P01", "F2"): []}
    assert drawn.reassignments == ()
    change = Reassignment(
        "P01", "F1", "INS-00002", "INS-00003", ("INS-00001", "INS-00003"), "病假", dt.date(2026, 11, 4)
    )
    (paths.audit / REASSIGNMENTS).write_bytes(jsonl([change.record()]))
    staffing = read_staffing(paths)
    assert staffing.reassignments == (change,)
    assert staffing.team(("P01", "F1")) == ["INS-00001", "INS-00003"]
    assert staffing.team(("P01", "F1"), dt.date(2026, 11, 3)) == ["INS-00001", "INS-00002"]
