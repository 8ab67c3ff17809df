"""A witness cosigns a log's checkpoints only while they extend what it cosigned before: C2SP add-checkpoint
text in, a cosignature/v1 out; a fork, a rollback and a changed key are refused, and a verifier holding a
witnessed checkpoint detects the other view of the log."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
from pathlib import Path

import pytest

from xinyong.core.merkle import Tree, leaf_hash
from xinyong.errors import InputFileError, UsageError, VerificationError
from xinyong.publish import translog
from xinyong.publish.checkpoint import (
    COSIGNATURE,
    Checkpoint,
    Signature,
    Signer,
    Verifier,
    b64,
    cosignature_time,
    parse_note,
)
from xinyong.publish.witness import (
    Request,
    Seen,
    add_checkpoint,
    add_checkpoint_request,
    cosign,
    init_witness,
)
from xinyong.workspace.layout import private_key

ORIGIN = "xinyong.test/330802"
LOG = Signer.generate(ORIGIN)
WITNESS = Signer.generate("jijian.example/w1", COSIGNATURE)
NOW = 1_796_000_000  # 2026-11-30T…Z
WHEN = "2026-11-30T00:53:20Z"


def tree(n: int, salt: str = "") -> Tree:
    return Tree([leaf_hash(f"{salt}entry {k}".encode()) for k in range(n)])


def note(t: Tree, size: int, signer: Signer = LOG) -> str:
    return signer.sign(Checkpoint(ORIGIN, size, t.root(size)).text())


def ask(
    logs: dict[str, Seen], t: Tree, size: int, *, key: str | None = None, now: int = NOW, signer: Signer = LOG
) -> tuple[dict[str, Seen], Signature, bool]:
    """The witness's answer to a request built as the log would (from the size the witness last cosigned)."""
    old = logs[ORIGIN].size if ORIGIN in logs else 0
    proof = t.consistency_proof(old, size) if 0 < old < size else []
    added = add_checkpoint(add_checkpoint_request(old, proof, note(t, size, signer)), logs, WITNESS, now, key)
    return {**logs, added.origin: added.seen}, added.cosignature, added.new


def test_the_request_is_the_c2sp_add_checkpoint_body() -> None:
    t = tree(9)
    proof = t.consistency_proof(5, 9)
    text = add_checkpoint_request(5, proof, note(t, 9))
    assert text == "old 5\n" + "".join(b64(h) + "\n" for h in proof) + "\n" + note(t, 9)
    assert Request.parse(text) == Request(5, tuple(proof), note(t, 9))
    for bad, message in (
        ("old 05\n\n" + note(t, 9), "request old size is not a decimal number"),
        ("older 5\n\n" + note(t, 9), "request is not an old size line, proof lines, a blank line and a checkpoint"),
        ("old 5\n" + "AAAA\n" + "\n" + note(t, 9), "request proof line is not a 32-byte hash"),
        ("old 5\n" + f"{b64(bytes(32))}\n" * 64 + "\n" + note(t, 9), "request carries more than 63 proof lines"),
    ):
        with pytest.raises(VerificationError) as caught:
            add_checkpoint(bad, {}, WITNESS, NOW, str(LOG.verifier))
        assert str(caught.value) == f"add-checkpoint request: {message}"


def test_first_contact_pins_the_logs_key_and_the_cosignature_verifies() -> None:
    t = tree(5)
    with pytest.raises(UsageError) as caught:
        ask({}, t, 5)
    assert str(caught.value) == (
        f"{ORIGIN}: this witness has not seen this log before; give its verifier key with --log-key (as the office "
        "announced it, not as its site shows it), which is then pinned"
    )
    logs, line, new = ask({}, t, 5, key=str(LOG.verifier))
    assert new and logs == {ORIGIN: Seen(str(LOG.verifier), 5, t.root(5), NOW, str(line))}
    assert cosignature_time(Checkpoint(ORIGIN, 5, t.root(5)).text(), line, WITNESS.verifier) == NOW
    logs, again, new = ask(logs, t, 5, now=NOW + 60)  # the same checkpoint again: the same cosignature
    assert not new and again == line and logs[ORIGIN].time == NOW


def test_an_extension_is_cosigned_only_with_a_consistency_proof_from_the_size_cosigned() -> None:
    t = tree(12)
    logs, _, _ = ask({}, t, 5, key=str(LOG.verifier))
    logs, line, new = ask(logs, t, 12, now=NOW + 3)
    assert new and (logs[ORIGIN].size, logs[ORIGIN].time) == (12, NOW + 3)
    assert cosignature_time(Checkpoint(ORIGIN, 12, t.root(12)).text(), line, WITNESS.verifier) == NOW + 3
    request = add_checkpoint_request(5, t.consistency_proof(3, 12), note(t, 12))  # not from the size cosigned
    with pytest.raises(VerificationError) as caught:
        add_checkpoint(request, {ORIGIN: Seen(str(LOG.verifier), 5, t.root(5), NOW, "")}, WITNESS, NOW)
    assert str(caught.value).startswith(f"{ORIGIN}: fork: the log's checkpoint of size 12 (root {b64(t.root(12))})")
    with pytest.raises(VerificationError) as caught:
        add_checkpoint(add_checkpoint_request(3, [], note(t, 12)), logs, WITNESS, NOW + 9)
    assert (
        str(caught.value) == f"add-checkpoint request: old size 3, but this witness last cosigned {ORIGIN} at size 12"
    )


def test_a_fork_a_rollback_a_changed_key_and_a_clock_gone_back_are_refused() -> None:
    t, other = tree(12), tree(12, salt="rewritten ")
    logs, _, _ = ask({}, t, 9, key=str(LOG.verifier))
    with pytest.raises(VerificationError) as caught:
        ask(logs, other, 9)
    assert str(caught.value) == (
        f"{ORIGIN}: fork: the log's checkpoint of size 9 has root {b64(other.root(9))}, but this witness cosigned "
        f"size 9 with root {b64(t.root(9))} at {WHEN}: two views of one log"
    )
    with pytest.raises(VerificationError) as caught:
        ask(logs, other, 12)
    assert str(caught.value) == (
        f"{ORIGIN}: fork: the log's checkpoint of size 12 (root {b64(other.root(12))}) is not proved an extension "
        f"of size 9 (root {b64(t.root(9))}) that this witness cosigned at {WHEN}: the log gives no valid "
        "consistency proof"
    )
    with pytest.raises(VerificationError) as caught:
        add_checkpoint(add_checkpoint_request(9, [], note(t, 7)), logs, WITNESS, NOW)
    assert str(caught.value) == (
        f"{ORIGIN}: rollback: the log's checkpoint has size 7, but this witness cosigned size 9 (root "
        f"{b64(t.root(9))}) at {WHEN}; a log never shrinks"
    )
    thief = Signer.generate(ORIGIN)
    with pytest.raises(VerificationError) as caught:
        ask(logs, t, 12, signer=thief)
    assert str(caught.value) == (
        f"log/checkpoint: no signature by {ORIGIN}: this witness knows {ORIGIN} by key {LOG.verifier} only, "
        "and a log's key never changes"
    )
    with pytest.raises(VerificationError) as caught:
        ask(logs, t, 12, key=str(thief.verifier), signer=thief)
    assert str(caught.value) == (
        f"--log-key: this witness knows {ORIGIN} by key {LOG.verifier}, not {thief.verifier}; a log's key never changes"
    )
    with pytest.raises(UsageError) as refused:
        ask(logs, t, 12, now=NOW - 1)
    assert str(refused.value) == (
        f"now: 2026-11-30T00:53:19Z is before this witness's last cosignature of {ORIGIN} ({WHEN}); check the clock"
    )
    assert ask(logs, t, 12, key=str(LOG.verifier), now=NOW + 1)[2]  # the pinned key again is fine


# -- the edge: a witness's state folder and a log on disk ------------------------------------------
def grow(public: Path, entries: range) -> None:
    translog.append(public, [{"kind": "note", "n": n} for n in entries], origin=ORIGIN)


@pytest.fixture()
def logs(tmp_path: Path) -> tuple[Path, Path, str]:
    """Two logs of one origin and one key, the same first 5 entries, then different ones: a fork."""
    first, second = tmp_path / "a" / "public", tmp_path / "b" / "public"
    grow(first, range(5))
    private_key(second).parent.mkdir(parents=True)
    shutil.copy2(private_key(first), private_key(second))
    grow(second, range(5))
    grow(first, range(5, 9))
    grow(second, range(100, 104))
    return first, second, (first / "log/key.txt").read_text().strip()


def at(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def test_init_makes_a_private_key_once(tmp_path: Path) -> None:
    state = tmp_path / "jijian"
    vkey = init_witness(state, "jijian.example/w1")
    assert vkey.kind == COSIGNATURE and sorted(p.name for p in state.iterdir()) == ["witness.key"]
    assert stat.S_IMODE((state / "witness.key").stat().st_mode) == 0o600
    assert Signer.parse((state / "witness.key").read_text(), COSIGNATURE).verifier == vkey
    with pytest.raises(UsageError) as caught:
        init_witness(state, "jijian.example/w1")
    assert str(caught.value) == f"{state}: exists already; a witness's state is made once (its key is its identity)"
    with pytest.raises(UsageError) as caught:
        init_witness(tmp_path / "other", "纪检 监察")
    assert str(caught.value) == "--name: key name '纪检 监察' must have no spaces or '+'"
    with pytest.raises(InputFileError) as missing:
        cosign(tmp_path / "nobody", tmp_path, now=at(NOW))
    assert str(missing.value) == (
        f"{tmp_path / 'nobody'}: not a witness's state folder (no witness.key); make one with xinyong witness init"
    )


def test_the_witness_cosigns_one_view_refuses_the_fork_and_a_verifier_detects_it(
    logs: tuple[Path, Path, str], tmp_path: Path
) -> None:
    first, second, key = logs
    state = tmp_path / "jijian"
    w = str(init_witness(state, "jijian.example/w1"))
    done = cosign(state, first, now=at(NOW), log_key=key)
    assert (done.origin, done.size, done.timestamp, done.new) == (ORIGIN, 10, NOW, True)
    assert translog.verify_log(first, witnesses=[w]).witnessed == (translog.Cosigned(10, "jijian.example/w1", NOW),)
    with pytest.raises(VerificationError) as caught:
        cosign(state, second, now=at(NOW + 60))
    root = Checkpoint.parse(parse_note((second / "log/checkpoint").read_text())[0]).root
    assert str(caught.value) == (
        f"{ORIGIN}: fork: the log's checkpoint of size 10 has root {b64(root)}, but this witness cosigned size 10 "
        f"with root {b64(done_root(first))} at {WHEN}: two views of one log"
    )
    assert len(parse_note((second / "log/checkpoint").read_text())[1]) == 1  # the log's signature only
    saved = tmp_path / "saved.txt"
    saved.write_bytes((first / "log/checkpoint").read_bytes())  # a reader keeps the witnessed checkpoint
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(second, since=saved, witnesses=[w])
    assert str(caught.value) == (
        f"{saved}: the log is not an extension of this checkpoint; entries before 10 were changed"
    )
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(second, witnesses=[w])
    assert str(caught.value) == (
        "log/checkpoint: cosigned by 0 of the 1 witnesses you trust, 1 needed (--quorum); no cosignature by "
        "jijian.example/w1"
    )
    # The other view with the first one's cosignature copied onto it: the cosignature does not verify.
    line = parse_note((first / "log/checkpoint").read_text())[1][-1]
    translog.add_cosignature(
        second,
        Checkpoint.parse(parse_note((second / "log/checkpoint").read_text())[0]),
        line,
        Verifier.parse(w, COSIGNATURE),
    )
    with pytest.raises(VerificationError) as caught:
        translog.verify_log(second, witnesses=[w])
    assert str(caught.value) == "log/checkpoint: cosignature by jijian.example/w1 does not verify"


def done_root(public: Path) -> bytes:
    return Checkpoint.parse(parse_note((public / "log/checkpoint").read_text())[0]).root


def test_the_witness_follows_the_log_as_it_grows_and_refuses_a_rollback(
    logs: tuple[Path, Path, str], tmp_path: Path
) -> None:
    first, _, key = logs
    state = tmp_path / "jijian"
    w = str(init_witness(state, "jijian.example/w1"))
    cosign(state, first, now=at(NOW), log_key=key)
    saved = (first / "log/checkpoint").read_bytes()
    grow(first, range(9, 20))
    done = cosign(state, first, now=at(NOW + 5))
    assert (done.size, done.new) == (22, True)
    assert translog.cosigned(first, [w]) == [
        translog.Cosigned(10, "jijian.example/w1", NOW),
        translog.Cosigned(22, "jijian.example/w1", NOW + 5),
    ]
    again = cosign(state, first, now=at(NOW + 9))  # the same checkpoint again: its cosignature, nothing changed
    assert (again.new, again.timestamp, again.line) == (False, NOW + 5, done.line)
    assert (first / "log/checkpoint").read_text().count(done.line) == 1
    rolled = tmp_path / "rolled" / "public"  # the log as it was at size 10, served again
    shutil.copytree(first, rolled)
    (rolled / "log/checkpoint").write_bytes(saved)
    with pytest.raises(VerificationError) as caught:
        cosign(state, rolled, now=at(NOW + 10))
    assert str(caught.value) == (
        f"{ORIGIN}: rollback: the log's checkpoint has size 10, but this witness cosigned size 22 (root "
        f"{b64(done_root(first))}) at 2026-11-30T00:53:25Z; a log never shrinks"
    )


def test_a_log_with_another_key_is_refused_and_nothing_is_written(logs: tuple[Path, Path, str], tmp_path: Path) -> None:
    first, _, key = logs
    state = tmp_path / "jijian"
    init_witness(state, "jijian.example/w1")
    cosign(state, first, now=at(NOW), log_key=key)
    impostor = tmp_path / "impostor" / "public"
    grow(impostor, range(20))  # the same origin, a key of its own
    before = {p.name: p.read_bytes() for p in state.iterdir() if p.name != "witness.lock"}
    with pytest.raises(VerificationError) as caught:
        cosign(state, impostor, now=at(NOW + 1))
    assert str(caught.value) == (
        f"log/checkpoint: no signature by {ORIGIN}: this witness knows {ORIGIN} by key {key} only, and a log's "
        "key never changes"
    )
    with pytest.raises(VerificationError):
        cosign(state, impostor, now=at(NOW + 1), log_key=(impostor / "log/key.txt").read_text().strip())
    assert {p.name: p.read_bytes() for p in state.iterdir() if p.name != "witness.lock"} == before
    assert not (impostor / "log/witnesses.txt").exists()


def test_a_cosign_cut_short_after_the_state_was_saved_is_finished_by_running_it_again(
    logs: tuple[Path, Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _, key = logs
    state = tmp_path / "jijian"
    w = str(init_witness(state, "jijian.example/w1"))

    def killed(*args: object) -> None:
        raise KeyboardInterrupt  # the machine stops here

    with monkeypatch.context() as patch:
        patch.setattr(translog, "add_cosignature", killed)
        with pytest.raises(KeyboardInterrupt):
            cosign(state, first, now=at(NOW), log_key=key)
    assert (state / "logs.json").is_file() and len(parse_note((first / "log/checkpoint").read_text())[1]) == 1
    done = cosign(state, first, now=at(NOW + 30))
    assert (done.new, done.timestamp) == (False, NOW)
    assert translog.verify_log(first, witnesses=[w]).witnessed == (translog.Cosigned(10, "jijian.example/w1", NOW),)
    assert stat.S_IMODE(os.stat(state / "witness.key").st_mode) == 0o600
