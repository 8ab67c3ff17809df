"""Signed checkpoints of the transparency log: C2SP signed-note and tlog-checkpoint, with Ed25519.

A checkpoint is the text ``<origin>\\n<tree size>\\n<base64 root hash>\\n`` (c2sp.org/tlog-checkpoint).
A signed note (c2sp.org/signed-note) is that text, a blank line, and one line per signature:
``— <key name> <base64(key hash ‖ signature)>``, where the key hash is the first 4 bytes of
SHA-256(key name ‖ "\\n" ‖ 0x01 ‖ public key) and 0x01 names Ed25519.  Keys are written as Go's
``golang.org/x/mod/sumdb/note`` writes them — verifier ``<name>+<hash hex>+<base64(0x01 ‖ key)>``,
signer ``PRIVATE+KEY+<name>+<hash hex>+<base64(0x01 ‖ seed)>`` — so any tool of that ecosystem
can check our checkpoints.  Parsing is strict: base64 must be canonical, so that no byte of a
checkpoint can change without the change being detected.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = b"\x01"
DASH = "\u2014 "  # "— ": em dash and a space start every signature line
_NAME = re.compile(r"^[^\s+]+$")


class NoteError(ValueError):
    """A note, key or checkpoint that does not parse or does not verify."""


def b64decode(text: str, what: str) -> bytes:
    """Standard base64 that must also be canonical (re-encoding gives the same text)."""
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError:
        raise NoteError(f"{what} is not base64") from None
    if base64.b64encode(data).decode("ascii") != text:
        raise NoteError(f"{what} is not canonical base64")
    return data


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def key_hash(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519 + public).digest()[:4]


def _parse_key(text: str, prefix: list[str], what: str) -> tuple[str, str, bytes]:
    """(name, hash hex, 32-byte key) of ``[prefix+]<name>+<hash>+<base64(0x01 ‖ key)>``."""
    parts = text.strip("\n").split("+", len(prefix) + 2)
    form = "+".join([*prefix, "<name>", "<8 hex digits>", "<base64 key>"])
    if (
        len(parts) != len(prefix) + 3
        or parts[: len(prefix)] != prefix
        or not _NAME.match(parts[-3])
        or not re.fullmatch(r"[0-9a-f]{8}", parts[-2])
    ):
        raise NoteError(f"{what} is not {form}")
    material = b64decode(parts[-1], what)
    if len(material) != 33 or material[:1] != ED25519:
        raise NoteError(f"{what} is not an Ed25519 key")
    return parts[-3], parts[-2], material[1:]


@dataclass(frozen=True)
class Verifier:
    name: str
    public: bytes

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        name, hash_hex, public = _parse_key(vkey, [], "verifier key")
        if key_hash(name, public).hex() != hash_hex:
            raise NoteError("verifier key hash does not match its name and key")
        return cls(name, public)

    def __str__(self) -> str:
        return f"{self.name}+{key_hash(self.name, self.public).hex()}+{b64(ED25519 + self.public)}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> Signer:
        if not _NAME.match(name):
            raise NoteError(f"key name {name!r} must have no spaces or '+'")
        return cls(name, Ed25519PrivateKey.generate().private_bytes_raw())

    @classmethod
    def parse(cls, skey: str) -> Signer:
        name, hash_hex, seed = _parse_key(skey, ["PRIVATE", "KEY"], "signer key")
        signer = cls(name, seed)
        if key_hash(signer.name, signer.verifier.public).hex() != hash_hex:
            raise NoteError("signer key hash does not match its name and key")
        return signer

    def __str__(self) -> str:
        return f"PRIVATE+KEY+{self.name}+{key_hash(self.name, self.verifier.public).hex()}+{b64(ED25519 + self.seed)}"

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes_raw())

    def sign(self, text: str) -> str:
        """The signed note of ``text`` (which must end with a newline)."""
        if not text.endswith("\n") or "\n\n" in text:
            raise NoteError("note text must end with a newline and have no blank line")
        signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(text.encode("utf-8"))
        return f"{text}\n{DASH}{self.name} {b64(key_hash(self.name, self.verifier.public) + signature)}\n"


def open_note(note: str, verifier: Verifier) -> str:
    """The text of ``note`` when it carries a valid signature by ``verifier``; NoteError otherwise."""
    text, sep, signatures = note.partition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise NoteError("not a signed note (text, blank line, signature lines)")
    text += "\n"
    lines = signatures[:-1].split("\n")
    for line in lines:
        if not line.startswith(DASH) or line.count(" ") != 2:
            raise NoteError("malformed signature line")
    for line in lines:
        name, blob = line[len(DASH) :].split(" ")
        if name != verifier.name:
            continue
        data = b64decode(blob, "signature")
        if len(data) != 68 or data[:4] != key_hash(verifier.name, verifier.public):
            continue
        if verifier.verify(text.encode("utf-8"), data[4:]):
            return text
        raise NoteError(f"signature by {name} does not verify")
    raise NoteError(f"no signature by {verifier.name}")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{b64(self.root)}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "" or not lines[0]:
            raise NoteError("checkpoint is not origin, size and root hash lines")
        if not re.fullmatch(r"0|[1-9][0-9]{0,19}", lines[1]):
            raise NoteError("checkpoint tree size is not a decimal number")
        root = b64decode(lines[2], "checkpoint root hash")
        if len(root) != 32:
            raise NoteError("checkpoint root hash is not 32 bytes")
        return cls(lines[0], int(lines[1]), root)
