"""Guard for 不公开: find tiers, scores, probabilities or reasons in a folder meant for the public.

Tiers and scores are internal (不公开; :mod:`xinyong.core.codes`).  This scan reads every file under a public folder and
reports:

- a column, field or key whose name means tier, score, probability or reason (English or Chinese);
- such a word in page or text content;
- a number that is one of the internal scores, to six or more decimals (with ~10^5 scores in
  [0, 1], shorter numbers such as a plan's 0.0085 would match one by chance);
- a column of A/B/C/D letters beside USCCs that reproduces the firms' internal tiers.

Tables are read as a person would see them: an xlsx sheet under its header row (the first row with the
most cells; title lines above it are read as text), a CSV with its spreadsheet escaping undone
(:func:`xinyong.workspace.sheets.plain_csv`: ``="…"`` around an all-digit USCC, ``'`` before a leading ``=``).
It is used by the tests on every public artifact the project writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from xinyong.workspace.sheets import plain_csv

FORBIDDEN_NAMES = re.compile(
    r"(^|[^a-z])(tier|tiers|score|scores|probability|proba|reason|reasons|risk_level|model_tier)([^a-z]|$)"
    r"|风险等级|信用风险分类|风险分类|风险评分|风险因素|违法概率|分级结果",
    re.IGNORECASE,
)
DECIMAL = re.compile(r"\d+\.\d{6,}")
TEXT_SUFFIXES = {".html", ".htm", ".txt", ".md", ".js", ".css", ".xml", ".svg"}


def find_leaks(public_dir: Path, internal_tier_files: Sequence[Path] = ()) -> list[str]:
    """Every leak found under ``public_dir``, one line each (empty when clean)."""
    scores, tiers = _internal(internal_tier_files)
    leaks = []
    for path in sorted(p for p in public_dir.rglob("*") if p.is_file()):
        leaks += [f"{path}: {problem}" for problem in _scan(path, scores, tiers)]
    return leaks


def _internal(files: Sequence[Path]) -> tuple[set[str], dict[str, str]]:
    scores: set[str] = set()
    tiers: dict[str, str] = {}
    for path in files:
        frame = pl.read_parquet(path, columns=["uscc", "score", "tier"])
        scores |= {f"{s:.6f}" for s in frame["score"].to_list()}
        tiers |= dict(zip(frame["uscc"].to_list(), frame["tier"].to_list(), strict=True))
    return scores, tiers


def _scan(path: Path, scores: set[str], tiers: dict[str, str]) -> list[str]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        problems = []
        for titles, sheet in _sheets(path):
            problems += _text(" ".join(titles), scores)
            problems += _frame(sheet, tiers, scores, sheet.write_csv())
        return problems
    if suffix in (".csv", ".parquet", ".jsonl", ".json"):
        frame = _table(path)
        if frame is not None:
            text = path.read_text(encoding="utf-8-sig", errors="replace") if suffix != ".parquet" else frame.write_csv()
            return _frame(frame, tiers, scores, text)
        if suffix == ".json":
            text = path.read_text(encoding="utf-8")
            keys = _json_keys(json.loads(text))
            return [f"key {k!r} names internal data" for k in sorted(keys) if FORBIDDEN_NAMES.search(k)] + _numbers(
                text, scores
            )
    if suffix in TEXT_SUFFIXES:
        return _text(path.read_text(encoding="utf-8", errors="replace"), scores)
    return []


def _frame(frame: pl.DataFrame, tiers: dict[str, str], scores: set[str], text: str) -> list[str]:
    problems = [f"column {c!r} names internal data" for c in frame.columns if FORBIDDEN_NAMES.search(c)]
    return problems + _tier_columns(frame, tiers) + _numbers(text, scores)


def _text(text: str, scores: set[str]) -> list[str]:
    visible = re.sub(r"<[^>]+>", " ", text)
    words = sorted({m.group(0).strip() for m in FORBIDDEN_NAMES.finditer(visible)})
    return [f"text mentions {w!r}" for w in words] + _numbers(text, scores)


def _sheets(path: Path) -> list[tuple[list[str], pl.DataFrame]]:
    """Each sheet of an xlsx as its title lines and its table under the header row (all text)."""
    found = []
    for sheet in pl.read_excel(path, sheet_id=0, has_header=False, infer_schema_length=0).values():
        filled = sheet.select(pl.sum_horizontal(pl.all().is_not_null())).to_series().to_list()
        if not filled:
            continue
        top = filled.index(max(filled))
        titles = [str(v) for row in sheet.head(top).rows() for v in row if v is not None]
        header = [f"{v}" if v is not None else f"column {i + 1}" for i, v in enumerate(sheet.row(top))]
        header = [h if header.index(h) == i else f"{h} ({i + 1})" for i, h in enumerate(header)]
        found.append((titles, pl.DataFrame(sheet.slice(top + 1).rows(), schema=header, orient="row")))
    return found


def _table(path: Path) -> pl.DataFrame | None:
    try:
        if path.suffix.lower() == ".parquet":
            return pl.read_parquet(path)
        if path.suffix.lower() == ".csv":
            return plain_csv(pl.read_csv(path, infer_schema=False, encoding="utf8-lossy"))
        if path.suffix.lower() == ".jsonl":
            return pl.read_ndjson(path, infer_schema_length=None)
        data = json.loads(path.read_text(encoding="utf-8"))
        return (
            pl.DataFrame(data) if isinstance(data, list) and data and all(isinstance(r, dict) for r in data) else None
        )
    except Exception:
        return None


def _json_keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _json_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _json_keys(v)}
    return set()


def _tier_columns(frame: pl.DataFrame, tiers: dict[str, str]) -> list[str]:
    id_columns = (
        [
            c
            for c in frame.columns
            if frame[c].dtype == pl.Utf8
            and frame[c].drop_nulls().str.len_chars().eq(18).all()
            and frame[c].drop_nulls().is_in(list(tiers)).any()
        ]
        if tiers
        else []
    )
    problems = []
    for id_column in id_columns:
        known = frame.filter(pl.col(id_column).is_in(list(tiers)))
        truth = known[id_column].replace_strict(tiers, return_dtype=pl.Utf8)
        for column in known.columns:
            values = known[column].cast(pl.Utf8)
            letters = values.drop_nulls()
            if (
                column != id_column
                and len(letters) >= 4
                and letters.is_in(["A", "B", "C", "D"]).all()
                and (values == truth).fill_null(False).to_numpy().mean() > 0.9
            ):
                problems.append(f"column {column!r} holds the firms' internal tiers")
    return problems


def _numbers(text: str, scores: set[str]) -> list[str]:
    if not scores:
        return []
    found = sorted({m for m in DECIMAL.findall(text) if f"{float(m):.6f}" in scores})
    return [f"value {v} is an internal score" for v in found[:5]]
