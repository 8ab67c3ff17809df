"""Headless Chromium for tests: Debian's /usr/bin/chromium driven by Playwright (no browser download)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling out, which this network refuses.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "out" / "test-artifacts"


@contextmanager
def page(width: int = 1100, height: int = 900, *, javascript: bool = True) -> Iterator[tuple[Page, list[str]]]:
    """A page and the list its console errors and page errors are collected into (``javascript=False``: a reader
    whose browser runs no script)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            tab = browser.new_page(viewport={"width": width, "height": height}, java_script_enabled=javascript)
            errors: list[str] = []
            tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            tab.on("pageerror", lambda error: errors.append(str(error)))
            yield tab, errors
        finally:
            browser.close()
