"""RFC 6962 Merkle hashing: the Certificate Transparency reference vectors, then every proof of many trees."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.core.merkle import EMPTY_ROOT, Tree, leaf_hash, node_hash, root_of, verify_consistency, verify_inclusion

# The inputs and tree heads of RFC 6962's reference implementation (certificate-transparency, merkle_tree_test).
LEAVES = [
    bytes.fromhex(h)
    for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [  # (index, size, path)
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [  # (old, new, proof)
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
HASHES = [leaf_hash(d) for d in LEAVES]


def test_tree_heads_match_the_reference_for_every_size() -> None:
    assert EMPTY_ROOT.hex() == ROOTS[0]
    assert [root_of(HASHES[:n]).hex() for n in range(9)] == ROOTS
    tree = Tree([])
    for n, leaf in enumerate(HASHES, start=1):
        tree.append(leaf)
        assert tree.root().hex() == ROOTS[n] and tree.root(n - 1).hex() == ROOTS[n - 1]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_match_the_reference(index: int, size: int, path: list[str]) -> None:
    tree = Tree(HASHES)
    assert [h.hex() for h in tree.inclusion_proof(index, size)] == path
    assert verify_inclusion(index, size, HASHES[index], [bytes.fromhex(h) for h in path], bytes.fromhex(ROOTS[size]))
    assert not verify_inclusion(
        index, size, HASHES[index], [bytes.fromhex(h) for h in path], bytes.fromhex(ROOTS[size - 1])
    )


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY)
def test_consistency_proofs_match_the_reference(old: int, new: int, path: list[str]) -> None:
    tree = Tree(HASHES)
    assert [h.hex() for h in tree.consistency_proof(old, new)] == path
    proof = [bytes.fromhex(h) for h in path]
    assert verify_consistency(old, new, proof, bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new]))
    if old != new:
        assert not verify_consistency(old, new, proof, bytes.fromhex(ROOTS[old - 1]), bytes.fromhex(ROOTS[new]))


def _naive_root(leaves: list[bytes]) -> bytes:
    """MTH written straight from RFC 6962 §2.1, to check the subtree cache against."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(_naive_root(leaves[:k]), _naive_root(leaves[k:]))


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 70), flip=st.integers(0, 31))
def test_every_proof_of_every_size_verifies_and_a_changed_leaf_does_not(n: int, flip: int) -> None:
    leaves = [leaf_hash(i.to_bytes(2, "big")) for i in range(n)]
    tree = Tree(leaves)
    for size in range(1, n + 1):
        root = tree.root(size)
        assert root == _naive_root(leaves[:size])
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert verify_inclusion(index, size, leaves[index], proof, root)
            bad = bytearray(leaves[index])
            bad[flip] ^= 1
            assert not verify_inclusion(index, size, bytes(bad), proof, root)
        for old in range(1, size + 1):
            assert verify_consistency(old, size, tree.consistency_proof(old, size), tree.root(old), root)
        if size > 1:
            assert not verify_consistency(1, size, tree.consistency_proof(1, size), leaves[1], root)
