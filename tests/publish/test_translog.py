"""The transparency log: appends are idempotent and atomic, each names the checkpoint it extends, proofs
verify, any changed byte is named, nothing under the public folder goes unaccounted for, and witnesses'
cosignatures are checked."""

from __future__ import annotations

import os
import random
import shutil
import stat
from pathlib import Path

import pytest

from tests.publish.mutation import assert_every_change_is_named
from xinyong.core.canonical import CJ
from xinyong.core.merkle import leaf_hash, verify_consistency, verify_inclusion
from xinyong.errors import UsageError, VerificationError
from xinyong.publish import translog
from xinyong.publish.checkpoint import (
    COSIGNATURE,
    Checkpoint,
    Signature,
    Signer,
    Verifier,
    b64,
    b64decode,
    open_note,
    parse_note,
)
from xinyong.publish.logindex import LogIndex
from xinyong.publish.site import records_json, records_script, with_status
from xinyong.workspace.layout import log_index, private_key

ORIGIN = "xinyong.test/330802"


def publish(public: Path, name: str, text: str | bytes) -> dict:
    path = public / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return translog.file_entry(public, path)


def result(k: int, **change: str) -> dict[str, str]:
    """A published result as disclose logs it (:func:`xinyong.publish.site.public_record`)."""
    return {
        "记录号": f"R-test{k:04d}",
        "抽查批次": "330802-2026-11",
        "检查实施机关": "衢州市柯城区市场监督管理局",
        "类型": "双随机抽查",
        "抽查计划": "企业公示信息抽查",
        "抽查事项": "年报公示信息的检查",
        "市场主体名称": f"衢州某某商贸有限公司{k}",
        "统一社会信用代码": "91330802MA2ABCDE1X",
        "日期": "2026-11-20",
        "结果": "未发现问题",
        "公示日期": "2026-11-30",
        "更正记录": "",
    } | change


def publish_results(public: Path, records: list[dict], shown: list[dict] | None = None) -> list[dict]:
    """The entries of a disclosure of ``records``: one each, and the site's manifest of its record lists (as
    the site shows ``shown``, by default what the records make) and its front page."""
    rows = with_status(records) if shown is None else shown
    pages = [
        publish(public, "index.html", "<html>双随机 一公开</html>"),
        publish(public, "downloads/results.json", records_json(rows)),
        publish(public, "data/records.js", records_script(rows)),
    ]
    site = {"kind": "site", "files": {page["path"]: page["sha256"] for page in pages}}
    return [*({"kind": "disclosure", "record": r} for r in records), site]


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    public = tmp_path / "public"
    first = [
        publish(public, "rounds/330802-2026-11/commitment.json", '{"plans":"x"}\n'),
        publish(public, "rounds/330802-2026-11/randomness.json", '{"value":"上证 3000.01 空 格"}\n'),
    ]
    translog.append(public, first, origin=ORIGIN)
    translog.append(public, publish_results(public, [result(k) for k in range(5)]), origin=ORIGIN)
    return public  # entries: 2 files; the checkpoint of 2; 5 results; the site (9)


def test_a_fresh_log_verifies_and_its_key_is_private(site: Path) -> None:
    report = translog.verify_log(site)
    assert report == translog.LogReport(ORIGIN, size=9, checkpoints=2, files=5, since=None, records=5, witnessed=())
    key = private_key(site)
    assert key.parent == site.parent / "private" and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert not any("PRIVATE" in p.read_text(errors="replace") for p in site.rglob("*") if p.is_file())


def test_appending_the_same_entries_again_changes_nothing(site: Path) -> None:
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    again = translog.append(site, [{"kind": "disclosure", "record": result(3)}], origin=ORIGIN)
    assert again.indices == [6] and again.checkpoint.size == 9
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_proofs_from_the_published_tree_verify_against_signed_checkpoints(site: Path) -> None:
    verifier = Verifier.parse((site / "log/key.txt").read_text())
    lines = [CJ(entry) for entry in translog.entries(site)]
    for size in (2, 9):
        checkpoint = Checkpoint.parse(open_note((site / f"log/checkpoints/{size}.txt").read_text(), verifier))
        for index in range(size):
            served = translog.prove_inclusion(site, index, size)
            assert served["root"] == b64(checkpoint.root)
            assert verify_inclusion(
                index, size, leaf_hash(lines[index]), [b64decode(h, "p") for h in served["proof"]], checkpoint.root
            )
    old = Checkpoint.parse(open_note((site / "log/checkpoints/2.txt").read_text(), verifier))
    new = Checkpoint.parse(open_note((site / "log/checkpoint").read_text(), verifier))
    consistency = translog.prove_consistency(site, 2)
    assert verify_consistency(2, 9, [b64decode(h, "p") for h in consistency["proof"]], old.root, new.root)
    assert (site / "log/tile/0/000.p/9").read_bytes() == b"".join(leaf_hash(line) for line in lines)
    assert (site / "log/tile/0/000.p/2").read_bytes() == b"".join(leaf_hash(line) for line in lines[:2])


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
    path = site / "log/tile/entries/000.p/9"
    path.write_bytes(path.read_bytes().replace(b"R-test0003", b"R-test0009"))
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(site)
    assert str(caught.value) == (
        "log entry 6 (log/tile/entries/000.p/9): not in the log as checkpoint 9 signed it; changed after publication"
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
    assert str(caught.value) == "index.html: in log entry 8 but missing from the site"


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


def test_a_crash_before_the_latest_checkpoint_is_written_is_finished_on_the_next_append(site: Path) -> None:
    latest = (site / "log/checkpoint").read_bytes()
    (site / "log/checkpoint").write_bytes(
        (site / "log/checkpoints/2.txt").read_bytes()
    )  # as if the last rename never ran
    with pytest.raises(VerificationError):
        translog.verify_log(site)
    translog.append(site, [], origin=ORIGIN)
    assert (site / "log/checkpoint").read_bytes() == latest
    assert translog.verify_log(site).size == 9


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

    def add(index: translog.LogIndex, *args: object) -> None:
        writes.append(("the index", True))
        real_add(index, *args)

    real_add = translog.LogIndex.add
    monkeypatch.setattr(translog.fsio, "write_bytes", write_bytes)
    monkeypatch.setattr(translog.LogIndex, "add", add)
    translog.append(site, [{"kind": "note", "n": 1}], origin=ORIGIN)
    names = [name for name, _ in writes]  # 11 entries: one partial bundle, one partial tile of level 0
    assert names == [
        "log/tile/entries/000.p/11",
        "log/tile/0/000.p/11",
        "the index",
        "log/checkpoints/11.txt",
        "log/checkpoint",
    ]
    assert all(durable for _, durable in writes)
    assert sorted(p.name for p in (site / "log/tile/0/000.p").iterdir()) == ["11", "2", "9"]  # each signed size's


@pytest.mark.parametrize("cut", ["log/tile/0/000.p/11", "log/checkpoints/11.txt", "log/checkpoint"])
def test_an_append_cut_short_is_signed_by_the_next_append_of_any_step_and_its_rerun_logs_nothing_twice(
    site: Path, monkeypatch: pytest.MonkeyPatch, cut: str
) -> None:
    first = [{"kind": "note", "n": 1}]
    crash_on(monkeypatch, cut)
    with pytest.raises(KeyboardInterrupt):
        translog.append(site, first, origin=ORIGIN)
    with pytest.raises(VerificationError) as caught:  # entries are on disk, but no checkpoint signs them yet
        translog.verify_log(site)
    beyond = "log/tile/entries/000.p/11" if cut == "log/tile/0/000.p/11" else "log/tile/0/000.p/11"
    assert str(caught.value) == (
        f"{beyond}: reaches beyond the 9 entries the latest checkpoint (log/checkpoint) signs; an append was cut "
        "short, and the next one signs what it wrote"
    )
    other = translog.append(site, [{"kind": "note", "n": 2}], origin=ORIGIN)  # another step, before the re-run
    named = {"kind": "checkpoint", "root": b64(translog.stored_tree(site).root(9)), "size": 9}
    if cut == "log/tile/0/000.p/11":  # cut before its index: its entries were never logged, and are overwritten
        assert other.checkpoint.size == 11 and translog.verify_log(site).size == 11
        assert translog.entries(site)[9:] == [named, {"kind": "note", "n": 2}]
        again = translog.append(site, first, origin=ORIGIN)  # the step cut short, run again
        assert again.indices == [12] and again.checkpoint.size == 13
        assert translog.verify_log(site) == translog.LogReport(ORIGIN, 13, 4, 5, None, 5, ())
        return
    assert other.checkpoint.size == 12 and translog.verify_log(site).size == 12
    assert translog.entries(site)[9:] == [named, *first, {"kind": "note", "n": 2}]  # checkpoint 9 not named twice
    again = translog.append(site, first, origin=ORIGIN)  # the step cut short, run again
    assert again.indices == [10] and again.checkpoint.size == 12
    signed = 4 if cut == "log/checkpoint" else 3  # checkpoints 2, 9 and 12, and 11 when it was written
    assert translog.verify_log(site) == translog.LogReport(ORIGIN, 12, signed, 5, None, 5, ())


@pytest.mark.parametrize("cut", ["log/tile/0/000.p/11", "log/checkpoints/11.txt", "log/checkpoint"])
def test_an_append_cut_short_and_run_again_writes_what_an_uninterrupted_one_writes(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut: str
) -> None:
    import shutil

    whole = tmp_path / "whole"
    shutil.copytree(site.parent, whole)
    translog.append(whole / "public", [{"kind": "note", "n": 1}], origin=ORIGIN)
    crash_on(monkeypatch, cut)
    with pytest.raises(KeyboardInterrupt):
        translog.append(site, [{"kind": "note", "n": 1}], origin=ORIGIN)
    translog.append(site, [{"kind": "note", "n": 1}], origin=ORIGIN)
    log = sorted(p.relative_to(site).as_posix() for p in (site / "log").rglob("*"))
    assert log == sorted(p.relative_to(whole / "public").as_posix() for p in (whole / "public" / "log").rglob("*"))
    assert all((site / n).read_bytes() == (whole / "public" / n).read_bytes() for n in log if (site / n).is_file())
    assert index_dump(site) == index_dump(whole / "public")


def index_dump(public: Path) -> list[str]:
    index = LogIndex(log_index(public))
    try:
        return index.dump()
    finally:
        index.close()


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
    assert not stale.exists() and translog.verify_log(site).size == 9
    (site / "rounds/330802-2026-11/selection.jsonl").write_text("a real file nobody logged\n")
    translog.append(site, [], origin=ORIGIN)
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(site)
    assert str(caught.value) == "rounds/330802-2026-11/selection.jsonl: published but not in the transparency log"


def test_a_log_cut_short_is_not_appended_to(site: Path) -> None:
    log_index(site).unlink()  # so the index is rebuilt from the public log, which lost an entry bundle
    (site / "log/tile/entries/000.p/9").unlink()
    with pytest.raises(VerificationError) as caught:
        translog.append(site, [{"kind": "note", "n": 1}], origin=ORIGIN)
    assert str(caught.value) == (
        "log/tile/entries/000.p/9: missing; the latest checkpoint (log/checkpoint) signs 9 entries; restore the log "
        "before appending to it"
    )


def test_a_lost_or_foreign_index_is_rebuilt_from_the_public_log(site: Path, tmp_path: Path) -> None:
    before = index_dump(site)
    files, records = translog.logged_files(site), translog.published_records(site)
    log_index(site).unlink()
    assert translog.logged_files(site) == files and translog.published_records(site) == records  # read from the log
    assert not log_index(site).exists()  # a reader writes nothing
    translog.append(site, [], origin=ORIGIN)
    assert index_dump(site) == before
    other = tmp_path / "other" / "public"  # another log's index, copied over this one's
    translog.append(other, [publish(other, "a.json", "1")], origin=ORIGIN)
    log_index(site).write_bytes(log_index(other).read_bytes())
    assert translog.record_index(site, "R-test0003") == 6
    again = translog.append(site, [{"kind": "disclosure", "record": result(3)}], origin=ORIGIN)
    assert again.indices == [6] and again.checkpoint.size == 9 and index_dump(site) == before


# -- the chain of checkpoints ---------------------------------------------------------------------
def test_an_append_names_the_checkpoint_it_extends_and_a_removed_checkpoint_is_missed(site: Path) -> None:
    verifier = Verifier.parse((site / "log/key.txt").read_text())
    second = Checkpoint.parse(open_note((site / "log/checkpoints/2.txt").read_text(), verifier))
    assert translog.entries(site)[2] == {"kind": "checkpoint", "root": b64(second.root), "size": 2}
    translog.append(site, [{"kind": "note", "n": 1}], origin=ORIGIN)
    assert [e for e in translog.entries(site) if e["kind"] == "checkpoint"] == [
        {"kind": "checkpoint", "root": b64(second.root), "size": 2},
        {"kind": "checkpoint", "root": b64(translog.stored_tree(site).root(9)), "size": 9},
    ]
    (site / "log/checkpoints/9.txt").unlink()
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(site)
    assert str(caught.value) == (
        "log/checkpoints/9.txt: missing; log entry 9 (log/tile/entries/000.p/11) says the log extended it, and a "
        "signed checkpoint is never removed"
    )


# -- nothing under the public folder goes unaccounted for ------------------------------------------
def _fifo(site: Path) -> None:
    os.mkfifo(site / "rounds" / "pipe")


def _linked_checkpoint(site: Path) -> None:
    copy = site.parent / "elsewhere.txt"
    copy.write_bytes((site / "log/checkpoints/2.txt").read_bytes())
    (site / "log/checkpoints/2.txt").unlink()
    (site / "log/checkpoints/2.txt").symlink_to(copy)


UNACCOUNTED = {
    "a page under log/": (
        lambda s: (s / "log/results.html").write_text("<html></html>"),
        "log/results.html: not a file of the transparency log (its checkpoints, tiles, entry bundles and keys)",
    ),
    "a folder under log/": (
        lambda s: (s / "log/pages").mkdir(),
        "log/pages: not a folder of the transparency log (its checkpoints, tiles, entry bundles and keys)",
    ),
    "a symlinked folder of pages": (
        lambda s: (s / "more").symlink_to(s / "rounds", target_is_directory=True),
        "more: a symbolic link; a published site holds only its own files and folders, never a link",
    ),
    "a symlinked page": (
        lambda s: (s / "index2.html").symlink_to(s / "index.html"),
        "index2.html: a symbolic link; a published site holds only its own files and folders, never a link",
    ),
    "a symlinked checkpoint": (
        _linked_checkpoint,
        "log/checkpoints/2.txt: a symbolic link; a published site holds only its own files and folders, never a link",
    ),
    "a dot-file": (
        lambda s: (s / "rounds" / ".htaccess").write_text("Options +Indexes\n"),
        "rounds/.htaccess: a hidden file (its name starts with a dot), not in the transparency log",
    ),
    "a dot-folder": (
        lambda s: (s / ".well-known").mkdir(),
        ".well-known: a hidden folder (its name starts with a dot), not in the transparency log",
    ),
    "a FIFO": (_fifo, "rounds/pipe: not a regular file (a device, FIFO or socket); a site holds files"),
}


@pytest.mark.parametrize("case", list(UNACCOUNTED))
def test_anything_not_a_logged_regular_file_is_named(site: Path, case: str) -> None:
    translog.verify_log(site)
    change, message = UNACCOUNTED[case]
    change(site)
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(site)
    assert str(caught.value) == message


def test_a_folder_that_cannot_be_listed_is_named(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder readable by a web server by name but not listed (mode 0311): as root, permissions do not stop a
    listing, so the listing is made to fail."""
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(str(path)) == site / "rounds":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(site)
    assert (
        str(caught.value) == "rounds: a folder that cannot be listed (Permission denied); so nothing in it is checked"
    )


# -- witnesses' cosignatures ------------------------------------------------------------------------
WITNESS = Signer.generate("jijian.example/w1", COSIGNATURE)
OTHER = Signer.generate("notary.example/w2", COSIGNATURE)
T = 1_796_000_000  # 2026-11-30T…Z


def cosign_latest(public: Path, witness: Signer, at: int) -> int:
    """What ``xinyong witness cosign`` adds: the witness's cosignature of the latest checkpoint; its size."""
    note = (public / "log/checkpoint").read_text()
    checkpoint = Checkpoint.parse(parse_note(note)[0])
    translog.add_cosignature(public, checkpoint, witness.cosign(checkpoint.text(), at), witness.verifier)
    return checkpoint.size


def test_cosignatures_are_added_to_the_checkpoint_and_checked(site: Path) -> None:
    cosign_latest(site, WITNESS, T)
    cosign_latest(site, WITNESS, T)  # added once
    note = (site / "log/checkpoint").read_text()
    assert note == (site / "log/checkpoints/9.txt").read_text() and note.count("\n— ") == 2
    assert (site / "log/witnesses.txt").read_text() == f"{WITNESS.verifier}\n"
    report = translog.verify_log(site, witnesses=[str(WITNESS.verifier)])
    assert report.witnessed == (translog.Cosigned(9, "jijian.example/w1", T),)
    assert translog.verify_log(site).witnessed == ()  # no witness given: checked, none required
    assert Checkpoint.parse(open_note(note, Verifier.parse((site / "log/key.txt").read_text()))).size == 9


def test_the_quorum_of_trusted_witnesses_is_required_and_the_missing_ones_named(site: Path) -> None:
    cosign_latest(site, WITNESS, T)
    both = [str(WITNESS.verifier), str(OTHER.verifier)]
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(site, witnesses=both)
    assert str(caught.value) == (
        "log/checkpoint: cosigned by 1 of the 2 witnesses you trust, 2 needed (--quorum); no cosignature by "
        "notary.example/w2"
    )
    assert len(translog.verify_log(site, witnesses=both, quorum=1).witnessed) == 1
    translog.append(site, [{"kind": "note", "n": 1}], origin=ORIGIN)  # a new checkpoint, not cosigned yet
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(site, witnesses=both, quorum=1)
    assert str(caught.value) == (
        "log/checkpoint: cosigned by 0 of the 2 witnesses you trust, 1 needed (--quorum); no cosignature by "
        "jijian.example/w1, notary.example/w2"
    )
    for quorum, message in (
        (3, "--quorum: 3 is not between 1 and the 2 witnesses given with --witness"),
        (0, "--quorum: 0 is not between 1 and the 2 witnesses given with --witness"),
    ):
        with pytest.raises(UsageError) as refused:
            translog.verify_log(site, witnesses=both, quorum=quorum)
        assert str(refused.value) == message
    with pytest.raises(UsageError) as refused:
        translog.verify_log(site, quorum=1)
    assert str(refused.value) == "--quorum: give the keys of the witnesses you trust with --witness VKEY"
    with pytest.raises(UsageError) as refused:
        translog.verify_log(site, witnesses=[(site / "log/key.txt").read_text().strip()])
    assert str(refused.value).startswith("--witness: verifier key is not a witness cosigning key (type 0x04): ")


def _forged(line: Signature) -> Signature:
    """The cosignature with one bit of its Ed25519 signature changed: well formed, and false."""
    return Signature(line.name, line.key_id, line.signature[:-1] + bytes([line.signature[-1] ^ 1]))


def _spoil_both(site: Path, change) -> None:
    for name in ("log/checkpoint", "log/checkpoints/9.txt"):
        (site / name).write_text(change((site / name).read_text()))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda note: note + "— jijian.example/w1 !!!!\n", "log/checkpoint: signature line 3 is not base64"),
        (lambda note: note + "—jijian.example/w1 AAAA\n", "log/checkpoint: malformed signature line 3"),
        (
            lambda note: note.replace(str(parse_note(note)[1][1]), str(_forged(parse_note(note)[1][1]))),
            "log/checkpoint: cosignature by jijian.example/w1 does not verify",
        ),
        (
            lambda note: note + f"{OTHER.cosign(parse_note(note)[0], T)}\n",
            "log/checkpoint: signature line 3 is by notary.example/w2, neither the log's key nor a witness "
            "listed in log/witnesses.txt",
        ),
    ],
    ids=["not base64", "no space after the dash", "a forged cosignature", "an unlisted witness"],
)
def test_a_malformed_or_false_cosignature_line_fails_verification(site: Path, change, message: str) -> None:
    cosign_latest(site, WITNESS, T)
    _spoil_both(site, change)
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(site)
    assert str(caught.value) == message


def test_cosigned_lists_every_valid_cosignature_of_every_stored_checkpoint(site: Path) -> None:
    cosign_latest(site, WITNESS, T + 5)
    cosign_latest(site, OTHER, T + 3)
    translog.append(site, [{"kind": "note", "n": 1}], origin=ORIGIN)
    cosign_latest(site, WITNESS, T + 60)
    keys = [str(WITNESS.verifier), str(OTHER.verifier)]
    assert translog.cosigned(site, keys) == [
        translog.Cosigned(9, "notary.example/w2", T + 3),
        translog.Cosigned(9, "jijian.example/w1", T + 5),
        translog.Cosigned(11, "jijian.example/w1", T + 60),
    ]
    assert translog.cosigned(site, keys[1:]) == [translog.Cosigned(9, "notary.example/w2", T + 3)]
    assert translog.verify_log(site, witnesses=keys[:1]).witnessed == (
        translog.Cosigned(11, "jijian.example/w1", T + 60),
    )
    path = site / "log/checkpoints/9.txt"
    path.write_text(path.read_text().replace(parse_note(path.read_text())[0].split("\n")[2], b64(bytes(32))))
    with pytest.raises(VerificationError) as caught:
        translog.cosigned(site, keys)
    assert str(caught.value) == "log/checkpoints/9.txt: signature by xinyong.test/330802 does not verify"


@pytest.mark.parametrize("seed", range(2))
def test_any_single_byte_change_of_a_cosigned_log_is_detected_and_named(site: Path, seed: int) -> None:
    cosign_latest(site, WITNESS, T)
    cosign_latest(site, OTHER, T + 1)
    assert_every_change_is_named(site, random.Random(seed), 60)


# -- a log in the layout before tlog-tiles -----------------------------------------------------------
def old_layout(site: Path) -> dict[str, bytes]:
    """The log of ``site`` rewritten as the code before tlog-tiles wrote it: ``log/entries.jsonl`` (a canonical
    JSON line an entry), ``log/tree/<k>.bin`` (level k's complete subtrees, 32 bytes each) and
    ``log/checkpoint.txt`` (the latest note), beside the same ``checkpoints/`` and keys; its files by name."""
    from xinyong.core.merkle import Tree

    lines = [CJ(entry) for entry in translog.entries(site)]
    latest = (site / "log/checkpoint").read_bytes()
    shutil.rmtree(site / "log/tile")
    (site / "log/checkpoint").unlink()
    log_index(site).unlink(missing_ok=True)
    (site / "log/entries.jsonl").write_bytes(b"".join(line + b"\n" for line in lines))
    (site / "log/tree").mkdir()
    for k, level in enumerate(Tree([leaf_hash(line) for line in lines]).levels):
        (site / f"log/tree/{k}.bin").write_bytes(b"".join(level))
    (site / "log/checkpoint.txt").write_bytes(latest)
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "log").rglob("*") if p.is_file()}


def test_a_log_in_the_old_layout_is_converted_once_with_the_same_roots_and_notes(site: Path) -> None:
    cosign_latest(site, WITNESS, T)  # a cosignature on the old latest note, which the conversion keeps
    tiled = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "log").rglob("*") if p.is_file()}
    old = old_layout(site)
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(site)
    assert str(caught.value) == (
        f"log/entries.jsonl: the log is in its layout from before tlog-tiles; convert it with xinyong log upgrade "
        f"{site} (the next step that appends to the log converts it too), then verify again"
    )
    assert translog.record_index(site, "R-test0003") == 6  # readers read the old layout as it is
    assert not log_index(site).exists()
    translog.append(site, [], origin=ORIGIN)  # the first append converts
    after = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "log").rglob("*") if p.is_file()}
    assert after == tiled  # the same tiles, bundles and notes (cosignature too) as a log made tiled
    assert (site / "log/checkpoint").read_bytes() == old["log/checkpoint.txt"]
    report = translog.verify_log(site, witnesses=[str(WITNESS.verifier)])
    assert (report.size, report.checkpoints, len(report.witnessed)) == (9, 2, 1)
    assert not translog.upgrade(site)  # once


def test_a_conversion_cut_short_is_done_again(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tiled = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "log").rglob("*") if p.is_file()}
    old_layout(site)
    real = Path.unlink

    def unlink(path: Path, missing_ok: bool = False) -> None:
        if path.name == "checkpoint.txt":
            raise KeyboardInterrupt  # the machine stops after the tiles, before the old files are all gone
        real(path, missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(KeyboardInterrupt):
        translog.append(site, [], origin=ORIGIN)
    monkeypatch.setattr(Path, "unlink", real)
    assert (site / "log/entries.jsonl").exists()
    with pytest.raises(VerificationError, match="layout from before tlog-tiles"):
        translog.verify_log(site)
    translog.append(site, [{"kind": "note", "n": 1}], origin=ORIGIN)
    assert translog.verify_log(site).size == 11
    assert all((site / name).read_bytes() == data for name, data in tiled.items() if "000.p/9" in name)


def test_a_changed_old_log_is_not_converted(site: Path) -> None:
    old_layout(site)
    path = site / "log/entries.jsonl"
    path.write_bytes(path.read_bytes().replace(b"R-test0003", b"R-test0009"))
    with pytest.raises(VerificationError) as caught:
        translog.append(site, [], origin=ORIGIN)
    assert str(caught.value) == (
        "log/entries.jsonl: does not give the root the latest checkpoint signs at size 9; restore the log before "
        "converting it"
    )
    assert not (site / "log/tile").exists()
