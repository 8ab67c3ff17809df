"""Render the indicator catalog (:mod:`xinyong.indicators.catalog`) as ``docs/indicators.md``.

Generated, never edited by hand: ``scripts/render_docs.py`` rewrites it; a test keeps it in step.
"""

from __future__ import annotations

from collections import defaultdict

from xinyong.indicators.catalog import DAYS_SINCE_CAP, catalog

KINDS = {
    "registry": "registry attribute on the as-of date",
    "count": "number of records dated in the window",
    "amount": "sum of the amount over records in the window",
    "days_since": f"days since the last such record (none: {DAYS_SINCE_CAP})",
    "active": "a listing in force on the as-of date (removed later still counts as in force)",
    "annual_report": "report years whose 30 June deadline fell in the window",
    "tax": "latest rating already published (year Y on 1 April Y+1)",
    "relation": "over the other firms of the same legal representative, each as of the same day",
}

HEADER = """# Indicator catalog (指标目录)

*Generated from `src/xinyong/indicators/catalog.py` by `scripts/render_docs.py`; do not edit.*

Every indicator is computed **point-in-time** for a pair (enterprise, as-of date): only records
dated on or before the as-of date are used, windows end at it, and a listing removed after it
still counts as in force. `xinyong features CLEAN_DIR --as-of DATE --out F.parquet` writes one
row per enterprise alive on that date. Training uses the day before each inspection's month.
The `inspections` indicators count the inspection history: the clean `inspections` table and, with
`--work OUT`, the completed inspections of every round finalised under `OUT`, each inspection once
(`docs/disclosure.md`, "The inspection history").

**Direction** is the expected effect on risk and becomes a LightGBM monotone constraint:
`+1` more means riskier, `−1` more means safer, `0` unconstrained (categorical indicators are
never constrained). After fitting, the model is checked against every constraint.

The five dimensions follow the market-regulation practice of enterprise credit-risk
classification: 基础属性 (basic attributes), 经营行为 (business conduct), 监管记录 (regulatory
record), 关联关系 (related parties), 社会评价 (public feedback).
"""


def render() -> str:
    by_dimension = defaultdict(list)
    for indicator in catalog():
        by_dimension[indicator.dimension].append(indicator)
    parts = [HEADER]
    for dimension, members in by_dimension.items():
        parts.append(f"## {dimension}\n")
        parts.append("| name | 中文 | source | window | how | filter | direction |")
        parts.append("|---|---|---|---|---|---|---|")
        for i in members:
            how = KINDS[i.kind] + (
                f" (`{i.table}.{i.column}`)" if i.kind in ("count", "amount", "days_since", "active") else ""
            )
            where = f"`{i.where[0]}` ∈ {'/'.join(i.where[1])}" if i.where else ""
            direction = "categorical" if i.categorical else f"{i.direction:+d}" if i.direction else "0"
            parts.append(f"| `{i.name}` | {i.label} | {i.source} | {i.window} | {how} | {where} | {direction} |")
        parts.append("")
    return "\n".join(parts)
