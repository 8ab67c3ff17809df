"""Corrupt raw tables the way real exports go wrong, and say exactly which rows should be quarantined.

Each corruption is applied to distinct rows and returns ``{(table, line): (column, rule)}``: the
first rule :mod:`xinyong.ingest.validate` must report for that row.  :func:`expected_quarantine` adds the
rows that must follow by reference (an event of an enterprise whose registry row was rejected).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from xinyong.core import uscc
from xinyong.ingest import contract

Expectation = dict[tuple[str, int], tuple[str, str]]
GARBAGE = "☃ 垃圾###"


@dataclass(frozen=True)
class Corruption:
    """Break one column of some rows of a table; ``rule`` is what validation must say."""

    name: str
    column: str
    rule: str
    change: Callable[[np.random.Generator, pl.Series], list[str | None]]


def bad_check_character(rng: np.random.Generator, values: pl.Series) -> list[str | None]:
    out = []
    for code in values.to_list():
        wrong = [c for c in uscc.ALPHABET if c != code[-1]]
        out.append(code[:-1] + wrong[int(rng.integers(len(wrong)))])
    return out


def impossible_date(rng: np.random.Generator, values: pl.Series) -> list[str | None]:
    return [f"{2020 + int(rng.integers(5))}-02-{30 + int(rng.integers(2))}" for _ in range(len(values))]


def future_date(rng: np.random.Generator, values: pl.Series) -> list[str | None]:
    return [f"{2031 + int(rng.integers(5))}-0{1 + int(rng.integers(9))}-15" for _ in range(len(values))]


def negative(rng: np.random.Generator, values: pl.Series) -> list[str | None]:
    return [f"-{1 + int(rng.integers(10000))}.5" for _ in range(len(values))]


def garbage(rng: np.random.Generator, values: pl.Series) -> list[str | None]:
    return [GARBAGE] * len(values)


def empty(rng: np.random.Generator, values: pl.Series) -> list[str | None]:
    return [None] * len(values)


def unknown_enterprise(rng: np.random.Generator, values: pl.Series) -> list[str | None]:
    """Valid GB 32100 codes from another division, so only the reference check can catch them."""
    alphabet = np.array(list(uscc.ALPHABET[:10]))
    return [uscc.complete("91110105" + "".join(rng.choice(alphabet, 9))) for _ in range(len(values))]


CORRUPTIONS = {
    "enterprises": [
        Corruption("bad check character", "uscc", "uscc_check", bad_check_character),
        Corruption("negative capital", "registered_capital", "range", negative),
        Corruption("impossible date", "established", "invalid_date", impossible_date),
        Corruption("garbage entity type", "entity_type", "allowed_values", garbage),
    ],
    "penalties": [
        Corruption("unknown enterprise", "uscc", "unknown_reference", unknown_enterprise),
        Corruption("garbage amount", "fine_amount", "invalid_decimal", garbage),
        Corruption("future date", "decided_date", "date_in_future", future_date),
    ],
    "complaints_12315": [
        Corruption("unknown enterprise", "uscc", "unknown_reference", unknown_enterprise),
        Corruption("missing date", "received_date", "missing", empty),
        Corruption("bad check character", "uscc", "uscc_check", bad_check_character),
    ],
    "annual_reports": [
        Corruption("garbage year", "report_year", "invalid_int", garbage),
        Corruption("impossible date", "filed_date", "invalid_date", impossible_date),
    ],
    "inspections": [
        Corruption("garbage result code", "result_code", "allowed_values", garbage),
        Corruption("negative probability", "inclusion_probability", "range", negative),
    ],
}
DUPLICATE_TABLES = ("penalties", "tax_credit_ratings", "complaints_12315")


def read_all(raw_dir, tables: list[str]) -> dict[str, pl.DataFrame]:
    """The tables as text, as a CSV export would carry them."""
    return {name: pl.read_parquet(raw_dir / f"{name}.parquet").cast(pl.Utf8) for name in tables}


def corrupt(frames: dict[str, pl.DataFrame], share: float, seed: int) -> tuple[dict[str, pl.DataFrame], Expectation]:
    """Corrupt ``share`` of each listed table's rows, split over its corruptions and duplicates."""
    rng = np.random.default_rng(seed)
    expected: Expectation = {}
    result = dict(frames)
    for name in sorted(set(CORRUPTIONS) | set(DUPLICATE_TABLES)):
        frame = result[name]
        kinds: list[Corruption | None] = list(CORRUPTIONS.get(name, []))
        if name in DUPLICATE_TABLES:
            kinds.append(None)
        count = max(len(kinds), round(frame.height * share))
        rows = rng.choice(frame.height, size=count, replace=False)
        columns = {c: frame[c].to_list() for c in frame.columns}
        table = contract.table(name)
        for kind, chosen in zip(kinds, np.array_split(rows, len(kinds)), strict=True):
            if kind is None:
                _duplicate(rng, columns, chosen, set(rows.tolist()), table, expected)
                continue
            new = kind.change(rng, pl.Series([columns[kind.column][i] for i in chosen], dtype=pl.Utf8))
            for i, value in zip(chosen.tolist(), new, strict=True):
                columns[kind.column][i] = value
                expected[(name, i + 2)] = (kind.column, kind.rule)
        result[name] = pl.DataFrame(columns, schema=dict.fromkeys(frame.columns, pl.Utf8))
    return result, expected


def _duplicate(rng, columns, chosen, corrupted: set[int], table: contract.Table, expected: Expectation) -> None:
    """Give each chosen row the key of an earlier, untouched row (the oracle below decides the rule)."""
    for j in chosen.tolist():
        candidates = [i for i in range(j) if i not in corrupted]
        if candidates:
            i = candidates[int(rng.integers(len(candidates)))]
            for k in table.key:
                columns[k][j] = columns[k][i]


def expected_quarantine(
    original: dict[str, pl.DataFrame], corrupted: dict[str, pl.DataFrame], broken: Expectation
) -> Expectation:
    """An independent oracle: the corrupted rows, then references to rejected rows, then duplicates.

    A row's own defect is reported first; a row that refers to a rejected enterprise, item or
    inspector is rejected by reference; among the rest, a key seen earlier is a duplicate.
    """
    result: Expectation = {}
    rejected_keys: dict[str, set[str]] = {}
    for table in contract.tables():
        if table.name not in corrupted:
            continue
        seen: set[tuple] = set()
        for line, row in enumerate(corrupted[table.name].iter_rows(named=True), start=2):
            verdict = broken.get((table.name, line)) or _reference_failure(table, row, rejected_keys)
            if verdict is None:
                key = tuple(row[k] for k in table.key)
                if key in seen:
                    verdict = ("+".join(table.key), "duplicate_key")
                seen.add(key)
            if verdict is not None:
                result[(table.name, line)] = verdict
        lines = [line for (t, line) in result if t == table.name]
        for column in table.columns:
            values = original[table.name][column.name]
            rejected_keys[f"{table.name}.{column.name}"] = {values[line - 2] for line in lines}
    return result


def _reference_failure(table: contract.Table, row: dict, rejected_keys: dict[str, set[str]]) -> tuple[str, str] | None:
    for column in table.columns:
        value = row[column.name]
        if column.references and value is not None and column.references in rejected_keys:
            parts = value.split(column.separator) if column.separator else [value]
            if any(p in rejected_keys[column.references] for p in parts):
                return (column.name, "unknown_reference")
    return None
