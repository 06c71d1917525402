"""Debian's Chromium, driven by Playwright: the browser of the tests that look at pages.

Shared by the site's tests (``test_browser.py``) and the EPUB's
(``test_pdf_epub.py``, which opens the book's pages as an e-reader's engine
would).  No ``playwright install``: the browser is the system's, started
with flags that keep it off the network.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from conftest import need_tool

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)


def need_a_browser() -> None:
    """Skip without Chromium or Playwright, except under CI, where that is a failure."""
    need_tool(chromium_path() is not None, "Chromium is not installed (apt-get install chromium)")
    need_tool(
        importlib.util.find_spec("playwright") is not None,
        "Playwright is not installed (pip install -e '.[tests]')",
    )


@contextmanager
def launched() -> Iterator[Browser]:
    """A headless Chromium for the length of the block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()
