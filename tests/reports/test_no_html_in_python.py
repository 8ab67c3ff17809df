"""Issue 11's guard: no HTML is assembled in Python — every page is a template (:mod:`xinyong.reports.render`).

Every string (and bytes) literal under ``src/xinyong`` is scanned, f-string pieces included; one that
holds an HTML tag fails the test.  The SVG of a plot is matplotlib's output, never a literal.
"""

from __future__ import annotations

import ast
import re

from tests.conftest import REPO

# ``<table>.parquet`` names a file (a placeholder in the data contract's Markdown), not an element.
TAG = re.compile(
    r"</?(html|body|head|div|table|thead|tbody|tr|td|th|p|h[1-6]|section|ul|ol|li|a|span|script|style|form|input)\b"
    r"(?!>\.\w)",
    re.IGNORECASE,
)


def html_literals(source: str) -> list[tuple[int, str]]:
    """(line, literal) of every string or bytes literal in ``source`` that holds an HTML tag."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
            text = node.value if isinstance(node.value, str) else node.value.decode("latin-1")
            if TAG.search(text):
                found.append((node.lineno, text))
    return sorted(found)


def test_no_python_module_holds_html() -> None:
    found = [
        f"{path.relative_to(REPO)}:{line}: {text[:60]!r}"
        for path in sorted((REPO / "src" / "xinyong").rglob("*.py"))
        for line, text in html_literals(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_guard_finds_markup_in_every_kind_of_literal() -> None:
    source = """
page = "<!doctype html><html><body>"
cell = f"<td class=l>{value}</td>"
closing = "</section>"
raw = b"<P>bytes</P>"
joined = "<a" + ' href="x">'
"""
    assert [line for line, _ in html_literals(source)] == [2, 3, 3, 4, 5, 6]


def test_the_guard_passes_file_placeholders_and_other_angle_brackets() -> None:
    source = """
doc = "written to `CLEAN_DIR/<table>.parquet` or `quarantine/<table>.csv`"
plot = text[text.index("<svg") :]
compare = "a <b and c> d"
generic = "list<tr_item>"
"""
    assert html_literals(source) == []
