"""Witnesses of the transparency log: C2SP tlog-witness ``add-checkpoint`` and tlog-cosignature, offline.

A witness is a body independent of the office that keeps the log — the 纪检监察 organ, the 上级局, a
公证处 — with a key and a state folder of its own (``xinyong witness init``).  For each log it watches
(by the checkpoint's origin line) it keeps the log's verifier key, pinned at first contact, and the
latest checkpoint it cosigned.  Asked to cosign a newer checkpoint, it checks that it is signed by the
pinned key and is an extension of the one it cosigned, by the consistency proof from that size, and
only then signs a timestamped cosignature (c2sp.org/tlog-cosignature, :mod:`.checkpoint`) and records
the new size and root.  So it never cosigns two views of one log: a **fork** (the same size with
another root, or a larger tree whose proof fails) and a **rollback** (a smaller tree) are refused.
Anyone holding a checkpoint cosigned by a witness they trust knows that the log showed that tree to the
witness by that time, and that every view the witness cosigned extends it (``xinyong log verify
--witness``; the round verifier's ordering evidence, docs/draw-spec.md §8, takes the cosignature's time).

The protocol is C2SP tlog-witness's, run without HTTP: :func:`add_checkpoint_request` builds the body of
an ``add-checkpoint`` request — ``old <size>``, one base64 proof hash a line, a blank line, the signed
checkpoint — and :func:`add_checkpoint`, the witness's pure core, consumes exactly that text and the
witness's state, as the specification orders its checks: a known origin (else the log's key must be
given), the log's signature, ``old`` at most the checkpoint's size, ``old`` the size it last cosigned,
the same root at the same size, and the proof.  It returns the new state and the cosignature line.

:func:`init_witness` and :func:`cosign` are the edge: the state folder is ``witness.key`` (the signer key,
mode 0600), ``logs.json`` (canonical JSON, per origin: the log's key, size, root, time and the
cosignature line) and ``witness.lock``.  :func:`cosign` holds the witness's lock, reads the log's latest
checkpoint and, for the proof, its stored tree as untrusted bytes (the proof is checked against the
witness's own root and the new one), writes the new state to disk before anything else, and then adds
the cosignature to the log's checkpoint files holding the log's lock
(:func:`xinyong.publish.translog.add_cosignature`).  Cosigning the same checkpoint again
returns the cosignature already made, so a step cut short is finished by running it again.
"""

from __future__ import annotations

import datetime as dt
import json
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.canonical import CJ
from xinyong.core.merkle import Hash, verify_consistency
from xinyong.errors import InputFileError, UsageError, VerificationError
from xinyong.publish import translog
from xinyong.publish.checkpoint import (
    COSIGNATURE,
    Checkpoint,
    NoteError,
    Signature,
    Signer,
    Verifier,
    b64,
    b64decode,
    open_note,
    parse_note,
)
from xinyong.workspace import fsio, lock
from xinyong.workspace.layout import LOG_CHECKPOINT, WITNESS_KEY, WITNESS_LOCK, WITNESS_LOGS

MAX_PROOF = 63  # consistency proof lines an add-checkpoint request may carry (c2sp.org/tlog-witness)


@dataclass(frozen=True)
class Request:
    """The body of a tlog-witness ``add-checkpoint`` request."""

    old: int  # the size of the checkpoint the witness last cosigned for this origin (0: none)
    proof: tuple[Hash, ...]  # the consistency proof from ``old`` to the checkpoint's size
    note: str  # the signed checkpoint

    def text(self) -> str:
        return f"old {self.old}\n" + "".join(f"{b64(h)}\n" for h in self.proof) + "\n" + self.note

    @classmethod
    def parse(cls, text: str) -> Request:
        head, sep, note = text.partition("\n\n")
        lines = head.split("\n")
        if not sep or not lines[0].startswith("old "):
            raise NoteError("request is not an old size line, proof lines, a blank line and a checkpoint")
        size = lines[0][len("old ") :]
        if not (size == "0" or (size.isascii() and size.isdigit() and not size.startswith("0"))):
            raise NoteError("request old size is not a decimal number")
        if len(lines) - 1 > MAX_PROOF:
            raise NoteError(f"request carries more than {MAX_PROOF} proof lines")
        proof = tuple(b64decode(line, "request proof line") for line in lines[1:])
        if any(len(h) != 32 for h in proof):
            raise NoteError("request proof line is not a 32-byte hash")
        return cls(int(size), proof, note)


def add_checkpoint_request(old: int, proof: list[Hash], note: str) -> str:
    """The ``add-checkpoint`` request for a checkpoint ``note``, from the size ``old`` the witness last cosigned."""
    return Request(old, tuple(proof), note).text()


@dataclass(frozen=True)
class Seen:
    """What a witness keeps of one log: its pinned key and the latest checkpoint it cosigned (size 0: none)."""

    key: str  # the log's verifier key
    size: int
    root: bytes
    time: int  # when it cosigned it (POSIX seconds; 0: never)
    cosignature: str  # its cosignature line on that checkpoint ("" when none)

    def record(self) -> dict[str, object]:
        return {
            "cosignature": self.cosignature,
            "key": self.key,
            "root": b64(self.root),
            "size": self.size,
            "time": self.time,
        }


@dataclass(frozen=True)
class Added:
    """What :func:`add_checkpoint` answered: the log, its state afterwards and the cosignature."""

    origin: str
    seen: Seen
    cosignature: Signature
    new: bool  # False: the witness had cosigned this very checkpoint already and returned that cosignature


def add_checkpoint(
    request_text: str, logs: Mapping[str, Seen], signer: Signer, now: int, log_key: str | None = None
) -> Added:
    """The witness's answer to an ``add-checkpoint`` request, checked as c2sp.org/tlog-witness orders it (pure).

    ``logs`` is the witness's state by origin; ``log_key`` the log's verifier key when the caller gives one
    (needed the first time an origin is seen, and then the pinned one).  Refusals are
    :class:`~xinyong.errors.VerificationError` (a rollback, a fork, a proof or signature that fails) or
    :class:`~xinyong.errors.UsageError` (an unknown log without its key, a clock behind the last cosignature).
    """
    try:
        request = Request.parse(request_text)
        checkpoint = Checkpoint.parse(parse_note(request.note)[0])
    except NoteError as error:
        raise VerificationError(f"add-checkpoint request: {error}") from None
    origin = checkpoint.origin
    seen = logs.get(origin)
    pinned = _pinned(origin, seen, log_key)
    try:
        open_note(request.note, pinned)
    except NoteError as error:
        raise VerificationError(
            f"{LOG_CHECKPOINT}: {error}: this witness knows {origin} by key {pinned} only, and a log's key never "
            "changes"
        ) from None
    if seen is None:
        seen = Seen(str(pinned), 0, b"", 0, "")
    if request.old > checkpoint.size:
        raise VerificationError(
            f"{origin}: rollback: the log's checkpoint has size {checkpoint.size}, but this witness cosigned size "
            f"{seen.size} (root {b64(seen.root)}) at {_when(seen.time)}; a log never shrinks"
        )
    if request.old != seen.size:
        raise VerificationError(
            f"add-checkpoint request: old size {request.old}, but this witness last cosigned {origin} at size "
            f"{seen.size}"
        )
    if checkpoint.size == seen.size:
        if checkpoint.root != seen.root:
            raise VerificationError(
                f"{origin}: fork: the log's checkpoint of size {checkpoint.size} has root {b64(checkpoint.root)}, "
                f"but this witness cosigned size {seen.size} with root {b64(seen.root)} at {_when(seen.time)}: two "
                "views of one log"
            )
        if request.proof:
            raise VerificationError("add-checkpoint request: a proof between two checkpoints of one size")
        if seen.cosignature:  # cosigned already: the same answer again
            return Added(origin, seen, Signature.parse(seen.cosignature), False)
    elif seen.size == 0:
        if request.proof:
            raise VerificationError("add-checkpoint request: a proof from size 0")
    elif not verify_consistency(seen.size, checkpoint.size, list(request.proof), seen.root, checkpoint.root):
        raise VerificationError(
            f"{origin}: fork: the log's checkpoint of size {checkpoint.size} (root {b64(checkpoint.root)}) is not "
            f"proved an extension of size {seen.size} (root {b64(seen.root)}) that this witness cosigned at "
            f"{_when(seen.time)}: the log gives no valid consistency proof"
        )
    if now < seen.time:
        raise UsageError(
            f"now: {_when(now)} is before this witness's last cosignature of {origin} ({_when(seen.time)}); "
            "check the clock"
        )
    signature = signer.cosign(checkpoint.text(), now)
    return Added(origin, Seen(seen.key, checkpoint.size, checkpoint.root, now, str(signature)), signature, True)


def _pinned(origin: str, seen: Seen | None, log_key: str | None) -> Verifier:
    """The log's key: the one pinned for ``origin``; at first contact the one given, which then is pinned."""
    try:
        given = None if log_key is None else Verifier.parse(log_key)
    except NoteError as error:
        raise UsageError(f"--log-key: {error}") from None
    if seen is None:
        if given is None:
            raise UsageError(
                f"{origin}: this witness has not seen this log before; give its verifier key with --log-key (as "
                "the office announced it, not as its site shows it), which is then pinned"
            )
        if given.name != origin:
            raise UsageError(f"--log-key: the key is {given.name}'s, not the log {origin}'s")
        return given
    pinned = Verifier.parse(seen.key)
    if given is not None and given != pinned:
        raise VerificationError(
            f"--log-key: this witness knows {origin} by key {pinned}, not {given}; a log's key never changes"
        )
    return pinned


def _when(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the edge: a witness's state folder --------------------------------------------------------------
@dataclass(frozen=True)
class Cosignature:
    """What :func:`cosign` did: the log, the checkpoint's size, the witness and its cosignature."""

    origin: str
    size: int
    witness: Verifier
    timestamp: int
    line: str
    new: bool  # False: this checkpoint was cosigned by this witness already


def init_witness(state: Path, name: str) -> Verifier:
    """Make a witness's state folder with a new key named ``name``; its verifier key (vkey, type 0x04)."""
    if state.exists() and (not state.is_dir() or any(state.iterdir())):
        raise UsageError(f"{state}: exists already; a witness's state is made once (its key is its identity)")
    try:
        signer = Signer.generate(name, COSIGNATURE)
    except NoteError as error:
        raise UsageError(f"--name: {error}") from None
    state.mkdir(parents=True, exist_ok=True, mode=0o700)
    fsio.write_bytes(state / WITNESS_KEY, (str(signer) + "\n").encode("ascii"), durable=True, mode=0o600)
    return signer.verifier


def cosign(state: Path, public_dir: Path, *, now: dt.datetime, log_key: str | None = None) -> Cosignature:
    """Cosign the latest checkpoint of the log published in ``public_dir``, as the witness of ``state``."""
    signer = _signer(state)
    if not (public_dir / LOG_CHECKPOINT).is_file():
        raise InputFileError(public_dir, f"no transparency log ({LOG_CHECKPOINT} is missing)")
    # The log is read without its lock: the tiles of the size of the checkpoint read stay (a signed size's
    # partial tiles go only once their full tile is there, which reads the same), so they give the proof even
    # while an append goes on; the cosignature is added holding the lock.
    with lock.held(state / WITNESS_LOCK, f"witness {state}", tidy=state):
        logs = _read_logs(state)
        note = _read_note(public_dir / LOG_CHECKPOINT)
        try:
            checkpoint = Checkpoint.parse(parse_note(note)[0])
        except NoteError as error:
            raise VerificationError(f"{LOG_CHECKPOINT}: {error}") from None
        seen = logs.get(checkpoint.origin)
        old = seen.size if seen is not None else 0
        proof = translog.untrusted_proof(public_dir, old, checkpoint.size) if 0 < old < checkpoint.size else []
        request = add_checkpoint_request(old, proof, note)
        added = add_checkpoint(request, logs, signer, int(now.timestamp()), log_key)
        if added.new:  # persisted before it is handed out (c2sp.org/tlog-witness)
            logs = {**logs, added.origin: added.seen}
            fsio.write_bytes(
                state / WITNESS_LOGS, CJ({o: s.record() for o, s in sorted(logs.items())}) + b"\n", durable=True
            )
        cosigned = Checkpoint(added.origin, added.seen.size, added.seen.root)
        translog.add_cosignature(public_dir, cosigned, added.cosignature, signer.verifier)
        return Cosignature(
            added.origin, added.seen.size, signer.verifier, added.seen.time, str(added.cosignature), added.new
        )


def _signer(state: Path) -> Signer:
    path = state / WITNESS_KEY
    if not path.is_file():
        raise InputFileError(
            state, f"not a witness's state folder (no {WITNESS_KEY}); make one with xinyong witness init"
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise UsageError(f"{path}: a witness's key must be readable by its owner only (chmod 600), not {mode:o}")
    try:
        return Signer.parse(path.read_text(encoding="ascii"), COSIGNATURE)
    except (NoteError, UnicodeDecodeError) as error:
        raise InputFileError(path, f"not a witness key: {error}") from None


def _read_note(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise VerificationError(f"{LOG_CHECKPOINT}: not UTF-8 text") from None


def _read_logs(state: Path) -> dict[str, Seen]:
    """The witness's state by origin (none before its first cosignature)."""
    path = state / WITNESS_LOGS
    if not path.exists():
        return {}
    try:
        logs = json.loads(path.read_bytes())
        return {
            origin: Seen(
                str(s["key"]), int(s["size"]), b64decode(str(s["root"]), "root"), int(s["time"]), str(s["cosignature"])
            )
            for origin, s in logs.items()
        }
    except (ValueError, KeyError, TypeError, AttributeError, NoteError) as error:
        raise InputFileError(path, f"not a witness's state ({error})") from None
