"""SIMULATED inspection results for a drawn round, from the generated region's truth (demo and tests only).

A real round's results come from inspectors.  For the demo, each staffed target's finding is drawn
from the firm's true violation propensity (``truth/``) in the round's month — or, for a month after
the generated history, its last month — with the same result-code mix as the generator's past
inspections.  The form is the one inspectors fill in (:func:`xinyong.ingest.contract.results_form`), and
every row's 备注 says it is simulated.  Its randomness is the generator's seeded stream, never the
draw's: this stands in for the world, not for the sampler.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import polars as pl

from xinyong.core.ids import RoundId
from xinyong.ingest.contract import results_form
from xinyong.rounds.staffing import read_staffing
from xinyong.synth.inspections import _VIOLATION_SHARES, VIOLATION_CODES
from xinyong.workspace import fsio
from xinyong.workspace.layout import RoundPaths, clean_table

SIMULATED = "模拟结果（演示用，据生成数据的真实违法倾向抽样，非真实检查）"


def true_propensity(truth_dir: Path, round_id: RoundId) -> tuple[str, pl.DataFrame]:
    """(month used, uscc → p) for the round's month, or the last generated month before it."""
    months = [c for c in pl.read_parquet_schema(truth_dir / "propensity.parquet") if c != "uscc"]
    month = max(m for m in months if m <= round_id.month)
    return month, pl.read_parquet(truth_dir / "propensity.parquet", columns=["uscc", month]).rename({month: "p"})


def simulate_results(
    out: Path, round_id: RoundId, truth_dir: Path, clean_dir: Path, target: Path, *, last_day: dt.date, seed: int = 0
) -> Path:
    """Write the round's results form, filled in as if inspected by ``last_day``; returns its path."""
    paths = RoundPaths(out, round_id)
    staffing = read_staffing(paths)
    staffed = sorted(target for target, team in staffing.teams().items() if team)
    _, propensity = true_propensity(truth_dir, round_id)
    names = pl.read_parquet(clean_table(clean_dir, "enterprises"), columns=["uscc", "name"])
    rows = pl.DataFrame(staffed, schema={"plan": pl.Utf8, "uscc": pl.Utf8}, orient="row")
    rows = rows.join(propensity, on="uscc", how="left").join(names, on="uscc", how="left")
    stream = int.from_bytes(hashlib.sha256(str(round_id).encode()).digest()[:8], "big")
    rng = np.random.default_rng([seed, stream])
    n = rows.height
    violation = rng.random(n) < rows["p"].fill_null(0.0).to_numpy()
    codes = np.where(
        violation, np.array(VIOLATION_CODES)[rng.choice(len(VIOLATION_CODES), n, p=_VIOLATION_SHARES)], "1"
    )
    month_start = round_id.first_day
    span = max((last_day - month_start).days - 3, 1)
    started = [month_start + dt.timedelta(days=int(d)) for d in rng.integers(0, span, n)]
    ended = [s + dt.timedelta(days=int(d)) for s, d in zip(started, rng.integers(0, 4, n), strict=True)]
    # The team on record the day each inspection starts (a reassignment may fall inside the month).
    targets = rows.select("plan", "uscc").iter_rows()
    on_record = [";".join(staffing.team(t, day)) for t, day in zip(targets, started, strict=True)]
    rows = rows.with_columns(pl.Series("team", on_record, pl.Utf8))
    form = rows.select(
        pl.lit(str(round_id)).alias("round"),
        "plan",
        "uscc",
        "name",
        "team",
        pl.lit(None, pl.Utf8).alias("team_names"),
        pl.Series("started", started, pl.Date),
        pl.Series("ended", ended, pl.Date),
        pl.Series("codes", codes),
        pl.lit(None, pl.Utf8).alias("corrects"),
        pl.lit(SIMULATED).alias("remarks"),
    )
    labels = {c.name: c.label for c in results_form().columns}
    fsio.write_xlsx(target, {"检查结果（模拟）": form.rename(labels)})
    return target
