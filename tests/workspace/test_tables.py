"""Raw tables and forms from CSV, xlsx, xls or Parquet: the header found wherever it is, the row numbers Excel shows
(blank rows counted, in CSV and workbooks alike), the CSV encoding detected, whole-file problems in one line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from tests.conftest import REPO
from xinyong.errors import InputFileError
from xinyong.ingest import contract
from xinyong.workspace.tables import LINE, csv_encoding, header_key, read_table

TABLE = contract.table("penalties")
FORM = contract.results_form()
OFFICE = REPO / "tests" / "office" / "results"
ROW = {
    "record_id": "CF-2024-0000001",
    "uscc": "91330802MA296TDX3C",
    "department": "市场监管",
    "decided_date": "2024-08-14",
    "severity": "一般",
    "fine_amount": "500",
}


def write_book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A workbook whose sheets hold these rows from A1 (None: an empty cell; a date: a date cell)."""
    book = xlsxwriter.Workbook(path)
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), dates)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def test_csv_rows_are_numbered_as_lines_after_the_header(tmp_path: Path) -> None:
    path = tmp_path / "penalties.csv"
    columns = TABLE.column_names
    path.write_text(",".join(columns) + "\n" + ",".join("x" for _ in columns) + "\n", encoding="utf-8")
    frame = read_table(path, TABLE)
    assert frame[LINE].to_list() == [2]
    assert set(columns) <= set(frame.columns) and frame["record_id"].to_list() == ["x"]


def test_blank_rows_keep_the_numbers_of_the_rows_after_them_in_csv_and_xlsx_alike(tmp_path: Path) -> None:
    labels = [TABLE.column(c).label for c in ROW]
    values = list(ROW.values())
    other = [*values[:-1], "600"]
    rows: list[list[object]] = [["行政处罚信息"], [], labels, values, [], [None] * 6, other, []]
    csv = tmp_path / "penalties.csv"
    csv.write_text("\n".join(",".join("" if v is None else str(v) for v in r) for r in rows) + "\n", encoding="utf-8")
    xlsx = write_book(tmp_path / "penalties.xlsx", {"Sheet1": rows})
    for path in (csv, xlsx):
        frame = read_table(path, TABLE)
        assert frame.select(LINE, "fine_amount").rows() == [(4, "500"), (7, "600")], path


def test_a_quoted_line_break_is_one_row_as_a_spreadsheet_shows_it(tmp_path: Path) -> None:
    path = tmp_path / "penalties.csv"
    head = ",".join(ROW)
    first = ",".join(ROW.values())
    path.write_text(f'"处罚\n清单"\n{head}\n{first}\n', encoding="utf-8")
    assert read_table(path, TABLE)[LINE].to_list() == [3]


def test_the_sheet_is_found_by_its_header_after_a_note_sheet_and_title_rows(tmp_path: Path) -> None:
    header = [
        " 统一社会信用代码 ",
        "处罚决定书 文号",
        "ＦＩＮＥ＿ＡＭＯＵＮＴ",
        *[TABLE.column(c).label for c in list(ROW)[2:5]],
    ]
    row = [ROW["uscc"], ROW["record_id"], "500", *list(ROW.values())[2:5]]
    path = write_book(
        tmp_path / "penalties.xlsx",
        {"说明": [["填表说明"], ["处罚决定书文号", "统一社会信用代码"]], "数据": [["标题"], [None], header, row]},
    )
    frame = read_table(path, TABLE)
    assert frame.select(LINE, "record_id", "uscc", "fine_amount").rows() == [(4, ROW["record_id"], ROW["uscc"], "500")]


def test_a_workbook_cell_reads_as_text_and_a_date_cell_with_its_time(tmp_path: Path) -> None:
    values = [*list(ROW.values())[:3], dt.date(2024, 8, 14), "一般", 500.5]
    path = write_book(tmp_path / "penalties.xlsx", {"Sheet1": [list(ROW), values]})
    assert read_table(path, TABLE).select("decided_date", "fine_amount").row(0) == ("2024-08-14 00:00:00", "500.5")


def test_an_old_excel_file_reads_like_a_new_one() -> None:
    xls = read_table(OFFICE / "05-Excel97-2003.xls", FORM, optional_may_be_absent=True)
    xlsx = read_table(OFFICE / "01-部分填写-第一批.xlsx", FORM, optional_may_be_absent=True)
    assert xls.height == xlsx.height == 119 and xls[LINE].to_list() == xlsx[LINE].to_list()
    assert xls.select("uscc", "team").equals(xlsx.select("uscc", "team"))


def test_a_header_that_names_no_table_column_is_the_missing_columns_error(tmp_path: Path) -> None:
    path = write_book(tmp_path / "penalties.xlsx", {"说明": [["只有说明"]], "空": []})
    with pytest.raises(InputFileError) as caught:
        read_table(path, TABLE)
    wanted = ", ".join(f"{c.name} ({c.label})" for c in TABLE.columns)
    assert str(caught.value) == f"{path}: missing column {wanted}"


def test_the_header_naming_most_columns_is_the_one_the_error_speaks_of(tmp_path: Path) -> None:
    path = tmp_path / "penalties.csv"
    path.write_text("record_id\n" + ",".join(list(ROW)[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_table(path, TABLE)
    assert str(caught.value) == f"{path}: missing column fine_amount (罚没金额(元))"


def test_a_column_named_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "penalties.csv"
    path.write_text("标题\n" + ",".join(ROW) + ",统一社会信用代码\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_table(path, TABLE)
    assert str(caught.value) == f"{path}: column uscc (统一社会信用代码) is in the header twice (row 2)"


def test_a_row_wider_than_the_header_is_named(tmp_path: Path) -> None:
    path = tmp_path / "penalties.csv"
    path.write_text(",".join(ROW) + "\n" + ",".join(ROW.values()) + "\n" + ",".join(ROW.values()) + ",x\n")
    with pytest.raises(InputFileError) as caught:
        read_table(path, TABLE)
    assert str(caught.value) == (
        f"{path}: row 3 has 7 cells but the header (row 1) has 6; a cell holding a comma must be quoted"
    )


def test_header_cells_match_after_nfkc_without_spaces_in_any_case() -> None:
    assert header_key(" 注册资本（万元） ") == header_key("注册资本(万元)") == "注册资本(万元)"
    assert header_key("ＵＳＣＣ") == header_key("uscc") and header_key(None) == ""


@pytest.mark.parametrize(
    ("data", "codec"),
    [
        ("处罚".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "处罚".encode(), "utf-8-sig"),
        ("处罚".encode("gbk"), "gb18030"),
        (b"plain ascii", "utf-8"),
    ],
)
def test_the_csv_encoding_is_detected(data: bytes, codec: str, tmp_path: Path) -> None:
    assert csv_encoding(data, None, tmp_path) == codec


def test_a_given_encoding_wins(tmp_path: Path) -> None:
    assert csv_encoding("处罚".encode(), "gbk", tmp_path) == "gbk"
    assert csv_encoding(b"x", "UTF8", tmp_path) == "utf-8-sig"


def test_gbk_and_bom_csv_files_read_without_being_told(tmp_path: Path) -> None:
    text = ",".join(TABLE.column(c).label for c in ROW) + "\r\n" + ",".join(ROW.values()) + "\r\n"
    for codec in ("gbk", "utf-8-sig", "gb18030"):
        path = tmp_path / f"{codec}.csv"
        path.write_bytes(text.encode(codec))
        assert read_table(path, TABLE).select("department", "severity").row(0) == ("市场监管", "一般"), codec


def test_gbk_bytes_read_as_utf8_when_told_get_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "penalties.csv"
    path.write_bytes("处罚,x\n".encode("gbk"))
    with pytest.raises(InputFileError) as caught:
        read_table(path, TABLE, "utf-8")
    assert str(caught.value) == f"{path}: not valid utf-8 at byte 0; if it came from a GBK system, pass --encoding gbk"


def test_bytes_of_no_known_encoding_are_one_error(tmp_path: Path) -> None:
    path = tmp_path / "penalties.csv"
    path.write_bytes(b"record_id\n\x80\xff\n")
    with pytest.raises(InputFileError) as caught:
        read_table(path, TABLE)
    assert str(caught.value) == f"{path}: neither UTF-8 nor GB18030 (GBK) at byte 10; pass --encoding"


def test_utf16_text_is_refused_as_no_csv(tmp_path: Path) -> None:
    path = tmp_path / "penalties.csv"
    path.write_bytes("record_id\tuscc\n".encode("utf-16"))
    with pytest.raises(InputFileError) as caught:
        read_table(path, TABLE)
    assert str(caught.value) == (
        f"{path}: is UTF-16 text (Excel's “Unicode 文本”), not CSV; save it as CSV UTF-8 or CSV"
    )


def test_an_unknown_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "penalties.csv"
    path.write_text("x\n")
    with pytest.raises(InputFileError) as caught:
        read_table(path, TABLE, "klingon")
    assert str(caught.value) == f"{path}: unknown encoding 'klingon'"


def test_a_corrupt_parquet_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "penalties.parquet"
    path.write_bytes(b"PAR1 not really")
    with pytest.raises(InputFileError, match="not a readable Parquet file"):
        read_table(path, TABLE)


def test_a_corrupt_workbook_is_one_error(tmp_path: Path) -> None:
    for suffix in (".xlsx", ".xls"):
        path = tmp_path / f"penalties{suffix}"
        path.write_bytes(b"PK not really a workbook")
        with pytest.raises(InputFileError) as caught:
            read_table(path, TABLE)
        assert str(caught.value).startswith(f"{path}: not a readable {suffix[1:]} file (")


def test_an_unknown_kind_of_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "penalties.txt"
    path.write_text("x")
    with pytest.raises(InputFileError) as caught:
        read_table(path, TABLE)
    assert str(caught.value) == f"{path}: unsupported file type '.txt'; use .csv, .parquet, .xlsx or .xls"


def test_suffixes_are_read_in_any_letter_case(tmp_path: Path) -> None:
    """Excel on Windows saves PENALTIES.CSV and 行政处罚.XLSX as readily as the lower-case names."""
    frame = pl.DataFrame({c: ["x"] for c in TABLE.column_names})
    frame.write_csv(tmp_path / "Penalties.CSV")
    frame.write_excel(tmp_path / "行政处罚.XLSX")
    for name in ("Penalties.CSV", "行政处罚.XLSX"):
        read = read_table(tmp_path / name, TABLE)
        assert read.drop(LINE).equals(frame) and read[LINE].to_list() == [2], name


def test_parquet_rows_are_numbered_from_one(tmp_path: Path) -> None:
    path = tmp_path / "penalties.parquet"
    pl.DataFrame({c: ["x", "y"] for c in TABLE.column_names}).write_parquet(path)
    assert read_table(path, TABLE)[LINE].to_list() == [1, 2]
