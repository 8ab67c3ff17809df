"""Rewrite docs/data-contract.md from the contract in code (src/xinyong/contract.py)."""

from pathlib import Path

from xinyong.contract_doc import render

target = Path(__file__).resolve().parent.parent / "docs" / "data-contract.md"
target.write_text(render(), encoding="utf-8")
print(f"wrote {target}")
