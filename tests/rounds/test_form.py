"""The pre-filled results form: the contract's columns, the pre-filled ones protected, drop-downs and date
cells for the rest, a legend of every result code, and a page LibreOffice prints."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import polars as pl
import pytest

from tests import office
from xinyong.core.codes import RESULT_LABELS
from xinyong.ingest.contract import results_form
from xinyong.rounds.form import CODES_SHEET, FORM_SHEET, GUIDE_SHEET, form_sheets
from xinyong.workspace.layout import RoundPaths

TARGETS = pl.DataFrame(
    {
        "round": ["330802-2026-12"] * 2,
        "plan": ["P02", "P01"],
        "uscc": ["913308021420021123", "91330802MA2X8K4N1B"],
        "name": ["衢州某某餐饮店", "衢州某某有限公司"],
        "team_ids": [["INS-00001", "INS-00002"], ["INS-00003", "INS-00004"]],
        "team_names": [["张三", "李四"], ["王五", "赵六"]],
    }
)


def test_the_form_is_the_contracts_with_the_targets_filled_in_and_the_rest_open() -> None:
    form = results_form()
    sheets = form_sheets(TARGETS, dt.date(2026, 12, 1))
    assert list(sheets) == [FORM_SHEET, CODES_SHEET, GUIDE_SHEET]  # the form first: it is read by its header
    rows = sheets[FORM_SHEET].frame
    assert rows.columns == [c.label for c in form.columns]
    assert rows.select("计划编号", "统一社会信用代码", "检查人员编号").rows() == [
        ("P01", "91330802MA2X8K4N1B", "INS-00003;INS-00004"),
        ("P02", "913308021420021123", "INS-00001;INS-00002"),
    ]
    filled = {"round", "plan", "uscc", "name", "team", "team_names"}
    assert [e.column for e in sheets[FORM_SHEET].entries] == [c.label for c in form.columns if c.name not in filled]
    entries = {e.column: e for e in sheets[FORM_SHEET].entries}
    assert entries["检查结果代码"].choices == tuple(RESULT_LABELS)
    assert entries["检查完成日期"].date and entries["检查完成日期"].not_before == dt.date(2026, 12, 1)
    codes = sheets[CODES_SHEET].frame
    assert dict(codes.iter_rows()) == RESULT_LABELS


def test_team_members_names_stand_beside_their_ids_where_the_form_has_the_column(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from xinyong.ingest.contract import Column
    from xinyong.rounds import form as module

    contract = results_form()
    if "team_names" not in contract.column_names:  # the column the results import reads as information only
        at = contract.column_names.index("team") + 1
        names = Column("team_names", "检查人员姓名", "string", "仅供核对", required=False)
        contract = dataclasses.replace(contract, columns=(*contract.columns[:at], names, *contract.columns[at:]))
        monkeypatch.setattr(module, "results_form", lambda: contract)
    rows = form_sheets(TARGETS, dt.date(2026, 12, 1))[FORM_SHEET].frame
    assert rows.select("检查人员编号", "检查人员姓名").rows() == [
        ("INS-00003;INS-00004", "王五、赵六"),
        ("INS-00001;INS-00002", "张三、李四"),
    ]
    assert "检查人员姓名" not in [e.column for e in form_sheets(TARGETS, dt.date(2026, 12, 1))[FORM_SHEET].entries]


def test_the_written_form_protects_its_prefilled_columns_and_prints(november_tasks: RoundPaths, tmp_path: Path) -> None:
    path = november_tasks.results_form.with_suffix(".xlsx")
    assert not path.with_suffix(".csv").exists()  # a CSV carries no drop-down, protection or text USCC
    form = pl.read_excel(path, infer_schema_length=0)  # the first sheet, as `xinyong results import` reads it
    assert form.columns == [c.label for c in results_form().columns] and form.height > 300
    assert form["检查结果代码"].null_count() == form.height
    legend = pl.read_excel(path, sheet_name=CODES_SHEET, read_options={"header_row": 1}, infer_schema_length=0)
    assert dict(legend.iter_rows()) == RESULT_LABELS
    sheet = zipfile.ZipFile(io.BytesIO(path.read_bytes())).read("xl/worksheets/sheet1.xml").decode()
    assert "<sheetProtection " in sheet and "password" not in sheet
    codes = next(chr(ord("A") + i) for i, c in enumerate(form.columns) if c == "检查结果代码")
    assert re.search(rf'<dataValidation type="list"[^>]* sqref="{codes}2:{codes}{form.height + 1}">', sheet)
    pdf = office.convert([path], "pdf", tmp_path / "printed")[0]
    texts = [office.text(pdf, page) for page in range(1, office.pages(pdf) + 1)]
    assert office.a4(pdf) == "landscape" and all("检查结果代码" in t for t in texts)  # its header on every page
    legend_page = next(n for n, t in enumerate(texts, start=1) if "发现问题待后续处理" in t)  # the codes, after it
    assert legend_page > 1 and "代码" in texts[legend_page - 1]
    office.picture(pdf, 1, "results-form")
    office.picture(pdf, legend_page, "results-form-legend")
