"""``xinyong witness init|cosign`` and ``log verify --witness`` as an independent body and a reader run them
(cli/witness.py, cli/publish.py)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Ran, run
from xinyong.publish import translog
from xinyong.publish.checkpoint import COSIGNATURE, Verifier, b64

TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def test_a_witness_cosigns_the_log_and_a_reader_checks_its_cosignature(
    xinyong: Callable[..., Ran],
    november_copy: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    public, state = november_copy / "public", tmp_path / "纪检监察-witness"
    ran = xinyong("witness", "init", state, "--name", "jijian.quzhou.example/w1")
    vkey = ran.out.splitlines()[-1]
    assert Verifier.parse(vkey, COSIGNATURE).name == "jijian.quzhou.example/w1"
    assert ran.out.startswith(f"Witness jijian.quzhou.example/w1: its key is {state}/witness.key (keep it private;")
    log_key = (public / "log/key.txt").read_text().strip()
    size = translog.verify_log(public).size

    ran = xinyong("witness", "cosign", state, "--log", public, "--log-key", log_key)
    assert re.fullmatch(
        rf"Cosigned xinyong.local/330802 at size {size:,} as jijian.quzhou.example/w1 \({TIME}\); the cosignature is "
        rf"on {re.escape(str(public))}/log/checkpoint\n",
        ran.out,
    ), ran.out
    assert xinyong("witness", "cosign", state, "--log", public).out.startswith("Already cosigned xinyong.local/330802")

    ran = xinyong("log", "verify", public, "--witness", vkey)
    assert re.fullmatch(
        rf"Verified {re.escape(str(public))}: log xinyong.local/330802 of {size:,} entries, \d+ signed checkpoints, "
        rf"\d+ published files, 0 published results; cosigned by jijian.quzhou.example/w1 at {TIME}\n",
        ran.out,
    ), ran.out

    other = tmp_path / "notary"
    notary = xinyong("witness", "init", other, "--name", "notary.example/w2").out.splitlines()[-1]
    refused = run(["log", "verify", public, "--witness", vkey, "--witness", notary], capsys, monkeypatch)
    assert (refused.code, refused.err) == (
        4,
        "Error: log/checkpoint: cosigned by 1 of the 2 witnesses you trust, 2 needed (--quorum); no cosignature "
        "by notary.example/w2\n",
    )
    assert xinyong("log", "verify", public, "--witness", vkey, "--witness", notary, "--quorum", "1").code == 0


def test_a_fork_is_one_error_line_and_nothing_is_cosigned(
    xinyong: Callable[..., Ran],
    november_copy: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    public, state = november_copy / "public", tmp_path / "witness"
    fork = Path(shutil.copytree(november_copy, tmp_path / "fork")) / "public"  # the same log, and the same key
    translog.append(public, [{"kind": "note", "says": "甲"}], origin="xinyong.local/330802")
    translog.append(fork, [{"kind": "note", "says": "乙"}], origin="xinyong.local/330802")
    xinyong("witness", "init", state, "--name", "jijian.quzhou.example/w1")
    xinyong("witness", "cosign", state, "--log", public, "--log-key", (public / "log/key.txt").read_text().strip())
    logs = (state / "logs.json").read_bytes()
    ran = run(["witness", "cosign", state, "--log", fork], capsys, monkeypatch)
    size, roots = translog.verify_log(public).size, [translog.stored_tree(p).root() for p in (fork, public)]
    message = (
        f"Error: xinyong.local/330802: fork: the log's checkpoint of size {size} has root {b64(roots[0])}, but this "
        f"witness cosigned size {size} with root {b64(roots[1])} at TIME: two views of one log\n"
    )
    assert (ran.code, ran.out, re.sub(TIME, "TIME", ran.err)) == (4, "", message)
    assert (state / "logs.json").read_bytes() == logs and (fork / "log/checkpoint").read_text().count("\n— ") == 1
