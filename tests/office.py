"""LibreOffice and Poppler for tests: convert what xinyong writes as an office would open it, count pages, render PNGs.

``soffice --headless`` (LibreOffice Calc) converts an xlsx to PDF as it would print it, or a CSV to xlsx as
it would read it; ``pdfinfo``, ``pdftotext`` and ``pdftoppm`` (Poppler) count the pages, read their text and
draw them.  Each conversion runs with a LibreOffice profile of its own, so tests (and other programs) that
run LibreOffice at the same time do not share one.  Rendered pages land in ``out/test-artifacts/office/``
for people to look at.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from tests.browser import ARTIFACTS

SOFFICE = "/usr/bin/soffice"
PICTURES = ARTIFACTS / "office"
# LibreOffice's CSV import options: comma, double quote, UTF-8 (76), from line 1.  Headless, it does not
# look for a byte-order mark; a person's LibreOffice asks, and Excel reads the mark.
CSV_UTF8 = "CSV:44,34,76,1"


def convert(files: Sequence[Path], to: str, folder: Path, infilter: str | None = None) -> list[Path]:
    """``files`` converted by LibreOffice to ``to`` (``pdf``, ``xlsx``) in ``folder``, in the same order."""
    folder.mkdir(parents=True, exist_ok=True)
    command = [SOFFICE, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless"]
    command += [f"--infilter={infilter}"] if infilter else []
    command += ["--convert-to", to, "--outdir", str(folder), *map(str, files)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    converted = [folder / f"{Path(f).stem}.{to}" for f in files]
    missing = [c for c in converted if not c.is_file()]
    assert not missing, f"LibreOffice made no {', '.join(map(str, missing))}"
    return converted


def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def pages(pdf: Path) -> int:
    return int(pdf_info(pdf)["Pages"])


def a4(pdf: Path) -> str:
    """``"portrait"`` or ``"landscape"`` for an A4 PDF (its first page), else its page size."""
    size = pdf_info(pdf)["Page size"]
    found = re.match(r"([\d.]+) x ([\d.]+) pts", size)
    assert found, size
    width, height = sorted((float(found[1]), float(found[2])))
    if abs(width - 595.3) > 1 or abs(height - 841.9) > 1:
        return size
    return "landscape" if float(found[1]) > float(found[2]) else "portrait"


def text(pdf: Path, page: int) -> str:
    """The text of one page (``pdftotext -layout``)."""
    command = ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def picture(pdf: Path, page: int, name: str, dpi: int = 60) -> Path:
    """Page ``page`` of ``pdf`` drawn as ``out/test-artifacts/office/<name>.png``; fails if it is blank."""
    from PIL import Image

    PICTURES.mkdir(parents=True, exist_ok=True)
    stem = PICTURES / name
    command = ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf), stem]
    subprocess.run(command, check=True, capture_output=True)
    png = stem.with_suffix(".png")
    with Image.open(png) as image:
        darkest, _ = image.convert("L").getextrema()
    assert darkest < 100, f"{png}: a blank page"
    return png
