"""Auditors' keys and attestations at the edge (rounds/attestations.py): a key of one's own, an attestation of the
bundle, and its publication — checked against the round as the office holds it, logged, once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import NOVEMBER
from xinyong.core.canonical import H
from xinyong.draw.attest import Attestation, attestation_file
from xinyong.draw.verify import log_evidence, verify_public
from xinyong.errors import InputFileError, RoundStateError, UsageError
from xinyong.publish import translog
from xinyong.publish.checkpoint import Signer, open_note
from xinyong.rounds.attestations import attest_round, new_key, publish_attestation, read_signer
from xinyong.workspace.layout import RoundPaths


def test_a_new_key_is_the_owners_alone_and_never_written_over(tmp_path: Path) -> None:
    key = tmp_path / "keys" / "auditor.key"
    verifier = new_key("纪检监察组", key)
    assert os.stat(key).st_mode & 0o777 == 0o600 and read_signer(key).verifier == verifier
    with pytest.raises(UsageError) as caught:
        new_key("另一个", key)
    assert str(caught.value) == f"--out: {key} exists; a key is never written over, so choose a new file"
    with pytest.raises(UsageError) as caught:
        new_key("纪检 监察组", tmp_path / "other.key")
    assert str(caught.value) == "NAME: key name '纪检 监察组' must have no spaces or '+'"
    assert not (tmp_path / "other.key").exists()


def test_a_key_others_can_read_or_that_is_no_key_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "auditor.key"
    new_key("审计方", key)
    key.chmod(0o644)
    with pytest.raises(UsageError) as caught:
        read_signer(key)
    assert str(caught.value) == (f"--key: {key}: a signer key must be readable by its owner only (chmod 600), not 644")
    key.write_text("not a key\n", encoding="utf-8")
    key.chmod(0o600)
    with pytest.raises(UsageError) as caught:
        read_signer(key)
    assert str(caught.value).startswith(f"--key: {key}: not a signer key (")
    with pytest.raises(UsageError) as caught:
        read_signer(tmp_path / "missing.key")
    assert str(caught.value) == (
        f"--key: {tmp_path / 'missing.key'}: no such key file; make one with `xinyong key new NAME --out FILE`"
    )


@pytest.fixture
def attested(small_november: RoundPaths, tmp_path: Path) -> tuple[RoundPaths, Signer, Path]:
    """A copy of the small November round, its auditor's key, and the auditor's attestation of its bundle."""
    out = Path(shutil.copytree(small_november.out, tmp_path / "out"))
    paths = RoundPaths(out, NOVEMBER)
    key = tmp_path / "auditor" / "auditor.key"
    new_key("纪检监察组", key)
    note = tmp_path / "auditor" / "attestation.txt"
    attest_round(paths.audit, key, note)
    return paths, read_signer(key), note


def test_an_attestation_signs_the_round_its_c_its_selection_and_its_teams(attested: tuple) -> None:
    paths, signer, note = attested
    text = open_note(note.read_text(encoding="utf-8"), signer.verifier)
    assert Attestation.parse(text) == Attestation(
        str(NOVEMBER),
        H((paths.audit / "commitment.json").read_bytes()),
        H((paths.public / "selected.jsonl").read_bytes()),
        H((paths.audit / "assignment.jsonl").read_bytes()),
    )


def test_a_published_attestation_is_logged_once_and_the_public_can_check_it(attested: tuple) -> None:
    paths, signer, note = attested
    published = publish_attestation(paths.out, NOVEMBER, note, str(signer.verifier))
    assert published.path == paths.public / attestation_file(signer.verifier) and published.new
    assert published.path.read_bytes() == note.read_bytes() and published.auditor == "纪检监察组"
    site = paths.public_root
    logged = translog.logged_files(site)
    assert logged[f"rounds/{NOVEMBER}/{attestation_file(signer.verifier)}"][0] == H(note.read_bytes())
    size = translog.verify_log(site).size
    again = publish_attestation(paths.out, NOVEMBER, note, str(signer.verifier))
    assert not again.new and translog.verify_log(site).size == size
    checks = verify_public(paths.public, evidence=log_evidence(site, str(NOVEMBER)), auditors=[str(signer.verifier)])
    assert any(check.startswith("attestation by 纪检监察组") for check in checks)


def test_a_note_the_key_did_not_sign_or_of_other_files_is_not_published(attested: tuple, tmp_path: Path) -> None:
    paths, signer, note = attested
    other = Signer.generate("另一审计方")
    with pytest.raises(InputFileError) as caught:
        publish_attestation(paths.out, NOVEMBER, note, str(other.verifier))
    assert str(caught.value) == f"{note}: not an attestation signed by 另一审计方 (no signature by 另一审计方)"
    wrong = Attestation.parse(open_note(note.read_text(encoding="utf-8"), signer.verifier))
    forged = tmp_path / "forged.txt"
    forged.write_text(signer.sign(Attestation(wrong.round, "0" * 64, wrong.selected, wrong.assignment).text()))
    with pytest.raises(InputFileError) as caught:
        publish_attestation(paths.out, NOVEMBER, forged, str(signer.verifier))
    assert str(caught.value) == (
        f"{forged}: attests {NOVEMBER}, not round {NOVEMBER} as its files are: C differ; attest the round's current "
        "bundle"
    )
    with pytest.raises(UsageError) as caught:
        publish_attestation(paths.out, NOVEMBER, note, "not-a-key")
    assert str(caught.value).startswith("--auditor: ")
    assert not (paths.public / "attestations").exists()


def test_a_round_without_teams_has_nothing_to_attest(small_world, tmp_path: Path) -> None:
    from tests.crash import ROUND

    out = Path(shutil.copytree(small_world.bases["assign"], tmp_path / "out"))
    key = tmp_path / "auditor.key"
    new_key("审计方", key)
    with pytest.raises(RoundStateError) as caught:
        publish_attestation(out, ROUND, tmp_path / "note.txt", str(read_signer(key).verifier))
    assert str(caught.value).endswith(
        "`xinyong round publish-attestation` needs it assigned: run `xinyong round assign` first"
    )
    with pytest.raises(RoundStateError):
        attest_round(RoundPaths(out, ROUND).audit, key)
