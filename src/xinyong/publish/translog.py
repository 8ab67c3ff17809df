"""The transparency log of everything published: append-only, Merkle-hashed, with signed and witnessed checkpoints.

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

**The chain of checkpoints.**  An append that adds entries to a signed log first adds the entry
``{"kind": "checkpoint", "size": M, "root": <base64>}`` naming the latest checkpoint it extends, so the
log itself says which checkpoints were signed: one removed later is missed (``log verify``).

**Witnesses.**  Independent bodies cosign checkpoints (:mod:`.witness`, C2SP tlog-cosignature); a
cosignature is one more signature line of the checkpoint's note, added to ``checkpoint.txt`` and
``checkpoints/<size>.txt`` (:func:`add_cosignature`), and the witness's verifier key is listed in
``log/witnesses.txt``.  :func:`cosigned` lists the cosignatures by keys a reader trusts, for the round
verifier's ordering evidence (docs/draw-spec.md §8).

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

``verify_log`` checks all of it and names the first file, entry or line that is wrong: every file
under the public folder is either one of the log's own or a logged document, a regular file that is
neither hidden nor a link; every checkpoint and cosignature; the chain; the tree; and the published
records against the site's record list (:mod:`.records`).  It reads each entry once and builds the
tree once (O(n) hashing; the per-entry inclusion proofs of the published tree follow from its levels
being the recomputed ones).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.canonical import CJ
from xinyong.core.merkle import Hash, StoredLevel, Tree, leaf_hash, verify_consistency, verify_inclusion
from xinyong.errors import InputFileError, UsageError, VerificationError
from xinyong.publish.checkpoint import (
    COSIGNATURE,
    Checkpoint,
    NoteError,
    Signature,
    Signer,
    Verifier,
    b64,
    cosignature_time,
    open_note,
    parse_note,
    with_signature,
)
from xinyong.publish.records import check_copies, check_site_records, logged_records
from xinyong.workspace import fsio, lock
from xinyong.workspace.layout import (
    DOWNLOADS,
    LOG,
    LOG_CHECKPOINT,
    LOG_CHECKPOINTS,
    LOG_ENTRIES,
    LOG_KEY,
    LOG_LOCK,
    LOG_TREE,
    LOG_WITNESSES,
    SITE_RECORDS_SCRIPT,
    SITE_RESULTS,
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


def checkpoint_entry(checkpoint: Checkpoint) -> dict:
    """The entry by which an append names the signed checkpoint it extends."""
    return {"kind": "checkpoint", "root": b64(checkpoint.root), "size": checkpoint.size}


def append(public_dir: Path, entries: list[dict], *, origin: str, key_path: Path | None = None) -> Appended:
    """Append the entries not already in the log; sign a checkpoint of every entry not yet signed.

    When it adds entries to a signed log, the first is the one naming the latest checkpoint
    (:func:`checkpoint_entry`).  The entries and the tree are written to disk (and flushed) before the
    checkpoint that signs them is made; an append cut short leaves entries no checkpoint signs yet, which
    the next append (the same step run again, or any other) signs — an entry already in the log is
    recognised by its bytes and not added twice.
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

        def add(line: bytes) -> int:
            if line not in known:
                known[line] = len(lines)
                lines.append(line)
            return known[line]

        fresh = [CJ(entry) for entry in entries]
        if signed is not None and any(line not in known for line in fresh):
            add(CJ(checkpoint_entry(signed)))
        indices = [add(line) for line in fresh]
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


def add_cosignature(public_dir: Path, checkpoint: Checkpoint, cosignature: Signature, witness: Verifier) -> None:
    """Add a witness's cosignature of ``checkpoint`` to the log's copies of it, and its key to
    ``log/witnesses.txt``; what already has them is left as it is, so a run cut short is finished by the next.

    The key is listed first, then ``checkpoints/<size>.txt`` and then ``checkpoint.txt`` (while it is that
    checkpoint) get the line, so every cosignature on disk is by a listed witness.
    """
    with locked(public_dir):
        listed = _witness_lines(public_dir)
        if str(witness) not in listed:
            text = "".join(f"{line}\n" for line in sorted({*listed, str(witness)}))
            fsio.write_bytes(public_dir / LOG_WITNESSES, text.encode("ascii"), durable=True)
        for path in (public_dir / LOG_CHECKPOINTS / f"{checkpoint.size}.txt", public_dir / LOG_CHECKPOINT):
            note = path.read_bytes().decode("utf-8", errors="replace") if path.is_file() else ""
            if note.startswith(checkpoint.text() + "\n") and with_signature(note, cosignature) != note:
                fsio.write_bytes(path, with_signature(note, cosignature).encode("utf-8"), durable=True)


def _witness_lines(public_dir: Path) -> list[str]:
    path = public_dir / LOG_WITNESSES
    return path.read_text(encoding="ascii").splitlines() if path.is_file() else []


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


def published_records(public_dir: Path) -> dict[str, tuple[dict, int]]:
    """Each published result by 记录号 → (the record as first logged, the index of its disclosure entry)."""
    found: dict[str, tuple[dict, int]] = {}
    for index, entry in enumerate(entries(public_dir)):
        if entry.get("kind") == "disclosure":
            found.setdefault(entry["record"]["记录号"], (entry["record"], index))
    return found


def published_dates(public_dir: Path) -> dict[str, str]:
    """Result record id → the day it was published, from its disclosure entry."""
    return {rid: record["公示日期"] for rid, (record, _) in published_records(public_dir).items()}


def record_index(public_dir: Path, record_id: str) -> int:
    """The log index of the disclosure entry of result ``record_id``."""
    found = published_records(public_dir).get(record_id)
    if found is None:
        raise UsageError(f"{public_dir}: no published result {record_id} in the transparency log")
    return found[1]


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


def untrusted_proof(public_dir: Path, old: int, new: int) -> list[Hash]:
    """The consistency proof from ``old`` to ``new`` read from the published tree as it is — for a witness,
    which checks it against roots of its own; a tree that cannot give one gives an empty proof, which fails."""
    try:
        return stored_tree(public_dir).consistency_proof(old, new)
    except (UsageError, ValueError, IndexError, OSError):
        return []


# -- witnesses' cosignatures ---------------------------------------------------------------------
@dataclass(frozen=True)
class Cosigned:
    size: int  # the checkpoint's tree size
    witness: str  # the cosigner's key name
    timestamp: int  # POSIX seconds, from the cosignature


def witness_keys(vkeys: Sequence[str], option: str = "--witness") -> list[Verifier]:
    """Witness verifier keys (type 0x04) given as text, each parsed (one error naming ``option``), repeats dropped."""
    keys: list[Verifier] = []
    for vkey in vkeys:
        try:
            key = Verifier.parse(vkey, COSIGNATURE)
        except NoteError as error:
            raise UsageError(f"{option}: {error}: {vkey!r}") from None
        if key not in keys:
            keys.append(key)
    return keys


def cosigned(public_dir: Path, witnesses: Sequence[str]) -> list[Cosigned]:
    """Every valid cosignature by these witness keys on any stored checkpoint of the log (checked against the
    log's signed checkpoints), sorted by (size, timestamp).

    A checkpoint not signed by the log's key (``log/key.txt``), or a cosignature that claims to be by one of
    these keys and does not verify, is a :class:`VerificationError`; lines by other keys are skipped.
    """
    trusted = witness_keys(witnesses)
    if not (public_dir / LOG_CHECKPOINT).is_file():
        raise VerificationError(f"{public_dir}: no transparency log ({LOG_CHECKPOINT} is missing)")
    verifier = _verifier(public_dir, None)
    found = []
    folder = public_dir / LOG_CHECKPOINTS
    for path in sorted(folder.iterdir() if folder.is_dir() else []):
        checkpoint, cosignatures = _checkpoint(public_dir, f"{LOG_CHECKPOINTS}/{path.name}", verifier, trusted)
        found += [Cosigned(checkpoint.size, w.name, t) for w, t in cosignatures]
    return sorted(found, key=lambda c: (c.size, c.timestamp, c.witness))


# -- verification -------------------------------------------------------------------------------
@dataclass(frozen=True)
class LogReport:
    """What :func:`verify_log` checked."""

    origin: str
    size: int  # entries signed by the latest checkpoint
    checkpoints: int  # signed checkpoints, each consistent with the next
    files: int  # published files whose SHA-256 is the logged one
    since: int | None  # the size of the checkpoint given with ``since``, proved a prefix; None: none given
    records: int  # published results the site lists, each as logged
    witnessed: tuple[Cosigned, ...]  # the latest checkpoint's cosignatures by the witnesses given


def verify_log(
    public_dir: Path,
    *,
    since: Path | None = None,
    key: str | None = None,
    witnesses: Sequence[str] = (),
    quorum: int | None = None,
) -> LogReport:
    """Check the folder, the key, every checkpoint and cosignature, every entry, the chain and the tree,
    every published file and record, and — with ``witnesses`` — that the latest checkpoint carries at
    least ``quorum`` (default: all of them) of their cosignatures; a :class:`VerificationError` names the
    first thing that is wrong."""
    given = _given_key(key)
    trusted = witness_keys(witnesses)
    needed = _quorum(quorum, len(trusted))
    if since is not None and not since.is_file():
        raise InputFileError(since, "no such checkpoint file (--since takes a checkpoint.txt you saved)")
    if not (public_dir / LOG_CHECKPOINT).is_file():
        raise VerificationError(f"{public_dir}: no transparency log ({LOG_CHECKPOINT} is missing)")
    files = _walk(public_dir)
    verifier = _verifier(public_dir, given)
    known = [*trusted, *(w for w in _published_witnesses(public_dir) if w not in trusted)]
    latest, cosignatures = _checkpoint(public_dir, LOG_CHECKPOINT, verifier, known, strict=True)
    lines, logged = _entry_lines(public_dir, latest.size)
    tree = Tree([leaf_hash(line) for line in lines])
    checkpoints = _all_checkpoints(public_dir, files, verifier, latest, known)
    for size, checkpoint in checkpoints.items():
        if tree.root(size) != checkpoint.root:
            raise VerificationError(_first_bad_entry(public_dir, tree, size))
    _check_tree(public_dir, files, tree, latest)
    for old, new in itertools.pairwise(sorted(checkpoints)):
        if not verify_consistency(
            old, new, tree.consistency_proof(old, new), checkpoints[old].root, checkpoints[new].root
        ):
            raise VerificationError(f"{LOG_CHECKPOINTS}/{new}.txt: not consistent with checkpoint {old}")
    for index, entry in enumerate(logged):
        _check_entry(index, entry)
    _check_chain(logged, tree, checkpoints)
    since_size = _check_since(since, verifier, tree, latest) if since is not None else None
    checked = _check_files(public_dir, files, logged)
    records = _check_records(public_dir, files, logged)
    witnessed = tuple(Cosigned(latest.size, w.name, t) for w, t in cosignatures if w in trusted)
    _check_quorum(trusted, needed, cosignatures)
    return LogReport(latest.origin, latest.size, len(checkpoints), checked, since_size, records, witnessed)


def _given_key(key: str | None) -> Verifier | None:
    """The verifier key given with ``--key``, parsed before anything is read."""
    try:
        return None if key is None else Verifier.parse(key)
    except NoteError as error:
        raise UsageError(f"--key: {error}") from None


def _quorum(quorum: int | None, given: int) -> int:
    """How many of the ``given`` witnesses must have cosigned the latest checkpoint: all, unless ``--quorum``."""
    if quorum is None:
        return given
    if not given:
        raise UsageError("--quorum: give the keys of the witnesses you trust with --witness VKEY")
    if not 1 <= quorum <= given:
        raise UsageError(f"--quorum: {quorum} is not between 1 and the {given} witnesses given with --witness")
    return quorum


# What lives under log/ besides the entries, the latest checkpoint and the keys: named checkpoints and levels.
_LOG_OWN = {LOG_ENTRIES, LOG_CHECKPOINT, LOG_KEY, LOG_WITNESSES}
_LOG_FOLDERS = {LOG_CHECKPOINTS, LOG_TREE}
_LOG_NAMED = re.compile(rf"{LOG_CHECKPOINTS}/(0|[1-9][0-9]*)\.txt|{LOG_TREE}/(0|[1-9][0-9]*)\.bin")


def _walk(public_dir: Path) -> list[str]:
    """Every file under the public folder (relative, POSIX, sorted), once nothing there is a link, hidden,
    other than a regular file or folder, or under ``log/`` and not the log's own; links are never followed."""
    found: list[tuple[str, bool]] = []

    def unlisted(error: OSError) -> None:  # a folder a server may still serve files from, by name
        where = Path(error.filename).relative_to(public_dir).as_posix() if error.filename else str(public_dir)
        raise VerificationError(
            f"{where}: a folder that cannot be listed ({error.strerror}); so nothing in it is checked"
        )

    for folder, names, files in os.walk(public_dir, onerror=unlisted, followlinks=False):
        for name in sorted(names + files):
            found.append((Path(folder, name).relative_to(public_dir).as_posix(), name in names))
    regular = []
    for relative, is_folder in sorted(found):
        info = os.lstat(public_dir / relative)
        name = relative.rsplit("/", 1)[-1]
        if stat.S_ISLNK(info.st_mode):
            raise VerificationError(
                f"{relative}: a symbolic link; a published site holds only its own files and folders, never a link"
            )
        if fsio.TEMPORARY.fullmatch(name):
            raise VerificationError(
                f"{relative}: a temporary file a step killed while writing left behind, not in the transparency "
                "log; run that step (or xinyong disclose) again, which removes it, then verify again"
            )
        if name.startswith("."):
            kind = "folder" if is_folder else "file"
            raise VerificationError(
                f"{relative}: a hidden {kind} (its name starts with a dot), not in the transparency log"
            )
        if not (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode)):
            raise VerificationError(f"{relative}: not a regular file (a device, FIFO or socket); a site holds files")
        own = relative in _LOG_FOLDERS if is_folder else relative in _LOG_OWN or _LOG_NAMED.fullmatch(relative)
        if relative.startswith(f"{LOG}/") and not own:
            raise VerificationError(
                f"{relative}: not a {'folder' if is_folder else 'file'} of the transparency log (its entries, "
                "checkpoints, tree levels and keys)"
            )
        if not is_folder:
            regular.append(relative)
    return regular


def _verifier(public_dir: Path, given: Verifier | None) -> Verifier:
    try:
        published = Verifier.parse((public_dir / LOG_KEY).read_text(encoding="ascii"))
    except (NoteError, UnicodeDecodeError, FileNotFoundError) as error:
        raise VerificationError(f"{LOG_KEY}: not a verifier key ({error})") from None
    if given is not None and given != published:
        raise VerificationError(f"{LOG_KEY}: is not the key you gave (--key)")
    return published


def _published_witnesses(public_dir: Path) -> list[Verifier]:
    """The witness keys ``log/witnesses.txt`` lists: one vkey a line, sorted, none twice."""
    path = public_dir / LOG_WITNESSES
    if not path.exists():
        return []
    data = path.read_bytes()
    try:
        lines = data.decode("ascii").split("\n")
    except UnicodeDecodeError:
        raise VerificationError(f"{LOG_WITNESSES}: not a list of witness keys (ASCII, one a line)") from None
    if lines[-1] != "" or lines[:-1] != sorted(set(lines[:-1])) or not lines[:-1]:
        raise VerificationError(f"{LOG_WITNESSES}: not a list of witness keys, one a line, sorted, none twice")
    keys = []
    for number, line in enumerate(lines[:-1], start=1):
        try:
            keys.append(Verifier.parse(line, COSIGNATURE))
        except NoteError as error:
            raise VerificationError(f"{LOG_WITNESSES} line {number}: {error}") from None
    return keys


def _checkpoint(
    public_dir: Path, name: str, verifier: Verifier, witnesses: Sequence[Verifier], *, strict: bool = False
) -> tuple[Checkpoint, list[tuple[Verifier, int]]]:
    """The checkpoint ``name`` signed by the log's key, with its valid cosignatures by ``witnesses`` (witness,
    time).  Every line by the log's key or one of them must verify; ``strict``: every line is by one of them."""
    try:
        note = (public_dir / name).read_bytes().decode("utf-8")
        text = open_note(note, verifier)
        checkpoint = Checkpoint.parse(text)
        cosignatures = []
        for number, signature in enumerate(parse_note(note)[1], start=1):
            witness = next((w for w in witnesses if signature.by(w)), None)
            if signature.by(verifier):
                if not verifier.verify(text.encode("utf-8"), signature.signature):
                    raise NoteError(f"signature line {number} by {verifier.name} does not verify")
            elif witness is not None:
                cosignatures.append((witness, cosignature_time(text, signature, witness)))
            elif strict:
                raise NoteError(
                    f"signature line {number} is by {signature.name}, neither the log's key nor a witness listed in "
                    f"{LOG_WITNESSES}"
                )
    except (NoteError, UnicodeDecodeError) as error:
        raise VerificationError(f"{name}: {error}") from None
    return checkpoint, cosignatures


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


def _all_checkpoints(
    public_dir: Path, files: list[str], verifier: Verifier, latest: Checkpoint, witnesses: Sequence[Verifier]
) -> dict[int, Checkpoint]:
    checkpoints = {}
    for name in (f for f in files if f.startswith(f"{LOG_CHECKPOINTS}/")):
        checkpoint, _ = _checkpoint(public_dir, name, verifier, witnesses, strict=True)
        if name != f"{LOG_CHECKPOINTS}/{checkpoint.size}.txt" or checkpoint.origin != latest.origin:
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


def _check_tree(public_dir: Path, files: list[str], tree: Tree, latest: Checkpoint) -> None:
    """The published levels are exactly the tree's, whose root is the latest signed one.

    So the inclusion proof of every entry read from them is the recomputed tree's, and verifies: checking
    each would hash O(n log n) again for nothing.  The first and last entries' are checked as a reader would.
    """
    names = set()
    for k, level in enumerate(tree.levels if tree.size else []):
        name = f"{LOG_TREE}/{k}.bin"
        names.add(name)
        path = public_dir / name
        data = path.read_bytes() if path.is_file() else b""
        expected = b"".join(level)
        if data != expected:
            at = next(
                (i for i in range(0, min(len(data), len(expected)), 32) if data[i : i + 32] != expected[i : i + 32]),
                min(len(data), len(expected)),
            )
            raise VerificationError(f"{name}: hash {at // 32} is not the log's (level {k} of the tree)")
    extra = [f for f in files if f.startswith(f"{LOG_TREE}/") and f not in names]
    if extra:
        raise VerificationError(f"{extra[0]}: is not a level of the tree")
    if not tree.size:
        return
    stored = stored_tree(public_dir)
    for index in sorted({0, latest.size - 1}):
        if not verify_inclusion(
            index, latest.size, tree.levels[0][index], stored.inclusion_proof(index, latest.size), latest.root
        ):
            raise VerificationError(
                f"{LOG_TREE}: the inclusion proof of entry {index} does not verify against {LOG_CHECKPOINT}"
            )


def _check_chain(logged: list[dict], tree: Tree, checkpoints: dict[int, Checkpoint]) -> None:
    """Every checkpoint the log says an append extended is one the entries before it give, and is still there."""
    for index, entry in enumerate(logged):
        if entry.get("kind") != "checkpoint":
            continue
        where, size = f"{LOG_ENTRIES} entry {index} (line {index + 1})", entry["size"]
        if not 0 < size <= index or b64(tree.root(size)) != entry["root"]:
            raise VerificationError(
                f"{where}: names a checkpoint of size {size} that the entries before it do not give"
            )
        if size not in checkpoints:
            raise VerificationError(
                f"{LOG_CHECKPOINTS}/{size}.txt: missing; {where} says the log extended it, and a signed checkpoint "
                "is never removed"
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


def _check_files(public_dir: Path, files: list[str], logged: list[dict]) -> int:
    """Every published file matches its entry, and every file outside log/ has one.

    ``file`` entries log documents that never change (a round's commitment, randomness, plans,
    selection); the latest ``site`` entry lists the pages and downloads the site shows now.
    """
    expected: dict[str, tuple[str, int]] = {}
    site: dict[str, tuple[str, int]] = {}
    for index, entry in enumerate(logged):
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
    for relative in (f for f in files if not f.startswith(f"{LOG}/")):
        if relative not in expected:
            raise VerificationError(f"{relative}: published but not in the transparency log")
        digest, index = expected.pop(relative)
        if hashlib.sha256((public_dir / relative).read_bytes()).hexdigest() != digest:
            raise VerificationError(
                f"{relative}: differs from log entry {index} (SHA-256 {digest[:12]}…); changed after publication"
            )
        checked += 1
    for relative, (_, index) in sorted(expected.items()):
        raise VerificationError(f"{relative}: in log entry {index} but missing from the site")
    return checked


_ROUND_DOWNLOAD = re.compile(rf"{DOWNLOADS}/[0-9]{{6}}-[0-9]{{4}}-[0-9]{{2}}(-S[0-9]+)?\.json")  # a round's JSON


def _check_records(public_dir: Path, files: list[str], logged: list[dict]) -> int:
    """The published results (:mod:`.records`): the log's disclosure entries, and the site's record list
    against them, once their files matched the site's manifest."""
    records = logged_records((i, e["record"]) for i, e in enumerate(logged) if e.get("kind") == "disclosure")
    if not records and SITE_RESULTS not in files:
        return 0
    if SITE_RESULTS not in files:
        raise VerificationError(f"{SITE_RESULTS}: missing; the transparency log holds {len(records)} published results")
    try:
        shown = check_site_records(records, json.loads((public_dir / SITE_RESULTS).read_bytes()))
    except ValueError:
        raise VerificationError(f"{SITE_RESULTS}: not JSON") from None
    copies = [f for f in files if f == SITE_RECORDS_SCRIPT or _ROUND_DOWNLOAD.fullmatch(f)]
    check_copies(shown, {f: (public_dir / f).read_bytes() for f in copies})
    return len(shown)


def _check_quorum(trusted: list[Verifier], needed: int, cosignatures: list[tuple[Verifier, int]]) -> None:
    """The latest checkpoint carries cosignatures by at least ``needed`` of the ``trusted`` witnesses."""
    signed = {w for w, _ in cosignatures if w in trusted}
    if len(signed) >= needed:
        return
    missing = [w.name for w in trusted if w not in signed]
    raise VerificationError(
        f"{LOG_CHECKPOINT}: cosigned by {len(signed)} of the {len(trusted)} witnesses you trust, {needed} needed "
        f"(--quorum); no cosignature by {', '.join(missing)}"
    )


def _check_entry(index: int, entry: object) -> None:
    """An entry this verifier reads is shaped as the library writes it: a file's path and digest, a site's
    paths and digests, a checkpoint's size and root; a disclosure's record is checked by :mod:`.records`."""
    where = f"{LOG_ENTRIES} entry {index} (line {index + 1})"
    if not isinstance(entry, dict):
        raise VerificationError(f"{where}: not a JSON object")
    kind = entry.get("kind")
    if kind == "file" and not all(isinstance(entry.get(k), str) for k in ("path", "sha256")):
        raise VerificationError(f"{where}: a file entry has a path and a sha256, both text")
    files = entry.get("files")
    if kind == "site" and not (isinstance(files, dict) and all(isinstance(v, str) for v in files.values())):
        raise VerificationError(f"{where}: a site entry has files, each path with its sha256 as text")
    size = entry.get("size")
    if kind == "checkpoint" and not (
        set(entry) == {"kind", "root", "size"} and type(size) is int and isinstance(entry.get("root"), str)
    ):
        raise VerificationError(f"{where}: a checkpoint entry has a size (a number) and a root (text), no more")


def file_entry(public_dir: Path, path: Path, data: bytes | None = None) -> dict:
    """The entry that logs one published file by its path and SHA-256 (of ``data`` when it is not written yet)."""
    data = path.read_bytes() if data is None else data
    return {"kind": "file", "path": path.relative_to(public_dir).as_posix(), "sha256": hashlib.sha256(data).hexdigest()}
