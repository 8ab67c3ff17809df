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

Disclosure is append-only record by record (docs/disclosure.md §4, :mod:`xinyong.publish.records`): a result
already in the log is published again exactly as it was first published — its names (firm, items, bureaus)
and date as they were then — and ``disclose`` refuses, writing nothing, when a stored result no longer says
what its 记录号 published, or when a published result is no longer among the rounds' results.
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
from xinyong.publish.site import PublicRecord, Round, build_site, public_record
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
    RESULTS_STORE,
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
    logged = translog.published_records(public_dir)
    _check_day(public_dir, rounds, {rid: record["公示日期"] for rid, (record, _) in logged.items()}, today)
    records = [_public(out, rnd, r, names, items, logged, today) for rnd in rounds for r in rnd.results]
    _check_kept(out, records, logged)
    appended = publish_site(public_dir, division, rounds, records, names)
    new = sum(1 for r in records if r["记录号"] not in logged)
    return Disclosure(len(records), new, len(rounds), appended.checkpoint.size, public_dir / INDEX)


# The fields of a published record that may read otherwise today without the result having changed (a firm
# renamed, an item or a bureau renamed): a record already published keeps them as it was published.
AS_PUBLISHED = ("检查实施机关", "抽查事项", "市场主体名称", "公示日期")


def _public(
    out: Path,
    rnd: Round,
    result: dict,
    names: dict[str, str],
    items: dict[str, str],
    logged: dict[str, tuple[dict, int]],
    today: dt.date,
) -> PublicRecord:
    """The public record of a result: as published, when it is in the log (its 记录号 must still say the same);
    else made today from the registry's names."""
    name = names.get(result["uscc"], "")
    fresh = public_record(result, rnd.plans[result["plan"]], name, items, today.isoformat())
    if result["id"] not in logged:
        return fresh
    published, index = logged[result["id"]]
    kept = {**fresh, **{k: published[k] for k in AS_PUBLISHED}}
    changed = next((k for k in kept if kept[k] != published.get(k)), None)
    if changed is not None:
        raise UsageError(
            f"{RoundPaths(out, rnd.id).results / RESULTS_STORE}: result {result['id']} now gives {changed} "
            f"{kept[changed]!r}, but the transparency log published {published.get(changed)!r} under that 记录号 "
            f"(entry {index}); a published result never changes: restore it, and enter a change as a correction "
            "(更正记录号)"
        )
    return kept  # the published record, its fields in the order of a fresh one (the log's JSON sorts them)


def _check_kept(out: Path, records: list[PublicRecord], logged: dict[str, tuple[dict, int]]) -> None:
    """Refuse to publish a site without a result already published: it stays published."""
    shown = {r["记录号"] for r in records}
    for rid, (published, index) in logged.items():
        if rid not in shown:
            paths = RoundPaths(out, RoundId.parse(published["抽查批次"], f"transparency log entry {index}"))
            raise UsageError(
                f"{paths.results / RESULTS_STORE}: result {rid} was published "
                f"(transparency log entry {index}) but is no longer among the round's results; a published result "
                f"stays published: restore {RESULTS_STORE} (a change is a correction, a new record)"
            )


def publish_site(
    public_dir: Path, division: str, rounds: list[Round], records: list[PublicRecord], names: dict[str, str]
) -> translog.Appended:
    """Log the rounds' public files, each record and the site's manifest, then write them (holding the log's lock)."""
    with translog.locked(public_dir):
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
        return appended


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
