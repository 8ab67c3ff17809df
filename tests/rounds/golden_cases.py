"""The golden plans: the shipped ``defaults/plans/330802-default.toml`` with the 抽查事项清单, as ``plans.json``.

`scripts/regen_golden.py` writes `tests/rounds/golden/plans-330802-default.json` from this; only that
script ever changes it, and `test_plans.py` fails when the committed plans' bytes move.
"""

from __future__ import annotations

from tests.conftest import PLANS, REPO
from xinyong.ingest.contract import reference_rows
from xinyong.rounds.plans import Item, PlanFile, read_plans

GOLDEN = REPO / "tests" / "rounds" / "golden" / "plans-330802-default.json"


def reference_items() -> dict[str, Item]:
    """The 抽查事项清单 the generated region ships (``xinyong/reference/inspection_items.csv``)."""
    return {
        row["item_id"]: Item(row["target_type"], tuple(row["departments"].split(";")))
        for row in reference_rows("inspection_items.csv")
    }


def default_plans() -> PlanFile:
    return read_plans(PLANS, reference_items())
