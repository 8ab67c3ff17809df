"""Regenerate the golden files — only when their bytes are meant to change.

- ``tests/draw/golden/*.jsonl``: the draw of awkward public values (a new spec version);
- ``tests/rounds/golden/plans-330802-default.json``: the ``plans.json`` of the default plans (a change
  of what a round commits about its plans).
"""

import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(root))
from tests.draw.golden_cases import VALUES, selection_bytes  # noqa: E402
from tests.rounds.golden_cases import GOLDEN, default_plans  # noqa: E402

for name, value in VALUES.items():
    path = root / "tests" / "draw" / "golden" / f"{name}.jsonl"
    path.write_bytes(selection_bytes(value))
    print(f"wrote {path}")
GOLDEN.write_bytes(default_plans().to_json())
print(f"wrote {GOLDEN}")
