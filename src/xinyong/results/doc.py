"""The generated part of ``docs/disclosure.md``: the table of result codes (抽查检查结果代码).

The codes and their Chinese meanings are :data:`xinyong.core.codes.RESULT_LABELS`, the codes of the
国家企业信用信息公示系统 that the results form accepts and the public site shows; what each one means
for training labels and estimates is the shipped label policy (``reference/labels.toml``, read by
:func:`xinyong.model.labels.read_policy`).  The rest of the document is prose: ``scripts/render_docs.py``
rewrites only the text between :data:`BEGIN` and :data:`END`, and ``tests/results/test_doc.py`` fails when
that text is out of step with the code.
"""

from __future__ import annotations

from xinyong.core.codes import RESULT_LABELS
from xinyong.model.labels import LabelPolicy, read_policy

BEGIN = (
    "<!-- result codes: generated from src/xinyong/core/codes.py and src/xinyong/reference/labels.toml "
    "by scripts/render_docs.py; do not edit -->"
)
END = "<!-- end of result codes -->"


def result_codes(policy: LabelPolicy | None = None) -> str:
    """The Markdown table of every result code, its meaning, and its label under ``policy`` (default: shipped)."""
    policy = policy or read_policy()
    lines = ["| code | 结果 | label (shipped `labels.toml`) |", "|---|---|---|"]
    for code, label in RESULT_LABELS.items():
        lines.append(f"| `{code}` | {label} | {_label(code, policy)} |")
    return "\n".join(lines) + "\n"


def _label(code: str, policy: LabelPolicy) -> str:
    if code in policy.violation:
        return "violation (1)"
    if code in policy.no_violation:
        return "no violation (0)"
    return "none: says nothing about compliance"


def render(document: str) -> str:
    """``document`` (the text of ``docs/disclosure.md``) with its generated part rewritten from the code."""
    before, begin, rest = document.partition(BEGIN)
    _, end, after = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"the document has no generated part between {BEGIN!r} and {END!r}")
    return f"{before}{BEGIN}\n{result_codes()}{END}{after}"
