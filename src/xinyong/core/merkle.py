"""Merkle tree hashing and proofs of RFC 6962 §2.1 (as restated in RFC 9162 §2.1).

Leaves hash as SHA-256(0x00 || data), interior nodes as SHA-256(0x01 || left || right); a tree of
n leaves splits at the largest power of two below n.  An inclusion proof shows that one leaf is in
a tree of a given size; a consistency proof shows that a tree of size m is a prefix of a tree of
size n.  Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 step by step, so a verifier needs only
the hashes and sizes, never the log.  Pure functions and one class that keeps the complete
subtrees of a list of leaf hashes (or of levels read on demand: :meth:`Tree.stored`), so a proof in a
tree of 10^6 leaves costs O(log n) look-ups.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

Hash = bytes  # 32 bytes of SHA-256
EMPTY_ROOT: Hash = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> Hash:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: Hash, right: Hash) -> Hash:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below n (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class Tree:
    """The complete subtrees of a list of leaf hashes: ``levels[k][i]`` covers leaves i·2^k … (i+1)·2^k − 1.

    Complete subtrees never change as the tree grows, so the levels only ever get longer: they can be
    published (as the log's tiles, :mod:`xinyong.publish.tiles`) and proofs read from them directly.
    """

    def __init__(self, leaves: list[Hash]) -> None:
        self.levels: list[Sequence[Hash]] = [list(leaves)]
        while len(self.levels[-1]) > 1:
            self.levels.append(_parents(self.levels[-1]))

    @classmethod
    def stored(cls, levels: list[Sequence[Hash]]) -> Tree:
        """A tree over levels that are already hashed (sequences of 32-byte hashes)."""
        tree = cls.__new__(cls)
        tree.levels = levels
        return tree

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append(self, leaf: Hash) -> None:
        """Add a leaf to a tree built in memory (stored levels are read-only)."""
        self._growable(0).append(leaf)
        index, k = self.size - 1, 0
        while index % 2 == 1:  # completes a subtree one level up
            if len(self.levels) == k + 1:
                self.levels.append([])
            self._growable(k + 1).append(node_hash(self.levels[k][index - 1], self.levels[k][index]))
            index, k = index // 2, k + 1

    def _growable(self, k: int) -> list[Hash]:
        level = self.levels[k]
        if not isinstance(level, list):
            raise TypeError("a tree over stored levels cannot grow")
        return level

    def subtree(self, start: int, count: int) -> Hash:
        """MTH of leaves start … start + count − 1."""
        if count == 0:
            return EMPTY_ROOT
        k = count.bit_length() - 1
        if count == 1 << k and start % count == 0:
            return self.levels[k][start >> k]
        half = _split(count)
        return node_hash(self.subtree(start, half), self.subtree(start + half, count - half))

    def root(self, size: int | None = None) -> Hash:
        size = self.size if size is None else size
        self._check(size)
        return self.subtree(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[Hash]:
        """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1."""
        size = self.size if size is None else size
        self._check(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf {index} is not in a tree of size {size}")
        proof, start = [], 0
        while size > 1:
            half = _split(size)
            if index < half:
                proof.append(self.subtree(start + half, size - half))
                size = half
            else:
                proof.append(self.subtree(start, half))
                start, index, size = start + half, index - half, size - half
        return proof[::-1]

    def consistency_proof(self, old: int, new: int | None = None) -> list[Hash]:
        """PROOF(old, D[0:new]) of RFC 9162 §2.1.4.1."""
        new = self.size if new is None else new
        self._check(new)
        if not 0 < old <= new:
            raise ValueError(f"no consistency proof from size {old} to size {new}")
        return self._subproof(old, 0, new, True)

    def _subproof(self, m: int, start: int, n: int, complete: bool) -> list[Hash]:
        if m == n:
            return [] if complete else [self.subtree(start, n)]
        k = _split(n)
        if m <= k:
            return [*self._subproof(m, start, k, complete), self.subtree(start + k, n - k)]
        return [*self._subproof(m - k, start + k, n - k, False), self.subtree(start, k)]

    def _check(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise ValueError(f"the tree has {self.size} leaves, not {size}")


def _parents(below: Sequence[Hash]) -> list[Hash]:
    """The complete subtrees one level up: each pair of neighbours, left to right (an odd last one has none)."""
    return [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]


def root_of(leaves: Sequence[Hash]) -> Hash:
    """The root over leaf hashes, keeping one level at a time (10^7 leaves need neither recursion nor every level).

    Carrying an odd last node up unchanged gives the same tree as the recursive definition.
    """
    if not leaves:
        return EMPTY_ROOT
    level = leaves
    while len(level) > 1:
        up = _parents(level)
        if len(level) % 2:
            up.append(level[-1])
        level = up
    return level[0]


def verify_inclusion(index: int, size: int, leaf: Hash, proof: list[Hash], root: Hash) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(old: int, new: int, proof: list[Hash], old_root: Hash, new_root: Hash) -> bool:
    """RFC 9162 §2.1.4.2."""
    if old == new:
        return not proof and old_root == new_root
    if not 0 < old < new or not proof:
        return False
    if old & (old - 1) == 0:  # a power of two: the old root is the first node of the path
        proof = [old_root, *proof]
    fn, sn = old - 1, new - 1
    while fn % 2 == 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root
