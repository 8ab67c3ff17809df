"""An independent reader of C2SP tlog-tiles logs, written from the specifications alone, for the tests.

It imports nothing of xinyong: the standard library, and ``cryptography`` for Ed25519 only.  From a log's
prefix (a folder, read as a static site would be fetched) and the log's verifier key, it:

- fetches ``<prefix>/checkpoint`` and opens it as a signed note (c2sp.org/signed-note): the text, a blank
  line, signature lines ``— <name> <base64(key ID ‖ signature)>``; the key ID is the first 4 bytes of
  SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key) for an Ed25519 key, and the signature is over the text;
- parses the checkpoint body (c2sp.org/tlog-checkpoint): origin, decimal tree size, base64 root hash;
- fetches the hash tiles ``tile/<L>/<N>[.p/<W>]`` and entry bundles ``tile/entries/<N>[.p/<W>]``
  (c2sp.org/tlog-tiles: N in 3-digit path elements, all but the last prefixed ``x``; W the width of a
  partial tile, ⌊s / 256^L⌋ mod 256 for tree size s), each bundle a sequence of uint16-length-prefixed
  entries, each tile a run of 32-byte hashes;
- recomputes the root from the level-0 tile hashes (RFC 6962 §2.1: leaf = SHA-256(0x00 ‖ entry), node =
  SHA-256(0x01 ‖ left ‖ right), split at the largest power of two below n), checking every entry hashes to
  its level-0 hash and every higher tile hash is the root of its full tile below;
- and checks an inclusion proof it builds from the tiles, by the RFC 9162 §2.1.3.2 verification algorithm.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class ReaderError(Exception):
    pass


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf(entry: bytes) -> bytes:
    return sha256(b"\x00" + entry)


def node(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def mth(hashes: list[bytes]) -> bytes:
    """The Merkle Tree Hash over already-hashed leaves (RFC 6962 §2.1)."""
    if not hashes:
        return sha256(b"")
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return node(mth(hashes[:k]), mth(hashes[k:]))


def tile_path(level: str, n: int, width: int = 0) -> str:
    parts = [f"{n % 1000:03d}"]
    n //= 1000
    while n > 0:
        parts.insert(0, f"x{n % 1000:03d}")
        n //= 1000
    return f"tile/{level}/{'/'.join(parts)}" + (f".p/{width}" if width else "")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes


def open_checkpoint(note: bytes, vkey: str) -> Checkpoint:
    """Verify the note's Ed25519 signature by ``vkey`` (``<name>+<hex key ID>+<base64(0x01 ‖ key)>``)."""
    name, key_id_hex, material = vkey.strip().split("+", 2)
    raw = base64.b64decode(material)
    if raw[:1] != b"\x01" or len(raw) != 33:
        raise ReaderError("not an Ed25519 verifier key")
    key_id = sha256(name.encode() + b"\n" + raw)[:4]
    if key_id.hex() != key_id_hex:
        raise ReaderError("verifier key ID does not match")
    text, sep, signatures = note.decode("utf-8").partition("\n\n")
    if not sep:
        raise ReaderError("not a signed note")
    text += "\n"
    verified = False
    for line in signatures.splitlines():
        dash, signer, blob = line.split(" ")
        if dash != "\u2014":
            raise ReaderError("bad signature line")
        sig = base64.b64decode(blob)
        if signer == name and sig[:4] == key_id:
            try:
                Ed25519PublicKey.from_public_bytes(raw[1:]).verify(sig[4:], text.encode("utf-8"))
            except InvalidSignature:
                raise ReaderError("the log's signature does not verify") from None
            verified = True
    if not verified:
        raise ReaderError("no signature by the log's key")
    lines = text.split("\n")
    return Checkpoint(lines[0], int(lines[1]), base64.b64decode(lines[2]))


class TiledLog:
    """A tlog-tiles log at ``prefix`` (a folder), read against its verified checkpoint."""

    def __init__(self, prefix: Path, vkey: str) -> None:
        self.prefix = prefix
        self.checkpoint = open_checkpoint((prefix / "checkpoint").read_bytes(), vkey)

    def _fetch(self, level: str, n: int, width: int) -> bytes:
        path = self.prefix / tile_path(level, n, width)
        if not path.exists() and width:  # a partial tile may go once the full one is there (tlog-tiles)
            full = (self.prefix / tile_path(level, n)).read_bytes()
            if level == "entries":
                return b"".join(_length_prefixed(full)[:width])
            return full[: 32 * width]
        return path.read_bytes()

    def tile(self, level: int, n: int) -> list[bytes]:
        """The hashes of tile n of ``level`` for the checkpoint's size."""
        count = self.checkpoint.size // 256**level
        width = 0 if n < count // 256 else count % 256
        data = self._fetch(str(level), n, width)
        if len(data) != 32 * (width or 256):
            raise ReaderError(f"{tile_path(str(level), n, width)}: wrong length")
        return [data[i : i + 32] for i in range(0, len(data), 32)]

    def entries(self) -> list[bytes]:
        found: list[bytes] = []
        size = self.checkpoint.size
        for n in range((size + 255) // 256):
            width = 0 if n < size // 256 else size % 256
            bundle = _length_prefixed(self._fetch("entries", n, width))
            if len(bundle) != (width or 256):
                raise ReaderError(f"{tile_path('entries', n, width)}: holds {len(bundle)} entries")
            found += [e[2:] for e in bundle]
        return found

    def level_hashes(self, level: int) -> list[bytes]:
        count = self.checkpoint.size // 256**level
        found: list[bytes] = []
        for n in range((count + 255) // 256):
            found += self.tile(level, n)
        return found

    def check(self) -> list[bytes]:
        """Every entry, every tile and the root against the checkpoint; returns the entries."""
        entries = self.entries()
        hashes = self.level_hashes(0)
        if [leaf(e) for e in entries] != hashes:
            raise ReaderError("an entry does not hash to its level-0 tile hash")
        level = 0
        while self.checkpoint.size // 256 ** (level + 1):
            above = self.level_hashes(level + 1)
            fulls = [mth(hashes[i : i + 256]) for i in range(0, len(hashes) - len(hashes) % 256, 256)]
            if above != fulls:
                raise ReaderError(f"a level-{level + 1} hash is not the root of its full tile")
            hashes, level = above, level + 1
        if mth([leaf(e) for e in entries]) != self.checkpoint.root:
            raise ReaderError("the entries do not give the checkpoint's root")
        return entries

    def subtree(self, start: int, count: int) -> bytes:
        """MTH of leaves [start, start + count), from the tiles: an aligned 2^k run is the MTH of 2^(k mod 8)
        hashes of one tile of level ⌊k / 8⌋; anything else splits."""
        k = count.bit_length() - 1
        if count == 1 << k and start % count == 0:
            level, j = divmod(k, 8)
            position = start >> (8 * level)
            hashes = self.tile(level, position // 256)
            offset = position % 256
            return mth(hashes[offset : offset + (1 << j)])
        half = 1 << ((count - 1).bit_length() - 1)
        return node(self.subtree(start, half), self.subtree(start + half, count - half))

    def inclusion_proof(self, index: int) -> list[bytes]:
        """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, from the tiles."""
        proof, start, size = [], 0, self.checkpoint.size
        while size > 1:
            half = 1 << ((size - 1).bit_length() - 1)
            if index < half:
                proof.append(self.subtree(start + half, size - half))
                size = half
            else:
                proof.append(self.subtree(start, half))
                start, index, size = start + half, index - half, size - half
        return proof[::-1]


def verify_inclusion(index: int, size: int, leaf_hash: bytes, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = node(p, r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def _length_prefixed(data: bytes) -> list[bytes]:
    """The entries of a bundle, each with its 2-byte length still on."""
    found, at = [], 0
    while at < len(data):
        if at + 2 > len(data):
            raise ReaderError("a bundle ends inside a length")
        end = at + 2 + int.from_bytes(data[at : at + 2], "big")
        if end > len(data):
            raise ReaderError("a bundle ends inside an entry")
        found.append(data[at:end])
        at = end
    return found
