"""``xinyong disclose``, ``log verify`` and ``log proof`` as a person runs them (cli/publish.py)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

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
