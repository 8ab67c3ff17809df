"""The iterative Merkle tree hash equals RFC 6962's recursive definition for every size."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.canonical import Stored, jsonl, lines_of, mth


def recursive_mth(lines: list[bytes]) -> bytes:
    """RFC 6962 §2.1, written as the RFC writes it."""
    if not lines:
        return hashlib.sha256(b"").digest()
    if len(lines) == 1:
        return hashlib.sha256(b"\x00" + lines[0]).digest()
    k = 1
    while k * 2 < len(lines):
        k *= 2
    return hashlib.sha256(b"\x01" + recursive_mth(lines[:k]) + recursive_mth(lines[k:])).digest()


@given(st.lists(st.binary(max_size=20), max_size=70))
def test_iterative_mth_matches_the_recursive_definition(lines: list[bytes]) -> None:
    assert mth(lines) == recursive_mth(lines).hex()


@given(
    st.lists(
        st.dictionaries(
            st.text(max_size=5), st.one_of(st.text(max_size=5), st.integers(), st.booleans(), st.none()), max_size=4
        ),
        max_size=10,
    )
)
def test_jsonl_round_trips_its_lines(records: list[dict]) -> None:
    data = jsonl(records)
    assert len(lines_of(data)) == len(records) and (not records or data.endswith(b"\n"))


@given(st.lists(st.tuples(*(st.text(max_size=8) for _ in range(4))), max_size=20))
def test_the_fast_table_writer_gives_the_same_bytes_as_canonical_json(rows) -> None:
    import polars as pl

    from xinyong.core.canonical import FRAME_FIELDS, jsonl_table, read_jsonl_table

    frame = pl.DataFrame(rows, schema=dict.fromkeys(FRAME_FIELDS, pl.Utf8), orient="row")
    data = jsonl_table(frame, FRAME_FIELDS)
    assert data == jsonl(frame.to_dicts())
    assert read_jsonl_table(data, FRAME_FIELDS).equals(frame)


@given(st.lists(st.tuples(st.lists(st.text(max_size=6), max_size=3), st.text(max_size=8)), max_size=20))
def test_the_fast_table_writer_writes_lists_of_text_as_canonical_json_too(rows) -> None:
    import polars as pl

    from xinyong.core.canonical import jsonl_table

    frame = pl.DataFrame(rows, schema={"last_team": pl.List(pl.Utf8), "uscc": pl.Utf8}, orient="row")
    assert jsonl_table(frame, ("last_team", "uscc")) == jsonl(frame.to_dicts())


@dataclass(frozen=True)
class _Note(Stored):
    round: str
    targets: tuple[str, ...]


def test_a_stored_record_is_canonical_json_and_reads_back_with_tuples():
    note = _Note("330802-2026-12", ("P01 91330802MA2X8K4N1B",))
    assert note.to_json() == b'{"round":"330802-2026-12","targets":["P01 91330802MA2X8K4N1B"]}'
    assert _Note.from_json(note.to_json()) == note
