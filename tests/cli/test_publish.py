"""``xinyong disclose``, ``log verify`` and ``log proof`` as a person runs them (cli/publish.py)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Ran
from tests.conftest import NOW
from xinyong.core.merkle import verify_consistency, verify_inclusion
from xinyong.results.run import import_results


def _decode(text: str) -> bytes:
    return base64.b64decode(text)


def test_disclose_then_verify_and_prove_the_log(
    xinyong: Callable[..., Ran], november_copy: Path, november_form: Path, round_inputs: dict
) -> None:
    added = import_results(november_copy, november_form, today=dt.date(2026, 11, 28), now=NOW).added
    public = november_copy / "public"
    ran = xinyong(
        "disclose", "--out", public, "--work", november_copy, "--clean", round_inputs["clean"]
    )  # the clock's day
    assert ran.out.startswith(f"Published {added:,} results ({added:,} new) of 1 rounds; transparency log at ")
    assert (public / "index.html").is_file()

    ran = xinyong("log", "verify", public)
    size = int(ran.out.split(" of ")[1].split(" entries")[0].replace(",", ""))
    assert ran.out.startswith(f"Verified {public}: log ") and size > added

    proof = json.loads(xinyong("log", "proof", public, "--index", 0).out)
    assert proof["size"] == size
    assert verify_inclusion(
        0, size, _decode(proof["leaf_hash"]), [_decode(h) for h in proof["proof"]], _decode(proof["root"])
    )
    grown = json.loads(xinyong("log", "proof", public, "--from", 5).out)
    assert verify_consistency(
        5, size, [_decode(h) for h in grown["proof"]], _decode(grown["old_root"]), _decode(grown["new_root"])
    )
    assert grown["new_root"] == proof["root"]


def test_log_upgrade_converts_a_log_of_the_old_layout_once(
    xinyong: Callable[..., Ran], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.cli.conftest import run
    from tests.publish.test_translog import ORIGIN, old_layout
    from xinyong.publish import translog

    public = tmp_path / "public"
    translog.append(public, [{"kind": "note", "n": n} for n in range(300)], origin=ORIGIN)
    translog.append(public, [{"kind": "note", "n": -1}], origin=ORIGIN)
    root = translog.stored_tree(public).root()
    old_layout(public)
    refused = run(["log", "verify", public], capsys, monkeypatch)
    assert refused.code == 4 and refused.err.startswith("Error: log/entries.jsonl: the log is in its layout")
    assert xinyong("log", "upgrade", public).out == f"{public / 'log'}: converted to C2SP tlog-tiles\n"
    assert not (public / "log/entries.jsonl").exists() and not (public / "log/tree").exists()
    assert translog.stored_tree(public).root() == root and (public / "log/tile/0/001.p/46").is_file()
    assert xinyong("log", "verify", public).out.startswith(f"Verified {public}: log {ORIGIN} of 302 entries, 2 signed")
    again = xinyong("log", "upgrade", public).out
    assert again == f"{public / 'log'}: already in the C2SP tlog-tiles layout; nothing to do\n"
    nothing = run(["log", "upgrade", tmp_path / "none"], capsys, monkeypatch)
    assert (nothing.code, nothing.err) == (2, f"Error: {tmp_path / 'none'}: no transparency log (no log/ folder)\n")
