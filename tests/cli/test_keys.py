"""``xinyong key new`` as an auditor runs it (cli/keys.py): a private key of its own, and the key it hands out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import Ran


def test_key_new_writes_a_private_key_and_prints_the_verifier_key(xinyong: Callable[..., Ran], tmp_path: Path) -> None:
    from xinyong.publish.checkpoint import Signer, Verifier

    ran = xinyong("key", "new", "纪检监察组", "--out", tmp_path / "keys" / "auditor.key")
    key = tmp_path / "keys" / "auditor.key"
    signer = Signer.parse(key.read_text(encoding="ascii"))
    assert (key.stat().st_mode & 0o777, signer.name) == (0o600, "纪检监察组")
    assert ran.out.splitlines() == [
        f"Wrote {key} (keep it secret: readable by you only)",
        f"Verifier key: {signer.verifier}",
    ]
    assert Verifier.parse(ran.out.splitlines()[1].removeprefix("Verifier key: ")) == signer.verifier
