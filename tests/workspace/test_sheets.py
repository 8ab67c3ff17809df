"""Workbooks laid out for A4 and Chinese, forms with protected columns, and CSV no spreadsheet misreads or runs."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import polars as pl

from tests import office
from xinyong.workspace import sheets
from xinyong.workspace.sheets import Entry, Sheet

DIGITS = "913308021420021123"  # an all-digit USCC: a float keeps 15 of its 18 digits
HOSTILE = ['=HYPERLINK("http://example.invalid","点此")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\t=1", "\r=1"]


def xml(data: bytes, part: str = "xl/worksheets/sheet1.xml") -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(part).decode()


def test_display_width_counts_a_cjk_character_twice_and_columns_fit_their_values() -> None:
    assert sheets.display_width("衢州A１") == 2 + 2 + 1 + 2  # the full-width digit is wide too
    assert sheets.column_width("网格", ["东"]) == 7  # the header (4), a tenth wider (5), two of padding
    assert sheets.column_width("统一社会信用代码", [DIGITS]) == 22  # 18 × 1.1 rounded up, + 2
    assert sheets.column_width("名称", ["衢" * 40]) == 35  # at most MAX_WIDTH 30: the rest wraps
    assert sheets.lines("衢" * 40, 35) == 3 and sheets.lines("第一行\n第二行", 35) == 2


def test_a_wide_sheet_prints_landscape_one_page_wide_with_its_header_on_every_page() -> None:
    wide = pl.DataFrame({f"列{i}": ["衢州市柯城区某某有限公司"] for i in range(6)})
    narrow = pl.DataFrame({"计划编号": ["P01"], "户数": [12]})
    assert sheets.layout(Sheet(wide)).landscape and not sheets.layout(Sheet(narrow)).landscape
    assert not sheets.layout(Sheet(wide, printed=2)).landscape  # only the printed columns count
    data = sheets.workbook({"清单": Sheet(wide, title=("某某清单", "说明"))})
    sheet = xml(data)
    assert '<pageSetup paperSize="9" fitToHeight="0" orientation="landscape"/>' in sheet
    assert '<pageSetUpPr fitToPage="1"/>' in sheet
    assert "<oddHeader>&amp;L某某清单</oddHeader><oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter>" in sheet
    assert '<pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" state="frozen"/>' in sheet
    assert '<definedName name="_xlnm.Print_Titles" localSheetId="0">清单!$3:$3</definedName>' in xml(
        data, "xl/workbook.xml"
    )


def test_cells_keep_their_types_and_text_is_never_a_formula() -> None:
    frame = pl.DataFrame(
        {
            "代码": [DIGITS, HOSTILE[0]],
            "户数": [3, None],
            "日期": [dt.date(2026, 12, 11), None],
            "逾期": [True, False],
        }
    )
    data = sheets.workbook({"表": frame})
    assert "<f>" not in xml(data)
    back = pl.read_excel(io.BytesIO(data), sheet_name="表")
    assert back["代码"].to_list() == [DIGITS, HOSTILE[0]] and back["户数"].to_list() == [3, None]
    assert back["日期"].to_list() == [dt.date(2026, 12, 11), None] and back["逾期"].to_list() == ["是", "否"]


def test_a_form_locks_what_is_filled_in_and_offers_choices_and_date_cells_for_the_rest() -> None:
    frame = pl.DataFrame(
        {
            "统一社会信用代码": [DIGITS, "91330802MA2X8K4N1B"],
            "检查完成日期": [None, None],
            "检查结果代码": [None, None],
        },
        schema={"统一社会信用代码": pl.Utf8, "检查完成日期": pl.Utf8, "检查结果代码": pl.Utf8},
    )
    entries = (
        Entry("检查完成日期", prompt="检查结束日", date=True, not_before=dt.date(2026, 12, 1)),
        Entry("检查结果代码", prompt="从下拉列表选择", choices=("1", "A", "B")),
    )
    sheet = xml(sheets.workbook({"检查结果": Sheet(frame, entries=entries)}))
    assert '<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0" formatRows="0" autoFilter="0"/>' in (
        sheet
    )  # no password attribute
    assert "password" not in sheet
    assert re.search(
        r'<dataValidation type="list" errorStyle="warning" allowBlank="1" showInputMessage="1" showErrorMessage="1"'
        r' errorTitle="[^"]+" error="[^"]+" promptTitle="检查结果代码" prompt="从下拉列表选择" sqref="C2:C3">'
        r'<formula1>"1,A,B"</formula1>',
        sheet,
    )
    assert re.search(
        r'<dataValidation type="date" operator="greaterThanOrEqual" errorStyle="warning".*? sqref="B2:B3">'
        r"<formula1>46357</formula1>",  # 2026-12-01 as a spreadsheet date
        sheet,
    )
    styles = xml(sheets.workbook({"检查结果": Sheet(frame, entries=entries)}), "xl/styles.xml")
    assert 'numFmtId="164" formatCode="yyyy-mm-dd"' in styles and '<protection locked="0"/>' in styles


def test_too_many_rows_for_a_worksheet_is_one_error() -> None:
    from xinyong.errors import UsageError

    try:
        sheets.workbook({"表": pl.DataFrame({"x": range(sheets.MAX_ROWS)})})
    except UsageError as error:
        assert (
            str(error)
            == "1,048,576 rows do not fit an xlsx worksheet (at most 1,048,575); write .parquet or .csv instead"
        )
    else:
        raise AssertionError("no error")


def test_csv_cells_are_escaped_by_the_owasp_rules_and_number_like_text_stays_text() -> None:
    frame = pl.DataFrame(
        {"名称": [*HOSTILE, "某公司", DIGITS, "0570", "1e3", " 12.50 ", None], "户数": list(range(12))},
        schema_overrides={"户数": pl.Int64},
    )
    safe = sheets.spreadsheet_safe(frame)
    assert safe["名称"].to_list() == [
        *(f"'{h}" for h in HOSTILE),
        "某公司",
        f'="{DIGITS}"',
        '="0570"',
        '="1e3"',
        '=" 12.50 "',
        None,
    ]
    assert safe["户数"].to_list() == list(range(12))  # numbers are numbers, not text to escape
    data = sheets.csv_bytes(frame)
    assert data.startswith('\ufeff名称,户数\n"\'=HYPERLINK(""http://'.encode())
    assert sheets.plain_csv(pl.read_csv(data, infer_schema=False))["名称"].to_list() == frame["名称"].to_list()


def test_libreoffice_reads_the_csv_with_the_uscc_whole_and_runs_no_formula(tmp_path: Path) -> None:
    frame = pl.DataFrame({"统一社会信用代码": [DIGITS, "91330802MA2X8K4N1B"], "市场主体名称": [HOSTILE[0], "某公司"]})
    (tmp_path / "t.csv").write_bytes(sheets.csv_bytes(frame))
    (tmp_path / "raw.csv").write_bytes(frame.write_csv(include_bom=True).encode())  # as it was before
    safe, raw = office.convert([tmp_path / "t.csv", tmp_path / "raw.csv"], "xlsx", tmp_path / "lo", office.CSV_UTF8)
    read = pl.read_excel(safe, infer_schema_length=0)
    assert read["统一社会信用代码"].to_list() == [DIGITS, "91330802MA2X8K4N1B"]
    assert read["市场主体名称"].to_list() == [f"'{HOSTILE[0]}", "某公司"]  # shown as typed, not run
    formulas = re.findall(r"<f[^>]*>(.*?)</f>", xml(safe.read_bytes()))
    assert formulas == [f"&quot;{DIGITS}&quot;"]  # the one formula is ours: ="…", text
    plain = pl.read_excel(raw, infer_schema_length=0)
    assert plain["统一社会信用代码"][0] != DIGITS  # what the escaping prevents: the float lost the last digits
    assert re.findall(r"<f[^>]*>(HYPERLINK.*?)</f>", xml(raw.read_bytes()))  # and the name became a formula
