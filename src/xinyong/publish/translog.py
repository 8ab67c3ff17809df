"""The transparency log of everything published: append-only, Merkle-hashed, with signed checkpoints.

Every public document — a round's commitment, randomness, plans and selection, each disclosure
record and each correction, and the manifest of the site's files — is an entry: one line of
canonical JSON (docs/draw-spec.md §0) in ``log/entries.jsonl``, hashed as an RFC 6962 leaf (:mod:`xinyong.core.merkle`).
Each append ends with a checkpoint signed with the log's Ed25519 key (:mod:`.checkpoint`), kept as
``log/checkpoint.txt`` and in ``log/checkpoints/<size>.txt``.  The tree's complete subtrees are
published too, as ``log/tree/<level>.bin`` (32-byte hashes, append-only like the log — the stored
hashes of Go's ``golang.org/x/mod/sumdb/tlog``), so that anyone can produce the inclusion proof of
any entry and the consistency proof between any two checkpoints with O(log n) reads
(``xinyong log proof``), without downloading the entries.  The verifier key is ``log/key.txt``;
the private key lives outside the public folder (``<public>/../private/``), made on first use
with mode 0600.

An append writes the entries file (by rename), then the tree's levels, each flushed to disk, and
only then signs a checkpoint of them and writes it, as ``checkpoints/<size>.txt`` and then
``checkpoint.txt``: the log never signs a tree it has not durably written.  An append cut short
(a crash, a SIGKILL) leaves entries that no checkpoint signs yet; ``log verify`` reports them until
the next append — the same command run again, or any other — signs them.  An entry already in the log
is recognised by its bytes, so a step run again after a crash logs nothing twice.  Callers log a
document before they publish it, so a published record always has its entry.  One process at a
time appends or writes into the public folder: the log's lock (:func:`locked`,
:mod:`xinyong.workspace.lock`) beside its private key, held by callers for their whole step; a
second process is refused with the pid of the first.

``verify_log`` checks all of it and names the first file, entry or line that is wrong.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.canonical import CJ
from xinyong.core.merkle import Hash, StoredLevel, Tree, leaf_hash, verify_consistency, verify_inclusion
from xinyong.errors import InputFileError, UsageError, VerificationError
from xinyong.publish.checkpoint import Checkpoint, NoteError, Signer, Verifier, b64, open_note
from xinyong.workspace import fsio, lock
from xinyong.workspace.layout import (
    LOG,
    LOG_CHECKPOINT,
    LOG_CHECKPOINTS,
    LOG_ENTRIES,
    LOG_KEY,
    LOG_LOCK,
    LOG_TREE,
    private_key,
)


def origin_for(division: str) -> str:
    """The log's origin line (and key name) for a district's public folder."""
    return f"xinyong.local/{division}"


def load_signer(key_path: Path, origin: str) -> Signer:
    """The log's signing key; created (mode 0600, atomically) when missing.  A readable-by-others key is refused."""
    if key_path.exists():
        mode = stat.S_IMODE(key_path.stat().st_mode)
        if mode & 0o077:
            raise UsageError(
                f"{key_path}: the log's private key must be readable by its owner only (chmod 600), not {mode:o}"
            )
        try:
            return Signer.parse(key_path.read_text(encoding="ascii"))
        except (NoteError, UnicodeDecodeError) as error:
            raise UsageError(f"{key_path}: not a signer key: {error}") from None
    key_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    signer = Signer.generate(origin)
    fsio.write_bytes(key_path, (str(signer) + "\n").encode("ascii"), durable=True, mode=0o600)
    return signer


@dataclass(frozen=True)
class Appended:
    indices: list[int]  # the log index of each given entry (old or new)
    checkpoint: Checkpoint


@contextmanager
def locked(public_dir: Path, key_path: Path | None = None) -> Iterator[Path]:
    """Hold the log's lock (beside its private key) for the block; yields the key's path.

    Everything written into ``public_dir`` is written holding it — the log's files, and the documents
    logged in it — so the temporary files found there once it is taken are a killed writer's, and go.
    """
    key_path = key_path or private_key(public_dir)
    if public_dir.resolve() in key_path.resolve().parents:
        raise UsageError(f"{key_path}: the log's private key must not be inside the public folder {public_dir}")
    key_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with lock.held(key_path.parent / LOG_LOCK, f"transparency log {public_dir / LOG}", tidy=public_dir):
        yield key_path


def append(public_dir: Path, entries: list[dict], *, origin: str, key_path: Path | None = None) -> Appended:
    """Append the entries not already in the log; sign a checkpoint of every entry not yet signed.

    The entries and the tree are written to disk (and flushed) before the checkpoint that signs them
    is made; an append cut short leaves entries no checkpoint signs yet, which the next append (the
    same step run again, or any other) signs — an entry already in the log is recognised by its bytes
    and not added twice.
    """
    with locked(public_dir, key_path) as key:
        lines = _lines(public_dir)
        written = len(lines)
        signed = _latest(public_dir) if (public_dir / LOG_CHECKPOINT).exists() else None
        if signed is not None and signed.size > written:
            raise VerificationError(
                f"{LOG_ENTRIES}: {written} entries, but the latest checkpoint ({LOG_CHECKPOINT}) signs "
                f"{signed.size}; restore the log before appending to it"
            )
        known = {line: i for i, line in enumerate(lines)}
        indices = []
        for entry in entries:
            line = CJ(entry)
            if line not in known:
                known[line] = len(lines)
                lines.append(line)
            indices.append(known[line])
        if signed is not None and signed.size == len(lines):
            return Appended(indices, signed)
        signer = load_signer(key, origin)
        tree = Tree([leaf_hash(line) for line in lines])
        if len(lines) > written:
            fsio.write_bytes(public_dir / LOG_ENTRIES, b"".join(line + b"\n" for line in lines), durable=True)
        for k, level in enumerate(tree.levels):  # complete subtrees only grow: older bytes stay as they were
            fsio.write_bytes(public_dir / LOG_TREE / f"{k}.bin", b"".join(level), durable=True)
        verifier = (str(signer.verifier) + "\n").encode("ascii")
        if not (public_dir / LOG_KEY).is_file() or (public_dir / LOG_KEY).read_bytes() != verifier:
            fsio.write_bytes(public_dir / LOG_KEY, verifier, durable=True)
        # Only now, with every entry and hash it covers on disk, is the checkpoint signed.
        checkpoint = Checkpoint(signed.origin if signed else signer.name, len(lines), tree.root())
        note = signer.sign(checkpoint.text()).encode("utf-8")  # Ed25519 is deterministic: a re-run signs alike
        fsio.write_bytes(public_dir / LOG_CHECKPOINTS / f"{checkpoint.size}.txt", note, durable=True)
        fsio.write_bytes(public_dir / LOG_CHECKPOINT, note, durable=True)
        return Appended(indices, checkpoint)


def _lines(public_dir: Path) -> list[bytes]:
    """The entries as written, one line each (no final newline)."""
    path = public_dir / LOG_ENTRIES
    return path.read_bytes().split(b"\n")[:-1] if path.exists() else []


def _latest(public_dir: Path) -> Checkpoint:
    verifier = Verifier.parse((public_dir / LOG_KEY).read_text(encoding="ascii"))
    return Checkpoint.parse(open_note((public_dir / LOG_CHECKPOINT).read_text(encoding="utf-8"), verifier))


# -- reading and proving ------------------------------------------------------------------------
def entries(public_dir: Path) -> list[dict]:
    return [json.loads(line) for line in _lines(public_dir)]


def logged_files(public_dir: Path) -> dict[str, tuple[str, int]]:
    """Each document logged as a ``file`` entry: its path in the site → (its SHA-256, the entry's index)."""
    return {e["path"]: (e["sha256"], index) for index, e in enumerate(entries(public_dir)) if e.get("kind") == "file"}


def published_dates(public_dir: Path) -> dict[str, str]:
    """Result record id → the day it was published, from the disclosure entries (the one record of it)."""
    return {
        e["record"]["记录号"]: e["record"]["公示日期"] for e in entries(public_dir) if e.get("kind") == "disclosure"
    }


def record_index(public_dir: Path, record_id: str) -> int:
    """The log index of the disclosure entry of result ``record_id``."""
    for index, entry in enumerate(entries(public_dir)):
        if entry.get("kind") == "disclosure" and entry["record"].get("记录号") == record_id:
            return index
    raise UsageError(f"{public_dir}: no published result {record_id} in the transparency log")


def stored_tree(public_dir: Path) -> Tree:
    """The published tree (``log/tree/``), read on demand: proofs without the entries."""
    levels: list[Sequence[Hash]] = []
    k = 0
    while (public_dir / LOG_TREE / f"{k}.bin").exists():
        levels.append(StoredLevel((public_dir / LOG_TREE / f"{k}.bin").read_bytes()))
        k += 1
    if not levels:
        raise UsageError(f"{public_dir}: no transparency log tree ({LOG_TREE}/0.bin is missing)")
    return Tree.stored(levels)


def prove_inclusion(public_dir: Path, index: int, size: int | None = None) -> dict:
    tree = stored_tree(public_dir)
    size = size or tree.size
    try:
        proof = tree.inclusion_proof(index, size)
        root = tree.root(size)
    except ValueError as error:
        raise UsageError(f"{public_dir}: {error}") from None
    return {
        "index": index,
        "size": size,
        "leaf_hash": b64(tree.levels[0][index]),
        "root": b64(root),
        "proof": [b64(h) for h in proof],
    }


def prove_consistency(public_dir: Path, old: int, new: int | None = None) -> dict:
    tree = stored_tree(public_dir)
    new = new or tree.size
    try:
        proof = tree.consistency_proof(old, new)
        roots = tree.root(old), tree.root(new)
    except ValueError as error:
        raise UsageError(f"{public_dir}: {error}") from None
    return {
        "old": old,
        "new": new,
        "old_root": b64(roots[0]),
        "new_root": b64(roots[1]),
        "proof": [b64(h) for h in proof],
    }


# -- verification -------------------------------------------------------------------------------
@dataclass(frozen=True)
class LogReport:
    """What :func:`verify_log` checked."""

    origin: str
    size: int  # entries signed by the latest checkpoint
    checkpoints: int  # signed checkpoints, each consistent with the next
    files: int  # published files whose SHA-256 is the logged one
    since: int | None  # the size of the checkpoint given with ``since``, proved a prefix; None: none given


def verify_log(public_dir: Path, *, since: Path | None = None, key: str | None = None) -> LogReport:
    """Check the key, every checkpoint, every entry and proof, and every published file; a
    :class:`VerificationError` names the first thing that is wrong."""
    given = _given_key(key)
    if since is not None and not since.is_file():
        raise InputFileError(since, "no such checkpoint file (--since takes a checkpoint.txt you saved)")
    if not (public_dir / LOG_CHECKPOINT).is_file():
        raise VerificationError(f"{public_dir}: no transparency log ({LOG_CHECKPOINT} is missing)")
    verifier = _verifier(public_dir, given)
    latest = _checkpoint(public_dir, LOG_CHECKPOINT, verifier)
    lines, logged = _entry_lines(public_dir, latest.size)
    tree = Tree([leaf_hash(line) for line in lines])
    checkpoints = _all_checkpoints(public_dir, verifier, latest)
    for size, checkpoint in checkpoints.items():
        if tree.root(size) != checkpoint.root:
            raise VerificationError(_first_bad_entry(public_dir, tree, size))
    _check_tree(public_dir, tree, latest)
    sizes = sorted(checkpoints)
    for old, new in itertools.pairwise(sizes):
        if not verify_consistency(
            old, new, tree.consistency_proof(old, new), checkpoints[old].root, checkpoints[new].root
        ):
            raise VerificationError(f"{LOG_CHECKPOINTS}/{new}.txt: not consistent with checkpoint {old}")
    since_size = _check_since(since, verifier, tree, latest) if since is not None else None
    return LogReport(latest.origin, latest.size, len(checkpoints), _check_files(public_dir, logged), since_size)


def _given_key(key: str | None) -> Verifier | None:
    """The verifier key given with ``--key``, parsed before anything is read."""
    try:
        return None if key is None else Verifier.parse(key)
    except NoteError as error:
        raise UsageError(f"--key: {error}") from None


def _verifier(public_dir: Path, given: Verifier | None) -> Verifier:
    try:
        published = Verifier.parse((public_dir / LOG_KEY).read_text(encoding="ascii"))
    except (NoteError, UnicodeDecodeError, FileNotFoundError) as error:
        raise VerificationError(f"{LOG_KEY}: not a verifier key ({error})") from None
    if given is not None and given != published:
        raise VerificationError(f"{LOG_KEY}: is not the key you gave (--key)")
    return published


def _checkpoint(public_dir: Path, name: str, verifier: Verifier) -> Checkpoint:
    try:
        return Checkpoint.parse(open_note((public_dir / name).read_bytes().decode("utf-8"), verifier))
    except (NoteError, UnicodeDecodeError) as error:
        raise VerificationError(f"{name}: {error}") from None


def _entry_lines(public_dir: Path, size: int) -> tuple[list[bytes], list[dict]]:
    """The entries' lines and the entries, each line checked to be canonical JSON."""
    data = (public_dir / LOG_ENTRIES).read_bytes() if (public_dir / LOG_ENTRIES).exists() else b""
    if data and not data.endswith(b"\n"):
        raise VerificationError(f"{LOG_ENTRIES}: the last entry is torn (no final newline)")
    lines, logged = data.split(b"\n")[:-1], []
    for number, line in enumerate(lines, start=1):
        try:
            logged.append(json.loads(line))
            canonical = CJ(logged[-1]) == line
        except (ValueError, TypeError):
            canonical = False
        if not canonical:
            raise VerificationError(f"{LOG_ENTRIES} line {number}: not an entry in canonical JSON")
    if len(lines) != size:
        raise VerificationError(
            f"{LOG_ENTRIES}: {len(lines)} entries, but the latest checkpoint ({LOG_CHECKPOINT}) signs {size}"
        )
    return lines, logged


def _all_checkpoints(public_dir: Path, verifier: Verifier, latest: Checkpoint) -> dict[int, Checkpoint]:
    checkpoints = {}
    for path in sorted((public_dir / LOG_CHECKPOINTS).glob("*"), key=lambda p: p.name):
        name = f"{LOG_CHECKPOINTS}/{path.name}"
        checkpoint = _checkpoint(public_dir, name, verifier)
        if path.name != f"{checkpoint.size}.txt" or checkpoint.origin != latest.origin:
            raise VerificationError(
                f"{name}: signs size {checkpoint.size} of {checkpoint.origin}, not what its name and the log say"
            )
        checkpoints[checkpoint.size] = checkpoint
    if (
        checkpoints.get(latest.size) != latest
        or (public_dir / LOG_CHECKPOINT).read_bytes()
        != (public_dir / LOG_CHECKPOINTS / f"{latest.size}.txt").read_bytes()
    ):
        raise VerificationError(f"{LOG_CHECKPOINT}: differs from {LOG_CHECKPOINTS}/{latest.size}.txt")
    if max(checkpoints) != latest.size:
        raise VerificationError(
            f"{LOG_CHECKPOINTS}/{max(checkpoints)}.txt: is beyond the latest checkpoint {latest.size}"
        )
    return dict(sorted(checkpoints.items()))


def _first_bad_entry(public_dir: Path, tree: Tree, size: int) -> str:
    """Name the entry that makes checkpoint ``size`` fail, by its leaf hash in the published tree."""
    published = _stored_leaves(public_dir)
    for index in range(size):
        if index >= len(published) or tree.levels[0][index] != published[index]:
            return (
                f"{LOG_ENTRIES} entry {index} (line {index + 1}): not in the log as checkpoint {size} signed it; "
                "changed after publication"
            )
    return f"{LOG_ENTRIES}: entries before {size} do not give the root that checkpoint {size} signed"


def _stored_leaves(public_dir: Path) -> StoredLevel | list:
    try:
        return StoredLevel((public_dir / LOG_TREE / "0.bin").read_bytes())
    except (OSError, ValueError):
        return []


def _check_tree(public_dir: Path, tree: Tree, latest: Checkpoint) -> None:
    """The published levels are exactly the tree's, and every entry's inclusion proof read from them
    verifies against the latest signed checkpoint."""
    names = set()
    for k, level in enumerate(tree.levels if tree.size else []):
        name = f"{LOG_TREE}/{k}.bin"
        names.add(f"{k}.bin")
        path = public_dir / name
        data = path.read_bytes() if path.is_file() else b""
        expected = b"".join(level)
        if data != expected:
            at = next(
                (i for i in range(0, min(len(data), len(expected)), 32) if data[i : i + 32] != expected[i : i + 32]),
                min(len(data), len(expected)),
            )
            raise VerificationError(f"{name}: hash {at // 32} is not the log's (level {k} of the tree)")
    extra = sorted(p.name for p in (public_dir / LOG_TREE).glob("*") if p.name not in names)
    if extra:
        raise VerificationError(f"{LOG_TREE}/{extra[0]}: is not a level of the tree")
    stored = stored_tree(public_dir)
    for index in range(latest.size):
        if not verify_inclusion(
            index, latest.size, tree.levels[0][index], stored.inclusion_proof(index, latest.size), latest.root
        ):
            raise VerificationError(
                f"{LOG_TREE}: the inclusion proof of entry {index} does not verify against {LOG_CHECKPOINT}"
            )


def _check_since(since: Path, verifier: Verifier, tree: Tree, latest: Checkpoint) -> int:
    try:
        earlier = Checkpoint.parse(open_note(since.read_text(encoding="utf-8"), verifier))
    except (NoteError, UnicodeDecodeError, OSError) as error:
        raise VerificationError(f"{since}: {error}") from None
    if earlier.origin != latest.origin or earlier.size > latest.size:
        raise VerificationError(
            f"{since}: checkpoint of {earlier.origin} at size {earlier.size} cannot precede the log's {latest.size}"
        )
    proof = tree.consistency_proof(earlier.size, latest.size) if earlier.size else []
    if earlier.size and not verify_consistency(earlier.size, latest.size, proof, earlier.root, latest.root):
        raise VerificationError(
            f"{since}: the log is not an extension of this checkpoint; entries before {earlier.size} were changed"
        )
    return earlier.size


def _check_files(public_dir: Path, logged: list[dict]) -> int:
    """Every published file matches its entry, and every file outside log/ has one.

    ``file`` entries log documents that never change (a round's commitment, randomness, plans,
    selection); the latest ``site`` entry lists the pages and downloads the site shows now.
    """
    expected: dict[str, tuple[str, int]] = {}
    site: dict[str, tuple[str, int]] = {}
    for index, entry in enumerate(logged):
        _check_entry(index, entry)
        if entry.get("kind") == "file":
            if entry["path"] in expected:
                raise VerificationError(
                    f"{entry['path']}: logged twice (entries {expected[entry['path']][1]} and {index}); a published "
                    "document changed"
                )
            expected[entry["path"]] = (entry["sha256"], index)
        elif entry.get("kind") == "site":
            site = {path: (digest, index) for path, digest in entry["files"].items()}
    expected.update(site)
    checked = 0
    for path in sorted(p for p in public_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(public_dir).as_posix()
        if relative.startswith(f"{LOG}/"):
            continue
        if relative not in expected:
            if fsio.TEMPORARY.fullmatch(path.name):
                raise VerificationError(
                    f"{relative}: a temporary file a step killed while writing left behind, not in the transparency "
                    "log; run that step (or xinyong disclose) again, which removes it, then verify again"
                )
            raise VerificationError(f"{relative}: published but not in the transparency log")
        digest, index = expected.pop(relative)
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise VerificationError(
                f"{relative}: differs from log entry {index} (SHA-256 {digest[:12]}…); changed after publication"
            )
        checked += 1
    for relative, (_, index) in sorted(expected.items()):
        raise VerificationError(f"{relative}: in log entry {index} but missing from the site")
    return checked


def _check_entry(index: int, entry: object) -> None:
    """An entry this verifier reads is shaped as :func:`append` writes it: a file's path and digest, a
    site's paths and digests."""
    where = f"{LOG_ENTRIES} entry {index} (line {index + 1})"
    if not isinstance(entry, dict):
        raise VerificationError(f"{where}: not a JSON object")
    if entry.get("kind") == "file" and not all(isinstance(entry.get(k), str) for k in ("path", "sha256")):
        raise VerificationError(f"{where}: a file entry has a path and a sha256, both text")
    files = entry.get("files")
    if entry.get("kind") == "site" and not (
        isinstance(files, dict) and all(isinstance(v, str) for v in files.values())
    ):
        raise VerificationError(f"{where}: a site entry has files, each path with its sha256 as text")


def file_entry(public_dir: Path, path: Path, data: bytes | None = None) -> dict:
    """The entry that logs one published file by its path and SHA-256 (of ``data`` when it is not written yet)."""
    data = path.read_bytes() if data is None else data
    return {"kind": "file", "path": path.relative_to(public_dir).as_posix(), "sha256": hashlib.sha256(data).hexdigest()}
