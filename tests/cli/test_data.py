"""``xinyong generate``, ``ingest`` and ``features`` as a person runs them (cli/data.py)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from tests.cli.conftest import Ran, run
from tests.conftest import INGEST_DAY, REPO
from xinyong.ingest import contract
from xinyong.workspace.sheets import plain_csv

# Hostile but real: a region as a district's departments send it (scripts/office_ingest_files.py made it).
OFFICE = REPO / "tests" / "office" / "ingest"
EXPECTED = json.loads((OFFICE / "expected.json").read_text(encoding="utf-8"))


def test_generate_ingest_and_features_through_the_cli(xinyong: Callable[..., Ran], tmp_path: Path) -> None:
    raw, clean, features = tmp_path / "raw", tmp_path / "clean", tmp_path / "internal" / "features.parquet"
    generated = xinyong("generate", "--out", raw, "--enterprises", 2000, "--months", 13, "--seed", 3)
    assert f"tables to {raw}" in generated.out and (raw / "enterprises.parquet").is_file()
    ingested = xinyong("ingest", raw, "--out", clean, "--today", INGEST_DAY)
    assert "enterprises" in ingested.out and "2,000" in ingested.out
    assert (clean / "manifest.json").is_file()
    built = xinyong("features", clean, "--as-of", "2026-10-31", "--out", features)
    rows = pl.read_parquet(features).height
    assert built.out.split() == f"Wrote {rows:,} enterprises × indicators to {features}".split()
    assert 1_000 < rows <= 2_000  # the live firms only


def test_a_missing_raw_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = run(["ingest", tmp_path / "nowhere", "--out", tmp_path / "clean"], capsys, monkeypatch)
    assert (ran.code, ran.err) == (2, f"Error: {tmp_path / 'nowhere'}: not a folder of raw tables\n")


def test_a_bad_option_value_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = run(["generate", "--out", tmp_path, "--enterprises", 5], capsys, monkeypatch)
    assert (ran.code, ran.err) == (2, "Error: --enterprises must be at least 1000, got 5\n")
    ran = run(["ingest", tmp_path, "--out", tmp_path / "c", "--today", "27/11/2026"], capsys, monkeypatch)
    assert (ran.code, ran.err) == (2, "Error: --today: not a date YYYY-MM-DD: '27/11/2026'\n")


def test_a_missing_column_stops_ingest_before_anything_is_written(
    small_region: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = Path(shutil.copytree(small_region / "csv", tmp_path / "raw"))
    pl.read_csv(raw / "enterprises.csv", infer_schema=False).drop("uscc").write_csv(raw / "enterprises.csv")
    ran = run(["ingest", raw, "--out", tmp_path / "clean"], capsys, monkeypatch)
    assert (ran.code, ran.err) == (2, f"Error: {raw / 'enterprises.csv'}: missing column uscc (统一社会信用代码)\n")
    assert not (tmp_path / "clean" / "manifest.json").exists()


def _quarantine(clean: Path) -> list[tuple]:
    found = []
    for table in contract.tables():
        # as a person sees it: the quarantine is a spreadsheet-safe CSV (="1e3" shows 1e3)
        frame = plain_csv(pl.read_csv(clean / "quarantine" / f"{table.name}.csv", infer_schema=False))
        found += [
            (table.name, r["file"], int(r["line"]), r["column"], r["rule"], r["value"]) for r in frame.rows(named=True)
        ]
    return sorted(found)


def test_an_office_folder_ingests_with_every_bad_row_named_and_every_row_counted(
    xinyong: Callable[..., Ran], tmp_path: Path
) -> None:
    """GBK CSVs with Excel's 2024/8/14 dates, Chinese file names and headers, Penalties.CSV, an .xls from
    LibreOffice, xlsx date cells, a pandas category column, a notes file and an Excel lock file; mangled
    numbers, dates and names are quarantined with their rule and the value read, nothing else is lost."""
    clean = tmp_path / "clean"
    ran = xinyong("ingest", OFFICE, "--out", clean, "--today", INGEST_DAY)
    assert "导入 Ingest" in ran.out and "REFUSED" not in ran.out
    manifest = json.loads((clean / "manifest.json").read_text(encoding="utf-8"))
    for name, entry in manifest["tables"].items():
        assert entry["file"] == EXPECTED["files"][name], name
        assert entry["input_rows"] == EXPECTED["rows"][name] == entry["accepted"] + entry["quarantined"], name
    expected = sorted(
        (q["table"], q["file"], q["line"], q["column"], q["rule"], q["value"]) for q in EXPECTED["quarantine"]
    )
    assert _quarantine(clean) == expected
    assert {rule for *_, rule, _ in expected} == {
        "control_character",
        "bidi_control",
        "invalid_decimal",
        "invalid_int",
        "invalid_date",
        "unknown_reference",
    }
    registry = pl.read_csv(OFFICE / "市场主体登记信息.csv", encoding="gbk", infer_schema=False)
    firms = pl.read_parquet(clean / "enterprises.parquet")
    first = registry.row(0, named=True)
    assert (
        "/" in first["成立日期"] and firms.row(0, named=True)["established"].strftime("%Y/%-m/%-d") == first["成立日期"]
    )
    assert firms["address"].str.starts_with("浙江省衢州市柯城区").all()
    assert pl.read_parquet(clean / "annual_reports.parquet").schema["uscc"] == pl.Utf8  # the category column
    roster = pl.read_parquet(clean / "inspectors.parquet")
    assert roster.schema["cert_expiry"] == pl.Date and roster["cert_expiry"].null_count() < roster.height


def test_an_office_registry_no_rule_reads_is_refused_loudly_and_leaves_clean_as_it_was(
    xinyong: Callable[..., Ran], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's disaster: every firm quarantined (dates as Excel with a US locale writes them), and every
    table that refers to firms with them; ingest must not exit 0, and the later steps must not run on it."""
    raw = Path(shutil.copytree(OFFICE, tmp_path / "raw"))
    shutil.copy(REPO / "tests" / "office" / "ingest-refused" / "市场主体登记信息.csv", raw / "市场主体登记信息.csv")
    never = tmp_path / "never-ingested"
    ran = run(["ingest", raw, "--out", never, "--today", INGEST_DAY], capsys, monkeypatch)
    relations = pl.read_csv(raw / "inspector_relations.csv", encoding="gbk", infer_schema=False)
    of_firms = relations["uscc"].drop_nulls().len()  # those naming only a legal representative stand
    rows = EXPECTED["rows"]
    assert (ran.code, ran.err) == (
        6,
        f"Error: {raw}: ingest refused (导入被拒绝): enterprises (市场主体登记信息): all 400 rows quarantined; "
        f"inspector_relations (回避关系申报): {of_firms} of {relations.height} rows quarantined "
        f"({of_firms / relations.height * 100:.3g}%; --max-quarantined 5%); annual_reports (年度报告): all "
        f"{rows['annual_reports']:,} rows quarantined; and 8 more tables (abnormal_operations, penalties, "
        "tax_credit_ratings, social_insurance_arrears, court_dishonest_debtors, environmental_violations, "
        f"complaints_12315, inspections); {never} was left as it was, and every quarantined row with its rule is in "
        f"{never / 'refused' / 'quarantine'}\n",
    )
    assert "导入被拒绝 INGEST REFUSED" in ran.out
    assert "拒绝 REFUSED enterprises (市场主体登记信息): 全部 400 行被隔离 / all 400 rows quarantined" in ran.out
    refused = pl.read_csv(never / "refused" / "quarantine" / "enterprises.csv", infer_schema=False)
    assert refused.height == 400 and set(refused["rule"]) == {"invalid_date"}
    assert sorted(p.name for p in never.iterdir()) == ["ingest.lock", "refused"]
    features = run(["features", never, "--as-of", "2026-10-31", "--out", tmp_path / "f.parquet"], capsys, monkeypatch)
    assert (features.code, features.err) == (
        2,
        f"Error: {never}: not a clean folder (it has no manifest.json); make one with `xinyong ingest`\n",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda raw: pl.read_parquet(raw / "inspections.parquet").write_parquet(raw / "Inspections.PARQUET"),
            lambda raw: (
                f"{raw}: table inspections (历史双随机抽查结果) is in 2 files, Inspections.PARQUET and "
                "inspections.parquet; keep one"
            ),
        ),
        (
            lambda raw: [(raw / name).unlink() for name in ("Penalties.CSV", "12315投诉举报.xlsx")],
            lambda raw: (
                f"{raw}: 2 of 14 tables missing: penalties (行政处罚), complaints_12315 (12315投诉举报); name "
                "each file after its table or its Chinese name, ending .parquet, .csv, .xlsx, .xls (e.g. penalties.csv "
                "or 行政处罚.xlsx)"
            ),
        ),
    ],
    ids=["a table in two files", "two tables missing"],
)
def test_an_office_folder_with_a_doubled_or_missing_table_is_one_line(
    change, message, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = Path(shutil.copytree(OFFICE, tmp_path / "raw"))
    change(raw)
    ran = run(["ingest", raw, "--out", tmp_path / "clean"], capsys, monkeypatch)
    assert (ran.code, ran.err) == (2, f"Error: {message(raw)}\n")
    assert not (tmp_path / "clean").exists()
