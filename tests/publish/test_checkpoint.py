"""Signed notes and checkpoints agree with Go's sumdb/note byte for byte and reject every changed byte; witness
cosignatures are C2SP cosignature/v1, checked against the specification's example and an independent reading."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from xinyong.core.merkle import EMPTY_ROOT
from xinyong.publish.checkpoint import (
    COSIGNATURE,
    Checkpoint,
    NoteError,
    Signer,
    Verifier,
    b64,
    b64decode,
    cosignature_time,
    open_note,
    parse_note,
    with_signature,
)

# The example of golang.org/x/mod/sumdb/note (note.go, ExampleSign): Ed25519 is deterministic, so
# signing the same text with the same key must give this exact note.
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_NOTE = (
    GO_TEXT
    + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_signing_and_keys_reproduce_the_go_example() -> None:
    signer = Signer.parse(GO_SIGNER)
    assert str(signer) == GO_SIGNER
    assert str(signer.verifier) == GO_VERIFIER
    assert signer.sign(GO_TEXT) == GO_NOTE
    assert open_note(GO_NOTE, Verifier.parse(GO_VERIFIER)) == GO_TEXT


def test_every_single_byte_change_of_a_signed_checkpoint_is_rejected() -> None:
    signer = Signer.generate("xinyong.test/330802")
    note = signer.sign(Checkpoint("xinyong.test/330802", 12, EMPTY_ROOT).text()).encode("utf-8")
    verifier = signer.verifier
    assert Checkpoint.parse(open_note(note.decode(), verifier)) == Checkpoint("xinyong.test/330802", 12, EMPTY_ROOT)
    for i in range(len(note)):
        for delta in (1, 0x40):
            changed = bytearray(note)
            changed[i] = (changed[i] + delta) % 256
            with pytest.raises((NoteError, UnicodeDecodeError)):
                Checkpoint.parse(open_note(bytes(changed).decode("utf-8"), verifier))


@pytest.mark.parametrize(
    ("vkey", "message"),
    [
        (
            "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "verifier key hash does not match its name and key",
        ),
        ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T!", "verifier key is not base64"),
        ("PeterNeumann", "verifier key is not <name>+<8 hex digits>+<base64 key>"),
    ],
)
def test_bad_verifier_keys_are_named(vkey: str, message: str) -> None:
    with pytest.raises(NoteError) as caught:
        Verifier.parse(vkey)
    assert str(caught.value) == message


def test_a_root_hash_in_non_canonical_base64_is_rejected() -> None:
    text = Checkpoint("o", 0, EMPTY_ROOT).text()
    assert text.split("\n")[2] == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    with pytest.raises(NoteError) as caught:  # "V" differs from "U" only in the two padding bits
        Checkpoint.parse(text.replace("FU=", "FV="))
    assert str(caught.value) == "checkpoint root hash is not canonical base64"


def test_a_note_by_another_key_is_not_accepted() -> None:
    with pytest.raises(NoteError) as caught:
        open_note(GO_NOTE, Signer.generate("PeterNeumann").verifier)
    assert str(caught.value) == "no signature by PeterNeumann"


# The example of c2sp.org/tlog-cosignature: a checkpoint with the log's signature and a witness's cosignature,
# whose signed message the specification shows with "time 1679315147".
SPEC_COSIGNED = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+"
    "xeMcTOAYQ8=\n"
    "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+"
    "mbIUBkBIfZ+qnA==\n"
)


def test_the_specifications_cosignature_is_a_key_id_a_big_endian_time_and_an_ed25519_signature() -> None:
    text, (log, witness) = parse_note(SPEC_COSIGNED)
    assert Checkpoint.parse(text) == Checkpoint(
        "example.com/behind-the-sofa", 20852163, b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", "root")
    )
    assert (log.name, len(log.signature)) == ("example.com/behind-the-sofa", 64)
    assert witness.name == "witness.example.com/w1" and len(witness.signature) == 8 + 64
    assert int.from_bytes(witness.signature[:8], "big") == 1679315147


def test_a_cosignature_is_c2sp_cosignature_v1_over_the_checkpoint_and_checked_independently() -> None:
    witness = Signer.generate("jijian.example/w1", COSIGNATURE)
    checkpoint = Checkpoint("xinyong.test/330802", 12, EMPTY_ROOT)
    line = witness.cosign(checkpoint.text(), 1796000000)
    public = witness.verifier.public
    assert line.key_id == hashlib.sha256(b"jijian.example/w1\n\x04" + public).digest()[:4]
    material = base64.b64encode(bytes([0x04]) + public).decode()
    assert str(witness.verifier) == f"jijian.example/w1+{line.key_id.hex()}+{material}"
    blob = base64.b64decode(str(line).split(" ")[2])
    assert blob[:4] == line.key_id and blob[4:12] == (1796000000).to_bytes(8, "big")
    message = b"cosignature/v1\ntime 1796000000\nxinyong.test/330802\n12\n" + b64(EMPTY_ROOT).encode() + b"\n"
    Ed25519PublicKey.from_public_bytes(public).verify(blob[12:], message)  # raises when it is not that message
    assert cosignature_time(checkpoint.text(), line, witness.verifier) == 1796000000
    with pytest.raises(NoteError) as caught:
        cosignature_time(Checkpoint("xinyong.test/330802", 13, EMPTY_ROOT).text(), line, witness.verifier)
    assert str(caught.value) == "cosignature by jijian.example/w1 does not verify"
    assert Signer.parse(str(witness), COSIGNATURE) == witness
    assert Verifier.parse(str(witness.verifier), COSIGNATURE) == witness.verifier


def test_a_log_key_is_no_witness_key_and_a_witness_key_signs_no_note() -> None:
    log = Signer.generate("xinyong.test/330802")
    witness = Signer.generate("jijian.example/w1", COSIGNATURE)
    with pytest.raises(NoteError) as caught:
        Verifier.parse(str(log.verifier), COSIGNATURE)
    assert str(caught.value) == "verifier key is not a witness cosigning key (type 0x04)"
    with pytest.raises(NoteError) as caught:
        Verifier.parse(str(witness.verifier))
    assert str(caught.value) == "verifier key is not an Ed25519 key (type 0x01)"
    with pytest.raises(NoteError) as caught:
        witness.sign("text\n")
    assert str(caught.value) == "jijian.example/w1 is a witness key: it cosigns checkpoints, it signs no note"


def test_the_logs_signature_check_skips_cosignatures_and_refuses_a_malformed_line() -> None:
    log = Signer.generate("xinyong.test/330802")
    text = Checkpoint("xinyong.test/330802", 12, EMPTY_ROOT).text()
    note = log.sign(text)
    cosigned = with_signature(note, Signer.generate("jijian.example/w1", COSIGNATURE).cosign(text, 1))
    assert cosigned.count("\n— ") == 2 and with_signature(cosigned, parse_note(cosigned)[1][1]) == cosigned
    assert open_note(cosigned, log.verifier) == text
    for bad, message in (
        (cosigned + "— jijian.example/w1\n", "malformed signature line 3"),
        (cosigned + "— jijian example/w1 AAAAAAA=\n", "malformed signature line 3"),
        (
            cosigned + "— jijian.example/w1 AAAA\n",
            "malformed signature line 3: a key ID and a signature are at least 5 bytes",
        ),
        (cosigned + "— jijian.example/w1 AAAAAAB=\n", "signature line 3 is not canonical base64"),
        (
            cosigned.replace("\n\n", "\n\n\x7f", 1).replace("\x7f", "\t"),
            "a note holds no control character but the newline",
        ),
    ):
        with pytest.raises(NoteError) as caught:
            open_note(bad, log.verifier)
        assert str(caught.value) == message
