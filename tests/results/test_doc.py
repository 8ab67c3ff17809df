"""The result codes in docs/disclosure.md are the codes the results form takes and the site shows."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from xinyong.core.codes import RESULT_LABELS
from xinyong.model.labels import LabelPolicy
from xinyong.results.doc import BEGIN, END, render, result_codes


def test_disclosure_document_holds_the_result_codes_of_the_code() -> None:
    written = (REPO / "docs" / "disclosure.md").read_text(encoding="utf-8")
    assert written == render(written), "run: .venv/bin/python scripts/render_docs.py"


def test_every_code_is_a_row_with_its_meaning_and_label() -> None:
    policy = LabelPolicy(violation=("A",), no_violation=("1",))
    rows = result_codes(policy).splitlines()[2:]
    assert len(rows) == len(RESULT_LABELS) == 14
    assert rows[0] == "| `1` | 未发现问题 | no violation (0) |"
    assert rows[1] == "| `A` | 发现问题待后续处理 | violation (1) |"
    assert rows[-1] == "| `12` | 已迁出 | none: says nothing about compliance |"


def test_only_the_generated_part_is_rewritten() -> None:
    document = f"prose before\n{BEGIN}\nan old table\n{END}\nprose after\n"
    assert render(document) == f"prose before\n{BEGIN}\n{result_codes()}{END}\nprose after\n"


def test_a_document_without_the_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="no generated part"):
        render("prose only\n")
