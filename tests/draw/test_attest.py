"""Auditors' attestations (spec v2 §8): signed only for a bundle that verifies and has teams; the public checks
them against the keys it trusts, so a selection swapped after the audit fails although every count agrees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.draw.bundle import ROUND, Bundle, build
from xinyong.core.canonical import H, records_of
from xinyong.draw.attest import Attestation, attest, attestation_file
from xinyong.draw.keys import V1
from xinyong.draw.verify import verify_public
from xinyong.errors import RoundStateError, UsageError, VerificationError
from xinyong.publish.checkpoint import Signer, open_note

AUDITOR = Signer.generate("jiwei.qz.example/audit")  # 纪检监察's key, in a test
NOTARY = Signer.generate("notary.example")


def publish(bundle: Bundle, signer: Signer) -> Path:
    path = bundle.public / attestation_file(signer.verifier)
    path.parent.mkdir(exist_ok=True)
    path.write_text(attest(bundle.audit, signer), encoding="utf-8")
    return path


def test_an_attestation_signs_the_round_c_and_the_two_re_derived_files(tmp_path: Path) -> None:
    bundle = build(tmp_path)
    note = attest(bundle.audit, AUDITOR)
    selected = H((bundle.public / "selected.jsonl").read_bytes())
    assignment = H((bundle.audit / "assignment.jsonl").read_bytes())
    text = f"xinyong-draw-v2/attestation\n{ROUND}\n{bundle.commitment}\n{selected}\n{assignment}\n"
    assert open_note(note, AUDITOR.verifier) == text
    assert Attestation.parse(text) == Attestation(ROUND, bundle.commitment, selected, assignment)
    assert attest(bundle.audit, AUDITOR) == note  # Ed25519 is deterministic: attesting again gives the same note
    assert attestation_file(AUDITOR.verifier).startswith("attestations/jiwei.qz.example_audit-")


def test_attest_refuses_a_bundle_that_fails_or_has_no_teams(tmp_path: Path) -> None:
    bundle = build(tmp_path / "a", teams=False)
    with pytest.raises(RoundStateError) as caught:
        attest(bundle.audit, AUDITOR)
    assert str(caught.value) == (
        f"{bundle.audit}: round {ROUND} has no teams yet (assignment.jsonl); an attestation covers the selection "
        "and the teams: attest once `xinyong round assign` has run"
    )
    bundle = build(tmp_path / "b")
    (bundle.audit / "eligibility.jsonl").write_bytes(b"")
    with pytest.raises(VerificationError, match=r"FAILED eligibility\.jsonl re-derived byte for byte"):
        attest(bundle.audit, AUDITOR)


def test_attest_refuses_a_v1_round(tmp_path: Path) -> None:
    audit = build(tmp_path, version=V1).audit
    with pytest.raises(RoundStateError) as caught:
        attest(audit, AUDITOR)
    assert (
        str(caught.value) == f"{audit}: round {ROUND} is of xinyong-draw-v1; attestations are of xinyong-draw-v2 rounds"
    )


def test_the_public_requires_each_trusted_auditors_attestation(tmp_path: Path) -> None:
    bundle = build(tmp_path)
    path = publish(bundle, AUDITOR)
    publish(bundle, NOTARY)
    checks = verify_public(bundle.public, auditors=[str(AUDITOR.verifier)])
    assignment = H((bundle.audit / "assignment.jsonl").read_bytes())
    notary = attestation_file(NOTARY.verifier)
    assert checks[-2:] == [
        f"attestation by jiwei.qz.example/audit ({attestation_file(AUDITOR.verifier)}): round, C and "
        f"H(selected.jsonl) are the published files'; it attests assignment.jsonl {assignment}",
        f"{notary}: signed by notary.example, not a key you trust: listed, not checked",
    ]
    assert len(verify_public(bundle.public, auditors=[str(AUDITOR.verifier), str(NOTARY.verifier)])) == len(checks)
    path.unlink()
    with pytest.raises(VerificationError) as caught:
        verify_public(bundle.public, auditors=[str(AUDITOR.verifier)])
    assert str(caught.value) == (
        f"{bundle.public / 'attestations'}: FAILED an attestation signed by the trusted auditor "
        "jiwei.qz.example/audit (none of the 1 notes there is)"
    )


def test_a_swapped_selection_passes_the_counts_but_fails_the_attestation(tmp_path: Path) -> None:
    """The acceptance test "swapped selection" of issue 14: a selected firm replaced by an unselected firm of the
    same plan after the audit — sorted, canonical, the same counts — passes every public process check, and fails
    against the auditor's attestation."""
    bundle = build(tmp_path)
    publish(bundle, AUDITOR)
    path = bundle.public / "selected.jsonl"
    attested = H(path.read_bytes())
    selected = records_of(path.read_bytes())
    chosen = {(r["plan"], r["uscc"]) for r in selected}
    frame = records_of((bundle.audit / "frame.jsonl").read_bytes())
    competitor = next(r["uscc"] for r in frame if r["plan"] == "P01" and ("P01", r["uscc"]) not in chosen)
    swapped = sorted(
        [{"plan": "P01", "uscc": competitor}, *selected[1:]], key=lambda r: (r["plan"].encode(), r["uscc"].encode())
    )
    path.write_bytes(b"".join(json.dumps(r, separators=(",", ":")).encode() + b"\n" for r in swapped))
    assert "plan P01: 11 selected = n_p of the commitment" in verify_public(bundle.public)
    with pytest.raises(VerificationError) as caught:
        verify_public(bundle.public, auditors=[str(AUDITOR.verifier)])
    assert str(caught.value) == (
        f"{bundle.public / attestation_file(AUDITOR.verifier)}: FAILED attestation by jiwei.qz.example/audit is of the "
        f"published files (it attests H(selected.jsonl) {attested[:12]}…, published {H(path.read_bytes())[:12]}…)"
    )


def test_an_attestation_of_another_round_or_a_tampered_note_does_not_count(tmp_path: Path) -> None:
    bundle = build(tmp_path / "a")
    other = build(tmp_path / "b", round_id="330802-2027-01")
    note = bundle.public / attestation_file(AUDITOR.verifier)
    note.parent.mkdir()
    note.write_text(attest(other.audit, AUDITOR), encoding="utf-8")
    with pytest.raises(VerificationError) as caught:
        verify_public(bundle.public, auditors=[str(AUDITOR.verifier)])
    assert str(caught.value) == (
        f"{note}: FAILED attestation by jiwei.qz.example/audit is of the published files (it attests round "
        f"330802-2027-01, published {ROUND}; C {other.commitment[:12]}…, published {bundle.commitment[:12]}…; "
        f"H(selected.jsonl) {H((other.public / 'selected.jsonl').read_bytes())[:12]}…, published "
        f"{H((bundle.public / 'selected.jsonl').read_bytes())[:12]}…)"
    )
    genuine = attest(bundle.audit, AUDITOR)
    note.write_text(genuine.replace(bundle.commitment, other.commitment), encoding="utf-8")
    with pytest.raises(VerificationError, match="none of the 1 notes there is"):
        verify_public(bundle.public, auditors=[str(AUDITOR.verifier)])
    note.write_text(genuine, encoding="utf-8")
    assert "listed, not checked" in verify_public(bundle.public)[-1]


def test_a_malformed_auditor_key_is_one_error_naming_the_option(tmp_path: Path) -> None:
    bundle = build(tmp_path)
    with pytest.raises(UsageError) as caught:
        verify_public(bundle.public, auditors=["jiwei+0000"])
    assert str(caught.value) == "--auditor: verifier key is not <name>+<8 hex digits>+<base64 key>: 'jiwei+0000'"


def test_auditors_for_a_v1_round_fail(tmp_path: Path) -> None:
    public = build(tmp_path, version=V1, teams=False).public
    with pytest.raises(VerificationError) as caught:
        verify_public(public, auditors=[str(AUDITOR.verifier)])
    assert str(caught.value) == (
        f"{public / 'commitment.json'}: FAILED attestations by jiwei.qz.example/audit: a round of xinyong-draw-v1 "
        "has none (they are part of xinyong-draw-v2, §8)"
    )
