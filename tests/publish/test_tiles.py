"""Tiles and bundles as c2sp.org/tlog-tiles defines them: paths, widths, the tiles of a size, and an append that
writes only what changes and gives the tiles a whole rebuild gives."""

from __future__ import annotations

import pytest

from xinyong.core.merkle import Tree, leaf_hash
from xinyong.publish import tiles
from xinyong.workspace.layout import log_tile


def test_tile_paths_are_the_standards() -> None:
    assert log_tile(0, 1234067) == "log/tile/0/x001/x234/067"  # the standard's example
    assert log_tile(2, 5) == "log/tile/2/005"
    assert log_tile(1, 1000, 17) == "log/tile/1/x001/000.p/17"
    assert log_tile(None, 999, 3) == "log/tile/entries/999.p/3"


def test_the_tiles_of_the_standards_example_size() -> None:
    """70,000: 273 full level-0 tiles and one of width 112, one full level-1 tile and one of width 17, one
    partial level-2 tile of width 1; 256: a full level-0 tile and a level-1 tile of width 1."""
    found = tiles.expected(70_000, [])
    assert {t for t in found if t[0] == 0} == {(0, n, 0) for n in range(273)} | {(0, 273, 112)}
    assert {t for t in found if t[0] == 1} == {(1, 0, 0), (1, 1, 17)}
    assert {t for t in found if t[0] == 2} == {(2, 0, 1)}
    assert {t for t in found if t[0] is None} == {(None, n, 0) for n in range(273)} | {(None, 273, 112)}
    assert tiles.expected(256, []) == {(None, 0, 0), (0, 0, 0), (1, 0, 1)}
    # A signed size keeps its partial tile while its full tile is not there, and not once it is:
    assert tiles.expected(300, [10, 260, 290]) == {(None, 0, 0), (0, 0, 0), (1, 0, 1)} | {
        (level, 1, width) for level in (None, 0) for width in (4, 34, 44)
    }


def test_bundles_are_length_prefixed_and_a_torn_one_is_named() -> None:
    entries = [b"", b"a", b"x" * 300]
    data = tiles.bundle(entries)
    assert data == b"\0\0" + b"\0\1a" + b"\1\x2c" + b"x" * 300
    assert tiles.unbundle(data, 3) == entries
    with pytest.raises(ValueError, match="holds 3 entries, not 4"):
        tiles.unbundle(data, 4)
    with pytest.raises(ValueError, match="entry 2 is torn: 299 of its 300 bytes"):
        tiles.unbundle(data[:-1], 3)
    with pytest.raises(ValueError, match="torn at byte 307: half a length"):
        tiles.unbundle(data + b"\0", 3)


@pytest.mark.parametrize("steps", [[1, 255, 1, 600], [256, 256], [70_000 - 3, 3], [65_536, 1]])
def test_appends_write_what_a_whole_rebuild_writes(steps: list[int]) -> None:
    """The tiles written step by step (each append reading back only the right edge) end as the tiles of the
    whole tree, and each append writes only tiles it changes: O(new + log n)."""
    stored: dict[tuple[int | None, int, int], bytes] = {}
    entries: list[bytes] = []
    for count in steps:
        new = [b"%d" % (len(entries) + k) for k in range(count)]
        size = len(entries)
        edge = tiles.unbundle(stored[None, size // 256, size % 256], size % 256) if size % 256 else []
        edges = [
            tiles.hashes(stored[level, c // 256, c % 256], c % 256) if c % 256 else []
            for level, c in enumerate(tiles.counts(size))
        ]
        written = tiles.appended(size, edge, edges, new)
        assert len(written) <= (count // 256 + 2) * (1 + len(tiles.counts(size + count)))
        stored.update({(t.level, t.index, t.width): t.data for t in written})
        entries += new
    tree = Tree([leaf_hash(e) for e in entries])
    for level, index, width in tiles.expected(len(entries), []):
        first, count = index * 256, width or 256
        if level is None:
            assert stored[level, index, width] == tiles.bundle(entries[first : first + count])
        else:
            assert stored[level, index, width] == b"".join(tree.levels[8 * level][first : first + count])


def test_the_tree_over_tiles_gives_the_proofs_and_roots_of_the_tree() -> None:
    entries = [b"%d" % k for k in range(70_001)]
    tree = Tree([leaf_hash(e) for e in entries])
    stored = {(t.level, t.index, t.width): t.data for t in tiles.appended(0, [], [], entries)}
    reads: list[tuple[int, int, int]] = []

    def read(level: int, index: int, width: int) -> bytes:
        reads.append((level, index, width))
        return stored[level, index, width]

    tiled = tiles.tree(len(entries), read)
    assert tiled.root() == tree.root() and tiled.root(300) == tree.root(300)
    assert tiled.inclusion_proof(65_600) == tree.inclusion_proof(65_600)
    assert len(set(reads)) <= 2 * 3  # a few tiles a level, not the log
    assert tiled.consistency_proof(1000, 70_001) == tree.consistency_proof(1000)
