"""Single-byte mutations of a published folder: each must make `verify_log` fail and name the file."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from xinyong.errors import VerificationError
from xinyong.publish.translog import verify_log


def assert_every_change_is_named(public: Path, rng: random.Random, count: int) -> None:
    files = sorted(p for p in public.rglob("*") if p.is_file())
    latest = (public / "log/checkpoint").read_bytes()
    # checkpoint is an exact copy of checkpoints/<size>.txt: either name identifies the change.
    twins = {"log/checkpoint"} | {p.relative_to(public).as_posix() for p in files if p.read_bytes() == latest}
    for _ in range(count):
        path = rng.choice(files)
        original = path.read_bytes()
        changed = bytearray(original)
        at = rng.randrange(len(changed))
        changed[at] = (changed[at] + rng.randrange(1, 256)) % 256
        path.write_bytes(bytes(changed))
        try:
            with pytest.raises(VerificationError) as caught:
                verify_log(public)
            relative, message = path.relative_to(public).as_posix(), str(caught.value)
            named = relative in message or (relative in twins and message.split(":")[0] in twins)
            assert named, (relative, at, message)
        finally:
            path.write_bytes(original)
    verify_log(public)
