"""The log's private index answers the callers' lookups as the entries say, and each update is all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from xinyong.core.canonical import CJ
from xinyong.publish.logindex import LogIndex

RECORD = {"记录号": "R-1", "结果": "未发现问题"}
LINES = [
    CJ({"kind": "file", "path": "a.json", "sha256": "11"}),
    CJ({"kind": "disclosure", "record": RECORD}),
    CJ({"kind": "file", "path": "a.json", "sha256": "22"}),
    CJ({"kind": "disclosure", "record": {**RECORD, "结果": "已更正"}}),
    CJ(["not", "an", "object"]),
]


def test_lookups_answer_as_the_entries_say(tmp_path: Path) -> None:
    index = LogIndex(tmp_path / "private" / "index")
    index.add(0, LINES[:2], b"r" * 32)
    index.add(2, LINES[2:], b"s" * 32)
    assert (index.size, index.root, index.pending) == (5, b"s" * 32, None)
    assert index.find([LINES[3], CJ({"kind": "note"}), LINES[0]]) == {LINES[3]: 3, LINES[0]: 0}
    assert index.files() == {"a.json": ("22", 2)}  # the last logged
    assert index.records() == {"R-1": (RECORD, 1)} and index.record("R-1") == 1  # the first logged
    assert index.record("R-2") is None
    with pytest.raises(ValueError, match="holds 5 entries, not 4"):
        index.add(4, [CJ({"kind": "note"})], b"t" * 32)
    index.close()


def test_pending_signed_sizes_and_a_rebuild(tmp_path: Path) -> None:
    index = LogIndex(tmp_path / "index")
    index.add(0, LINES[:2], b"r" * 32)
    index.intend(9)
    index.intend(4)  # never lowered: the furthest any cut-short append may have written
    assert index.pending == 9
    index.signed([2, 7, 2])
    assert index.signed_between(0, 7) == [2] and index.signed_between(2, 8) == [2, 7]
    index.add(2, LINES[2:3], b"s" * 32)
    assert index.pending is None
    again = LogIndex(None)
    again.add(0, LINES[:3], b"s" * 32)
    again.signed([7, 2])
    assert again.dump() == index.dump()
    index.clear()
    assert (index.size, index.root, index.files(), index.signed_between(0, 99)) == (0, None, {}, [])
