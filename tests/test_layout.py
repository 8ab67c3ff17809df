"""``tests/`` mirrors ``src/xinyong/`` one to one (issue 11): every module has its test file.

``src/xinyong/<pkg>/<mod>.py`` is tested in ``tests/<pkg>/test_<mod>.py``.  A package ``__init__.py``
with code is tested where :data:`INIT_TESTS` says; one that holds only a docstring and constants
(``__version__``, ``SPEC``) and the command line's entry points need none.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "src" / "xinyong"
INIT_TESTS = {"synth/__init__.py": "tests/synth/test_region.py"}
NO_TEST = {"__init__.py", "draw/__init__.py", "cli/__init__.py", "cli/__main__.py"}


def _test_file(module: str) -> str:
    if module in INIT_TESTS:
        return INIT_TESTS[module]
    path = Path(module)
    return (Path("tests") / path.parent / f"test_{path.stem}.py").as_posix()


def _has_code(path: Path) -> bool:
    """More than a docstring: a package ``__init__.py`` that does something."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return any(not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)) for node in body)


def test_every_module_has_its_mirrored_test_file() -> None:
    modules = {p.relative_to(PACKAGE).as_posix(): p for p in PACKAGE.rglob("*.py")}
    tested = {m for m, p in modules.items() if m not in NO_TEST and (p.name != "__init__.py" or _has_code(p))}
    missing = {m for m in tested if not (REPO / _test_file(m)).is_file()}
    assert missing == set(), "modules without their test file"
