"""The data-contract document is rendered from the contract."""

from __future__ import annotations

from tests.conftest import REPO
from xinyong.ingest.doc import render


def test_document_is_rendered_from_the_code() -> None:
    written = (REPO / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert written == render(), "run: .venv/bin/python scripts/render_docs.py"
