"""Copy a workspace's exported champion into the package as the shipped champion — a maintainer's step, never a
command's: ``src/xinyong/defaults/models/`` is package data, which no ``xinyong`` command writes.

Usage: ``.venv/bin/python scripts/ship_champion.py out/demo/models`` (the ``models/`` of the demo's workspace
after ``xinyong model promote``; see ``src/xinyong/defaults/models/README.md``).  It refuses an export that is
not a region-mode model of the current indicator catalog, and writes each file by temp file and rename.
"""

import json
import sys
from pathlib import Path

from xinyong.indicators.catalog import catalog
from xinyong.workspace import fsio
from xinyong.workspace.layout import METADATA_FILE, MODEL_CARD, MODEL_FILE

target = Path(__file__).resolve().parent.parent / "src" / "xinyong" / "defaults" / "models"
if len(sys.argv) != 2:
    sys.exit(f"usage: {sys.argv[0]} WORKSPACE/models")
source = Path(sys.argv[1])
metadata = json.loads((source / METADATA_FILE).read_text(encoding="utf-8"))
if metadata.get("mode") != "region" or metadata.get("features") != [i.name for i in catalog()]:
    sys.exit(f"{source}: not a region-mode champion of the current indicator catalog; train and promote one first")
if "registry" not in metadata:
    sys.exit(f"{source}: not an export of `xinyong model promote` (its metadata has no promotion record)")
for name in (MODEL_FILE, METADATA_FILE, MODEL_CARD):
    fsio.write_bytes(target / name, (source / name).read_bytes())
    print(f"wrote {target / name}")
