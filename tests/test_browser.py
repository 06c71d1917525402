"""What only a real browser shows: search, the copy button, downloads and the insight style.

The HTML tests elsewhere read the built pages with BeautifulSoup; they cannot
tell whether the JavaScript runs.  Sphinx 9.0's Chinese search, for one,
writes a page that stays on "正在搜索中" forever, and a BibTeX block can have
a copy button that copies nothing.  Here the site that ``conftest.site``
builds once for the session, from a copy of ``docs/`` and ``refs.bib`` as a
clean checkout has them, is served over HTTP (the search page fetches every
result's page for its summary, which Chromium refuses from ``file://``) and
driven by Debian's Chromium through Playwright.  Nothing reaches the network.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from conftest import need_tool

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

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
#: the purple of ``ext/paper_directive/static/paper_directive.css``
INSIGHT_PURPLE = "rgb(130, 80, 223)"
#: how long a search may take before the page counts as stuck
SEARCH_TIMEOUT_MS = 15_000
RAFT = ("papers/raft", "teed2020raft")
HREFS = "links => links.map(a => a.getAttribute('href'))"


def chromium_path() -> str | None:
    return shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)


@pytest.fixture(scope="session", autouse=True)
def _need_a_browser() -> None:
    """Check for the tools before the site is built: skip locally, fail under CI.

    Session-scoped, as ``conftest.site`` is, so that pytest runs it first.
    """
    need_tool(chromium_path() is not None, "Chromium is not installed (apt-get install chromium)")
    need_tool(
        importlib.util.find_spec("playwright") is not None,
        "Playwright is not installed (pip install -e '.[tests]')",
    )


class QuietHandler(SimpleHTTPRequestHandler):
    """A static file server that keeps the test output free of request logs.

    The site has no favicon, yet Chromium asks for one on its first page:
    answered with "no content", so that any other 404 (a missing stylesheet,
    a dead download) shows in the console errors the tests check.
    """

    def do_GET(self) -> None:
        if self.path == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(site: tuple[SphinxTestApp, Path]) -> Iterator[str]:
    """The site served over HTTP on a free port of 127.0.0.1, from a thread."""
    _app, outdir = site
    handler = functools.partial(QuietHandler, directory=str(outdir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium: no ``playwright install``, no downloads."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


class Console:
    """The errors a page reports: console.error messages and uncaught exceptions."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser: Browser, base_url: str, console: Console) -> Iterator[Page]:
    """A fresh tab whose origin may read and write the clipboard, as a reader's would."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    # uncaught errors, counted in the page, so that a broken search fails at once
    context.add_init_script(
        "window.scriptErrors = [];"
        "window.addEventListener('error', event => window.scriptErrors.push(event.message));"
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    console.watch(tab)
    try:
        yield tab
    finally:
        context.close()


def search(page: Page, console: Console, query: str) -> set[str]:
    """Search as a reader does, through ``search.html?q=``; the docnames of the results.

    Fails, with what the page shows, when the search never finishes: Sphinx
    writes the summary line only once every result is listed.
    """
    page.goto(f"/search.html?q={quote(query)}")
    # done, or broken for good: a script error means it will never finish
    page.wait_for_function(
        """() => document.querySelector('#search-results p.search-summary')?.innerText
                 || window.scriptErrors.length""",
        timeout=SEARCH_TIMEOUT_MS,
    )
    if not page.locator("#search-results p.search-summary").inner_text():
        heading = page.locator("#search-results h2").all_inner_texts()
        pytest.fail(
            f"the search for {query!r} never finished: the page shows {heading}, "
            f"console errors: {console.errors}"
        )
    assert console.errors == [], f"the search for {query!r} reported errors"
    links = page.locator("#search-results ul.search li > a")
    return {urlsplit(href).path.removesuffix(".html") for href in links.evaluate_all(HREFS)}


@pytest.fixture(scope="module")
def article_texts(site: tuple[SphinxTestApp, Path]) -> dict[str, str]:
    """Each page's article text without blanks, by docname: what the search indexes.

    Elements of class ``no-search`` are left out, as Sphinx leaves them out
    of the index: the lists that repeat other pages' text (insight copies,
    paper lists, links), so that a search finds each note on its own page.
    """
    _app, outdir = site
    texts = {}
    for html in outdir.rglob("*.html"):
        docname = html.relative_to(outdir).with_suffix("").as_posix()
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        article = soup.select_one("article[role=main]")
        if docname not in ("search", "genindex") and article is not None:
            for repeated in article.select(".no-search"):
                repeated.decompose()
            texts[docname] = re.sub(r"\s+", "", article.get_text())
    return texts


# a domain word and one paper a reader searching for it must get
DOMAIN_WORDS = [
    ("光流", "papers/raft"),
    ("光流估计", "papers/raft"),
    ("重参数化", "papers/repvgg"),
    ("插帧", "papers/depth-aware-video-frame-interpolation"),
    ("超分", "papers/repsr"),
    ("蒸馏", "papers/real-time-intermediate-flow-estimation"),
    ("剪枝", "papers/towards-optimal-structured-cnn-pruning"),
    ("强化学习", "papers/video-pretraining-vpt"),
    ("离线强化学习", "browse/fields/reinforcement-learning"),
    ("对比学习", "papers/d2lv"),
    ("遮挡", "papers/what-matters-in-unsupervised-optical"),
    ("数据增广", "papers/training-deep-networks-with-synthetic"),
]


@pytest.mark.parametrize(("word", "paper"), DOMAIN_WORDS)
def test_a_chinese_search_finishes_and_lists_every_page_that_has_the_word(
    page: Page, console: Console, article_texts: dict[str, str], word: str, paper: str
) -> None:
    found = search(page, console, word)
    assert paper in found
    # jieba cuts words it does not know into pieces that the search never
    # matches: docs/_search/jieba_dict.txt must name the word (and, for 光流
    # inside 光流估计, the shorter word as well)
    assert {docname for docname, text in article_texts.items() if word in text} <= found


def test_a_search_finds_an_insight_on_its_note_not_on_the_insights_page(
    page: Page, console: Console, article_texts: dict[str, str]
) -> None:
    # a word of D2LV's insight ("低估了暴力的威力"), which the insights page repeats
    assert "暴力" in article_texts["papers/d2lv"]
    found = search(page, console, "暴力")
    assert "papers/d2lv" in found
    assert "browse/insights" not in found


def test_a_latin_search_finds_its_paper(page: Page, console: Console) -> None:
    assert "papers/repvgg" in search(page, console, "RepVGG")


def test_the_cite_tabs_copy_the_bibtex_entry_and_the_formatted_reference(
    page: Page, console: Console
) -> None:
    docname, key = RAFT
    page.goto(f"/{docname}.html")
    tabs = page.locator("div.paper-card div.paper-cite-tabs")
    assert tabs.locator("label").all_inner_texts() == ["BibTeX", "参考文献格式"]
    # the BibTeX tab is open at first
    block = tabs.locator("div.paper-bibtex")
    assert block.is_visible()
    button = block.locator("button.copybtn")
    assert button.count() == 1
    block.hover()
    button.click()
    copied: str = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("@")
    assert key in copied.splitlines()[0]
    assert copied.strip() == block.locator("pre").inner_text().strip()
    # the other tab: the reference as the bibliography's style writes it
    tabs.locator("label", has_text="参考文献格式").click()
    reference = tabs.locator("div.paper-reference")
    assert reference.is_visible() and not block.is_visible()
    reference.hover()
    reference.locator("button.copybtn").click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("Zachary Teed and Jia Deng. ")
    assert "2020" in copied
    assert console.errors == []


def test_the_bibtex_download_link_of_a_paper_resolves(page: Page) -> None:
    docname, key = RAFT
    page.goto(f"/{docname}.html")
    link = page.locator("div.paper-card a", has_text="下载 BibTeX")
    assert link.inner_text() == f"下载 BibTeX ({key}.bib)"
    response = page.request.get(link.evaluate("a => a.href"))
    assert response.status == 200
    body = response.text()
    assert body.startswith("@")
    assert key in body.splitlines()[0]


def test_an_insight_stands_apart_from_a_plain_note(page: Page) -> None:
    page.goto(f"/{RAFT[0]}.html")
    insight = page.locator("div.admonition.insight").first
    assert insight.locator(".admonition-title").inner_text() == "想法"
    # a plain note, styled by the theme alone, beside it (in the page, not the docs)
    note = insight.evaluate_handle(
        """insight => {
            const note = document.createElement('div');
            note.className = 'admonition note';
            note.innerHTML = '<p class="admonition-title">Note</p><p>plain</p>';
            insight.after(note);
            return note;
        }"""
    )
    colour = "element => getComputedStyle(element).borderLeftColor"
    assert insight.evaluate(colour) == INSIGHT_PURPLE
    assert note.evaluate(colour) != INSIGHT_PURPLE
    background = "element => getComputedStyle(element).backgroundColor"
    assert insight.evaluate(background) != note.evaluate(background)


def test_a_paper_page_renders_to_a_screenshot(page: Page, tmp_path: Path) -> None:
    page.goto(f"/{RAFT[0]}.html")
    shot = tmp_path / "raft.png"
    page.screenshot(path=shot, full_page=True)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 10_000
