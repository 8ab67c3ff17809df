"""The transparency log's Merkle tree as static tiles and its entries as bundles (c2sp.org/tlog-tiles).

Rule (C2SP tlog-tiles, "Merkle Tree" and "Log entries"): the tile at level L and index N holds, for
i = 0 … 255, MTH(D[(N·256 + i)·256^L : (N·256 + i + 1)·256^L]) — at level 0 the leaf hashes, above it the
root of each *full* tile of the level below.  For a tree of size s, level L has c = ⌊s / 256^L⌋ hashes:
⌊c / 256⌋ full tiles of 8,192 bytes and, when c mod 256 ≠ 0, a partial tile of that width; a level with no
hash has no tile.  The entry bundles follow level 0, each entry a big-endian uint16 length then its bytes.
Partial tiles are served for every tree size a checkpoint signed, and may go once the full tile is there.

Pure functions over hashes and bytes: the tiles an append writes (:func:`appended`), the tiles a log of a
size with these checkpoints holds (:func:`expected`), and a read-on-demand view of the tiles that
:class:`xinyong.core.merkle.Tree` takes proofs and roots from (:func:`tree`), so an inclusion proof reads one
tile a level.  Hashing is :mod:`xinyong.core.merkle`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import overload

from xinyong.core.merkle import Hash, Tree, leaf_hash, root_of

WIDTH = 256  # hashes (or entries) in a full tile (bundle)
HEIGHT = 8  # levels of the tree a tile spans: 256 = 2^8
MAX_ENTRY = 0xFFFF  # an entry's bytes: its length is a uint16


@dataclass(frozen=True)
class Tile:
    """One tile (``level`` None: an entry bundle), ``width`` 0 when full, and its bytes."""

    level: int | None
    index: int
    width: int
    data: bytes


def counts(size: int) -> list[int]:
    """The hashes at each level of the tiles of a tree of ``size`` leaves: ⌊size / 256^L⌋, while there are any."""
    found = []
    while size:
        found.append(size)
        size //= WIDTH
    return found


def bundles(size: int) -> list[tuple[int, int]]:
    """(index, width) of each entry bundle of a log of ``size`` entries: width 0 for a full one, the last one's
    entry count when it is partial."""
    return [(n, min(size - n * WIDTH, WIDTH) % WIDTH) for n in range(-(-size // WIDTH))]


def bundle(entries: Sequence[bytes]) -> bytes:
    """An entry bundle: each entry as a big-endian uint16 length, then its bytes."""
    return b"".join(len(entry).to_bytes(2, "big") + entry for entry in entries)


def unbundle(data: bytes, width: int) -> list[bytes]:
    """The ``width`` entries of a bundle; a :class:`ValueError` says what is wrong with it."""
    found: list[bytes] = []
    at = 0
    while at < len(data):
        if at + 2 > len(data):
            raise ValueError(f"torn at byte {at}: half a length")
        end = at + 2 + int.from_bytes(data[at : at + 2], "big")
        if end > len(data):
            raise ValueError(f"entry {len(found)} is torn: {len(data) - at - 2} of its {end - at - 2} bytes")
        found.append(data[at + 2 : end])
        at = end
    if len(found) != width:
        raise ValueError(f"holds {len(found)} entries, not {width}")
    return found


def hashes(data: bytes, width: int) -> list[Hash]:
    """The ``width`` hashes of a tile's bytes."""
    if len(data) != 32 * width:
        raise ValueError(f"holds {len(data)} bytes, not the {width} hashes of {32 * width}")
    return [data[i : i + 32] for i in range(0, len(data), 32)]


def appended(size: int, edge: Sequence[bytes], edges: Sequence[Sequence[Hash]], new: Sequence[bytes]) -> list[Tile]:
    """The bundles and tiles that appending ``new`` entries to a tree of ``size`` writes: every one they change,
    full or the new partial one at the right edge, from level 0 up.

    ``edge`` is the partial bundle of the tree as it is (its ``size`` mod 256 entries), ``edges[L]`` the partial
    tile of level L (the ``counts(size)[L]`` mod 256 hashes; none past the top).  Cost: O(new + log size).
    """
    written, _ = _grow(None, size, list(edge), list(new), bundle)
    items, level, count = [leaf_hash(entry) for entry in new], 0, size
    while items:
        tiles, full = _grow(level, count, list(edges[level]) if level < len(edges) else [], items, b"".join)
        written += tiles
        items, level, count = [root_of(chunk) for chunk in full], level + 1, count // WIDTH
    return written


def _grow(
    level: int | None, count: int, edge: list[bytes], items: list[bytes], join: Callable[[Sequence[bytes]], bytes]
) -> tuple[list[Tile], list[list[bytes]]]:
    """The tiles of one level that get ``items`` after its ``count`` (``edge``: those of its partial tile)."""
    if len(edge) != count % WIDTH:
        raise ValueError(f"the right edge holds {len(edge)} items, not {count % WIDTH}")
    run, first = edge + items, count // WIDTH
    tiles, full = [], []
    for t in range(0, len(run), WIDTH):
        chunk = run[t : t + WIDTH]
        tiles.append(Tile(level, first + t // WIDTH, len(chunk) % WIDTH, join(chunk)))
        if len(chunk) == WIDTH:
            full.append(chunk)
    return tiles, full


def expected(size: int, signed: Iterable[int]) -> set[tuple[int | None, int, int]]:
    """Every tile (level, index, width) a log of ``size`` holds when checkpoints signed the sizes ``signed`` (each
    ≤ ``size``): the full tiles, the partial one of ``size`` and those of the checkpoints whose tile is not full
    yet; level None is the entry bundles."""
    sizes = {size, *signed}
    found: set[tuple[int | None, int, int]] = set()
    for level, count in [(None, size), *enumerate(counts(size))]:
        span = WIDTH ** (level or 0)
        found.update((level, index, 0) for index in range(count // WIDTH))
        for s in sizes:
            c = s // span
            if c // WIDTH == count // WIDTH and c % WIDTH:
                found.add((level, c // WIDTH, c % WIDTH))
    return found


def tree(size: int, read: Callable[[int, int, int], bytes]) -> Tree:
    """The tree of ``size`` leaves over its tiles, each read when a proof or root first needs it:
    ``read(level, index, width)`` gives a tile's bytes (``width`` 0: full).  Each complete subtree of 2^k
    leaves is the root of 2^(k mod 8) consecutive hashes of one tile of level ⌊k / 8⌋."""
    view = _View(size, read)
    levels: list[Sequence[Hash]] = []
    while size >> len(levels):
        levels.append(_Level(view, len(levels)))
    return Tree.stored(levels or [[]])


class _View:
    def __init__(self, size: int, read: Callable[[int, int, int], bytes]) -> None:
        self.size, self._read = size, read
        self._tiles: dict[tuple[int, int], list[Sequence[Hash]]] = {}

    def node(self, k: int, i: int) -> Hash:
        level, j = divmod(k, HEIGHT)
        index, offset = divmod(i << j, WIDTH)
        if (level, index) not in self._tiles:
            count = self.size // WIDTH**level
            width = 0 if index < count // WIDTH else count % WIDTH
            self._tiles[level, index] = Tree(hashes(self._read(level, index, width), width or WIDTH)).levels
        return self._tiles[level, index][j][offset >> j]


class _Level(Sequence[Hash]):
    """Level k of the tree (its complete subtrees of 2^k leaves), read from the tiles."""

    def __init__(self, view: _View, k: int) -> None:
        self._view, self._k = view, k

    def __len__(self) -> int:
        return self._view.size >> self._k

    @overload
    def __getitem__(self, index: int) -> Hash: ...

    @overload
    def __getitem__(self, index: slice) -> list[Hash]: ...

    def __getitem__(self, index: int | slice) -> Hash | list[Hash]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._view.node(self._k, index)
