"""The transparency log: appends are idempotent and atomic, proofs verify, and any changed byte is named."""

from __future__ import annotations

import os
import random
import stat
from pathlib import Path

import pytest

from tests.publish.mutation import assert_every_change_is_named
from xinyong.core.merkle import leaf_hash, verify_consistency, verify_inclusion
from xinyong.errors import UsageError, VerificationError
from xinyong.publish import translog
from xinyong.publish.checkpoint import Checkpoint, Verifier, b64, b64decode, open_note
from xinyong.workspace.layout import private_key

ORIGIN = "xinyong.test/330802"


def publish(public: Path, name: str, text: str) -> dict:
    path = public / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return translog.file_entry(public, path)


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    public = tmp_path / "public"
    first = [
        publish(public, "rounds/330802-2026-11/commitment.json", '{"plans":"x"}\n'),
        publish(public, "rounds/330802-2026-11/randomness.json", '{"value":"上证 3000.01 空 格"}\n'),
    ]
    translog.append(public, first, origin=ORIGIN)
    records = [{"kind": "disclosure", "record": {"id": f"R{k}", "结果": "未发现问题"}} for k in range(5)]
    page = publish(public, "index.html", "<html>双随机 一公开</html>")
    translog.append(public, [*records, {"kind": "site", "files": {page["path"]: page["sha256"]}}], origin=ORIGIN)
    return public


def test_a_fresh_log_verifies_and_its_key_is_private(site: Path) -> None:
    report = translog.verify_log(site)
    assert report == translog.LogReport(origin=ORIGIN, size=8, checkpoints=2, files=3, since=None)
    key = private_key(site)
    assert key.parent == site.parent / "private" and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert not any("PRIVATE" in p.read_text(errors="replace") for p in site.rglob("*") if p.is_file())


def test_appending_the_same_entries_again_changes_nothing(site: Path) -> None:
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    again = translog.append(site, [{"kind": "disclosure", "record": {"id": "R3", "结果": "未发现问题"}}], origin=ORIGIN)
    assert again.indices == [5] and again.checkpoint.size == 8
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_proofs_from_the_published_tree_verify_against_signed_checkpoints(site: Path) -> None:
    verifier = Verifier.parse((site / "log/key.txt").read_text())
    lines = (site / "log/entries.jsonl").read_bytes().split(b"\n")[:-1]
    for size in (2, 8):
        checkpoint = Checkpoint.parse(open_note((site / f"log/checkpoints/{size}.txt").read_text(), verifier))
        for index in range(size):
            served = translog.prove_inclusion(site, index, size)
            assert served["root"] == b64(checkpoint.root)
            assert verify_inclusion(
                index, size, leaf_hash(lines[index]), [b64decode(h, "p") for h in served["proof"]], checkpoint.root
            )
    old = Checkpoint.parse(open_note((site / "log/checkpoints/2.txt").read_text(), verifier))
    new = Checkpoint.parse(open_note((site / "log/checkpoint.txt").read_text(), verifier))
    consistency = translog.prove_consistency(site, 2)
    assert verify_consistency(2, 8, [b64decode(h, "p") for h in consistency["proof"]], old.root, new.root)
    assert (site / "log/tree/0.bin").read_bytes() == b"".join(leaf_hash(line) for line in lines)


def test_since_an_earlier_checkpoint_the_log_only_grew(site: Path, tmp_path: Path) -> None:
    saved = tmp_path / "seen.txt"
    saved.write_bytes((site / "log/checkpoints/2.txt").read_bytes())
    assert translog.verify_log(site, since=saved).since == 2
    # Rewrite history: a new log over different first entries, signed by the same key.
    other = tmp_path / "other" / "public"
    (other.parent / "private").mkdir(parents=True)
    os.link(private_key(site), private_key(other))
    translog.append(
        other,
        [publish(other, "a.json", "1"), publish(other, "b.json", "2"), publish(other, "c.json", "3")],
        origin=ORIGIN,
    )
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(other, since=saved)
    assert (
        str(caught.value) == f"{saved}: the log is not an extension of this checkpoint; entries before 2 were changed"
    )


@pytest.mark.parametrize("seed", range(3))
def test_any_single_byte_change_is_detected_and_named(site: Path, seed: int) -> None:
    assert_every_change_is_named(site, random.Random(seed), 60)


def test_a_changed_entry_is_named_by_its_number(site: Path) -> None:
    path = site / "log/entries.jsonl"
    path.write_bytes(path.read_bytes().replace(b"R3", b"R9"))
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(site)
    assert str(caught.value) == (
        "log/entries.jsonl entry 5 (line 6): not in the log as checkpoint 8 signed it; changed after publication"
    )


def test_an_unlogged_file_and_a_missing_file_are_named(site: Path) -> None:
    (site / "extra.html").write_text("x")
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(site)
    assert str(caught.value) == "extra.html: published but not in the transparency log"
    (site / "extra.html").unlink()
    (site / "index.html").unlink()
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(site)
    assert str(caught.value) == "index.html: in log entry 7 but missing from the site"


def test_the_private_key_must_stay_outside_the_public_folder_and_private(tmp_path: Path) -> None:
    public = tmp_path / "public"
    with pytest.raises(UsageError) as caught:
        translog.append(public, [], origin=ORIGIN, key_path=public / "k.key")
    assert (
        str(caught.value) == f"{public / 'k.key'}: the log's private key must not be inside the public folder {public}"
    )
    key = tmp_path / "private" / "transparency-log.key"
    translog.append(public, [{"kind": "note", "n": 1}], origin=ORIGIN)
    key.chmod(0o644)
    with pytest.raises(UsageError) as caught:
        translog.append(public, [{"kind": "note", "n": 2}], origin=ORIGIN)
    assert str(caught.value) == f"{key}: the log's private key must be readable by its owner only (chmod 600), not 644"


def test_a_crash_after_the_entries_rename_is_finished_on_the_next_append(site: Path) -> None:
    latest = (site / "log/checkpoint.txt").read_bytes()
    (site / "log/checkpoint.txt").write_bytes(
        (site / "log/checkpoints/2.txt").read_bytes()
    )  # as if the last rename never ran
    with pytest.raises(VerificationError):
        translog.verify_log(site)
    translog.append(site, [], origin=ORIGIN)
    assert (site / "log/checkpoint.txt").read_bytes() == latest
    assert translog.verify_log(site).size == 8
