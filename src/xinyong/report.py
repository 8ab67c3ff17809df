"""Plain-text summaries printed at the end of a command (rich tables for the terminal)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from rich.table import Table as RichTable

from . import contract
from .ingest import TableReport


def ingest_summary(reports: Mapping[str, TableReport], out_dir: Path) -> RichTable:
    """One row per table: rows in, accepted, quarantined, and the rules that quarantined rows."""
    table = RichTable(title=f"Ingest → {out_dir}", title_justify="left")
    for header in ("table", "表", "rows in", "accepted", "quarantined", "rules"):
        table.add_column(header, justify="right" if header in ("rows in", "accepted", "quarantined") else "left")
    for name, r in reports.items():
        rules = ", ".join(f"{rule} {n}" for rule, n in r.by_rule.items())
        table.add_row(name, contract.table(name).label, f"{r.input_rows:,}", f"{r.accepted:,}", f"{r.quarantined:,}", rules)
    return table
