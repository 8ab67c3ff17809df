"""The 不公开 guard finds every kind of leak it is meant to, and passes what is public by design."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from xinyong.publish.leaks import find_leaks

TIERS = pl.DataFrame(
    {
        "uscc": [f"91330802MA{i:07d}X" for i in range(20)],
        "score": [0.0123456 + i * 0.031 for i in range(20)],
        "tier": ["A", "B", "C", "D"] * 5,
    }
)


@pytest.fixture
def internal(tmp_path: Path) -> Path:
    path = tmp_path / "internal" / "tiers.parquet"
    path.parent.mkdir()
    TIERS.write_parquet(path)
    return path


def public_with(tmp_path: Path, name: str, content: str | bytes) -> Path:
    folder = tmp_path / "public"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def test_public_records_by_design_are_clean(tmp_path: Path, internal: Path) -> None:
    records = pl.DataFrame(
        {"uscc": TIERS["uscc"], "企业名称": ["某公司"] * 20, "结果": ["未发现问题"] * 20, "日期": ["2026-11-01"] * 20}
    )
    folder = public_with(tmp_path, "results.csv", records.write_csv())
    (folder / "index.html").write_text(
        "<html><body><h1>抽查结果公示</h1><p>抽查 470 户</p></body></html>", encoding="utf-8"
    )
    assert find_leaks(folder, [internal]) == []


@pytest.mark.parametrize(
    ("name", "content", "leak"),
    [
        ("list.csv", "uscc,tier\n91330802MA0000000X,A\n", "column 'tier' names internal data"),
        ("list.csv", "uscc,风险等级\n91330802MA0000000X,A\n", "column '风险等级' names internal data"),
        (
            "data.json",
            json.dumps({"round": "x", "firms": [{"uscc": "1", "risk_score": 0.5}]}),
            "key 'risk_score' names internal data",
        ),
        ("page.html", "<html><body><p>该企业信用风险分类为 D</p></body></html>", "text mentions '信用风险分类'"),
        ("note.txt", "selected with probability 0.31", "text mentions 'probability'"),
        (
            "grades.csv",
            "uscc,grade\n" + "".join(f"{u},{t}\n" for u, t in zip(TIERS["uscc"], TIERS["tier"], strict=True)),
            "column 'grade' holds the firms' internal tiers",
        ),
        ("numbers.txt", f"value {TIERS['score'][3]:.6f} here", f"value {TIERS['score'][3]:.6f} is an internal score"),
    ],
)
def test_each_kind_of_leak_is_found_and_named(
    tmp_path: Path, internal: Path, name: str, content: str, leak: str
) -> None:
    folder = public_with(tmp_path, name, content)
    assert find_leaks(folder, [internal]) == [f"{folder / name}: {leak}"]


def test_parquet_columns_are_scanned(tmp_path: Path, internal: Path) -> None:
    folder = tmp_path / "public"
    folder.mkdir()
    TIERS.select("uscc", pl.col("score").alias("p_violation_probability")).write_parquet(folder / "x.parquet")
    leaks = find_leaks(folder, [internal])
    assert leaks[0] == f"{folder / 'x.parquet'}: column 'p_violation_probability' names internal data"
    assert any("is an internal score" in leak for leak in leaks)


def test_spreadsheets_are_scanned_as_people_see_them(tmp_path: Path, internal: Path) -> None:
    from xinyong.workspace import sheets

    grades = pl.DataFrame({"统一社会信用代码": TIERS["uscc"], "等级": TIERS["tier"]})
    folder = tmp_path / "public"
    folder.mkdir()
    (folder / "list.xlsx").write_bytes(sheets.workbook({"清单": sheets.Sheet(grades, title=("某某名单", "说明"))}))
    (folder / "title.xlsx").write_bytes(
        sheets.workbook({"清单": sheets.Sheet(grades.head(1), title=("信用风险分类",))})
    )
    digits = grades.with_columns(
        pl.col("统一社会信用代码").str.replace("MA", "00").str.replace("X", "7")
    )  # all digits: ="…" in a CSV
    (folder / "list.csv").write_bytes(sheets.csv_bytes(digits))
    internal_digits = tmp_path / "internal" / "digits.parquet"
    TIERS.with_columns(pl.col("uscc").str.replace("MA", "00").str.replace("X", "7")).write_parquet(internal_digits)
    assert find_leaks(folder, [internal, internal_digits]) == [
        f"{folder / 'list.csv'}: column '等级' holds the firms' internal tiers",
        f"{folder / 'list.xlsx'}: column '等级' holds the firms' internal tiers",
        f"{folder / 'title.xlsx'}: text mentions '信用风险分类'",
    ]
