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


def crash_on(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make the log's next write of the file ``name`` (a path under the public folder) never happen."""
    real = translog.fsio.write_bytes

    def write_bytes(target: Path, data: bytes, **options: object) -> None:
        if target.as_posix().endswith(name):
            monkeypatch.setattr(translog.fsio, "write_bytes", real)
            raise KeyboardInterrupt  # the machine stops here
        real(target, data, **options)

    monkeypatch.setattr(translog.fsio, "write_bytes", write_bytes)


def test_the_log_signs_only_what_it_has_flushed_to_disk(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[tuple[str, object]] = []
    real = translog.fsio.write_bytes

    def write_bytes(target: Path, data: bytes, **options: object) -> None:
        writes.append((target.relative_to(site).as_posix(), options.get("durable")))
        real(target, data, **options)

    monkeypatch.setattr(translog.fsio, "write_bytes", write_bytes)
    translog.append(site, [{"kind": "note", "n": 1}], origin=ORIGIN)
    names = [name for name, _ in writes]
    assert names[0] == "log/entries.jsonl" and names[-2:] == ["log/checkpoints/9.txt", "log/checkpoint.txt"]
    assert set(names[1:-2]) == {f"log/tree/{k}.bin" for k in range(4)}  # 9 leaves: 9, 4, 2, 1 complete subtrees
    assert all(durable for _, durable in writes)


@pytest.mark.parametrize("cut", ["log/tree/0.bin", "log/checkpoints/9.txt", "log/checkpoint.txt"])
def test_an_append_cut_short_is_signed_by_the_next_append_of_any_step_and_its_rerun_logs_nothing_twice(
    site: Path, monkeypatch: pytest.MonkeyPatch, cut: str
) -> None:
    first = [{"kind": "note", "n": 1}]
    crash_on(monkeypatch, cut)
    with pytest.raises(KeyboardInterrupt):
        translog.append(site, first, origin=ORIGIN)
    with pytest.raises(VerificationError) as caught:  # the entry is on disk, but no checkpoint signs it yet
        translog.verify_log(site)
    assert str(caught.value) == "log/entries.jsonl: 9 entries, but the latest checkpoint (log/checkpoint.txt) signs 8"
    other = translog.append(site, [{"kind": "note", "n": 2}], origin=ORIGIN)  # another step, before the re-run
    assert other.checkpoint.size == 10 and translog.verify_log(site).size == 10
    again = translog.append(site, first, origin=ORIGIN)  # the step cut short, run again
    assert again.indices == [8] and again.checkpoint.size == 10
    signed = 4 if cut == "log/checkpoint.txt" else 3  # checkpoints 2, 8 and 10, and 9 when it was written
    assert translog.verify_log(site) == translog.LogReport(ORIGIN, 10, signed, 3, None)


def test_an_append_cut_short_and_run_again_signs_what_an_uninterrupted_one_signs(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    whole = tmp_path / "whole"
    shutil.copytree(site.parent, whole)
    translog.append(whole / "public", [{"kind": "note", "n": 1}], origin=ORIGIN)
    crash_on(monkeypatch, "log/checkpoints/9.txt")
    with pytest.raises(KeyboardInterrupt):
        translog.append(site, [{"kind": "note", "n": 1}], origin=ORIGIN)
    translog.append(site, [{"kind": "note", "n": 1}], origin=ORIGIN)
    log = sorted(p.relative_to(site).as_posix() for p in (site / "log").rglob("*"))
    assert log == sorted(p.relative_to(whole / "public").as_posix() for p in (whole / "public" / "log").rglob("*"))
    assert all((site / name).read_bytes() == (whole / "public" / name).read_bytes() for name in log if "." in name)


def test_stale_temporary_files_are_removed_by_the_next_writer_and_real_unlogged_files_still_fail(
    site: Path,
) -> None:
    import subprocess
    import sys

    pid = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True).stdout)
    stale = site / "rounds/330802-2026-11" / f".selection.jsonl.{pid}.k1ll3d00.tmp"
    stale.write_text("half a selection")
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(site)
    assert str(caught.value) == (
        f"{stale.relative_to(site).as_posix()}: a temporary file a step killed while writing left behind, not in the "
        "transparency log; run that step (or xinyong disclose) again, which removes it, then verify again"
    )
    translog.append(site, [], origin=ORIGIN)  # whatever step next holds the log's lock
    assert not stale.exists() and translog.verify_log(site).size == 8
    (site / "rounds/330802-2026-11/selection.jsonl").write_text("a real file nobody logged\n")
    translog.append(site, [], origin=ORIGIN)
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(site)
    assert str(caught.value) == "rounds/330802-2026-11/selection.jsonl: published but not in the transparency log"


def test_a_log_cut_short_is_not_appended_to(site: Path) -> None:
    entries = site / "log/entries.jsonl"
    entries.write_bytes(b"".join(entries.read_bytes().splitlines(keepends=True)[:5]))
    with pytest.raises(VerificationError) as caught:
        translog.append(site, [{"kind": "note", "n": 1}], origin=ORIGIN)
    assert str(caught.value) == (
        "log/entries.jsonl: 5 entries, but the latest checkpoint (log/checkpoint.txt) signs 8; restore the log "
        "before appending to it"
    )
