"""An independent implementation of xinyong-draw-v1 §0–§6, written from docs/draw-spec.md alone.

Standard library only and no import from xinyong, so that a shared mistake cannot hide: this is the
"few dozen lines of any language" the spec promises an auditor.
"""

import hashlib
import json
import math
from decimal import Decimal
from fractions import Fraction


def sha(b):
    return hashlib.sha256(b).digest()


def cj(o):
    return json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def mth(lines):
    if not lines:
        return sha(b"")
    if len(lines) == 1:
        return sha(b"\x00" + lines[0])
    k = 1
    while k * 2 < len(lines):
        k *= 2
    return sha(b"\x01" + mth(lines[:k]) + mth(lines[k:]))


def allocate(a, sizes):
    if a["mode"] == "ratio":
        return {
            h: min(
                n, max(a.get("min", {}).get(h, 0), math.ceil(n * Fraction(Decimal(a.get("ratios", {}).get(h, "0")))))
            )
            for h, n in sizes.items()
        }
    w = {h: Fraction(Decimal(a.get("weights", {}).get(h, "1"))) * n for h, n in sizes.items()}
    total = sum(w.values())
    q = {h: Fraction(a["n"]) * w[h] / total for h in sizes} if total else {h: Fraction(0) for h in sizes}
    n = {h: math.floor(q[h]) for h in sizes}
    for h in sorted(sizes, key=lambda h: (-(q[h] - n[h]), h.encode()))[: a["n"] - sum(n.values())]:
        n[h] += 1
    return {h: min(n[h], sizes[h]) for h in sizes}


def rederive(files):
    """``files``: name → bytes of the auditor bundle; returns the selection.jsonl bytes it implies."""
    commitment = json.loads(files["commitment.json"])
    frame_lines = files["frame.jsonl"].split(b"\n")[:-1]
    assert mth(frame_lines).hex() == commitment["frame_root"]
    assert hashlib.sha256(files["plans.json"]).hexdigest() == commitment["plans_sha256"]
    assert mth(files["inspectors.jsonl"].split(b"\n")[:-1]).hex() == commitment["inspectors_root"]
    c = hashlib.sha256(files["commitment.json"]).hexdigest()
    value = json.loads(files["randomness.json"])["value"]
    seed = sha(b"xinyong-draw-v1/seed\n" + c.encode() + b"\n" + value.encode())
    plans = {p["id"]: p for p in json.loads(files["plans.json"])}
    strata = {}
    for line in frame_lines:
        r = json.loads(line)
        strata.setdefault((r["plan"], r["stratum"]), []).append(r["uscc"])
    selected = []
    sizes_by_plan = {}
    for (plan, h), firms in strata.items():
        sizes_by_plan.setdefault(plan, {})[h] = len(firms)
    for (plan, h), firms in strata.items():
        n = allocate(plans[plan]["allocation"], sizes_by_plan[plan])[h]
        keyed = sorted((sha(b"xinyong-draw-v1/unit\n" + seed + plan.encode() + b"\n" + u.encode()), u) for u in firms)
        for rank, (key, u) in enumerate(keyed[:n], start=1):
            selected.append(
                {"key": key.hex(), "pi": f"{n}/{len(firms)}", "plan": plan, "rank": rank, "stratum": h, "uscc": u}
            )
    selected.sort(key=lambda r: (r["plan"].encode(), r["key"]))
    return b"".join(cj(r) + b"\n" for r in selected)


def rederive_teams(files):
    """The assignment.jsonl bytes implied by the bundle's eligibility lists (spec §6)."""
    c = hashlib.sha256(files["commitment.json"]).hexdigest()
    seed = sha(b"xinyong-draw-v1/seed\n" + c.encode() + b"\n" + json.loads(files["randomness.json"])["value"].encode())
    roster = {
        r["id"]: (r["department"], r["level"], r["capacity"])
        for r in map(json.loads, files["inspectors.jsonl"].split(b"\n")[:-1])
    }
    plans = {p["id"]: p for p in json.loads(files["plans.json"])}
    eligible = {
        (e["plan"], e["uscc"]): e["eligible"] for e in map(json.loads, files["eligibility.jsonl"].split(b"\n")[:-1])
    }
    targets = [(r["plan"], r["key"], r["uscc"]) for r in map(json.loads, files["selection.jsonl"].split(b"\n")[:-1])]
    result = teams(targets, eligible, roster, plans, seed)
    rows = [
        {"plan": p, "status": "staffed" if t else "unstaffed", "team": t, "uscc": u} for (p, u), t in result.items()
    ]
    rows.sort(key=lambda r: (r["plan"].encode(), r["uscc"].encode()))
    return b"".join(cj(r) + b"\n" for r in rows)


def teams(targets, eligible, roster, plans, seed):
    """Spec §6 on plain data: targets [(plan, key_hex, uscc)], eligible {(plan, uscc): [ids]},
    roster {id: (department, level, capacity)}, plans {id: {"departments": [...], "team_size": n}}."""
    left = {i: r[2] for i, r in roster.items()}
    out = {}
    for plan, _, uscc in sorted(targets, key=lambda t: (t[0].encode(), t[1])):
        p = plans[plan]
        cands = sorted(
            (i for i in eligible.get((plan, uscc), []) if left[i] > 0),
            key=lambda i: sha(
                b"xinyong-draw-v1/inspector\n" + seed + plan.encode() + b"\n" + uscc.encode() + b"\n" + i.encode()
            ),
        )
        team = []
        for level in sorted({roster[i][1] for i in cands}):
            usable = [i for i in cands if roster[i][1] <= level]
            team = []
            for dept in p["departments"]:
                pick = [i for i in usable if roster[i][0] == dept and i not in team]
                if not pick:
                    break
                team.append(pick[0])
            else:
                team += [i for i in usable if i not in team][: p["team_size"] - len(team)]
                if len(team) == p["team_size"]:
                    break
            team = []
        for i in team:
            left[i] -= 1
        out[(plan, uscc)] = team
    return out


def rederive_reassignments(files):
    """The reassignments.jsonl bytes the bundle's drawn teams and eligibility lists imply for the members who
    left (each line's ``leaving``, ``reason`` and ``effective`` as recorded; spec §6, "Reassignment")."""
    c = hashlib.sha256(files["commitment.json"]).hexdigest()
    seed = sha(b"xinyong-draw-v1/seed\n" + c.encode() + b"\n" + json.loads(files["randomness.json"])["value"].encode())
    roster = {
        r["id"]: (r["department"], r["level"], r["capacity"])
        for r in map(json.loads, files["inspectors.jsonl"].split(b"\n")[:-1])
    }
    eligible = {
        (e["plan"], e["uscc"]): e["eligible"] for e in map(json.loads, files["eligibility.jsonl"].split(b"\n")[:-1])
    }
    now = {(a["plan"], a["uscc"]): a["team"] for a in map(json.loads, files["assignment.jsonl"].split(b"\n")[:-1])}
    gone = {}
    rows = []
    for r in map(json.loads, files["reassignments.jsonl"].split(b"\n")[:-1]):
        target, leaving = (r["plan"], r["uscc"]), r["leaving"]
        team = now[target]
        load = {}
        for members in now.values():
            for m in members:
                load[m] = load.get(m, 0) + 1
        dept = roster[leaving][0]
        needed = None if any(roster[m][0] == dept for m in team if m != leaving) else dept
        gone.setdefault(target, set()).add(leaving)
        cands = [
            i
            for i in eligible[target]
            if i not in team
            and i not in gone[target]
            and load.get(i, 0) < roster[i][2]
            and needed in (None, roster[i][0])
        ]
        key = lambda i, t=target: (  # noqa: E731
            roster[i][1],
            sha(b"xinyong-draw-v1/inspector\n" + seed + t[0].encode() + b"\n" + t[1].encode() + b"\n" + i.encode()),
        )
        pick = min(cands, key=key)
        now[target] = [pick if m == leaving else m for m in team]
        rows.append({**r, "joining": pick, "team": now[target]})
    return b"".join(cj(r) + b"\n" for r in rows)
