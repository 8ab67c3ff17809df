"""``xinyong disclose``: every recorded result of every round under a work folder, published to the site.

:func:`disclose` reads the committed rounds (their public files and results) and the clean registry,
builds the site (:mod:`xinyong.publish.site`), then logs every new result and the manifest of the
site's files in the transparency log (:mod:`xinyong.publish.translog`) *before* writing them, so no
published record is ever without its log entry.  It holds the log's lock from reading the log to
the last page written, and it can be cut short anywhere and run again: what is already logged keeps
its entry and its date, and the site is written whole.

The 公示日期 of a result is the day ``disclose`` runs (``today``, read from the clock by the command
line; docs/disclosure.md).  Publication dates never go back: a day before the end of an inspection
about to be published, or before the latest 公示日期 already in the log, is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from xinyong.core.ids import RoundId
from xinyong.errors import UsageError
from xinyong.publish import translog
from xinyong.publish.site import Round, build_site, public_record
from xinyong.results.run import read_results
from xinyong.rounds.ledger import work_rounds
from xinyong.rounds.stage import Stage, check_committed, stage_of
from xinyong.workspace import checks, fsio
from xinyong.workspace.layout import (
    ATTESTATIONS,
    INDEX,
    LOG,
    PUBLIC,
    PUBLIC_ROUND_FILES,
    PUBLIC_ROUND_FILES_V2,
    ROUNDS,
    SITE_ROUNDS,
    RoundPaths,
    clean_table,
)


def read_round(out: Path, round_id: RoundId) -> Round:
    """A committed round's public files as published (v1's or v2's, and its auditors' attestations) and its
    results."""
    public = RoundPaths(out, round_id).public
    names = [*dict.fromkeys(PUBLIC_ROUND_FILES + PUBLIC_ROUND_FILES_V2)]
    files = {name: (public / name).read_bytes() for name in names if (public / name).is_file()}
    notes = sorted((public / ATTESTATIONS).glob("*.txt")) if (public / ATTESTATIONS).is_dir() else []
    files |= {f"{ATTESTATIONS}/{note.name}": note.read_bytes() for note in notes}
    return Round(round_id, files, read_results(out, round_id))


@dataclass(frozen=True)
class Disclosure:
    records: int  # results on the site, corrections included
    new: int  # of them, published for the first time
    rounds: int
    log_size: int  # entries of the transparency log afterwards
    site: Path  # the site's index.html


def disclose(out: Path, public_dir: Path, clean_dir: Path, *, today: dt.date) -> Disclosure:
    """Publish every recorded result of every round under ``out`` to the site in ``public_dir``."""
    checks.clean_folder(clean_dir)
    checks.output_folder(public_dir, clean_dir)
    if out.resolve() == public_dir.resolve() or public_dir.resolve() in out.resolve().parents:
        raise UsageError(
            f"{public_dir}: the work folder {out} would be inside the public site; publish to another folder, "
            f"e.g. {out / PUBLIC}"
        )
    for round_id in work_rounds(out):  # nothing is published while a committed round's files are damaged
        check_committed(RoundPaths(out, round_id), "disclose")
    round_ids = [r for r in work_rounds(out) if stage_of(RoundPaths(out, r)) >= Stage.COMMITTED]
    if not round_ids:
        raise UsageError(f"{out}: no committed rounds to disclose (looked in {out / ROUNDS})")
    divisions = sorted({r.division for r in round_ids})
    if len(divisions) > 1:
        raise UsageError(
            f"{out / ROUNDS}: rounds of {len(divisions)} divisions ({', '.join(divisions)}); a site is one division's"
        )
    division = divisions[0]
    names = dict(pl.read_parquet(clean_table(clean_dir, "enterprises"), columns=["uscc", "name"]).iter_rows())
    items = dict(pl.read_parquet(clean_table(clean_dir, "inspection_items"), columns=["item_id", "name"]).iter_rows())
    with translog.locked(public_dir):
        return _disclose(out, public_dir, round_ids, division, names, items, today)


def _disclose(
    out: Path,
    public_dir: Path,
    round_ids: list[RoundId],
    division: str,
    names: dict[str, str],
    items: dict[str, str],
    today: dt.date,
) -> Disclosure:
    rounds = [read_round(out, r) for r in round_ids]
    dates = translog.published_dates(public_dir)
    _check_day(public_dir, rounds, dates, today)
    records = [
        public_record(r, rnd.plans[r["plan"]], names.get(r["uscc"], ""), items, dates.get(r["id"], today.isoformat()))
        for rnd in rounds
        for r in rnd.results
    ]
    site = build_site(division, rounds, records, names)
    round_files = {f"{SITE_ROUNDS}/{rnd.id}/{name}": data for rnd in rounds for name, data in rnd.files.items()}
    entries = [translog.file_entry(public_dir, public_dir / path, data) for path, data in round_files.items()]
    entries += [{"kind": "disclosure", "record": record} for record in records]
    entries.append(
        {"kind": "site", "files": {path: hashlib.sha256(data).hexdigest() for path, data in sorted(site.items())}}
    )
    appended = translog.append(public_dir, entries, origin=translog.origin_for(division))
    for path, data in round_files.items():  # already there when the site is OUT/public itself
        if not (public_dir / path).exists():
            fsio.write_bytes(public_dir / path, data)
    for path, data in site.items():
        fsio.write_bytes(public_dir / path, data)
    new = sum(1 for r in records if r["记录号"] not in dates)
    return Disclosure(len(records), new, len(rounds), appended.checkpoint.size, public_dir / INDEX)


def _check_day(public_dir: Path, rounds: list[Round], dates: dict[str, str], today: dt.date) -> None:
    """Refuse a publication day before the latest one in the log, or before a new result's inspection ended."""
    latest = max(dates.values(), default=None)
    if latest is not None and today.isoformat() < latest:
        raise UsageError(
            f"{public_dir / LOG}: the disclosure date {today} is before {latest}, the latest 公示日期 in the "
            "transparency log; publication dates never go back"
        )
    for rnd in rounds:
        for record in rnd.results:
            if record["id"] not in dates and record["ended"] > today.isoformat():
                raise UsageError(
                    f"round {rnd.id}: result {record['id']} ({record['plan']} {record['uscc']}) ended on "
                    f"{record['ended']}, after the disclosure date {today}; a result is published on or after "
                    "the day its inspection ended"
                )
