"""Rewrite the generated documents from the code: docs/data-contract.md, docs/indicators.md, docs/cli.md,
and the generated part of docs/disclosure.md (the result codes)."""

from pathlib import Path

from xinyong.cli import doc as cli_doc
from xinyong.indicators import doc as indicators_doc
from xinyong.ingest import doc as contract_doc
from xinyong.results import doc as results_doc

docs = Path(__file__).resolve().parent.parent / "docs"
generated = {
    "data-contract.md": contract_doc.render(),
    "indicators.md": indicators_doc.render(),
    "cli.md": cli_doc.render(),
    "disclosure.md": results_doc.render((docs / "disclosure.md").read_text(encoding="utf-8")),
}
for name, text in generated.items():
    (docs / name).write_text(text, encoding="utf-8")
    print(f"wrote {docs / name}")
