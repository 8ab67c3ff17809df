"""The transparency log's private index: which entries it holds and at what index, its files and records.

Rule (issue 15): an append costs O(new entries + log n), so the questions callers ask of the whole log —
is this entry already logged, and where (an append logs nothing twice); which file is logged under a path;
the published results by 记录号 — are answered from an index kept beside the log's private key
(:func:`xinyong.workspace.layout.log_index`), never published, and rebuilt from the public log whenever it is
missing or does not agree with it (:mod:`.translog`).  It is an SQLite database (the standard library's
``sqlite3``): each update is one transaction, atomic and durable by SQLite's rollback journal, so a process
killed anywhere leaves the index as it was before the update or after it, never between.

It records the log's size and root at that size (to agree with the public tiles), every entry by its RFC 6962
leaf hash, each ``file`` entry by path (the last one logged), each ``disclosure`` entry's record by 记录号
(the first one logged), the sizes of the checkpoints signed so far (which partial tiles stay, c2sp.org/tlog-tiles)
and, while an append writes tiles it has not indexed yet, how far they reach (``pending``), so that the next
append removes what a killed one left beyond the log.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from xinyong.core.merkle import Hash, leaf_hash

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leaves (hash BLOB PRIMARY KEY, idx INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, idx INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, record TEXT NOT NULL, idx INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY);
"""
_CHUNK = 500  # leaf hashes looked up per query


class LogIndex:
    """The index in ``path`` (made when missing), or in memory (``path`` None) for a reader that must not write."""

    def __init__(self, path: Path | None) -> None:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._db = sqlite3.connect(":memory:" if path is None else path, timeout=60, isolation_level=None)
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def _transaction(self) -> sqlite3.Connection:
        self._db.execute("BEGIN IMMEDIATE")
        return self._db

    def _meta(self, key: str) -> object:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    @property
    def size(self) -> int:
        """Entries indexed: the log as its tiles hold it."""
        value = self._meta("size")
        return value if isinstance(value, int) else 0

    @property
    def root(self) -> Hash | None:
        """The tree's root at :attr:`size` (None: nothing indexed yet)."""
        value = self._meta("root")
        return value if isinstance(value, bytes) else None

    @property
    def pending(self) -> int | None:
        """The size an append cut short was writing tiles for, beyond :attr:`size`."""
        value = self._meta("pending")
        return value if isinstance(value, int) else None

    def clear(self) -> None:
        with self._db, self._transaction():
            for table in ("meta", "leaves", "files", "records", "checkpoints"):
                self._db.execute(f"DELETE FROM {table}")  # the table names above

    def find(self, lines: Sequence[bytes]) -> dict[bytes, int]:
        """Of these entries, those in the log, each with its index."""
        hashes = {leaf_hash(line): line for line in lines}
        found = {}
        keys = list(hashes)
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT hash, idx FROM leaves WHERE hash IN ({marks})"  # only placeholders
            found.update({hashes[h]: i for h, i in self._db.execute(query, chunk)})
        return found

    def intend(self, size: int) -> None:
        """Say, before an append writes its tiles, how far they will reach."""
        with self._db, self._transaction():
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('pending', ?)", (max(size, self.pending or 0),))

    def add(self, start: int, lines: Sequence[bytes], root: Hash) -> None:
        """Index ``lines`` as the entries from ``start`` (the indexed size), the tree's root with them, and that
        no append is pending any more; one transaction."""
        if start != self.size:
            raise ValueError(f"the index holds {self.size} entries, not {start}")
        files, records = [], []
        for index, line in enumerate(lines, start):
            entry = json.loads(line)
            if not isinstance(entry, dict):
                continue
            if entry.get("kind") == "file" and isinstance(entry.get("path"), str):
                files.append((entry["path"], str(entry.get("sha256")), index))
            record = entry.get("record")
            if entry.get("kind") == "disclosure" and isinstance(record, dict) and isinstance(record.get("记录号"), str):
                records.append((record["记录号"], json.dumps(record, ensure_ascii=False), index))
        with self._db, self._transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO leaves VALUES (?, ?)",
                ((leaf_hash(line), index) for index, line in enumerate(lines, start)),
            )
            self._db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", files)
            self._db.executemany("INSERT OR IGNORE INTO records VALUES (?, ?, ?)", records)
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('size', ?)", (start + len(lines),))
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('root', ?)", (root,))
            self._db.execute("DELETE FROM meta WHERE key = 'pending'")

    def done(self) -> None:
        """No append is pending (what one cut short left is gone)."""
        with self._db, self._transaction():
            self._db.execute("DELETE FROM meta WHERE key = 'pending'")

    def signed(self, sizes: Iterable[int]) -> None:
        """Record the sizes of signed checkpoints."""
        rows = [(size,) for size in sizes]
        if rows:
            with self._db, self._transaction():
                self._db.executemany("INSERT OR IGNORE INTO checkpoints VALUES (?)", rows)

    def signed_between(self, low: int, high: int) -> list[int]:
        """The signed sizes s with low ≤ s < high."""
        query = "SELECT size FROM checkpoints WHERE size >= ? AND size < ? ORDER BY size"
        return [s for (s,) in self._db.execute(query, (low, high))]

    def files(self) -> dict[str, tuple[str, int]]:
        """Each logged file's path → (its SHA-256, the index of the last entry logging it)."""
        rows = self._db.execute("SELECT path, sha256, idx FROM files ORDER BY idx")
        return {path: (sha, index) for path, sha, index in rows}

    def records(self) -> dict[str, tuple[dict, int]]:
        """Each published result by 记录号 → (the record as first logged, its entry's index), in log order."""
        rows = self._db.execute("SELECT id, record, idx FROM records ORDER BY idx")
        return {rid: (json.loads(record), index) for rid, record, index in rows}

    def record(self, record_id: str) -> int | None:
        """The index of the disclosure entry of ``record_id``."""
        row = self._db.execute("SELECT idx FROM records WHERE id = ?", (record_id,)).fetchone()
        return None if row is None else row[0]

    def dump(self) -> list[str]:
        """Everything the index holds, as text lines in a fixed order (two indexes agree iff their dumps do)."""
        return list(self._db.iterdump())
