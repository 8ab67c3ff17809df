"""The golden draw cases: a fixed frame and public values chosen to be awkward (Unicode, spaces).

`scripts/regen_golden.py` writes `tests/draw/golden/<name>.jsonl` from these; only that script
ever changes them, and `test_golden.py` fails when the draw's bytes move.
"""

from __future__ import annotations

import polars as pl

from xinyong.core import uscc
from xinyong.core.canonical import CJ, H, jsonl
from xinyong.draw.allocation import allocate
from xinyong.draw.keys import derive_seed
from xinyong.draw.selection import draw_selection, selection_records, stratum_sizes

COMMITMENT = CJ({"spec": "xinyong-draw-v1", "round": "330802-2026-12"})
VALUES = {
    "digits": "31415 92653 58979",
    "chinese": "福利彩票双色球 2026年第140期：03 11 19 24 27 31 + 09",
    "spaces": "  leading and trailing spaces  ",
    "emoji-and-newline": "🎲 4\n🎲 6",
    "empty-ish": " ",
}
PLANS = {
    "P01": {"mode": "ratio", "ratios": {"A": "0.05", "B": "0.1", "C": "0.3", "D": "0.6"}, "min": {"A": 1}},
    "P02": {"mode": "count", "n": 7, "weights": {"C": "2", "D": "5"}},
}


def frame() -> pl.DataFrame:
    firms = [uscc.complete(f"9133080{i % 3 + 1}{i:09d}"[:17]) for i in range(60)]
    rows = [
        {"plan": plan, "salt": f"{i:032x}", "stratum": "ABCD"[(i * 7 + len(plan)) % 4], "uscc": firm}
        for plan in PLANS
        for i, firm in enumerate(firms)
        if (i + len(plan)) % 5
    ]
    return pl.DataFrame(rows).sort("plan", "uscc")


def selection_bytes(value: str) -> bytes:
    f = frame()
    wanted = {plan: allocate(PLANS[plan], strata) for plan, strata in stratum_sizes(f).items()}
    seed = derive_seed(H(COMMITMENT), value)
    return jsonl(selection_records(draw_selection(f, wanted, seed)))
