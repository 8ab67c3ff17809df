"""Benchmark: eligibility plus team assignment (spec §6) for N targets against M inspectors.

Synthetic but shaped like a round: departments in the default roster's proportions, a sixth of
officers in the next pool up, one station in twenty, declared relations for a fifth of officers,
a single-department plan with cross-station teams and a joint plan; capacities sized so that
every target can be staffed. Prints the time of each stage and the number of inspector keys.

    .venv/bin/python scripts/bench_teams.py --targets 100000 --inspectors 5000
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import time

import numpy as np

from xinyong.draw.teams import Firm, Inspector, assign_teams, plan_pool, target_eligible

DEPARTMENTS = ["市场监管", "税务", "人社", "生态环境", "应急管理", "卫健", "住建"]
SHARES = [0.52, 0.12, 0.08, 0.08, 0.08, 0.07, 0.05]
PLANS = {
    "P01": {"id": "P01", "items": ["SJ-SC-01"], "departments": ["市场监管"], "team_size": 2, "cross_station": True},
    "P03": {"id": "P03", "items": ["SJ-SC-03", "SJ-WJ-01"], "departments": ["市场监管", "卫健"], "team_size": 2,
            "item_departments": {"SJ-SC-03": ["市场监管", "卫健"], "SJ-WJ-01": ["卫健"]}},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", type=int, default=100_000)
    parser.add_argument("--inspectors", type=int, default=5_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    stations = [f"S{k:02d}" for k in range(20)]
    capacity = max(1, round(2.4 * args.targets / (args.inspectors * 0.6)))
    roster = [
        Inspector(f"INS-{k:05d}", str(rng.choice(DEPARTMENTS, p=SHARES)), int(rng.random() < 0.16), capacity,
                  dt.date(2028, 1, 1), frozenset({"SJ-SC-01", "SJ-SC-03", "SJ-WJ-01"}), str(rng.choice(stations)))
        for k in range(args.inspectors)
    ]
    firms = [Firm(f"F{k:07d}", f"LR{k:07d}", str(rng.choice(stations)), frozenset()) for k in range(args.targets)]
    plan_of = ["P03" if rng.random() < 0.25 else "P01" for _ in firms]
    relations = {p.id: frozenset({f"F{int(rng.integers(args.targets)):07d}"}) for p in roster if rng.random() < 0.2}

    start = time.perf_counter()
    pools = {plan: plan_pool(PLANS[plan], roster, dt.date(2026, 12, 31))[0] for plan in PLANS}
    eligible = {(plan, firm.uscc): target_eligible(PLANS[plan], firm, pools[plan], relations)[0] for plan, firm in zip(plan_of, firms)}
    t_eligible = time.perf_counter() - start
    seed = hashlib.sha256(b"bench teams").digest()
    targets = [(plan, hashlib.sha256(firm.uscc.encode()).hexdigest(), firm.uscc) for plan, firm in zip(plan_of, firms)]
    start = time.perf_counter()
    result = assign_teams(targets, eligible, {p.id: p for p in roster}, PLANS, seed)
    t_assign = time.perf_counter() - start
    pairs = sum(len(v) for v in eligible.values())
    staffed = sum(1 for a in result if a.team)
    print(f"{args.targets:,} targets × {args.inspectors:,} inspectors (capacity {capacity} each); {pairs:,} eligible pairs")
    print(f"eligibility: {t_eligible:6.1f} s   assignment: {t_assign:6.1f} s   total {t_eligible + t_assign:6.1f} s (limit 30 s)")
    print(f"staffed {staffed:,} of {len(result):,}")


if __name__ == "__main__":
    main()
