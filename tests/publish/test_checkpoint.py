"""Signed notes and checkpoints agree with Go's sumdb/note byte for byte, and reject every changed byte."""

from __future__ import annotations

import pytest

from xinyong.core.merkle import EMPTY_ROOT
from xinyong.publish.checkpoint import Checkpoint, NoteError, Signer, Verifier, open_note

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
