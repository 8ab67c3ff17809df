"""Auditors' attestations of a round (draw spec v2 §8, docs/draw-spec.md "Attestations").

Under v2 nothing public reveals a key or a stratum, so the public cannot re-derive the selection itself.
Independent auditors (纪检监察, the supervising 市场监管局, a 公证处) re-derive the round from its auditor bundle
— every check of :func:`xinyong.draw.verify.verify_audit`, eligibility and the teams included — and sign a C2SP
signed note (Ed25519, :mod:`xinyong.publish.checkpoint`) whose text is::

    xinyong-draw-v2/attestation
    <ROUND_ID>
    <C>
    <hex H(selected.jsonl)>
    <hex H(assignment.jsonl)>

The note is published beside the round's public files, as ``attestations/<auditor>-<key hash>.txt``
(:func:`attestation_file`), and appended to the transparency log.  A public verifier chooses the auditor keys
it trusts; for each it requires a note signed by that key whose round, C and H(selected.jsonl) are the
published files' (:func:`check_attestations`): a selected firm swapped for another after the audit is then
caught, although the counts still agree.  A note by a key the verifier did not name is listed, not trusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.canonical import H
from xinyong.draw.keys import V2
from xinyong.draw.verify import HEX64, audit_round
from xinyong.errors import RoundStateError, UsageError, VerificationError
from xinyong.publish.checkpoint import DASH, NoteError, Signer, Verifier, key_hash, open_note
from xinyong.workspace.layout import ASSIGNMENT, ATTESTATIONS, SELECTED, file_part

TAG = f"{V2.spec}/attestation"


@dataclass(frozen=True)
class Attestation:
    """What an auditor attests: the round, its commitment hash C, and the SHA-256 of the two files it re-derived."""

    round: str
    commitment: str  # C, hex
    selected: str  # H(selected.jsonl), hex
    assignment: str  # H(assignment.jsonl), hex

    def text(self) -> str:
        """The note text of spec v2 §8."""
        return f"{TAG}\n{self.round}\n{self.commitment}\n{self.selected}\n{self.assignment}\n"

    @classmethod
    def parse(cls, text: str) -> Attestation:
        """The attestation a note's text states; ValueError when it is not one."""
        lines = text.split("\n")
        if len(lines) != 6 or lines[0] != TAG or lines[5] != "":
            raise ValueError(f"not the five lines of an attestation ({TAG}, round, C and two SHA-256)")
        if not all(HEX64.fullmatch(line) for line in lines[2:5]):
            raise ValueError("C and the two file hashes are 64 lower-case hex characters each")
        return cls(*lines[1:5])


def attest(bundle: Path, signer: Signer) -> str:
    """The signed attestation note of the v2 round whose auditor bundle is ``bundle``, by ``signer``.

    The bundle is verified first (:func:`xinyong.draw.verify.audit_round`; a VerificationError names the first
    failed check and nothing is signed); a v1 round, or one without teams yet, is refused (RoundStateError).
    """
    audit = audit_round(bundle)
    if audit.spec != V2.spec:
        raise RoundStateError(f"{bundle}: round {audit.round} is of {audit.spec}; attestations are of {V2.spec} rounds")
    if audit.selected is None or audit.assignment is None:
        raise RoundStateError(
            f"{bundle}: round {audit.round} has no teams yet ({ASSIGNMENT}); an attestation covers the selection and "
            "the teams: attest once `xinyong round assign` has run"
        )
    attestation = Attestation(audit.round, audit.commitment, H(audit.selected), H(audit.assignment))
    return signer.sign(attestation.text())


def attestation_file(verifier: Verifier) -> str:
    """Where an auditor's attestation is published, relative to the round's public folder."""
    return f"{ATTESTATIONS}/{file_part(verifier.name)}-{key_hash(verifier.name, verifier.public).hex()}.txt"


def trusted_keys(auditors: Sequence[str]) -> list[Verifier]:
    """The auditors' verifier keys as given (``--auditor``); a UsageError names the first that is not one."""
    keys = []
    for text in auditors:
        try:
            keys.append(Verifier.parse(text))
        except NoteError as error:
            raise UsageError(f"--auditor: {error}: {text!r}") from None
    return keys


def check_attestations(folder: Path, trusted: Sequence[Verifier], round_id: str, c: str, selected: str) -> list[str]:
    """For each trusted key, a note in ``folder/attestations/`` signed by it that attests round ``round_id``, C ``c``
    and H(selected.jsonl) ``selected``; any note it signed that attests anything else fails.  Notes no trusted key
    signed are listed, not checked."""
    notes = _notes(folder / ATTESTATIONS)
    checks: list[str] = []
    opened: set[Path] = set()
    for verifier in trusted:
        found = []
        for path, note in notes.items():
            try:
                text = open_note(note, verifier)
            except NoteError:
                continue  # not signed by this key (or not a note at all): listed below unless another key opens it
            opened.add(path)
            try:
                attestation = Attestation.parse(text)
            except ValueError as error:
                raise VerificationError(
                    f"{path}: FAILED the note by {verifier.name} is an attestation ({error})"
                ) from None
            wrong = [
                f"{what} {theirs[:12]}…, published {ours[:12]}…"
                if what != "round"
                else f"round {theirs}, published {ours}"
                for what, theirs, ours in (
                    ("round", attestation.round, round_id),
                    ("C", attestation.commitment, c),
                    (f"H({SELECTED})", attestation.selected, selected),
                )
                if theirs != ours
            ]
            if wrong:
                raise VerificationError(
                    f"{path}: FAILED attestation by {verifier.name} is of the published files (it attests "
                    + "; ".join(wrong)
                    + ")"
                )
            found.append(path)
            checks.append(
                f"attestation by {verifier.name} ({ATTESTATIONS}/{path.name}): round, C and H({SELECTED}) are the "
                f"published files'; it attests {ASSIGNMENT} {attestation.assignment}"
            )
        if not found:
            raise VerificationError(
                f"{folder / ATTESTATIONS}: FAILED an attestation signed by the trusted auditor {verifier.name} "
                f"(none of the {len(notes)} notes there is)"
            )
    for path in sorted(set(notes) - opened):
        signers = ", ".join(_signers(notes[path])) or "nobody readable"
        checks.append(f"{ATTESTATIONS}/{path.name}: signed by {signers}, not a key you trust: listed, not checked")
    if not trusted and not notes:
        checks.append("attestations: none published, none asked for (give the auditor keys you trust)")
    return checks


def _notes(folder: Path) -> dict[Path, str]:
    """Every ``*.txt`` note of the attestations folder, as text ("" when it is not UTF-8: no key opens it)."""
    if not folder.is_dir():
        return {}
    notes = {}
    for path in sorted(p for p in folder.glob("*.txt") if p.is_file()):
        try:
            notes[path] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            notes[path] = ""
    return notes


def _signers(note: str) -> list[str]:
    """The key names on a note's signature lines (``— <name> <signature>``), for the list of untrusted notes."""
    _, _, signatures = note.partition("\n\n")
    return [line[len(DASH) :].split(" ")[0] for line in signatures.split("\n") if line.startswith(DASH)]
