"""Record-level append-only disclosure: what a published result keeps, in the log and on the site (pure).

Rule (issue 14, deliverable 5; docs/disclosure.md §4): every published result is a ``disclosure`` entry of
its own in the transparency log, keyed by its 记录号, and once logged it is published for good:

- **one 记录号, one content**: a record is logged once; the same 记录号 logged again with other content is a
  rewritten result.  A change is a correction: a new record whose 更正记录 names one published before it;
- **公示日期 never runs backwards** in log order, and no record is published before its inspection ended
  (公示日期 on or after 日期);
- **the site shows what was logged**: its record list (``downloads/results.json``) holds every logged
  record exactly as logged — the same public fields, and the 状态 the logged corrections give it — and
  nothing that is not logged, each once; a logged record may be missing from it only when a logged
  correction supersedes it.  The search page's records (``data/records.js``) and each round's JSON
  download hold the same records.

:func:`logged_records` checks the log's disclosure entries in order and returns each record by its 记录号;
:func:`check_site_records` and :func:`check_copies` check the site against them.  Each raises a
:class:`~xinyong.errors.VerificationError` naming the entry or the file, and the 记录号.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from xinyong.errors import VerificationError
from xinyong.publish.site import DOWNLOAD_COLUMNS, RECORD_KEYS, PublicRecord, read_records_script, with_status
from xinyong.workspace.layout import DOWNLOADS, SITE_RECORDS_SCRIPT, SITE_RESULTS, log_entry

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Logged:
    """A published record and the index of its disclosure entry in the log."""

    index: int
    record: PublicRecord


def logged_records(entries: Iterable[tuple[int, object]], size: int | None = None) -> dict[str, Logged]:
    """Every logged record by 记录号, in log order, from the ``(index, record)`` of each disclosure entry of a log of
    ``size`` entries (it names their bundles); the rules of the log's side checked on the way."""
    logged: dict[str, Logged] = {}
    latest: Logged | None = None
    for index, record in entries:
        where = log_entry(index, size)
        if not _is_record(record):
            raise VerificationError(
                f"{where}: a disclosure entry's record holds the public fields of a result "
                f"({'、'.join(RECORD_KEYS)}), each text, and nothing else"
            )
        assert isinstance(record, dict)  # _is_record said so
        rid = record["记录号"]
        if rid in logged:
            if logged[rid].record != record:
                raise VerificationError(
                    f"{where}: 记录号 {rid} is logged with other content in entry {logged[rid].index}; a published "
                    "result never changes (a correction is a new record)"
                )
            continue
        published, ended = record["公示日期"], record["日期"]
        if not (_DAY.fullmatch(published) and _DAY.fullmatch(ended)):
            raise VerificationError(f"{where}: 记录号 {rid}: 公示日期 and 日期 are days, YYYY-MM-DD")
        if published < ended:
            raise VerificationError(
                f"{where}: 记录号 {rid} is published on {published} (公示日期), before its inspection ended on "
                f"{ended} (日期)"
            )
        if latest is not None and published < latest.record["公示日期"]:
            raise VerificationError(
                f"{where}: 记录号 {rid}: 公示日期 {published} is before {latest.record['公示日期']}, that of entry "
                f"{latest.index} logged before it; publication dates never go back"
            )
        corrects = record["更正记录"]
        if corrects and corrects not in logged:
            raise VerificationError(f"{where}: 记录号 {rid} corrects {corrects}, which was not published before it")
        logged[rid] = latest = Logged(index, record)
    return logged


def _is_record(record: object) -> bool:
    return (
        isinstance(record, dict)
        and set(record) == set(RECORD_KEYS)
        and all(isinstance(value, str) for value in record.values())
    )


def check_site_records(logged: Mapping[str, Logged], shown: object) -> list[PublicRecord]:
    """The site's record list ``shown`` (:data:`SITE_RESULTS`, parsed) against the logged records; returns it."""
    if not (isinstance(shown, list) and all(isinstance(row, dict) for row in shown)):
        raise VerificationError(f"{SITE_RESULTS}: not a list of records")
    expected = {r["记录号"]: r for r in with_status([entry.record for entry in logged.values()])}
    listed: set[str] = set()
    for number, row in enumerate(shown, start=1):
        rid = row.get("记录号")
        if not isinstance(rid, str) or rid not in expected:
            raise VerificationError(
                f"{SITE_RESULTS}: record {number} (记录号 {rid}) is on the site but not in the transparency log"
            )
        if rid in listed:
            raise VerificationError(f"{SITE_RESULTS}: 记录号 {rid} is listed twice")
        listed.add(rid)
        if row != expected[rid]:
            field = next(k for k in (*DOWNLOAD_COLUMNS, *sorted(row)) if row.get(k) != expected[rid].get(k))
            raise VerificationError(
                f"{SITE_RESULTS}: 记录号 {rid} differs from its log entry {logged[rid].index}: {field} is "
                f"{row.get(field)!r} on the site, {expected[rid].get(field)!r} as logged"
            )
    superseded = {entry.record["更正记录"] for entry in logged.values()}
    for rid, entry in logged.items():
        if rid not in listed and rid not in superseded:
            raise VerificationError(
                f"{SITE_RESULTS}: 记录号 {rid} (log entry {entry.index}) is missing from the site; a published "
                "result stays published unless a logged correction supersedes it"
            )
    return shown


def check_copies(shown: list[PublicRecord], copies: Mapping[str, bytes]) -> None:
    """The search page's records (:data:`SITE_RECORDS_SCRIPT`) and each round's JSON download
    (``downloads/<round>.json``), by path, hold exactly the records of the site's list ``shown``.

    They are compared as the records they parse to (their bytes are the site manifest's, checked already):
    re-encoding 10^5 records as the site indents them would take seconds.
    """
    for path, data in sorted(copies.items()):
        round_id = path.removeprefix(f"{DOWNLOADS}/").removesuffix(".json")
        expected = shown if path == SITE_RECORDS_SCRIPT else [r for r in shown if r["抽查批次"] == round_id]
        try:
            parsed = read_records_script(data) if path == SITE_RECORDS_SCRIPT else json.loads(data)
        except ValueError:
            parsed = None
        if parsed != expected:
            which = "" if path == SITE_RECORDS_SCRIPT else f" of round {round_id}"
            raise VerificationError(
                f"{path}: does not hold the records{which} of {SITE_RESULTS}; every list of the site's results is "
                "the same records"
            )
