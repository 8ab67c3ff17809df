"""Write tests/office/ingest/: a small generated region as a district's departments really send it.

Not the generator's clean files but what an office's folder holds after people have opened, saved and
exported them (issue 13): CSV saved by Excel on Chinese Windows (GBK, CRLF, dates ``2024/8/14``),
Chinese file names and headers, ``Penalties.CSV`` and other upper-case names, an ``.xls`` made by
LibreOffice, xlsx with real date cells, Parquet with a pandas ``category`` (dictionary) column, a
notes file and an Excel lock file beside them — and a few mangled rows: coerced numbers (``1e3``,
``-0``, ``1e-400``, ``1,000.5``, ``2.024e3``, full-width digits), dates no grammar takes
(``+2020-01-05``, ``2024年8月14日``), and names holding NUL, CR or a right-to-left override.

Every mangled row is recorded in ``expected.json`` with the rule that must quarantine it and the value
the quarantine must show, with the rows that must follow it by reference, and the rows of every file,
so that ``tests/cli/test_data.py`` can check each outcome and that rows in = accepted + quarantined.
Beside it, ``tests/office/ingest-refused/市场主体登记信息.csv`` is the same registry as Excel with an
English (US) locale saves it (``8/14/2024``), which no date rule reads: the disaster ingest must refuse.

Run ``.venv/bin/python scripts/office_ingest_files.py`` (needs ``soffice``) and commit the folders.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from xinyong.ingest import contract
from xinyong.synth import RegionSpec, generate_region

ROOT = Path(__file__).resolve().parent.parent / "tests" / "office"
FOLDER = ROOT / "ingest"
REFUSED = ROOT / "ingest-refused"
SPEC = RegionSpec(enterprises=1000, months=13, seed=13)
FIRMS = 400
# Tables whose rows are few: a mangled firm with rows in them would take them past the 5% limit.
SMALL_TABLES = ("serious_dishonesty", "social_insurance_arrears", "court_dishonest_debtors", "environmental_violations")


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        region = Path(scratch) / "region"
        generate_region(region, SPEC)
        frames = _subsample({t.name: pl.read_parquet(region / f"{t.name}.parquet") for t in contract.tables()})
        for folder in (FOLDER, REFUSED):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        expected = _write(frames, Path(scratch))
    (FOLDER / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {FOLDER} and {REFUSED}")


def _subsample(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The first FIRMS firms and every record of theirs; the whole roster and list of items."""
    firms = frames["enterprises"].head(FIRMS)
    kept = firms["uscc"].implode()
    out = {"enterprises": firms}
    for name, frame in frames.items():
        if name == "enterprises":
            continue
        if "uscc" in frame.columns:
            mine = pl.col("uscc").is_in(kept)
            frame = frame.filter(mine | pl.col("uscc").is_null() if name == "inspector_relations" else mine)
        out[name] = frame
    return out


def _text(frame: pl.DataFrame, date_format: str | None = None) -> pl.DataFrame:
    """Every cell as the text a spreadsheet shows: dates in ``date_format``, the rest as written."""
    dates = [c for c, t in frame.schema.items() if t == pl.Date]
    if date_format is not None:
        frame = frame.with_columns(pl.col(dates).dt.strftime(date_format))
    return frame.cast(pl.Utf8)


def _labelled(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    return frame.rename({c.name: c.label for c in contract.table(table).columns})


def _gbk_csv(frame: pl.DataFrame, path: Path) -> None:
    """As Excel on Chinese Windows saves "CSV (逗号分隔)": code page 936 (GBK), CRLF."""
    path.write_bytes(frame.write_csv(line_terminator="\r\n").encode("gbk"))


def _set(frame: pl.DataFrame, row: int, column: str, value: str) -> pl.DataFrame:
    return frame.with_columns(
        pl.when(pl.int_range(pl.len()) == row).then(pl.lit(value)).otherwise(pl.col(column)).alias(column)
    )


class _Mangler:
    """Mangles rows of text frames and records what ingest must say about each."""

    def __init__(self) -> None:
        self.quarantine: list[dict] = []

    def __call__(
        self, frame: pl.DataFrame, table: str, file: str, row: int, column: str, value: str, rule: str, shown: str = ""
    ) -> pl.DataFrame:
        self.quarantine.append(
            {"table": table, "file": file, "line": row + 2, "column": column, "rule": rule, "value": shown or value}
        )
        return _set(frame, row, column, value)


def _mangled_firms(frames: dict[str, pl.DataFrame]) -> list[int]:
    """Rows of three firms with records only in large tables, so that their loss stays within every limit."""
    small = pl.concat([frames[t].select("uscc") for t in SMALL_TABLES])["uscc"].implode()
    relations = frames["inspector_relations"]["uscc"].drop_nulls().implode()
    firms = frames["enterprises"].with_row_index("row")
    ok = firms.filter(~pl.col("uscc").is_in(small) & ~pl.col("uscc").is_in(relations) & (pl.col("row") > 0))
    return ok["row"].head(3).to_list()


def _write(frames: dict[str, pl.DataFrame], scratch: Path) -> dict:
    mangle = _Mangler()
    files: dict[str, str] = {}
    rows = {name: frame.height for name, frame in frames.items()}

    # 市场监管's registry: GBK CSV with Chinese headers and Excel's dates; three firms mangled.
    name, file = "enterprises", "市场主体登记信息.csv"
    registry = _text(frames[name], "%Y/%-m/%-d")
    cr, nul, capital = _mangled_firms(frames)
    original = frames[name]["name"].to_list()
    registry = mangle(
        registry,
        name,
        file,
        cr,
        "name",
        f"{original[cr][:4]}\r{original[cr][4:]}",
        "control_character",
        f"{original[cr][:4]}<U+000D>{original[cr][4:]}",
    )
    registry = mangle(
        registry, name, file, nul, "name", f"{original[nul]}\x00", "control_character", f"{original[nul]}<U+0000>"
    )
    registry = mangle(registry, name, file, capital, "registered_capital", "1e3", "invalid_decimal")
    _gbk_csv(_labelled(registry, name), FOLDER / file)
    files[name] = file
    us = _text(frames[name], "%-m/%-d/%Y")  # the same registry from a Windows with an English (US) locale
    _gbk_csv(_labelled(us, name), REFUSED / file)

    # The list of items: xlsx with Chinese headers; an Excel lock file beside it.
    name, file = "inspection_items", "抽查事项清单.xlsx"
    _labelled(frames[name], name).write_excel(FOLDER / file)
    (FOLDER / "~$抽查事项清单.xlsx").write_bytes(b"\x0c\x00\xe5\xbc\xa0\xe4\xb8\x89" + b"\x00" * 45)
    files[name] = file

    # The roster: .xls as LibreOffice converts an xlsx; date cells; numbers stored as text; bidi in two names.
    name, file = "inspectors", "执法检查人员名录.xls"
    roster = frames[name].with_columns(pl.col("pool_level", "capacity").cast(pl.Utf8))
    names = roster["name"].to_list()
    declared = frames["inspector_relations"]["inspector_id"].implode()
    bidi, isolate, capacity = roster.with_row_index("row").filter(~pl.col("inspector_id").is_in(declared))["row"][:3]
    roster = mangle(roster, name, file, bidi, "name", f"\u202e{names[bidi]}", "bidi_control", f"<U+202E>{names[bidi]}")
    roster = mangle(
        roster,
        name,
        file,
        isolate,
        "name",
        f"{names[isolate]}\u2067x\u2069",
        "bidi_control",
        f"{names[isolate]}<U+2067>x<U+2069>",
    )
    roster = mangle(roster, name, file, capacity, "capacity", "1e1", "invalid_int")
    xlsx = scratch / "执法检查人员名录.xlsx"
    _labelled(roster, name).write_excel(xlsx)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xls", "--outdir", str(FOLDER), str(xlsx)],
        check=True,
        capture_output=True,
        env={**os.environ, "HOME": str(scratch)},  # LibreOffice keeps its profile in HOME
    )
    files[name] = file

    # Declarations of interest: GBK CSV, English headers, dates without zero padding.
    name, file = "inspector_relations", "inspector_relations.csv"
    _gbk_csv(_text(frames[name], "%Y-%-m-%-d"), FOLDER / file)
    files[name] = file

    # Annual reports: Parquet whose USCC column is dictionary-encoded (pandas `category`).
    name, file = "annual_reports", "annual_reports.parquet"
    arrow = frames[name].to_arrow()
    arrow = arrow.set_column(0, "uscc", arrow.column("uscc").dictionary_encode())
    pq.write_table(arrow, FOLDER / file)
    files[name] = file

    for name, file in (
        ("abnormal_operations", "经营异常名录.csv"),
        ("serious_dishonesty", "严重违法失信名单.CSV"),
        ("court_dishonest_debtors", "失信被执行人.csv"),
        ("environmental_violations", "ENVIRONMENTAL_VIOLATIONS.csv"),
    ):
        _gbk_csv(_labelled(_text(frames[name], "%Y/%-m/%-d"), name), FOLDER / file)
        files[name] = file

    # Penalties: upper-case file name, English headers, numbers and dates polars would coerce.
    name, file = "penalties", "Penalties.CSV"
    penalties = _text(frames[name], "%Y/%-m/%-d")
    for row, column, value, rule in (
        (3, "fine_amount", "-0", "invalid_decimal"),
        (7, "fine_amount", "1e-400", "invalid_decimal"),
        (11, "fine_amount", "1,000.5", "invalid_decimal"),
        (15, "decided_date", "+2020-01-05", "invalid_date"),
    ):
        penalties = mangle(penalties, name, file, row, column, value, rule)
    _gbk_csv(penalties, FOLDER / file)
    files[name] = file

    # Tax ratings: years typed as Excel and other tools write them.
    name, file = "tax_credit_ratings", "纳税信用等级.csv"
    ratings = _text(frames[name])
    for row, value in ((2, "2.024e3"), (20, "２０２４"), (40, "2024.0"), (60, "+2024")):
        ratings = mangle(ratings, name, file, row, "rating_year", value, "invalid_int")
    _gbk_csv(_labelled(ratings, name), FOLDER / file)
    files[name] = file

    # Arrears: xlsx with real date cells.
    name, file = "social_insurance_arrears", "social_insurance_arrears.xlsx"
    frames[name].write_excel(FOLDER / file)
    files[name] = file

    # Complaints: xlsx with Chinese name and headers; one date typed as Chinese text.
    name, file = "complaints_12315", "12315投诉举报.xlsx"
    complaints = _text(frames[name])
    complaints = mangle(complaints, name, file, 4, "received_date", "2024年8月14日", "invalid_date")
    _labelled(complaints, name).write_excel(FOLDER / file)
    files[name] = file

    name, file = "inspections", "inspections.parquet"
    frames[name].write_parquet(FOLDER / file)
    files[name] = file

    (FOLDER / "说明.txt").write_text("各部门2026年10月报送数据。\r\n", encoding="gbk")
    return {
        "files": files,
        "rows": rows,
        "quarantine": mangle.quarantine + _by_reference(frames, mangle.quarantine, files),
    }


def _by_reference(frames: dict[str, pl.DataFrame], mangled: list[dict], files: dict[str, str]) -> list[dict]:
    """The rows that must be quarantined because they refer to a mangled firm or inspector."""
    lost = {
        (q["table"], q["line"]): frames[q["table"]].row(q["line"] - 2, named=True)
        for q in mangled
        if q["table"] in ("enterprises", "inspectors")
    }
    firms = {row["uscc"] for (table, _), row in lost.items() if table == "enterprises"}
    inspectors = {row["inspector_id"] for (table, _), row in lost.items() if table == "inspectors"}
    own = {(q["table"], q["line"]) for q in mangled}
    found = []
    for table in contract.tables():
        for column, gone in (("uscc", firms), ("inspector_id", inspectors)):
            if column not in table.column_names or table.column(column).references is None:
                continue
            first_line = 1 if files[table.name].endswith(".parquet") else 2
            for i, value in enumerate(frames[table.name][column].to_list()):
                line = i + first_line
                if value in gone and (table.name, line) not in own:
                    found.append(
                        {
                            "table": table.name,
                            "file": files[table.name],
                            "line": line,
                            "column": column,
                            "rule": "unknown_reference",
                            "value": value,
                        }
                    )
    return found


if __name__ == "__main__":
    main()
