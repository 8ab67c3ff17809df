"""Signed checkpoints of the transparency log and their witnesses' cosignatures: C2SP signed-note,
tlog-checkpoint and tlog-cosignature, with Ed25519.

A checkpoint is the text ``<origin>\\n<tree size>\\n<base64 root hash>\\n`` (c2sp.org/tlog-checkpoint).
A signed note (c2sp.org/signed-note) is that text, a blank line, and one line per signature:
``— <key name> <base64(key ID ‖ signature)>``, where the key ID is the first 4 bytes of
SHA-256(key name ‖ "\\n" ‖ type ‖ public key) and the type byte names the kind of signature:

- ``0x01``, Ed25519 over the note text: the log's own signature;
- ``0x04``, a witness's timestamped cosignature (c2sp.org/tlog-cosignature, ``cosignature/v1``): the
  signature is ``u64 big-endian timestamp ‖ Ed25519 signature`` of ``cosignature/v1\\ntime <T>\\n``
  followed by the note text — the witness's statement that, at POSIX time T, this is the largest tree
  of the log it has seen, consistent with everything it saw before.

Keys are written as Go's ``golang.org/x/mod/sumdb/note`` writes them — verifier (vkey)
``<name>+<key ID hex>+<base64(type ‖ key)>``, signer ``PRIVATE+KEY+<name>+<key ID hex>+<base64(type ‖ seed)>``
— so any tool of that ecosystem can check our checkpoints and cosignatures.  Parsing is strict: base64
must be canonical, every signature line well formed, and a note holds no control character but the
newline, so that no byte of a checkpoint can change without the change being detected.  Signatures by
keys a reader does not know are skipped, as the note format requires (a witness's cosignature beside
the log's own); one by a known name and key ID must verify.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = b"\x01"  # the log's note signatures
COSIGNATURE = b"\x04"  # a witness's timestamped Ed25519 cosignatures (cosignature/v1)
KIND_NAMES = {ED25519: "an Ed25519 key (type 0x01)", COSIGNATURE: "a witness cosigning key (type 0x04)"}
DASH = "\u2014 "  # "— ": em dash and a space start every signature line
MAX_SIGNATURES = 64  # signature lines a note may have (c2sp.org/signed-note asks for at least 16)
_NAME = re.compile(r"^[^\s+]+$")
_TIMESTAMP_LIMIT = 1 << 63


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


def key_hash(name: str, public: bytes, kind: bytes = ED25519) -> bytes:
    """The key ID: SHA-256(name ‖ "\\n" ‖ type ‖ public key)[:4]."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + kind + public).digest()[:4]


def _parse_key(text: str, prefix: list[str], what: str, kind: bytes) -> tuple[str, str, bytes]:
    """(name, key ID hex, 32-byte key) of ``[prefix+]<name>+<key ID>+<base64(type ‖ key)>``."""
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
    if len(material) != 33 or material[:1] != kind:
        raise NoteError(f"{what} is not {KIND_NAMES[kind]}")
    return parts[-3], parts[-2], material[1:]


@dataclass(frozen=True)
class Verifier:
    """A public key: the log's (``kind`` 0x01) or a witness's (0x04)."""

    name: str
    public: bytes
    kind: bytes = ED25519

    @classmethod
    def parse(cls, vkey: str, kind: bytes = ED25519) -> Verifier:
        name, hash_hex, public = _parse_key(vkey, [], "verifier key", kind)
        if key_hash(name, public, kind).hex() != hash_hex:
            raise NoteError("verifier key hash does not match its name and key")
        return cls(name, public, kind)

    def __str__(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{b64(self.kind + self.public)}"

    @property
    def key_id(self) -> bytes:
        return key_hash(self.name, self.public, self.kind)

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signature:
    """One signature line of a note: the key's name, its key ID, and the signature bytes after it."""

    name: str
    key_id: bytes
    signature: bytes

    @classmethod
    def parse(cls, line: str, what: str = "signature line") -> Signature:
        """``— <name> <base64(key ID ‖ signature)>``: the name without spaces or '+', the base64 canonical and
        at least a key ID and one byte long."""
        words = line[len(DASH) :].split(" ") if line.startswith(DASH) else []
        if len(words) != 2 or not _NAME.match(words[0]):
            raise NoteError(f"malformed {what}")
        data = b64decode(words[1], what)
        if len(data) < 5:
            raise NoteError(f"malformed {what}: a key ID and a signature are at least 5 bytes")
        return cls(words[0], data[:4], data[4:])

    def __str__(self) -> str:
        return f"{DASH}{self.name} {b64(self.key_id + self.signature)}"

    def by(self, verifier: Verifier) -> bool:
        """Whether this line claims to be by ``verifier`` (its name and key ID)."""
        return self.name == verifier.name and self.key_id == verifier.key_id


def cosigned_message(text: str, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: the header line, the time line, then the checkpoint's note text."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


@dataclass(frozen=True)
class Signer:
    name: str
    seed: bytes
    kind: bytes = ED25519

    @classmethod
    def generate(cls, name: str, kind: bytes = ED25519) -> Signer:
        if not _NAME.match(name):
            raise NoteError(f"key name {name!r} must have no spaces or '+'")
        return cls(name, Ed25519PrivateKey.generate().private_bytes_raw(), kind)

    @classmethod
    def parse(cls, skey: str, kind: bytes = ED25519) -> Signer:
        name, hash_hex, seed = _parse_key(skey, ["PRIVATE", "KEY"], "signer key", kind)
        signer = cls(name, seed, kind)
        if signer.verifier.key_id.hex() != hash_hex:
            raise NoteError("signer key hash does not match its name and key")
        return signer

    def __str__(self) -> str:
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{b64(self.kind + self.seed)}"

    @property
    def verifier(self) -> Verifier:
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes_raw()
        return Verifier(self.name, public, self.kind)

    def _sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)

    def sign(self, text: str) -> str:
        """The signed note of ``text`` (which must end with a newline), by a log key."""
        if self.kind != ED25519:
            raise NoteError(f"{self.name} is a witness key: it cosigns checkpoints, it signs no note")
        if not text.endswith("\n") or "\n\n" in text:
            raise NoteError("note text must end with a newline and have no blank line")
        line = Signature(self.name, self.verifier.key_id, self._sign(text.encode("utf-8")))
        return f"{text}\n{line}\n"

    def cosign(self, text: str, timestamp: int) -> Signature:
        """The cosignature/v1 line of a checkpoint's note text at POSIX time ``timestamp``, by a witness key."""
        if self.kind != COSIGNATURE:
            raise NoteError(f"{self.name} is not a witness key: a cosignature needs type 0x04")
        if not 0 <= timestamp < _TIMESTAMP_LIMIT:
            raise NoteError(f"cosignature time {timestamp} is not a POSIX time below 2^63")
        stamp = timestamp.to_bytes(8, "big")
        return Signature(self.name, self.verifier.key_id, stamp + self._sign(cosigned_message(text, timestamp)))


def parse_note(note: str) -> tuple[str, list[Signature]]:
    """The text of a signed note and its signature lines, read strictly (c2sp.org/signed-note): the text is
    separated from the signatures by the last blank line, and every line after it is a :class:`Signature`."""
    if any(ch < " " and ch != "\n" for ch in note):
        raise NoteError("a note holds no control character but the newline")
    text, sep, signatures = note.rpartition("\n\n")
    if not sep or not text or not signatures.endswith("\n"):
        raise NoteError("not a signed note (text, blank line, signature lines)")
    lines = signatures[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"more than {MAX_SIGNATURES} signature lines")
    parsed = [Signature.parse(line, f"signature line {number}") for number, line in enumerate(lines, start=1)]
    return text + "\n", parsed


def open_note(note: str, verifier: Verifier) -> str:
    """The text of ``note`` when it carries a valid signature by ``verifier``; NoteError otherwise."""
    text, signatures = parse_note(note)
    for signature in signatures:
        if signature.by(verifier):
            if verifier.verify(text.encode("utf-8"), signature.signature):
                return text
            raise NoteError(f"signature by {verifier.name} does not verify")
    raise NoteError(f"no signature by {verifier.name}")


def cosignature_time(text: str, signature: Signature, witness: Verifier) -> int:
    """The POSIX time of a cosignature/v1 by ``witness`` on the note text ``text``; NoteError when it does not
    verify."""
    stamp, ed25519 = signature.signature[:8], signature.signature[8:]
    timestamp = int.from_bytes(stamp, "big")
    if len(signature.signature) != 72 or timestamp >= _TIMESTAMP_LIMIT:
        raise NoteError(f"cosignature by {witness.name} is not a timestamp and an Ed25519 signature")
    if not witness.verify(cosigned_message(text, timestamp), ed25519):
        raise NoteError(f"cosignature by {witness.name} does not verify")
    return timestamp


def with_signature(note: str, signature: Signature) -> str:
    """``note`` with one more signature line at its end (unchanged when it has that line already)."""
    line = f"{signature}\n"
    return note if line in note.split("\n\n")[-1].splitlines(keepends=True) else note + line


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
