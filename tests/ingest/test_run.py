"""``xinyong ingest`` end to end: clean regions pass, corrupted rows are caught exactly, files are safe."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import INGEST_DAY
from tests.ingest.corrupt import corrupt, expected_quarantine, read_all
from xinyong.errors import IngestRefusedError, InputFileError, UsageError
from xinyong.ingest import contract
from xinyong.ingest.limits import Limits
from xinyong.ingest.run import ingest

TABLES = [t.name for t in contract.tables()]
# Corruption tests quarantine many rows on purpose: only a table quarantined whole is refused.
LAX = Limits(max_quarantined=1.0, max_registry_loss=1.0)


def write_csv_region(frames: dict[str, pl.DataFrame], folder: Path, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        text = frame.write_csv()
        (folder / f"{name}.csv").write_bytes(text.encode(encoding))
    return folder


def quarantined(clean: Path) -> dict[tuple[str, int], tuple[str, str]]:
    found = {}
    for name in TABLES:
        frame = pl.read_csv(clean / "quarantine" / f"{name}.csv", infer_schema=False, encoding="utf8")
        for row in frame.iter_rows(named=True):
            found[(name, int(row["line"]))] = (row["column"], row["rule"])
    return found


def test_default_region_quarantines_nothing(default_region: Path, tmp_path: Path) -> None:
    reports = ingest(default_region, tmp_path / "clean", today=INGEST_DAY)
    manifest = json.loads((tmp_path / "clean" / "manifest.json").read_text(encoding="utf-8"))
    assert reports["enterprises"].input_rows == 60_000
    for name in TABLES:
        entry = manifest["tables"][name]
        assert entry["quarantined"] == 0, (name, entry["quarantined_by_rule"])
        assert entry["input_rows"] == entry["accepted"] > 0
        assert pl.read_parquet(tmp_path / "clean" / f"{name}.parquet").height == entry["accepted"]


def test_corrupted_rows_are_exactly_the_quarantined_ones(default_region: Path, tmp_path: Path) -> None:
    original = read_all(default_region, TABLES)
    broken_frames, broken = corrupt(original, share=0.01, seed=5)
    expected = expected_quarantine(original, broken_frames, broken)
    raw = write_csv_region(broken_frames, tmp_path / "raw")

    ingest(raw, tmp_path / "clean", today=INGEST_DAY, limits=LAX)

    found = quarantined(tmp_path / "clean")
    assert found == expected
    rules = {rule for _, rule in expected.values()}
    assert rules >= {
        "uscc_check",
        "range",
        "invalid_date",
        "allowed_values",
        "unknown_reference",
        "invalid_decimal",
        "date_in_future",
        "missing",
        "invalid_int",
        "duplicate_key",
    }
    manifest = json.loads((tmp_path / "clean" / "manifest.json").read_text(encoding="utf-8"))
    for name in TABLES:
        entry = manifest["tables"][name]
        assert entry["input_rows"] == entry["accepted"] + entry["quarantined"] == original[name].height
        assert entry["quarantined"] == sum(1 for t, _ in expected if t == name)


def test_large_parquet_tables_are_validated_in_batches_with_the_same_result(
    default_region: Path, tmp_path: Path, monkeypatch
) -> None:
    import xinyong.ingest.run

    original = read_all(default_region, TABLES)
    broken_frames, broken = corrupt(original, share=0.01, seed=7)
    expected = expected_quarantine(original, broken_frames, broken)
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, frame in broken_frames.items():
        frame.write_parquet(raw / f"{name}.parquet")
    ingest(raw, tmp_path / "whole", today=INGEST_DAY, limits=LAX)
    monkeypatch.setattr(xinyong.ingest.run, "BATCH_ROWS", 7_000)  # annual reports: 38 batches
    ingest(raw, tmp_path / "batched", today=INGEST_DAY, limits=LAX)
    # Parquet lines count from 1, CSV lines (header first) from 2.
    assert quarantined(tmp_path / "batched") == {(t, line - 1): v for (t, line), v in expected.items()}
    for name in TABLES:
        whole, batched = (pl.read_parquet(tmp_path / d / f"{name}.parquet") for d in ("whole", "batched"))
        assert batched.equals(whole), name
    duplicates = pl.concat(
        [
            pl.read_csv(tmp_path / "batched" / "quarantine" / f"{name}.csv", infer_schema=False).select(
                "line", "rule", "detail"
            )
            for name in TABLES
        ]
    ).filter(pl.col("rule") == "duplicate_key")
    first = duplicates["detail"].str.extract(r"第 (\d+) 行").cast(pl.Int64)
    assert (
        (duplicates["line"].cast(pl.Int64) - 1) // 7_000 > (first - 1) // 7_000
    ).any()  # a duplicate found across batches


def test_quarantine_keeps_the_row_as_read(small_region: Path, tmp_path: Path) -> None:
    frames = read_all(small_region, TABLES)
    frames["penalties"] = frames["penalties"].with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("abc")).otherwise(pl.col("fine_amount")).alias("fine_amount")
    )
    ingest(write_csv_region(frames, tmp_path / "raw"), tmp_path / "clean", today=INGEST_DAY)
    row = pl.read_csv(tmp_path / "clean" / "quarantine" / "penalties.csv", infer_schema=False).row(0, named=True)
    first = frames["penalties"].row(0, named=True)
    assert row == {
        "file": "penalties.csv",
        "line": "2",
        "column": "fine_amount",
        "rule": "invalid_decimal",
        "value": "abc",
        "detail": "须为十进制数，如 12.5（不接受科学计数法、正号、千位分隔符和 -0）",
        **first,
    }


def test_a_workspace_list_of_towns_replaces_the_shipped_one(small_region: Path, tmp_path: Path) -> None:
    """A workspace that lists its towns (xinyong.toml [[town]]): a registry row of a town it does not
    list is quarantined, as is one of a station none of its towns has."""
    listed = tuple(t for t in contract.shipped_towns() if t.town != "府山街道")  # 白云街道 keeps 府山市场监管所
    listed = tuple(replace(t, station="白云所") if t.town == "白云街道" else t for t in listed)
    ingest(small_region, tmp_path / "clean", today=INGEST_DAY, towns=listed, limits=LAX)
    firms = pl.read_parquet(small_region / "enterprises.parquet")
    rejected = pl.read_csv(tmp_path / "clean" / "quarantine" / "enterprises.csv", infer_schema=False)
    expected = firms.filter(pl.col("town") == "府山街道").height + firms.filter(pl.col("town") == "白云街道").height
    assert rejected.height == expected > 0
    assert set(zip(rejected["column"], rejected["rule"], strict=True)) == {
        ("town", "allowed_values"),
        ("station", "allowed_values"),
    }
    assert set(rejected.filter(pl.col("column") == "town")["value"]) == {"府山街道"}
    assert set(rejected.filter(pl.col("column") == "station")["value"]) == {"府山市场监管所"}


def test_gbk_csv_reads_without_being_told_and_a_wrong_encoding_is_one_error(small_region: Path, tmp_path: Path) -> None:
    raw = write_csv_region(read_all(small_region, TABLES), tmp_path / "raw", encoding="gbk")
    with pytest.raises(InputFileError) as caught:
        ingest(raw, tmp_path / "clean", encoding="utf-8", today=INGEST_DAY)
    assert str(caught.value) == (
        f"{raw / 'enterprises.csv'}: not valid utf-8 at byte {_first_non_ascii(raw / 'enterprises.csv')}; "
        "if it came from a GBK system, pass --encoding gbk"
    )
    reports = ingest(raw, tmp_path / "clean", today=INGEST_DAY)
    assert all(r.quarantined == 0 for r in reports.values())
    names = pl.read_parquet(tmp_path / "clean" / "enterprises.parquet")["name"]
    assert names.to_list() == pl.read_parquet(small_region / "enterprises.parquet")["name"].to_list()


def _first_non_ascii(path: Path) -> int:
    return next(i for i, b in enumerate(path.read_bytes()) if b >= 0x80)


def test_xlsx_tables_read_like_csv(small_region: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(small_region, raw, ignore=shutil.ignore_patterns("*.csv", "truth"))
    (raw / "penalties.parquet").unlink()
    penalties = pl.read_parquet(small_region / "penalties.parquet")
    labelled = penalties.rename({c.name: c.label for c in contract.table("penalties").columns})
    labelled.write_excel(raw / "penalties.xlsx")  # Chinese headers, real date cells
    reports = ingest(raw, tmp_path / "clean", today=INGEST_DAY)
    assert reports["penalties"].file == "penalties.xlsx"
    assert reports["penalties"].quarantined == 0
    assert pl.read_parquet(tmp_path / "clean" / "penalties.parquet").equals(penalties)


def test_missing_column_is_a_whole_file_error_and_writes_nothing(small_region: Path, tmp_path: Path) -> None:
    raw = Path(shutil.copytree(small_region / "csv", tmp_path / "raw"))
    frame = pl.read_csv(raw / "penalties.csv", infer_schema=False).drop("severity")
    frame.write_csv(raw / "penalties.csv")
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "keep.txt").write_text("already here")
    with pytest.raises(InputFileError) as caught:
        ingest(raw, clean, today=INGEST_DAY)
    assert str(caught.value) == f"{raw / 'penalties.csv'}: missing column severity (情节)"
    assert sorted(p.name for p in clean.iterdir()) == ["ingest.lock", "keep.txt"]
    assert (clean / "ingest.lock").read_bytes() == b""  # the lock ingest held, empty once released


def test_failed_ingest_leaves_the_previous_clean_folder_intact(small_region: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    ingest(small_region, clean, today=INGEST_DAY)
    before = {p: p.read_bytes() for p in clean.rglob("*") if p.is_file()}
    raw = tmp_path / "raw"
    shutil.copytree(small_region, raw, ignore=shutil.ignore_patterns("*.csv", "truth"))
    (raw / "penalties.parquet").write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(InputFileError, match=r"penalties\.parquet: not a readable Parquet file"):
        ingest(raw, clean, today=INGEST_DAY)
    after = {p: p.read_bytes() for p in clean.rglob("*") if p.is_file()}
    assert after == before


def test_missing_tables_are_all_named_at_once(small_region: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(small_region, raw, ignore=shutil.ignore_patterns("complaints_12315.*", "penalties.*", "truth"))
    with pytest.raises(InputFileError) as caught:
        ingest(raw, tmp_path / "clean", today=INGEST_DAY)
    assert str(caught.value) == (
        f"{raw}: 2 of 14 tables missing: penalties (行政处罚), complaints_12315 (12315投诉举报); name each file after "
        "its table or its Chinese name, ending .parquet, .csv, .xlsx, .xls (e.g. penalties.csv or 行政处罚.xlsx)"
    )
    assert not (tmp_path / "clean").exists()


def test_a_table_in_two_formats_is_refused_naming_both(small_region: Path, tmp_path: Path) -> None:
    raw = Path(shutil.copytree(small_region, tmp_path / "raw", ignore=shutil.ignore_patterns("truth", "csv")))
    shutil.copy(small_region / "csv" / "enterprises.csv", raw / "enterprises.csv")
    with pytest.raises(InputFileError) as caught:
        ingest(raw, tmp_path / "clean", today=INGEST_DAY)
    assert str(caught.value) == (
        f"{raw}: table enterprises (市场主体登记信息) is in 2 files, enterprises.csv and enterprises.parquet; keep one"
    )


def test_a_clean_folder_that_holds_the_raw_folder_is_refused(small_region: Path, tmp_path: Path) -> None:
    raw = Path(shutil.copytree(small_region, tmp_path / "clean" / "quarantine"))
    with pytest.raises(UsageError) as caught:
        ingest(raw, tmp_path / "clean", today=INGEST_DAY)
    assert str(caught.value) == f"{tmp_path / 'clean'}: holds the input folder {raw}; write the clean folder elsewhere"


def test_parquet_columns_of_other_types_are_an_error_and_category_text_is_text(
    small_region: Path, tmp_path: Path
) -> None:
    raw = Path(shutil.copytree(small_region, tmp_path / "raw", ignore=shutil.ignore_patterns("truth", "csv")))
    reports = pl.read_parquet(small_region / "annual_reports.parquet")
    reports.with_columns(pl.col("uscc").cast(pl.Categorical)).write_parquet(raw / "annual_reports.parquet")
    ingested = ingest(raw, tmp_path / "clean", today=INGEST_DAY)
    assert ingested["annual_reports"].accepted == reports.height
    assert pl.read_parquet(tmp_path / "clean" / "annual_reports.parquet").equals(reports)
    penalties = pl.read_parquet(small_region / "penalties.parquet")
    penalties.with_columns(pl.concat_list("uscc").alias("uscc")).write_parquet(raw / "penalties.parquet")
    with pytest.raises(InputFileError) as caught:
        ingest(raw, tmp_path / "clean", today=INGEST_DAY)
    assert str(caught.value) == (
        f"{raw / 'penalties.parquet'}: column uscc (统一社会信用代码) is of type List(String); "
        "the data contract expects text (String)"
    )


def _snapshot(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.suffix != ".lock"}


def test_a_registry_quarantined_whole_is_refused_and_the_clean_folder_left_as_it_was(
    small_region: Path, tmp_path: Path
) -> None:
    """The issue's disaster: a registry whose dates no rule reads (here US-style 8/14/2024) lost every firm,
    and with it every table that refers to firms, and ingest went on with exit 0."""
    clean = tmp_path / "clean"
    ingest(small_region, clean, today=INGEST_DAY)
    before = _snapshot(clean)
    raw = Path(shutil.copytree(small_region, tmp_path / "raw", ignore=shutil.ignore_patterns("truth", "csv")))
    firms = pl.read_parquet(raw / "enterprises.parquet")
    (raw / "enterprises.parquet").unlink()
    us_dates = firms.with_columns(pl.col("established", "status_date").dt.strftime("%-m/%-d/%Y"))
    us_dates.write_csv(raw / "市场主体登记信息.csv")
    with pytest.raises(IngestRefusedError) as caught:
        ingest(raw, clean, today=INGEST_DAY)
    refused = caught.value
    assert refused.exit_code == 6
    relations = refused.reports["inspector_relations"]  # those that name only a legal representative stand
    assert str(refused) == (
        f"{raw}: ingest refused (导入被拒绝): enterprises (市场主体登记信息): all {firms.height:,} rows quarantined; "
        f"inspector_relations (回避关系申报): {relations.quarantined} of {relations.input_rows} rows quarantined "
        f"({relations.share * 100:.3g}%; --max-quarantined 5%); annual_reports (年度报告): all "
        f"{refused.reports['annual_reports'].input_rows:,} rows quarantined; and 9 more tables (abnormal_operations, "
        "serious_dishonesty, penalties, tax_credit_ratings, social_insurance_arrears, court_dishonest_debtors, "
        f"environmental_violations, complaints_12315, inspections); {clean} was left as it was, and every quarantined "
        f"row with its rule is in {clean / 'refused' / 'quarantine'}"
    )
    assert _snapshot(clean) == {**before, **{p: b for p, b in _snapshot(clean).items() if p.parts[0] == "refused"}}
    assert refused.refusals[0].zh == f"全部 {firms.height:,} 行被隔离"
    kept = pl.read_csv(clean / "refused" / "quarantine" / "enterprises.csv", infer_schema=False)
    assert kept.height == firms.height and set(kept["rule"]) == {"invalid_date"}
    assert kept.row(0, named=True)["value"] == us_dates.row(0, named=True)["established"]
    report = json.loads((clean / "refused" / "refused.json").read_text(encoding="utf-8"))
    for name, entry in report["tables"].items():
        assert entry["input_rows"] == entry["accepted"] + entry["quarantined"], name
    assert [r["table"] for r in report["refused"]] == [r.table for r in refused.refusals]
    assert report["refused"][0] == {"table": "enterprises", "zh": refused.refusals[0].zh, "en": refused.refusals[0].en}
    ingest(small_region, clean, today=INGEST_DAY)  # fixed: the next ingest stands, and the refusal goes
    assert not (clean / "refused").exists() and _snapshot(clean) == before


def test_a_registry_smaller_than_the_previous_ingest_is_refused(small_region: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    ingest(small_region, clean, today=INGEST_DAY)
    raw = Path(shutil.copytree(small_region, tmp_path / "raw", ignore=shutil.ignore_patterns("truth", "csv")))
    firms = pl.read_parquet(raw / "enterprises.parquet")
    firms.head(firms.height // 2).write_parquet(raw / "enterprises.parquet")  # a partial export
    with pytest.raises(IngestRefusedError) as caught:
        ingest(raw, clean, today=INGEST_DAY, limits=Limits(max_quarantined=1.0))
    assert caught.value.refusals[0].en == (
        f"{firms.height // 2:,} firms accepted, 50% fewer than the {firms.height:,} of the previous ingest "
        f"({INGEST_DAY}; --max-registry-loss 1%)"
    )
    ingest(raw, clean, today=INGEST_DAY, limits=Limits(max_quarantined=1.0, max_registry_loss=0.5))


@pytest.fixture(scope="module")
def small_frames(small_region: Path) -> dict[str, pl.DataFrame]:
    return read_all(small_region, TABLES)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), share=st.sampled_from([0.001, 0.01, 0.05, 0.2]))
def test_ingest_conserves_rows_under_random_corruption(small_frames, tmp_path_factory, seed: int, share: float) -> None:
    broken_frames, broken = corrupt(small_frames, share=share, seed=seed)
    folder = tmp_path_factory.mktemp("fuzz")
    reports = ingest(write_csv_region(broken_frames, folder / "raw"), folder / "clean", today=INGEST_DAY, limits=LAX)
    for name, report in reports.items():
        assert report.input_rows == report.accepted + report.quarantined == broken_frames[name].height
    assert quarantined(folder / "clean") == expected_quarantine(small_frames, broken_frames, broken)
