"""The log passes an independent C2SP tlog-tiles reader (tests/publish/tlog_reader.py, which shares no code with
xinyong): checkpoint signature, every bundle and tile, the root, and inclusion proofs built from the tiles."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from tests.publish import tlog_reader
from xinyong.core.canonical import CJ
from xinyong.publish import translog

ORIGIN = "xinyong.test/330802"


def read(public: Path) -> tlog_reader.TiledLog:
    return tlog_reader.TiledLog(public / "log", (public / "log/key.txt").read_text())


def check_inclusions(log: tlog_reader.TiledLog, entries: list[bytes], indices: list[int]) -> None:
    for index in indices:
        proof = log.inclusion_proof(index)
        leaf = tlog_reader.leaf(entries[index])
        assert tlog_reader.verify_inclusion(index, log.checkpoint.size, leaf, proof, log.checkpoint.root)
        assert not tlog_reader.verify_inclusion(index, log.checkpoint.size, leaf, proof[::-1] or [leaf], b"\0" * 32)


def grown(public: Path, batches: list[int]) -> list[dict]:
    """A log appended to in batches of these sizes; its entries as appended (the checkpoint entries besides)."""
    appended, n = [], 0
    for count in batches:
        batch = [{"kind": "note", "n": n + k} for k in range(count)]
        translog.append(public, batch, origin=ORIGIN)
        appended += batch
        n += count
    return appended


def test_a_log_of_several_full_tiles_and_partial_ones_reads_as_tlog_tiles(tmp_path: Path) -> None:
    public = tmp_path / "public"
    grown(public, [1, 255, 300, 1, 700, 1800])  # 3,062 entries with the checkpoint entries: 11 full level-0 tiles
    log = read(public)
    entries = log.check()
    assert log.checkpoint.origin == ORIGIN and log.checkpoint.size == len(entries) == 3062
    assert entries == [CJ(e) for e in translog.entries(public)]
    assert (public / "log/tile/0/011.p/246").is_file() and (public / "log/tile/1/000.p/11").is_file()
    assert not (public / "log/tile/0/000.p").exists()  # the partial tiles of a full tile are gone
    check_inclusions(log, entries, [0, 1, 255, 256, 257, 1000, 2815, 2816, 3061])
    served = translog.prove_inclusion(public, 1000)
    assert [tlog_reader.base64.b64decode(h) for h in served["proof"]] == log.inclusion_proof(1000)
    translog.verify_log(public)


def test_partial_tiles_of_every_signed_size_stay_until_their_full_tile_is_there(tmp_path: Path) -> None:
    public = tmp_path / "public"
    grown(public, [10, 20, 30])
    kept = sorted(int(p.name) for p in (public / "log/tile/0/000.p").iterdir())
    assert kept == sorted(int(p.stem) for p in (public / "log/checkpoints").iterdir())  # 10, 31, 62
    for size in kept:  # a reader holding an older checkpoint reads the tree at its size
        old = tlog_reader.open_checkpoint((public / f"log/checkpoints/{size}.txt").read_bytes(), read_key(public))
        hashes = (public / f"log/tile/0/000.p/{size}").read_bytes()
        assert tlog_reader.mth([hashes[i : i + 32] for i in range(0, len(hashes), 32)]) == old.root


def read_key(public: Path) -> str:
    return (public / "log/key.txt").read_text()


def test_a_forged_or_changed_log_fails_the_reader(tmp_path: Path) -> None:
    public = tmp_path / "public"
    grown(public, [300])
    read(public).check()
    bundle = public / "log/tile/entries/000"
    data = bundle.read_bytes()
    bundle.write_bytes(data.replace(b'"n":7}', b'"n":8}', 1))
    with pytest.raises(tlog_reader.ReaderError, match="level-0"):
        read(public).check()
    bundle.write_bytes(data)
    note = public / "log/checkpoint"
    text = note.read_text()
    note.write_text(text.replace("\n300\n", "\n299\n", 1))
    with pytest.raises(tlog_reader.ReaderError, match="does not verify"):
        read(public)


def test_the_published_site_of_a_month_reads_as_tlog_tiles(small_world, tmp_path: Path) -> None:
    public = Path(shutil.copytree(small_world.references["publish attestation"] / "public", tmp_path / "public"))
    log = read(public)
    entries = log.check()
    kinds = {json.loads(e)["kind"] for e in entries}
    assert {"file", "disclosure", "site", "checkpoint"} <= kinds
    rng = random.Random(15)
    check_inclusions(log, entries, sorted({0, len(entries) - 1, *rng.sample(range(len(entries)), 20)}))


@pytest.mark.slow
def test_a_log_of_three_tile_levels_reads_as_tlog_tiles(tmp_path: Path) -> None:
    """The standard's example: 70,000 entries are 273 full level-0 tiles and one of width 112, one full level-1
    tile and one of width 17, and a level-2 tile of width 1 (here with the checkpoint entries counted)."""
    public = tmp_path / "public"
    grown(public, [69_999])
    translog.append(public, [], origin=ORIGIN)
    log = read(public)
    assert log.checkpoint.size == 69_999
    translog.append(public, [{"kind": "note", "n": -1}], origin=ORIGIN)  # + the checkpoint entry: 70,001
    log = read(public)
    entries = log.check()
    assert log.checkpoint.size == 70_001
    assert (public / "log/tile/0/273.p/113").is_file() and (public / "log/tile/1/001.p/17").is_file()
    assert (public / "log/tile/2/000.p/1").is_file() and (public / "log/tile/1/000").is_file()
    check_inclusions(log, entries, [0, 65_535, 65_536, 69_998, 70_000])
