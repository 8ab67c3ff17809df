"""Regenerate tests/draw/golden/*.jsonl — only when the draw is meant to change (a new spec version)."""

import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(root))
from tests.draw.golden_cases import VALUES, selection_bytes  # noqa: E402

for name, value in VALUES.items():
    path = root / "tests" / "draw" / "golden" / f"{name}.jsonl"
    path.write_bytes(selection_bytes(value))
    print(f"wrote {path}")
