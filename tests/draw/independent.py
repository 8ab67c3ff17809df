"""An independent implementation of xinyong-draw-v1 §0–§6 and of xinyong-draw-v2, written from docs/draw-spec.md alone.

Standard library only and no import from xinyong, so that a shared mistake cannot hide: this is the
"few dozen lines of any language" the spec promises an auditor.  The one thing it leaves out is the BLS
signature check of a drand value (a pairing needs a library the standard library does not have); it takes the
output ``r = H(signature bytes)`` of each value, which the verifier checked.
"""

import calendar
import hashlib
import json
import math
import re
import unicodedata
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
    """``files``: name → bytes of the auditor bundle; returns the selection.jsonl bytes it implies, under the
    contract its commitment names."""
    if json.loads(files["commitment.json"])["spec"] == "xinyong-draw-v2":
        return rederive_v2(files)["selection.jsonl"]
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


def seed_of(files):
    """The seed of a bundle under the spec its commitment names (v1: the value; v2: the sources' outputs)."""
    c = hashlib.sha256(files["commitment.json"]).hexdigest()
    commitment, randomness = json.loads(files["commitment.json"]), json.loads(files["randomness.json"])
    if commitment["spec"] == "xinyong-draw-v1":
        return sha(b"xinyong-draw-v1/seed\n" + c.encode() + b"\n" + randomness["value"].encode())
    outputs = [output(s, v) for s, v in zip(commitment["randomness"]["sources"], randomness["values"], strict=True)]
    return sha(b"xinyong-draw-v2/seed\n" + c.encode() + b"\n" + cj(outputs))


def output(source, value):
    """v2 §4: a drand value's output is H(signature bytes); an announced value's, the runs of ASCII digits of its
    NFKC form joined by single spaces."""
    if source["kind"] == "drand":
        return hashlib.sha256(bytes.fromhex(value)).hexdigest()
    return " ".join(re.findall("[0-9]+", unicodedata.normalize("NFKC", value)))


def rederive_teams(files):
    """The assignment.jsonl bytes implied by the bundle's eligibility lists (spec §6)."""
    spec = json.loads(files["commitment.json"])["spec"]
    seed = seed_of(files)
    roster = {
        r["id"]: (r["department"], r["level"], r["capacity"])
        for r in map(json.loads, files["inspectors.jsonl"].split(b"\n")[:-1])
    }
    plans = {p["id"]: p for p in json.loads(files["plans.json"])}
    eligible = {
        (e["plan"], e["uscc"]): e["eligible"] for e in map(json.loads, files["eligibility.jsonl"].split(b"\n")[:-1])
    }
    targets = [(r["plan"], r["key"], r["uscc"]) for r in map(json.loads, files["selection.jsonl"].split(b"\n")[:-1])]
    result = teams(targets, eligible, roster, plans, seed, spec)
    rows = [
        {"plan": p, "status": "staffed" if t else "unstaffed", "team": t, "uscc": u} for (p, u), t in result.items()
    ]
    rows.sort(key=lambda r: (r["plan"].encode(), r["uscc"].encode()))
    return b"".join(cj(r) + b"\n" for r in rows)


def teams(targets, eligible, roster, plans, seed, spec="xinyong-draw-v1"):
    """Spec §6 on plain data: targets [(plan, key_hex, uscc)], eligible {(plan, uscc): [ids]},
    roster {id: (department, level, capacity)}, plans {id: {"departments": [...], "team_size": n}}."""
    left = {i: r[2] for i, r in roster.items()}
    out = {}
    for plan, _, uscc in sorted(targets, key=lambda t: (t[0].encode(), t[1])):
        p = plans[plan]
        cands = sorted(
            (i for i in eligible.get((plan, uscc), []) if left[i] > 0),
            key=lambda i: sha(
                spec.encode() + b"/inspector\n" + seed + plan.encode() + b"\n" + uscc.encode() + b"\n" + i.encode()
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
    spec = json.loads(files["commitment.json"])["spec"].encode()
    seed = seed_of(files)
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
            sha(spec + b"/inspector\n" + seed + t[0].encode() + b"\n" + t[1].encode() + b"\n" + i.encode()),
        )
        pick = min(cands, key=key)
        now[target] = [pick if m == leaving else m for m in team]
        rows.append({**r, "joining": pick, "team": now[target]})
    return b"".join(cj(r) + b"\n" for r in rows)


# -- xinyong-draw-v2 -------------------------------------------------------------------------------------------
def lines(data):
    return data.split(b"\n")[:-1]


def by_bytes(*fields):
    return lambda r: tuple(r[f].encode() for f in fields)


def rederive_v2(files):
    """``files``: name → bytes of a v2 auditor bundle.  Checks what the commitment hashes and returns the bytes of
    ``selection.jsonl`` and ``selected.jsonl`` it implies, and with teams ``eligibility.jsonl`` (from the rules, on
    plans.json, inspectors.jsonl, targets.jsonl and the round id alone) and ``assignment.jsonl``."""
    commitment = json.loads(files["commitment.json"])
    assert commitment["spec"] == "xinyong-draw-v2"
    frame = [json.loads(line) for line in lines(files["frame.jsonl"])]
    assert mth(lines(files["frame.jsonl"])).hex() == commitment["frame_root"]
    assert hashlib.sha256(files["plans.json"]).hexdigest() == commitment["plans_sha256"]
    assert mth(lines(files["inspectors.jsonl"])).hex() == commitment["inspectors_root"]
    assert mth(lines(files["targets.jsonl"])).hex() == commitment["targets_root"]
    targets = {t["uscc"]: t for t in map(json.loads, lines(files["targets.jsonl"]))}
    assert sorted(targets, key=str.encode) == [t["uscc"] for t in map(json.loads, lines(files["targets.jsonl"]))]
    assert set(targets) == {r["uscc"] for r in frame}
    assert hashlib.sha256(files["strata.json"]).hexdigest() == commitment["strata_sha256"]
    strata = {}
    for r in frame:
        strata.setdefault(r["plan"], {}).setdefault(r["stratum"], 0)
        strata[r["plan"]][r["stratum"]] += 1
    assert json.loads(files["strata.json"]) == strata
    plans = {p["id"]: p for p in json.loads(files["plans.json"])}
    n = {plan: allocate(plans[plan]["allocation"], sizes) for plan, sizes in strata.items()}
    sizes = {plan: {"frame": sum(strata[plan].values()), "selected": sum(n[plan].values())} for plan in strata}
    assert commitment["sizes"] == sizes
    seed = seed_of(files)
    keyed = {}
    for r in frame:
        key = sha(b"xinyong-draw-v2/unit\n" + seed + f"{r['plan']}\n{r['uscc']}\n{r['salt']}".encode())
        keyed.setdefault((r["plan"], r["stratum"]), []).append((key, r["uscc"]))
    selection = []
    for (plan, h), firms in keyed.items():
        for rank, (key, u) in enumerate(sorted(firms)[: n[plan][h]], start=1):
            selection.append(
                {
                    "key": key.hex(),
                    "pi": f"{n[plan][h]}/{len(firms)}",
                    "plan": plan,
                    "rank": rank,
                    "stratum": h,
                    "uscc": u,
                }
            )
    selection.sort(key=lambda r: (r["plan"].encode(), r["key"]))
    selected = sorted(({"plan": r["plan"], "uscc": r["uscc"]} for r in selection), key=by_bytes("plan", "uscc"))
    out = {"selection.jsonl": jsonl(selection), "selected.jsonl": jsonl(selected)}
    if "assignment.jsonl" in files:
        roster = [json.loads(line) for line in lines(files["inspectors.jsonl"])]
        day = last_day(commitment["round"])
        rows = [
            {
                "eligible": eligible(plans[r["plan"]], targets[r["uscc"]], roster, day),
                "plan": r["plan"],
                "uscc": r["uscc"],
            }
            for r in selected
        ]
        out["eligibility.jsonl"] = jsonl(rows)
        people = {p["id"]: (p["department"], p["level"], p["capacity"]) for p in roster}
        drawn = teams(
            [(r["plan"], r["key"], r["uscc"]) for r in selection],
            {(e["plan"], e["uscc"]): e["eligible"] for e in rows},
            people,
            plans,
            seed,
            "xinyong-draw-v2",
        )
        assignment = [
            {"plan": p, "status": "staffed" if t else "unstaffed", "team": t, "uscc": u} for (p, u), t in drawn.items()
        ]
        out["assignment.jsonl"] = jsonl(sorted(assignment, key=by_bytes("plan", "uscc")))
    return out


def jsonl(records):
    return b"".join(cj(r) + b"\n" for r in records)


def last_day(round_id):
    """The last day of a round's month (``DDDDDD-YYYY-MM``, a supplement's ``-S<n>`` after it), as ISO text."""
    year, month = int(round_id[7:11]), int(round_id[12:14])
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def eligible(plan, firm, roster, day):
    """The ids of the officers the rules of docs/draw-spec.md ("Who is eligible") let inspect ``firm`` in ``plan``."""
    division = firm["uscc"][2:8]
    covering = {division, division[:4] + "00", division[:2] + "0000"}
    ids = []
    for p in roster:
        own = [
            item
            for item in plan["items"]
            if not plan.get("item_departments") or p["department"] in plan["item_departments"].get(item, [])
        ]
        if (
            p["department"] in plan["departments"]
            and p.get("cert_expiry") is not None
            and p["cert_expiry"] >= day
            and set(own) <= set(p.get("qualifications", []))
            and p["division"] in covering
            and not {firm["uscc"], firm["legal_rep"]} & set(p.get("declared", []))
            and not (plan.get("cross_station") and p.get("station", "") == firm["station"])
            and p["id"] not in firm["last_team"]
        ):
            ids.append(p["id"])
    return sorted(ids)
