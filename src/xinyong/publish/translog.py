"""The transparency log of everything published: append-only, Merkle-hashed, with signed and witnessed checkpoints,
published as a C2SP tlog-tiles log (c2sp.org/tlog-tiles) with the prefix ``log/``.

Every public document — a round's commitment, randomness, plans and selection, each disclosure
record and each correction, and the manifest of the site's files — is an entry: canonical JSON
(docs/draw-spec.md §0), hashed as an RFC 6962 leaf (:mod:`xinyong.core.merkle`).  The standard's files:
``log/checkpoint``, the latest checkpoint, a C2SP signed note by the log's Ed25519 key (:mod:`.checkpoint`);
``log/tile/<L>/<N>[.p/<W>]``, the tree's hash tiles; and ``log/tile/entries/<N>[.p/<W>]``, the entries in
bundles (:mod:`.tiles`).  So any tlog-tiles client reads the log, checks its checkpoint and produces the
inclusion proof of any entry and the consistency proof between any two checkpoints with one tile read a
level (``xinyong log proof``).  Ours, beside them: ``log/checkpoints/<size>.txt``, every checkpoint ever
signed; ``log/key.txt``, the log's verifier key; ``log/witnesses.txt``, its witnesses' keys.  The private key
lives outside the public folder (``<public>/../private/``), made on first use with mode 0600, and beside it
the log's index (:mod:`.logindex`).

**True appends.**  An append writes only the bundles and tiles its entries change — the new ones, and the
partial ones at the right edge — so it costs O(new entries + log n); the partial tiles of a size no
checkpoint signs are removed, those of a signed size stay until their full tile is written (the standard's
rule).  Whether an entry is logged already, and where, is asked of the index, which an append updates
after the tiles and before the checkpoint; an index that is missing, or does not give the root of the
public tiles at its size, is rebuilt from the public log (readers build one in memory, and write nothing).

**The chain of checkpoints.**  An append that adds entries to a signed log first adds the entry
``{"kind": "checkpoint", "size": M, "root": <base64>}`` naming the latest checkpoint it extends, so the
log itself says which checkpoints were signed: one removed later is missed (``log verify``).

**Witnesses.**  Independent bodies cosign checkpoints (:mod:`.witness`, C2SP tlog-cosignature); a
cosignature is one more signature line of the checkpoint's note, added to ``checkpoint`` and
``checkpoints/<size>.txt`` (:func:`add_cosignature`), and the witness's verifier key is listed in
``log/witnesses.txt``.  :func:`cosigned` lists the cosignatures by keys a reader trusts, for the round
verifier's ordering evidence (docs/draw-spec.md §8).

**Order and crashes.**  An append writes the bundles and tiles (each flushed to disk), then the index, and
only then signs a checkpoint of them and writes it, as ``checkpoints/<size>.txt`` and then ``checkpoint``:
the log never signs a tree it has not durably written.  Before it writes tiles it notes in the index how far
they reach, so that the next append removes what a killed one left beyond the indexed log.  An append cut
short after its index leaves entries that no checkpoint signs yet; ``log verify`` reports them until the
next append — the same command run again, or any other — signs them.  An entry already in the log is
recognised by its bytes, so a step run again after a crash logs nothing twice.  Callers log a document
before they publish it, so a published record always has its entry.  One process at a time appends or
writes into the public folder: the log's lock (:func:`locked`, :mod:`xinyong.workspace.lock`) beside its
private key, held by callers for their whole step; a second process is refused with the pid of the first.

**The layout before tlog-tiles** (``log/entries.jsonl``, ``log/tree/<level>.bin``, ``log/checkpoint.txt``)
is converted by the first append to such a log (or ``xinyong log upgrade``): the same entries, so the same
tree and roots, and the same checkpoint notes; the old files go last, so a conversion cut short is done again.

``verify_log`` checks all of it and names the first file, entry or line that is wrong: every file
under the public folder is either one of the log's own or a logged document, a regular file that is
neither hidden nor a link; every checkpoint and cosignature; the chain; every tile and bundle; and the
published records against the site's record list (:mod:`.records`).  It reads each entry once and builds
the tree once (O(n) hashing; the per-entry inclusion proofs of the published tiles follow from their hashes
being the recomputed ones).  It never reads the private index.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.canonical import CJ
from xinyong.core.merkle import EMPTY_ROOT, Hash, Tree, leaf_hash, root_of, verify_consistency, verify_inclusion
from xinyong.errors import InputFileError, UsageError, VerificationError
from xinyong.publish import tiles
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
from xinyong.publish.logindex import LogIndex
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
    LOG_TILES,
    LOG_WITNESSES,
    OLD_LOG_CHECKPOINT,
    OLD_LOG_ENTRIES,
    OLD_LOG_TREE,
    SITE_RECORDS_SCRIPT,
    SITE_RESULTS,
    log_entry,
    log_index,
    log_tile,
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
    (:func:`checkpoint_entry`).  The bundles and tiles are written to disk (and flushed), then the index, before
    the checkpoint that signs them is made; an append cut short leaves entries no checkpoint signs yet, which
    the next append (the same step run again, or any other) signs — an entry already in the log is
    recognised by its bytes and not added twice.
    """
    with locked(public_dir, key_path) as key:
        upgrade(public_dir)
        signed = _latest(public_dir) if (public_dir / LOG_CHECKPOINT).exists() else None
        index = _index(public_dir, signed, write=True)
        try:
            return _append(public_dir, index, signed, entries, origin, key)
        finally:
            index.close()


def _append(
    public_dir: Path, index: LogIndex, signed: Checkpoint | None, entries: list[dict], origin: str, key: Path
) -> Appended:
    written = index.size
    if signed is not None:
        index.signed([signed.size, *([written] if (public_dir / LOG_CHECKPOINTS / f"{written}.txt").is_file() else [])])
    fresh = [CJ(entry) for entry in entries]
    for line in fresh:
        if len(line) > tiles.MAX_ENTRY:
            raise UsageError(
                f"{public_dir / LOG}: an entry of {len(line):,} bytes; a log entry holds at most {tiles.MAX_ENTRY:,} "
                "(c2sp.org/tlog-tiles: its length is two bytes)"
            )
    named = [CJ(checkpoint_entry(signed))] if signed is not None else []
    known = index.find([*fresh, *named])
    new: list[bytes] = []

    def add(line: bytes) -> int:
        if line not in known:
            known[line] = written + len(new)
            new.append(line)
        return known[line]

    if named and any(line not in known for line in fresh):
        add(named[0])
    indices = [add(line) for line in fresh]
    size, pending = written + len(new), index.pending
    if new:
        index.intend(size)  # before any tile: the next append knows how far a killed one may have written
        edge = _tree(public_dir, written)
        for tile in tiles.appended(written, _edge_entries(public_dir, written), _edge_hashes(edge), new):
            fsio.write_bytes(public_dir / log_tile(tile.level, tile.index, tile.width), tile.data, durable=True)
    if new or pending is not None:
        _tidy(public_dir, index, signed, written, max(size, pending or 0), size)
    if new:
        index.add(written, new, _tree(public_dir, size).root())
    elif pending is not None:
        index.done()
    if signed is not None and signed.size == size:
        return Appended(indices, signed)
    signer = load_signer(key, origin)
    verifier = (str(signer.verifier) + "\n").encode("ascii")
    if not (public_dir / LOG_KEY).is_file() or (public_dir / LOG_KEY).read_bytes() != verifier:
        fsio.write_bytes(public_dir / LOG_KEY, verifier, durable=True)
    root = index.root if size else EMPTY_ROOT
    assert root is not None and index.size == size  # the entries were indexed, with their root
    # Only now, with every entry and hash it covers on disk, is the checkpoint signed.
    checkpoint = Checkpoint(signed.origin if signed else signer.name, size, root)
    note = signer.sign(checkpoint.text()).encode("utf-8")  # Ed25519 is deterministic: a re-run signs alike
    fsio.write_bytes(public_dir / LOG_CHECKPOINTS / f"{checkpoint.size}.txt", note, durable=True)
    index.signed([checkpoint.size])
    fsio.write_bytes(public_dir / LOG_CHECKPOINT, note, durable=True)
    return Appended(indices, checkpoint)


def _edge_entries(public_dir: Path, size: int) -> list[bytes]:
    """The entries of the partial bundle of a log of ``size`` (none when its last bundle is full)."""
    width = size % tiles.WIDTH
    return tiles.unbundle(_read_tile(public_dir, None, size // tiles.WIDTH, width), width) if width else []


def _edge_hashes(tree: Tree) -> list[list[Hash]]:
    """The hashes of the partial tile of each level of ``tree`` (read from its tiles)."""
    edges = []
    for level, count in enumerate(tiles.counts(tree.size)):
        first = count - count % tiles.WIDTH
        edges.append(list(tree.levels[tiles.HEIGHT * level][first:count]))
    return edges


def _tidy(public_dir: Path, index: LogIndex, signed: Checkpoint | None, low: int, high: int, size: int) -> None:
    """Remove, among the tiles an append from ``low`` to ``high`` may have written, those a log of ``size`` does
    not hold: partial tiles whose full tile is there, and of the right edge those of a size no checkpoint
    signed; and whatever lies beyond the log (left by an append killed before it indexed its entries)."""
    for level, span in [(None, 1), *((k, tiles.WIDTH**k) for k in range(len(tiles.counts(high))))]:
        edge = size // span // tiles.WIDTH
        for n in range(low // span // tiles.WIDTH, high // span // tiles.WIDTH + 1):
            full, partials = public_dir / log_tile(level, n), public_dir / (log_tile(level, n) + ".p")
            if n >= edge and full.exists():
                full.unlink()
            if n != edge:
                shutil.rmtree(partials, ignore_errors=True)
            elif partials.is_dir():
                start = n * tiles.WIDTH * span
                sizes = {size, *index.signed_between(start, start + tiles.WIDTH * span)}
                sizes |= {signed.size} if signed is not None else set()
                keep = {str(s // span % tiles.WIDTH) for s in sizes if s // span // tiles.WIDTH == n}
                for name in os.listdir(partials):
                    if name not in keep:
                        (partials / name).unlink()
                if not os.listdir(partials):
                    partials.rmdir()


def _read_tile(public_dir: Path, level: int | None, index: int, width: int) -> bytes:
    """A tile's bytes.  A partial one no longer there is the start of its full tile (c2sp.org/tlog-tiles), or of
    a wider partial one an append wrote before it removed this one."""
    path = public_dir / log_tile(level, index, width)
    if width and not path.exists():
        folder = public_dir / (log_tile(level, index) + ".p")
        wider = sorted(
            int(n) for n in (os.listdir(folder) if folder.is_dir() else []) if n.isdigit() and int(n) > width
        )
        for other in [0, *wider]:
            if (public_dir / log_tile(level, index, other)).is_file():
                data = (public_dir / log_tile(level, index, other)).read_bytes()
                if level is None:
                    return tiles.bundle(tiles.unbundle(data, other or tiles.WIDTH)[:width])
                return data[: 32 * width]
    return path.read_bytes()


def _tree(public_dir: Path, size: int) -> Tree:
    return tiles.tree(size, lambda level, index, width: _read_tile(public_dir, level, index, width))


def _bundled(public_dir: Path, size: int) -> list[bytes]:
    """The first ``size`` entries, from the bundles."""
    found: list[bytes] = []
    for n, width in tiles.bundles(size):
        found += tiles.unbundle(_read_tile(public_dir, None, n, width), width or tiles.WIDTH)
    return found


def add_cosignature(public_dir: Path, checkpoint: Checkpoint, cosignature: Signature, witness: Verifier) -> None:
    """Add a witness's cosignature of ``checkpoint`` to the log's copies of it, and its key to
    ``log/witnesses.txt``; what already has them is left as it is, so a run cut short is finished by the next.

    The key is listed first, then ``checkpoints/<size>.txt`` and then ``checkpoint`` (while it is that
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


def _latest(public_dir: Path) -> Checkpoint:
    verifier = Verifier.parse((public_dir / LOG_KEY).read_text(encoding="ascii"))
    return Checkpoint.parse(open_note((public_dir / LOG_CHECKPOINT).read_text(encoding="utf-8"), verifier))


# -- the index ------------------------------------------------------------------------------------
def _index(public_dir: Path, signed: Checkpoint | None, *, write: bool) -> LogIndex:
    """The log's index, if it agrees with the public log; else rebuilt from it (``write``: in place, else in
    memory, for a reader, which never writes)."""
    path = log_index(public_dir)
    index = LogIndex(path) if write or path.exists() else LogIndex(None)
    try:
        if _agrees(public_dir, index, signed):
            return index
        if write:
            index.clear()
        else:
            index.close()
            index = LogIndex(None)
        _rebuild(public_dir, index, signed, write=write)
    except BaseException:
        index.close()
        raise
    return index


def _agrees(public_dir: Path, index: LogIndex, signed: Checkpoint | None) -> bool:
    """The index is of this log: the public tiles give its root at its size, and the latest checkpoint's."""
    if (public_dir / OLD_LOG_ENTRIES).exists() or (signed is not None and index.size < signed.size):
        return False
    if index.size == 0:
        return signed is None
    try:
        tree = _tree(public_dir, index.size)
        return tree.root() == index.root and (signed is None or tree.root(signed.size) == signed.root)
    except (OSError, ValueError):
        return False


def _rebuild(public_dir: Path, index: LogIndex, signed: Checkpoint | None, *, write: bool) -> None:
    """Index the entries the latest checkpoint signs (and, in the layout before tiles, all its entries)."""
    if (public_dir / OLD_LOG_ENTRIES).exists():
        lines = _old_lines(public_dir)
    elif signed is None:
        return
    else:
        try:
            lines = _entry_lines(public_dir, signed.size)[0]
        except VerificationError as error:
            raise VerificationError(
                f"{error}; restore the log before appending to it" if write else str(error)
            ) from None
    leaves = [leaf_hash(line) for line in lines]
    if signed is not None and (len(lines) < signed.size or root_of(leaves[: signed.size]) != signed.root):
        raise VerificationError(
            f"{LOG_ENTRIES}: {len(lines)} entries that do not give the root the latest checkpoint ({LOG_CHECKPOINT}) "
            f"signs at size {signed.size}" + ("; restore the log before appending to it" if write else "")
        )
    root = root_of(leaves)
    index.add(0, lines, root)
    folder = public_dir / LOG_CHECKPOINTS
    index.signed(int(p.stem) for p in (folder.iterdir() if folder.is_dir() else []) if p.stem.isdigit())


# -- the layout before tlog-tiles -----------------------------------------------------------------
def _old_lines(public_dir: Path) -> list[bytes]:
    """The entries of a log in the layout before tiles, one line each."""
    return (public_dir / OLD_LOG_ENTRIES).read_bytes().split(b"\n")[:-1]


def upgrade(public_dir: Path) -> bool:
    """Convert a log in the layout before tlog-tiles (``log/entries.jsonl``, ``log/tree/``, ``log/checkpoint.txt``)
    to tiles: the same entries, so the same tree and roots; the partial tiles of every signed size; the latest
    note, unchanged, as ``log/checkpoint``.  The old files go last.  Whether there was one to convert.

    The caller holds the log's lock (:func:`append` converts before it appends).
    """
    if not (public_dir / OLD_LOG_ENTRIES).exists():
        return False
    old = public_dir / (OLD_LOG_CHECKPOINT if (public_dir / OLD_LOG_CHECKPOINT).exists() else LOG_CHECKPOINT)
    lines = _old_lines(public_dir)
    sizes = sorted(int(p.stem) for p in (public_dir / LOG_CHECKPOINTS).glob("*.txt") if p.stem.isdigit())
    if old.exists():
        latest = Checkpoint.parse(open_note(old.read_text(encoding="utf-8"), _verifier(public_dir, None)))
        tree = Tree([leaf_hash(line) for line in lines])
        if latest.size > len(lines) or tree.root(latest.size) != latest.root:
            raise VerificationError(
                f"{OLD_LOG_ENTRIES}: does not give the root the latest checkpoint signs at size {latest.size}; "
                "restore the log before converting it"
            )
    index = LogIndex(log_index(public_dir))
    try:
        index.clear()
        done = 0
        for size in sorted(
            {*(s for s in sizes if s <= len(lines)), len(lines)}
        ):  # as if appended one checkpoint at a time
            edge = _tree(public_dir, done)
            for tile in tiles.appended(done, _edge_entries(public_dir, done), _edge_hashes(edge), lines[done:size]):
                fsio.write_bytes(public_dir / log_tile(tile.level, tile.index, tile.width), tile.data, durable=True)
            index.signed(s for s in sizes if s <= size)
            _tidy(public_dir, index, None, done, size, size)
            done = size
        index.add(0, lines, _tree(public_dir, len(lines)).root())
        index.signed(sizes)
    finally:
        index.close()
    if old.exists() and old != public_dir / LOG_CHECKPOINT:
        fsio.write_bytes(public_dir / LOG_CHECKPOINT, old.read_bytes(), durable=True)
    shutil.rmtree(public_dir / OLD_LOG_TREE, ignore_errors=True)
    (public_dir / OLD_LOG_CHECKPOINT).unlink(missing_ok=True)
    (public_dir / OLD_LOG_ENTRIES).unlink()
    return True


# -- reading and proving ------------------------------------------------------------------------
def _reader(public_dir: Path) -> LogIndex:
    """The index for a reader: the private one if it agrees with the log, else one built in memory."""
    signed = _latest(public_dir) if (public_dir / LOG_CHECKPOINT).exists() else None
    return _index(public_dir, signed, write=False)


def entries(public_dir: Path) -> list[dict]:
    """Every entry of the log as written (signed or not yet)."""
    if (public_dir / OLD_LOG_ENTRIES).exists():
        return [json.loads(line) for line in _old_lines(public_dir)]
    index = _reader(public_dir)
    try:
        return [json.loads(line) for line in _bundled(public_dir, index.size)]
    finally:
        index.close()


def logged_files(public_dir: Path) -> dict[str, tuple[str, int]]:
    """Each document logged as a ``file`` entry: its path in the site → (its SHA-256, the entry's index)."""
    index = _reader(public_dir)
    try:
        return index.files()
    finally:
        index.close()


def published_records(public_dir: Path) -> dict[str, tuple[dict, int]]:
    """Each published result by 记录号 → (the record as first logged, the index of its disclosure entry)."""
    index = _reader(public_dir)
    try:
        return index.records()
    finally:
        index.close()


def published_dates(public_dir: Path) -> dict[str, str]:
    """Result record id → the day it was published, from its disclosure entry."""
    return {rid: record["公示日期"] for rid, (record, _) in published_records(public_dir).items()}


def record_index(public_dir: Path, record_id: str) -> int:
    """The log index of the disclosure entry of result ``record_id``."""
    index = _reader(public_dir)
    try:
        found = index.record(record_id)
    finally:
        index.close()
    if found is None:
        raise UsageError(f"{public_dir}: no published result {record_id} in the transparency log")
    return found


def stored_tree(public_dir: Path, size: int | None = None) -> Tree:
    """The published tree at ``size`` (default: the latest checkpoint's), over its tiles, read on demand:
    proofs without the entries."""
    if not (public_dir / LOG_CHECKPOINT).is_file():
        raise UsageError(f"{public_dir}: no transparency log ({LOG_CHECKPOINT} is missing)")
    return _tree(public_dir, _latest(public_dir).size if size is None else size)


def prove_inclusion(public_dir: Path, index: int, size: int | None = None) -> dict:
    tree = stored_tree(public_dir)
    size = size or tree.size
    try:
        proof = tree.inclusion_proof(index, size)
        root = tree.root(size)
        leaf = tree.levels[0][index]
    except (ValueError, OSError) as error:
        raise UsageError(f"{public_dir}: {error}") from None
    return {"index": index, "size": size, "leaf_hash": b64(leaf), "root": b64(root), "proof": [b64(h) for h in proof]}


def prove_consistency(public_dir: Path, old: int, new: int | None = None) -> dict:
    tree = stored_tree(public_dir)
    new = new or tree.size
    try:
        proof = tree.consistency_proof(old, new)
        roots = tree.root(old), tree.root(new)
    except (ValueError, OSError) as error:
        raise UsageError(f"{public_dir}: {error}") from None
    return {
        "old": old,
        "new": new,
        "old_root": b64(roots[0]),
        "new_root": b64(roots[1]),
        "proof": [b64(h) for h in proof],
    }


def untrusted_proof(public_dir: Path, old: int, new: int) -> list[Hash]:
    """The consistency proof from ``old`` to ``new`` read from the published tiles as they are — for a witness,
    which checks it against roots of its own; tiles that cannot give one give an empty proof, which fails."""
    try:
        return _tree(public_dir, new).consistency_proof(old, new)
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
        raise InputFileError(since, "no such checkpoint file (--since takes a checkpoint you saved)")
    if (public_dir / OLD_LOG_ENTRIES).exists():
        raise VerificationError(
            f"{OLD_LOG_ENTRIES}: the log is in its layout from before tlog-tiles; convert it with xinyong log upgrade "
            f"{public_dir} (the next step that appends to the log converts it too), then verify again"
        )
    if not (public_dir / LOG_CHECKPOINT).is_file():
        raise VerificationError(f"{public_dir}: no transparency log ({LOG_CHECKPOINT} is missing)")
    files = _walk(public_dir)
    verifier = _verifier(public_dir, given)
    known = [*trusted, *(w for w in _published_witnesses(public_dir) if w not in trusted)]
    latest, cosignatures = _checkpoint(public_dir, LOG_CHECKPOINT, verifier, known, strict=True)
    _check_beyond(files, latest)
    lines, logged = _entry_lines(public_dir, latest.size)
    tree = Tree([leaf_hash(line) for line in lines])
    checkpoints = _all_checkpoints(public_dir, files, verifier, latest, known)
    for size, checkpoint in checkpoints.items():
        if tree.root(size) != checkpoint.root:
            raise VerificationError(_first_bad_entry(public_dir, tree, size))
    named = {
        e["size"]
        for e in logged
        if isinstance(e, dict) and e.get("kind") == "checkpoint" and type(e.get("size")) is int
    }
    _check_tiles(public_dir, files, lines, tree, {*checkpoints, *(s for s in named if 0 < s <= tree.size)})
    for old, new in itertools.pairwise(sorted(checkpoints)):
        if not verify_consistency(
            old, new, tree.consistency_proof(old, new), checkpoints[old].root, checkpoints[new].root
        ):
            raise VerificationError(f"{LOG_CHECKPOINTS}/{new}.txt: not consistent with checkpoint {old}")
    for index, entry in enumerate(logged):
        _check_entry(index, entry, latest.size)
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


# What lives under log/: the latest checkpoint, the keys, the checkpoints by size, the tiles and entry bundles.
_LOG_OWN = {LOG_CHECKPOINT, LOG_KEY, LOG_WITNESSES}
_TILE = re.compile(rf"{LOG_TILES}/(entries|0|[1-9][0-9]*)/((?:x[0-9]{{3}}/)*[0-9]{{3}})(?:\.p/([1-9][0-9]*))?")
_LOG_NAMED = re.compile(rf"{LOG_CHECKPOINTS}/(0|[1-9][0-9]*)\.txt|{_TILE.pattern}")
_LOG_FOLDER = re.compile(
    rf"{LOG_CHECKPOINTS}|{LOG_TILES}(/(entries|0|[1-9][0-9]*)((/x[0-9]{{3}})*|(/x[0-9]{{3}})*/[0-9]{{3}}\.p))?"
)


def _tile_of(relative: str) -> tuple[int | None, int, int] | None:
    """(level, index, width) of a tile's or bundle's path (level None: a bundle); None for any other path."""
    found = _TILE.fullmatch(relative)
    if found is None:
        return None
    level, index, width = found.groups()
    return (None if level == "entries" else int(level)), int(index.replace("x", "").replace("/", "")), int(width or 0)


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
        own = _LOG_FOLDER.fullmatch(relative) if is_folder else relative in _LOG_OWN or _LOG_NAMED.fullmatch(relative)
        if relative.startswith(f"{LOG}/") and not own:
            raise VerificationError(
                f"{relative}: not a {'folder' if is_folder else 'file'} of the transparency log (its checkpoints, "
                "tiles, entry bundles and keys)"
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


def _check_beyond(files: list[str], latest: Checkpoint) -> None:
    """No tile or bundle reaches beyond the latest checkpoint: entries an append cut short wrote, not signed yet."""
    for relative in files:
        tile = _tile_of(relative)
        if tile is not None:
            level, index, width = tile
            if (index * tiles.WIDTH + (width or tiles.WIDTH)) * tiles.WIDTH ** (level or 0) > latest.size:
                raise VerificationError(
                    f"{relative}: reaches beyond the {latest.size} entries the latest checkpoint ({LOG_CHECKPOINT}) "
                    "signs; an append was cut short, and the next one signs what it wrote"
                )


def _entry_lines(public_dir: Path, size: int) -> tuple[list[bytes], list[dict]]:
    """The entries' lines (from the bundles) and the entries, each checked to be canonical JSON."""
    lines: list[bytes] = []
    for n, width in tiles.bundles(size):
        name = log_tile(None, n, width)
        if not (public_dir / name).is_file():
            raise VerificationError(f"{name}: missing; the latest checkpoint ({LOG_CHECKPOINT}) signs {size} entries")
        try:
            lines += tiles.unbundle((public_dir / name).read_bytes(), width or tiles.WIDTH)
        except ValueError as error:
            raise VerificationError(f"{name}: not an entry bundle: {error}") from None
    logged = []
    for index, line in enumerate(lines):
        try:
            logged.append(json.loads(line))
            canonical = CJ(logged[-1]) == line
        except (ValueError, TypeError):
            canonical = False
        if not canonical:
            raise VerificationError(f"{log_entry(index, size)}: not an entry in canonical JSON")
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
    """Name the entry that makes checkpoint ``size`` fail, by its leaf hash in the published tiles."""
    published = _tree(public_dir, tree.size).levels[0]
    for index in range(size):
        try:
            stored = published[index]
        except (OSError, ValueError):
            stored = b""
        if tree.levels[0][index] != stored:
            where = log_entry(index, tree.size)
            return f"{where}: not in the log as checkpoint {size} signed it; changed after publication"
    return f"{LOG_ENTRIES}: entries before {size} do not give the root that checkpoint {size} signed"


def _check_tiles(public_dir: Path, files: list[str], lines: list[bytes], tree: Tree, signed: set[int]) -> None:
    """The published tiles and bundles are exactly those of the tree (c2sp.org/tlog-tiles): the full ones, and
    the partial ones of every signed size (a checkpoint's, or one an entry says was signed) whose full tile is
    not there yet; each holds what it should.

    So the inclusion proof of every entry read from them is the recomputed tree's, and verifies: checking
    each would hash O(n log n) again for nothing.  The first and last entries' are checked as a reader would.
    """
    want = tiles.expected(tree.size, signed)
    present = {tile: relative for relative in files if (tile := _tile_of(relative)) is not None}
    for tile in sorted(set(present) - want, key=_order):
        raise VerificationError(
            f"{present[tile]}: not a tile of the log at size {tree.size}, nor the partial tile of a signed size"
        )
    for level, index, width in sorted(want, key=_order):
        name = log_tile(level, index, width)
        if (level, index, width) not in present:
            raise VerificationError(
                f"{name}: missing; a log of {tree.size} entries holds it (a signed size's partial tile stays until "
                "its full tile is there)"
            )
        data = (public_dir / name).read_bytes()
        first, count = index * tiles.WIDTH, width or tiles.WIDTH
        if level is None:
            if data != tiles.bundle(lines[first : first + count]):
                raise VerificationError(f"{name}: not the bundle of log entries {first} to {first + count - 1}")
            continue
        expected = b"".join(tree.levels[tiles.HEIGHT * level][first : first + count])
        if data != expected:
            at = next(
                (i for i in range(0, min(len(data), len(expected)), 32) if data[i : i + 32] != expected[i : i + 32]),
                min(len(data), len(expected)),
            )
            raise VerificationError(f"{name}: hash {at // 32} is not the log's (a tile of level {level})")
    if not tree.size:
        return
    stored = _tree(public_dir, tree.size)
    for index in sorted({0, tree.size - 1}):
        if not verify_inclusion(
            index, tree.size, tree.levels[0][index], stored.inclusion_proof(index, tree.size), tree.root()
        ):
            raise VerificationError(
                f"{LOG_TILES}: the inclusion proof of entry {index} does not verify against {LOG_CHECKPOINT}"
            )


def _order(tile: tuple[int | None, int, int]) -> tuple[int, int, int]:
    level, index, width = tile
    return (-1 if level is None else level), index, width


def _check_chain(logged: list[dict], tree: Tree, checkpoints: dict[int, Checkpoint]) -> None:
    """Every checkpoint the log says an append extended is one the entries before it give, and is still there."""
    for index, entry in enumerate(logged):
        if entry.get("kind") != "checkpoint":
            continue
        where, size = log_entry(index, len(logged)), entry["size"]
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
    disclosures = ((i, e["record"]) for i, e in enumerate(logged) if e.get("kind") == "disclosure")
    records = logged_records(disclosures, len(logged))
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


def _check_entry(index: int, entry: object, log_size: int) -> None:
    """An entry this verifier reads is shaped as the library writes it: a file's path and digest, a site's
    paths and digests, a checkpoint's size and root; a disclosure's record is checked by :mod:`.records`."""
    where = log_entry(index, log_size)
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
