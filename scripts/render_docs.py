"""Rewrite the generated documents from the code: docs/data-contract.md, docs/indicators.md and docs/cli.md."""

from pathlib import Path

from xinyong.cli import doc as cli_doc
from xinyong.indicators import doc as indicators_doc
from xinyong.ingest import doc as contract_doc

docs = Path(__file__).resolve().parent.parent / "docs"
for name, module in (("data-contract.md", contract_doc), ("indicators.md", indicators_doc), ("cli.md", cli_doc)):
    (docs / name).write_text(module.render(), encoding="utf-8")
    print(f"wrote {docs / name}")
