"""The indicator document is in step with the catalog."""

from __future__ import annotations

from tests.conftest import REPO
from xinyong.indicators.doc import render


def test_indicator_document_is_rendered_from_the_catalog() -> None:
    written = (REPO / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert written == render(), "run: .venv/bin/python scripts/render_docs.py"
