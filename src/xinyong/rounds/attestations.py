"""Auditors' keys and attestations, at the edge (draw spec v2 §8; docs/draw-spec.md "Attestations").

Under v2 nothing public lets anyone re-derive the selection (keys need the auditor bundle's salts), so
independent auditors — 纪检监察, the supervising 市场监管局, a 公证处 — re-derive the round from its bundle and sign
what they found; the public checks the signatures with the auditors' keys it trusts (``xinyong round verify
--public … --auditor VKEY``).  Three steps, each its own command:

- **A key** (``xinyong key new NAME --out FILE``, :func:`new_key`): an Ed25519 signer key in Go's note format
  (:class:`xinyong.publish.checkpoint.Signer`), written with mode 0600, atomically, and never over a file that
  exists; its verifier key is what the auditor hands out.  A key readable by others is refused when used.
- **The attestation** (``xinyong round attest --audit BUNDLE --key FILE``, :func:`attest_round`): the bundle is
  re-derived in full (:func:`xinyong.draw.attest.attest`: every check of ``round verify --audit``, the teams
  included) and the note of its round, C, H(selected.jsonl) and H(assignment.jsonl) signed; nothing is signed
  when a check fails.
- **Publishing it** (``xinyong round publish-attestation --round R NOTE --auditor VKEY``,
  :func:`publish_attestation`): the note must carry a valid signature by ``VKEY`` and attest the round as the
  office holds it — its id, C = H(commitment.json), H(selected.jsonl) as published and H(assignment.jsonl) of
  its audit files; then it is logged in the transparency log and written beside the round's public files
  (:func:`xinyong.draw.attest.attestation_file`), holding the round's lock.  The same note again changes
  nothing; another note by the same key is refused, for a published document never changes.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.canonical import H
from xinyong.core.ids import RoundId
from xinyong.draw.attest import Attestation, attest, attestation_file
from xinyong.draw.keys import V1, V2
from xinyong.errors import InputFileError, RoundStateError, UsageError
from xinyong.publish.checkpoint import NoteError, Signer, Verifier, open_note
from xinyong.rounds.run import publish_files
from xinyong.rounds.stage import Stage, changes_round, require, version_of
from xinyong.workspace import fsio
from xinyong.workspace.layout import ASSIGNMENT, COMMITMENT, SELECTED, RoundPaths

KEY_MODE = 0o600


def new_key(name: str, path: Path) -> Verifier:
    """Make the signer key ``name`` in ``path`` (mode 0600); returns its verifier key."""
    if path.exists() or path.is_symlink():
        raise UsageError(f"--out: {path} exists; a key is never written over, so choose a new file")
    try:
        signer = Signer.generate(name)
    except NoteError as error:
        raise UsageError(f"NAME: {error}") from None
    fsio.write_bytes(path, (str(signer) + "\n").encode("ascii"), durable=True, mode=KEY_MODE)
    return signer.verifier


def read_signer(path: Path, option: str = "--key") -> Signer:
    """The signer key in ``path``, readable by its owner only."""
    if not path.is_file():
        raise UsageError(f"{option}: {path}: no such key file; make one with `xinyong key new NAME --out FILE`")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise UsageError(f"{option}: {path}: a signer key must be readable by its owner only (chmod 600), not {mode:o}")
    try:
        return Signer.parse(path.read_text(encoding="ascii"))
    except (NoteError, UnicodeDecodeError) as error:
        raise UsageError(f"{option}: {path}: not a signer key ({error})") from None


def attest_round(bundle: Path, key: Path, out_file: Path | None = None) -> str:
    """The signed attestation of the round whose auditor bundle is ``bundle``, by the key in ``key``; written to
    ``out_file`` too when given."""
    signer = read_signer(key)
    note = attest(bundle, signer)
    if out_file is not None:
        fsio.write_bytes(out_file, note.encode("utf-8"))
    return note


@dataclass(frozen=True)
class Published:
    path: Path  # where the note is on the public site
    auditor: str  # the signer's key name
    new: bool  # False: that note was published already


@changes_round(Stage.ASSIGNED, "round publish-attestation")
def publish_attestation(out: Path, round_id: RoundId, note_path: Path, auditor: str) -> Published:
    """Publish the auditor's signed attestation ``note_path`` of round ``round_id``, checked first, logged first."""
    paths = RoundPaths(out, round_id)
    require(paths, Stage.ASSIGNED, "round publish-attestation")
    if not version_of(paths).salted:
        raise RoundStateError(f"round {round_id} was committed under {V1.spec}; attestations are of {V2.spec} rounds")
    try:
        verifier = Verifier.parse(auditor)
    except NoteError as error:
        raise UsageError(f"--auditor: {error}: {auditor!r}") from None
    if not note_path.is_file():
        raise InputFileError(note_path, "no such file; give the note `xinyong round attest` wrote")
    try:
        note = note_path.read_text(encoding="utf-8")
        attested = Attestation.parse(open_note(note, verifier))
    except (NoteError, UnicodeDecodeError, ValueError) as error:
        raise InputFileError(note_path, f"not an attestation signed by {verifier.name} ({error})") from None
    expected = Attestation(
        str(round_id),
        H((paths.audit / COMMITMENT).read_bytes()),
        H((paths.public / SELECTED).read_bytes()),
        H((paths.audit / ASSIGNMENT).read_bytes()),
    )
    if attested != expected:
        wrong = [
            what
            for what, theirs, ours in (
                ("the round", attested.round, expected.round),
                ("C", attested.commitment, expected.commitment),
                (f"H({SELECTED})", attested.selected, expected.selected),
                (f"H({ASSIGNMENT})", attested.assignment, expected.assignment),
            )
            if theirs != ours
        ]
        raise InputFileError(
            note_path,
            f"attests {attested.round}, not round {round_id} as its files are: {', '.join(wrong)} differ; attest the "
            "round's current bundle",
        )
    name = attestation_file(verifier)
    new = publish_files(paths, {name: note.encode("utf-8")})
    return Published(paths.public / name, verifier.name, new)
