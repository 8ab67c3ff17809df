"""A round's teams on record, read from its audit files: the drawn teams and the reassignments since.

The edge of :class:`xinyong.draw.reassign.Staffing`: ``audit/assignment.jsonl`` (spec §6) and, once a team
was changed after finalisation, ``audit/reassignments.jsonl`` (``xinyong round reassign``).  Every step that
reads a round's teams — the task lists, the results import and status, the inspection history, the
simulated results of the demo — reads them here.
"""

from __future__ import annotations

from xinyong.core.canonical import records_of
from xinyong.draw.reassign import Reassignment, Staffing
from xinyong.workspace.layout import ASSIGNMENT, REASSIGNMENTS, RoundPaths


def read_staffing(paths: RoundPaths) -> Staffing:
    """The round's teams as drawn and every reassignment recorded since (an assigned round)."""
    drawn = {(a["plan"], a["uscc"]): tuple(a["team"]) for a in records_of((paths.audit / ASSIGNMENT).read_bytes())}
    path = paths.audit / REASSIGNMENTS
    changes = records_of(path.read_bytes()) if path.is_file() else []
    return Staffing(drawn, tuple(Reassignment.from_record(change) for change in changes))
