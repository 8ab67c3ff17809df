"""A small world of every step, and a runner that SIGKILLs a step at its N-th file replacement.

:func:`build_world` takes a generated region through every step once — ingest, features, tiers, then round
330802-2026-11: frame, preview, approve, commit, reveal, draw, assign, finalize, tasks, results import (a firm
found 已注销 among them), disclose, supplement (framing round 330802-2026-11-S1), an auditor's attestation and its
publication, in a work folder whose transparency log has its key already — keeping the output folder as it was just
before each step (its *base*) and just after it (its *reference*, the bytes of an uninterrupted run), and counting
the file replacements each step makes. :meth:`Killer.kill` runs one step on a copy of its base in a subprocess
whose ``os.replace`` and ``os.rename`` (the primitives :mod:`xinyong.workspace.fsio` renames with) are wrapped by
the runner below — no hook in production code — to SIGKILL the process just before or just after its N-th
replacement. The tests run the step again in-process and compare.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import COMMITTED_AT, NOW
from xinyong.core.ids import RoundId
from xinyong.workspace.layout import (
    LOG_INDEX,
    PUBLIC,
    SHIPPED_CHAMPION,
    SHIPPED_POLICY,
    private_key,
    record_id_key,
    shipped_plans,
)

REPO = Path(__file__).resolve().parent.parent
ROUND = RoundId.parse("330802-2026-11", "ROUND")
PLANS = shipped_plans("330802")
STALE_DAY = dt.date(2026, 10, 20)  # the day of the clean folder the ingest step replaces
INGEST_DAY = dt.date(2026, 11, 27)
INSPECTED_BY = dt.date(2026, 11, 25)
IMPORT_DAY = dt.date(2026, 11, 28)
DISCLOSE_DAY = dt.date(2026, 11, 30)
APPROVER, APPROVED_AT = "测试审批人", dt.datetime(2026, 10, 30, 1, 0, tzinfo=dt.UTC)
RANDOMNESS = "福利彩票双色球 2026-11-01 开奖号码"
VALUE = "03 09 14 22 27 31 + 11"
REASON = "test round: the generated roster is small"
NOTE = "auditor/attestation.txt"  # where the auditor keeps its attestation, in the work folder of the harness


@dataclass(frozen=True)
class Where:
    """The inputs a step reads and ``out``, the one folder it writes (the clean folder for ingest)."""

    out: Path
    raw: Path
    clean: Path
    tiers: Path
    form: Path
    key: Path  # an auditor's signer key, outside the work folder

    def to_json(self) -> str:
        return json.dumps({k: str(v) for k, v in vars(self).items()})

    @classmethod
    def from_json(cls, text: str) -> Where:
        return cls(**{k: Path(v) for k, v in json.loads(text).items()})


def _ingest(w: Where) -> object:
    from xinyong.ingest.run import ingest

    return ingest(w.raw, w.out, today=INGEST_DAY)


def _frame(w: Where) -> object:
    from xinyong.rounds.run import build_frame

    return build_frame(w.out, ROUND, PLANS, w.tiers, w.clean)


def _preview(w: Where) -> object:
    from xinyong.rounds.run import preview_round

    return preview_round(w.out, ROUND)


def _approve(w: Where) -> object:
    from xinyong.rounds.run import approve

    return approve(w.out, ROUND, APPROVER, APPROVED_AT)


def _commit(w: Where) -> object:
    from xinyong.rounds.randomness import Requested
    from xinyong.rounds.run import commit

    return commit(w.out, ROUND, Requested(announced=RANDOMNESS), now=COMMITTED_AT)


def _reveal(w: Where) -> object:
    from xinyong.rounds.run import reveal

    return reveal(w.out, ROUND, values=(VALUE, VALUE))


def _draw(w: Where) -> object:
    from xinyong.rounds.run import draw

    return draw(w.out, ROUND)


def _assign(w: Where) -> object:
    from xinyong.rounds.run import assign

    return assign(w.out, ROUND)


def _finalize(w: Where) -> object:
    from xinyong.rounds.run import finalize

    return finalize(w.out, ROUND, accept_unstaffed=True, reason=REASON, now=NOW)


def _tasks(w: Where) -> object:
    from xinyong.rounds.tasks import write_task_lists

    return write_task_lists(w.out, ROUND, w.clean)


def _import(w: Where) -> object:
    from xinyong.results.run import import_results

    return import_results(w.out, w.form, today=IMPORT_DAY, now=NOW)


def _disclose(w: Where) -> object:
    from xinyong.publish.run import disclose

    return disclose(w.out, w.out / "public", w.clean, today=DISCLOSE_DAY)


def _supplement(w: Where) -> object:
    from xinyong.rounds.run import build_supplement

    return build_supplement(w.out, ROUND, w.clean)


def _attest(w: Where) -> object:
    from xinyong.rounds.attestations import attest_round

    return attest_round(w.out / "rounds" / str(ROUND) / "audit", w.key, w.out / NOTE)


def _publish_attestation(w: Where) -> object:
    from xinyong.rounds.attestations import publish_attestation, read_signer

    return publish_attestation(w.out, ROUND, w.out / NOTE, str(read_signer(w.key).verifier))


# Every step, in the order a month runs them.
STEPS: dict[str, Callable[[Where], object]] = {
    "ingest": _ingest,
    "frame": _frame,
    "preview": _preview,
    "approve": _approve,
    "commit": _commit,
    "reveal": _reveal,
    "draw": _draw,
    "assign": _assign,
    "finalize": _finalize,
    "tasks": _tasks,
    "results import": _import,
    "disclose": _disclose,
    "supplement": _supplement,
    "attest": _attest,
    "publish attestation": _publish_attestation,
}

# What differs between two uninterrupted runs of a step, by design, masked before comparing: a frame's
# fresh salts (os.urandom).  The clock is injected (NOW), so the times of a decision and an import are not.
MASKS = {
    "frame": re.compile(rb'"salt":"[0-9a-f]{32}"'),
    "supplement": re.compile(rb'"salt":"[0-9a-f]{32}"'),
}
# The round each step changes (the supplement frames round 330802-2026-11-S1), and the steps that frame one.
CHANGED = {"supplement": ROUND.next_supplement()}
FRAMING = ("frame", "supplement")


@dataclass(frozen=True)
class World:
    root: Path
    raw: Path
    clean: Path
    tiers: Path
    form: Path
    key: Path
    bases: dict[str, Path]  # the output folder just before each step
    references: dict[str, Path]  # and just after it, uninterrupted
    replacements: dict[str, int]  # file replacements each step makes

    def where(self, step: str, out: Path) -> Where:
        return Where(out, self.raw, self.clean, self.tiers, self.form, self.key)


def build_world(root: Path, raw: Path) -> World:
    """Every step run once on ``raw`` under ``root``, counting each step's file replacements."""
    import pytest

    from xinyong.indicators.run import write_features
    from xinyong.ingest.run import ingest
    from xinyong.publish.translog import load_signer, origin_for
    from xinyong.rounds.attestations import new_key
    from xinyong.synth.outcomes import simulate_results
    from xinyong.tiers.run import run_tiers

    clean, tiers, form = root / "clean", root / "internal" / "tiers.parquet", root / "form.xlsx"
    ingest(raw, clean, today=INGEST_DAY)
    write_features(clean, dt.date(2026, 10, 31), root / "internal" / "features.parquet")
    run_tiers(root / "internal" / "features.parquet", SHIPPED_CHAMPION, SHIPPED_POLICY, tiers)
    bases, references, counts = {}, {}, {}
    bases["ingest"] = root / "stale-clean"
    ingest(raw, bases["ingest"], today=STALE_DAY)
    out = root / "out"
    # The log's key exists already, as it does after a first month: making one is the one random act
    # of a log (a first append killed before it is written makes another, and the log still verifies).
    load_signer(private_key(out / PUBLIC), origin_for(ROUND.division))
    # So does the secret the results' record ids are keyed by (made by a first import, with its records).
    record_id_key(out).write_bytes(bytes(range(32)))
    record_id_key(out).chmod(0o600)
    key = root / "auditor.key"
    new_key("纪检监察组", key)
    for step, run in STEPS.items():
        target = root / "references" / step
        if step == "ingest":
            shutil.copytree(bases[step], target)
        else:
            bases[step] = root / "bases" / step
            shutil.copytree(out, bases[step])
        count = [0]
        real = os.replace

        def counting(*args: object, count: list[int] = count, real: Callable = real) -> None:
            count[0] += 1
            real(*args)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(os, "replace", counting)
            run(Where(target if step == "ingest" else out, raw, clean, tiers, form, key))
        counts[step] = count[0]
        if step != "ingest":
            shutil.copytree(out, target)
        references[step] = target
        if step == "finalize":
            simulate_results(out, ROUND, raw / "truth", clean, form, last_day=INSPECTED_BY)
            found_closed(form)
    return World(root, raw, clean, tiers, form, key, bases, references, counts)


def found_closed(form: Path) -> None:
    """The simulated form with its first firm found 已注销 (result code 9), so the round has a target to replace."""
    import polars as pl

    from xinyong.ingest.contract import results_form
    from xinyong.workspace import fsio

    label = results_form().column("codes").label
    (name, sheet), *_ = pl.read_excel(form, sheet_id=0).items()
    first = pl.int_range(pl.len()) == 0
    fsio.write_xlsx(
        form, {name: sheet.with_columns(pl.when(first).then(pl.lit("9")).otherwise(pl.col(label)).alias(label))}
    )


# The runner: one subprocess that imports every step once, then for each kill point forks a child
# that wraps the rename primitives, runs the step and is killed at the chosen replacement.  Forking
# after the imports (and before any table is touched, so before polars starts its threads) saves each
# kill point the second it takes to import xinyong afresh.
RUNNER = r"""
import json, os, signal, sys
from tests.crash import STEPS, Where, load_steps

load_steps()
for request in sys.stdin:
    kill_at, when, step, where = json.loads(request)
    child = os.fork()
    if child == 0:
        os.dup2(2, 1)  # the child's prints go to stderr; stdout answers the tests
        count = 0

        def killing(real):
            def wrapped(*args, **kwargs):
                global count
                count += 1
                if count == kill_at and when == "before":
                    os.kill(os.getpid(), signal.SIGKILL)
                result = real(*args, **kwargs)
                if count == kill_at and when == "after":
                    os.kill(os.getpid(), signal.SIGKILL)
                return result
            return wrapped

        os.replace, os.rename = killing(os.replace), killing(os.rename)
        try:
            STEPS[step](Where.from_json(where))
            print(f"{step} ended after {count} file replacements, before kill point {kill_at}", file=sys.stderr)
        finally:
            os._exit(3)
    _, status = os.waitpid(child, 0)
    print(os.waitstatus_to_exitcode(status), flush=True)
"""


def load_steps() -> None:
    """Import the module of every step (the runner does, once, before it forks)."""
    import xinyong.ingest.run
    import xinyong.publish.run
    import xinyong.results.run
    import xinyong.rounds.attestations
    import xinyong.rounds.run
    import xinyong.rounds.tasks  # noqa: F401


class Killer:
    """The runner subprocess; :meth:`kill` runs a step in a child of it, killed at a file replacement."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self._stderr = log.open("w")
        self._process = subprocess.Popen(
            [sys.executable, "-c", RUNNER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            env=environment(),
        )

    def kill(self, step: str, where: Where, kill_at: int, when: str) -> None:
        """Run ``step`` in a process that SIGKILLs itself ``when`` ("before"/"after") its ``kill_at``-th
        file replacement; fails unless it was killed there."""
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps([kill_at, when, step, where.to_json()]) + "\n")
        self._process.stdin.flush()
        answer = self._process.stdout.readline()
        assert answer.strip() == str(-signal.SIGKILL), (
            f"{step} {when} #{kill_at}: exit {answer.strip() or 'of the runner'}: {self.log.read_text()[-3000:]}"
        )

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait()
        self._stderr.close()


def environment() -> dict[str, str]:
    """The environment of a subprocess that imports this checkout's xinyong and its tests."""
    paths = [str(REPO), str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def tree(root: Path, mask: re.Pattern[bytes] | None = None, *, debris: bool = True) -> dict[str, bytes]:
    """Every file under ``root`` by relative path (lock files left out: they hold the last holder's pid;
    and temporary files and staging folders too unless ``debris``)."""
    files = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".lock"):
        if not debris and any(part.endswith(".tmp") for part in path.relative_to(root).parts):
            continue
        data = index_text(path) if path.name == LOG_INDEX else path.read_bytes()
        files[path.relative_to(root).as_posix()] = mask.sub(b"<masked>", data) if mask else data
    return files


def index_text(path: Path) -> bytes:
    """The log's private index (SQLite) by what it holds, not its pages: a run killed and run again commits other
    transactions than an uninterrupted one, so the same index may sit in other bytes (xinyong.publish.logindex)."""
    from xinyong.publish.logindex import LogIndex

    index = LogIndex(path)
    try:
        return "\n".join(index.dump()).encode("utf-8")
    finally:
        index.close()


def leftovers(root: Path) -> list[str]:
    """Temporary files and staging folders under ``root``."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.name.endswith(".tmp"))
