"""Benchmark: eligibility plus team assignment (spec §6) for N targets against M inspectors.

Synthetic but shaped like a province-wide joint round: 11 cities of 9 districts each; targets
spread evenly over the 99 districts, five stations per district; departments in the default
roster's proportions; five in six officers act in their district (pool level 0), one in six for
their whole city (level 1); declared relations for a fifth of officers; a single-department plan
with cross-station teams and a joint plan; capacities sized so that every target can be staffed.
Prints the time of each stage, the number of eligible pairs and of inspector keys computed.

    .venv/bin/python scripts/bench_teams.py --targets 100000 --inspectors 5000 [--districts 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import time

import numpy as np

from xinyong.core import codes
from xinyong.draw import teams
from xinyong.draw.plans import Plan, RatioAllocation
from xinyong.draw.teams import (
    Firm,
    Inspector,
    assign_teams,
    declared_by,
    jurisdiction_exclusions,
    plan_pool,
    target_eligible,
)

DEPARTMENTS = list(codes.DEPARTMENTS)
SHARES = [0.52, 0.12, 0.08, 0.08, 0.08, 0.07, 0.05]
PLANS = {
    "P01": Plan(
        "P01", "企业公示信息双随机抽查", ("SJ-SC-01",), ("市场监管",), 2, RatioAllocation(), cross_station=True
    ),
    "P03": Plan(
        "P03",
        "餐饮服务食品安全联合抽查",
        ("SJ-SC-03", "SJ-WJ-01"),
        ("市场监管", "卫健"),
        2,
        RatioAllocation(),
        item_departments={"SJ-SC-03": ("市场监管", "卫健"), "SJ-WJ-01": ("卫健",)},
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", type=int, default=100_000)
    parser.add_argument("--inspectors", type=int, default=5_000)
    parser.add_argument("--districts", type=int, default=99, help="1 gives the worst case: one district-wide pool")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    districts = [f"33{c:02d}{d:02d}" for c in range(1, 12) for d in range(1, 10)][: args.districts]
    capacity = max(1, round(2.4 * args.targets / (args.inspectors * 0.6)))
    roster = []
    for k in range(args.inspectors):
        district, city_level = districts[int(rng.integers(len(districts)))], rng.random() < 1 / 6
        roster.append(
            Inspector(
                f"INS-{k:05d}",
                str(rng.choice(DEPARTMENTS, p=SHARES)),
                int(city_level),
                capacity,
                dt.date(2028, 1, 1),
                frozenset({"SJ-SC-01", "SJ-SC-03", "SJ-WJ-01"}),
                f"{district}-S{int(rng.integers(5))}",
                district[:4] + "00" if city_level else district,
            )
        )
    firms = []
    for k in range(args.targets):
        district = districts[k % len(districts)]
        firms.append(Firm(f"91{district}{k:010d}", f"LR{k:010d}", f"{district}-S{int(rng.integers(5))}", frozenset()))
    plan_of = ["P03" if rng.random() < 0.25 else "P01" for _ in firms]
    same_district = {d: [f.uscc for f in firms if f.division == d] for d in districts}
    relations = {
        p.id: [str(rng.choice(same_district[p.division if p.division in same_district else districts[0]]))]
        for p in roster
        if rng.random() < 0.2
    }

    start = time.perf_counter()
    declared = declared_by(relations)
    pools, exclusions = {}, 0
    for plan in PLANS:
        pools[plan], excluded = plan_pool(PLANS[plan], roster, dt.date(2026, 12, 31))
        exclusions += len(excluded) + len(
            jurisdiction_exclusions(
                plan, pools[plan], [f.division for f, p in zip(firms, plan_of, strict=True) if p == plan]
            )
        )
    eligible = {}
    for plan, firm in zip(plan_of, firms, strict=True):
        eligible[(plan, firm.uscc)], excluded = target_eligible(PLANS[plan], firm, pools[plan], declared)
        exclusions += len(excluded)
    t_eligible = time.perf_counter() - start
    seed = hashlib.sha256(b"bench teams").digest()
    targets = [
        (plan, hashlib.sha256(firm.uscc.encode()).hexdigest(), firm.uscc)
        for plan, firm in zip(plan_of, firms, strict=True)
    ]
    computed = 0
    counting = teams.inspector_keys

    def counted(*a):
        nonlocal computed
        out = counting(*a)
        computed += len(out)
        return out

    teams.inspector_keys = counted  # count the keys without changing them
    start = time.perf_counter()
    result = assign_teams(targets, eligible, {p.id: p for p in roster}, PLANS, seed)
    t_assign = time.perf_counter() - start
    pairs = sum(len(v) for v in eligible.values())
    staffed = sum(1 for a in result if a.team)
    print(
        f"{args.targets:,} targets × {args.inspectors:,} inspectors (capacity {capacity} each); {pairs:,} eligible "
        "pairs; "
        f"{exclusions:,} exclusion records; {computed:,} inspector keys"
    )
    print(
        f"eligibility: {t_eligible:6.1f} s   assignment: {t_assign:6.1f} s   total {t_eligible + t_assign:6.1f} s "
        "(limit 30 s)"
    )
    print(f"staffed {staffed:,} of {len(result):,}")


if __name__ == "__main__":
    main()
