"""Past 双随机 rounds, drawn the way a district did before a model existed: by a rule-based tier.

Each month the legacy rules sort live firms into A–D from what was on record at the start of the
month (abnormal or dishonest listings, penalties and complaints in the last 12 months, the tax
rating, age), then draw a simple random sample without replacement in each tier at the legacy
ratios.  The inclusion probability ``π = n_h / N_h`` of every inspected firm is recorded, so the
labels carry the same selection bias as a real system and can be reweighted by 1/π.  Findings
follow the firm's true propensity that month; firms listed as unreachable mostly yield code 6.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from xinyong.core.codes import RESULT_CODES, TIERS
from xinyong.synth.firms import INDIVIDUAL, Firms
from xinyong.synth.months import Months
from xinyong.synth.records import Observed, record_ids

# A month's workload as a share of live firms (≈470 of the 55,000 live firms at the end), spread over the
# legacy tiers in proportion to weight × tier size (A 无事不扰 … D 无处不在).
MONTHLY_SHARE = 0.0085
LEGACY_WEIGHTS = np.array([1.0, 2.5, 9.0, 22.0])
VIOLATION_CODES = ("A", "B", "C", "D", "E")
_VIOLATION_SHARES = np.array([0.25, 0.22, 0.05, 0.18, 0.30])


def legacy_tiers(firms: Firms, months: Months, observed: Observed) -> np.ndarray:
    """(firm, month) legacy tier index into TIERS from what was on record at the month's start.

    D: listed abnormal or dishonest, or a 严重 penalty in 12 months; C: any penalty or two
    complaints in 12 months, or a C/D tax rating; A: three years old, nothing on record for 24
    months and an A tax rating (individual businesses are not rated); B: everyone else.
    """
    penalties12 = _trailing(observed.penalties, 12)
    complaints12 = _trailing(observed.complaints, 12)
    quiet24 = (_trailing(observed.penalties, 24) + _trailing(observed.complaints, 24)) == 0
    old = (months.starts[None, :] - firms.established[:, None]).astype(np.int64) >= 3 * 365
    tax_good = (observed.tax == 0) | ((observed.tax == -1) & (firms.entity_type == INDIVIDUAL)[:, None])
    tier = np.full(firms.alive.shape, TIERS.index("B"), dtype=np.int8)
    tier[quiet24 & tax_good & old] = TIERS.index("A")
    tier[(penalties12 > 0) | (complaints12 >= 2) | (observed.tax >= 3)] = TIERS.index("C")
    tier[observed.abnormal | observed.dishonest | (_trailing(observed.severe, 12) > 0)] = TIERS.index("D")
    return tier


def _trailing(monthly: np.ndarray, window: int) -> np.ndarray:
    """Sum over the ``window`` months before each month (not including it)."""
    total = np.concatenate([np.zeros((len(monthly), 1), np.int32), np.cumsum(monthly, axis=1, dtype=np.int32)], axis=1)
    t = np.arange(monthly.shape[1])
    return total[:, t] - total[:, np.maximum(t - window, 0)]


def past_inspections(
    rng: np.random.Generator,
    firms: Firms,
    months: Months,
    first_month: int,
    observed: Observed,
    items: pl.DataFrame,
    roster: pl.DataFrame,
    serial: int,
) -> pl.DataFrame:
    tiers = legacy_tiers(firms, months, observed)
    picked_firm, picked_month, picked_pi = [], [], []
    for t in range(first_month, months.count):
        live = firms.alive[:, t] & (months.index_of(firms.established) < t)
        strata = [np.flatnonzero(live & (tiers[:, t] == h)) for h in range(len(TIERS))]
        sizes = np.array([len(s) for s in strata])
        quota = round(live.sum() * MONTHLY_SHARE) * LEGACY_WEIGHTS * sizes / max((LEGACY_WEIGHTS * sizes).sum(), 1)
        for stratum, n in zip(strata, np.minimum(np.round(quota).astype(int), sizes), strict=True):
            if n == 0:
                continue
            chosen = stratum[np.argpartition(rng.random(len(stratum)), n - 1)[:n]]
            picked_firm.append(chosen)
            picked_month.append(np.full(n, t))
            picked_pi.append(np.full(n, n / len(stratum)))
    firm = np.concatenate(picked_firm)
    month = np.concatenate(picked_month)
    pi = np.concatenate(picked_pi)
    order = np.lexsort((firm, month))
    firm, month, pi = firm[order], month[order], pi[order]

    date = months.random_workday(rng, month)
    item_index = _items_for(rng, firms.entity_type[firm] == INDIVIDUAL, items)
    department = np.array([d.split(";")[0] for d in items["departments"].to_list()])[item_index]
    first, second = _inspectors(rng, department, roster)
    return pl.DataFrame(
        {
            "record_id": record_ids("JC", date, serial),
            "uscc": firms.uscc[firm],
            "round_month": np.array(months.labels)[month],
            "item_id": items["item_id"].to_numpy()[item_index],
            "department": department,
            "inspection_date": date,
            "result_code": _results(rng, firms.propensity[firm, month], observed.unreachable[firm, month]),
            "legacy_tier": np.array(TIERS)[tiers[firm, month]],
            "inclusion_probability": pi,
            "inspector_1": first,
            "inspector_2": second,
        }
    )


def _items_for(rng: np.random.Generator, individual: np.ndarray, items: pl.DataFrame) -> np.ndarray:
    target = items["target_type"].to_numpy()
    for_individuals = np.flatnonzero(target != "企业")
    for_enterprises = np.flatnonzero(target != "个体工商户")
    return np.where(
        individual,
        for_individuals[rng.integers(0, len(for_individuals), len(individual))],
        for_enterprises[rng.integers(0, len(for_enterprises), len(individual))],
    )


def _inspectors(
    rng: np.random.Generator, department: np.ndarray, roster: pl.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Two different enforcement officers of the item's lead department, uniformly at random."""
    staff = roster.filter(pl.col("staff_type") == "执法人员")
    first = np.empty(len(department), dtype=object)
    second = np.empty(len(department), dtype=object)
    for name in np.unique(department):
        ids = staff.filter(pl.col("department") == name)["inspector_id"].to_numpy()
        rows = np.flatnonzero(department == name)
        a = rng.integers(0, len(ids), len(rows))
        b = (a + 1 + rng.integers(0, len(ids) - 1, len(rows))) % len(ids)
        first[rows], second[rows] = ids[a], ids[b]
    return first.astype(str), second.astype(str)


def _results(rng: np.random.Generator, propensity: np.ndarray, unreachable: np.ndarray) -> np.ndarray:
    """Result codes: F when the item does not apply to what the firm does (independent of its
    compliance), 6 mostly for firms listed as unreachable, else a finding drawn from the propensity."""
    count = len(propensity)
    violation = rng.random(count) < propensity
    violation_code = np.array(VIOLATION_CODES)[rng.choice(len(VIOLATION_CODES), count, p=_VIOLATION_SHARES)]
    code = np.where(violation, violation_code, "1")
    code = np.where(rng.random(count) < 0.08, "F", code)
    code = np.where(unreachable & (rng.random(count) < 0.7), "6", code)
    assert set(np.unique(code)) <= set(RESULT_CODES)
    return code
