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
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, urlsplit

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from chromium import launched, need_a_browser
from paper_directive.source_scan import scan_paper_options
from paper_directive.topics import TopicSpec, parse_topics

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
#: the purple of ``ext/paper_directive/static/paper_directive.css``
INSIGHT_PURPLE = "rgb(130, 80, 223)"
#: how long a search may take before the page counts as stuck
SEARCH_TIMEOUT_MS = 15_000
RAFT = ("papers/raft", "teed2020raft")
HREFS = "links => links.map(a => a.getAttribute('href'))"


@pytest.fixture(scope="session", autouse=True)
def _need_a_browser() -> None:
    """Check for the tools before the site is built: skip locally, fail under CI.

    Session-scoped, as ``conftest.site`` is, so that pytest runs it first.
    """
    need_a_browser()


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
    with launched() as chromium:
        yield chromium


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


#: How a reader may see the site: (the system's colour scheme, furo's stored choice).
#: Furo follows the system by default; its toggle stores the reader's choice.
MODES: dict[str, tuple[Literal["light", "dark"], str | None]] = {
    "light": ("light", None),
    "dark": ("dark", None),
    "dark-by-toggle": ("light", "dark"),
}


@contextmanager
def reader(
    browser: Browser, base_url: str, console: Console, *, width: int = 1280, mode: str = "light"
) -> Iterator[Page]:
    """A fresh tab *width* pixels wide, in light or dark mode (:data:`MODES`)."""
    scheme, stored = MODES[mode]
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": 900}, color_scheme=scheme
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    if stored:
        context.add_init_script(f"localStorage.setItem('theme', '{stored}')")
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


@pytest.fixture
def page(browser: Browser, base_url: str, console: Console) -> Iterator[Page]:
    """A fresh tab whose origin may read and write the clipboard, as a reader's would."""
    with reader(browser, base_url, console) as tab:
        yield tab


def is_dark(page: Page) -> bool:
    """Whether the page is painted dark: the luminance of its background."""
    colour = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(c) for c in re.findall(r"\d+", colour)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255 < 0.5


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


# --- a reader's way through the site ----------------------------------------------

FIELD_PAGE = "browse/fields/video"  # with its picture of the links between notes
TOPIC_PAGE = "browse/topics/optical-flow"
#: the paper with the site's longest venue, a badge that once ran past the page's edge
LONG_VENUE = "papers/playing-text-adventure-games-with"
RELATED_NOTES = 'dl.paper-meta > dt:has-text("相关笔记") + dd'


def test_each_field_card_counts_the_papers_its_field_page_lists(
    page: Page, site: tuple[SphinxTestApp, Path]
) -> None:
    app, _outdir = site
    page.goto("/index.html")
    cards = page.locator("div.paper-field-card")
    # a card per configured field, in their order
    names = [str(field["name"]) for field in app.config.paper_fields]
    assert cards.locator(".sd-card-title").all_inner_texts() == names
    total = int(page.locator(".paper-totals .paper-count-value").first.inner_text())
    counts = {
        card.locator(".sd-card-title a").evaluate("a => a.href"): int(
            card.locator(".paper-count-value").inner_text()
        )
        for card in cards.all()
    }
    for url, count in counts.items():
        page.goto(url)
        assert page.locator("ul.paper-list > li").count() == count, url
    # together they are every note of the site, as its total says
    assert sum(counts.values()) == total == len(list(Path(app.srcdir, "papers").glob("*.md")))


def test_a_reader_clicks_from_a_field_card_to_a_paper_a_related_paper_and_its_topic(
    page: Page, console: Console
) -> None:
    from playwright.sync_api import expect

    page.goto("/index.html")
    page.locator("div.paper-field-card .sd-card-title a", has_text="Video").click()
    expect(page).to_have_url(re.compile(r"/browse/fields/video\.html$"))
    page.locator("ul.paper-list a", has_text="RAFT: Recurrent All-Pairs").click()
    expect(page).to_have_url(re.compile(r"/papers/raft\.html#paper-teed2020raft$"))
    # the header's related notes
    related = page.locator(f"{RELATED_NOTES} a").first
    title = related.inner_text()
    related.click()
    expect(page).not_to_have_url(re.compile(r"/papers/raft\.html"))
    expect(page.locator("h1")).to_contain_text(title)
    # and the way back: a relation shows on both papers
    expect(page.locator(RELATED_NOTES)).to_contain_text("RAFT: Recurrent All-Pairs")
    # a topic badge leads to the topic's page, which lists the paper
    page.locator("p.paper-badges a.sd-badge", has_text="Optical flow").click()
    expect(page).to_have_url(re.compile(r"/browse/topics/optical-flow\.html$"))
    expect(page.locator("h1")).to_contain_text("光流")
    expect(page.locator("ul.paper-list a", has_text=title)).to_have_count(1)
    assert console.errors == []


@pytest.fixture(scope="module")
def topics(site: tuple[SphinxTestApp, Path]) -> dict[str, TopicSpec]:
    """The site's ``paper_topics``, by slug."""
    app, _outdir = site
    return {topic.slug: topic for topic in parse_topics(app.config.paper_topics)}


@pytest.fixture(scope="module")
def tagged(site: tuple[SphinxTestApp, Path], topics: dict[str, TopicSpec]) -> dict[str, set[str]]:
    """The notes given each topic, by slug: read from the pages' ``:tags:`` as written."""
    app, _outdir = site
    slugs = {name.casefold(): t.slug for t in topics.values() for name in (t.slug, t.zh, t.en)}
    notes: dict[str, set[str]] = {slug: set() for slug in topics}
    for source in Path(app.srcdir, "papers").glob("*.md"):
        scanned = scan_paper_options(source.read_text(encoding="utf-8"), source.suffix)
        for tag in (scanned.options.get("tags", "") if scanned else "").split(","):
            if tag.strip().casefold() in slugs:
                notes[slugs[tag.strip().casefold()]].add(f"papers/{source.stem}")
    return notes


# 离线强化学习 holds 强化学习, a word of many other notes
TOPIC_SEARCHES = ["optical-flow", "re-parameterization", "offline-rl"]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("slug", TOPIC_SEARCHES)
def test_a_search_for_a_topic_by_either_name_lists_every_note_tagged_with_it(
    page: Page,
    console: Console,
    topics: dict[str, TopicSpec],
    tagged: dict[str, set[str]],
    slug: str,
    language: str,
) -> None:
    topic = topics[slug]
    name = topic.zh if language == "zh" else topic.en
    assert len(tagged[slug]) >= 2
    found = search(page, console, name)
    assert tagged[slug] <= found, f"{name!r} misses {sorted(tagged[slug] - found)}"


def outside_the_site(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob", "about") and parts.hostname != "127.0.0.1"


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_no_request_leaves_the_site(
    browser: Browser, base_url: str, console: Console, mode: str
) -> None:
    requested: list[str] = []
    with reader(browser, base_url, console, mode=mode) as tab:
        tab.context.on("request", lambda request: requested.append(request.url))
        for docname in ("index", RAFT[0], FIELD_PAGE):
            tab.goto(f"/{docname}.html")
            tab.wait_for_load_state("networkidle")
            assert [url for url in requested if outside_the_site(url)] == [], docname
        # the search fetches every result's page for its summary
        assert "papers/raft" in search(tab, console, "光流")
        tab.wait_for_load_state("networkidle")
        assert is_dark(tab) == (mode != "light")
    assert [url for url in requested if outside_the_site(url)] == []
    # the log saw what the pages load: the pictures, the search's index and pages
    paths = [urlsplit(url).path for url in requested]
    assert any(re.fullmatch(r"/_images/graphviz-[0-9a-f]+\.svg", path) for path in paths)
    assert "/searchindex.js" in paths
    assert paths.count("/papers/raft.html") >= 2  # read, then summarised by the search


#: What does not fit the window.  The document must not be wider than the
#: window, nor furo's column scroll sideways; an element past the window's
#: edge must sit in a box that scrolls (a code block, a picture's box), or it
#: is cut off.  Furo's drawers (the sidebar and the contents on a phone) are
#: off the screen until opened, by design.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > width) problems.push(`the page is ${root.scrollWidth}px wide`);
  const column = document.querySelector('.content');
  if (column.scrollWidth > column.clientWidth + 1)
    problems.push(`the column scrolls sideways: ${column.scrollWidth}px`);
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.sidebar-drawer, .toc-drawer')) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || (box.left >= -0.5 && box.right <= width + 0.5)) continue;
    let scroller = el.parentElement;
    while (scroller && scroller !== column && !scrolls(scroller)) scroller = scroller.parentElement;
    const fits = scroller && scroller !== column
      && scroller.getBoundingClientRect().right <= width + 0.5;
    if (!fits) problems.push(`${el.tagName} ${el.className}: ${Math.round(box.left)} to `
      + `${Math.round(box.right)}px, "${el.textContent.trim().slice(0, 50)}"`);
  }
  return problems;
}"""

#: The pictures of the page: how many show, and those that do not (a broken
#: image, a picture whose file is missing, one squeezed to nothing).
PICTURES = """() => {
  const broken = [];
  let shown = 0;
  for (const el of document.querySelectorAll('article img, article object')) {
    const box = el.getBoundingClientRect();
    const loaded = el.tagName === 'IMG'
      ? el.complete && el.naturalWidth > 0
      : el.contentDocument?.documentElement?.localName === 'svg';
    if (loaded && box.width > 0 && box.height > 0) shown += 1;
    else broken.push(el.getAttribute('src') || el.getAttribute('data'));
  }
  return {shown, broken};
}"""


#: Text of the article too faint to read: a contrast below 4.5:1 (WCAG's AA)
#: between its colour and the backgrounds it is drawn on, blended as the
#: browser blends them (a badge's colour, an insight's tint, the page's).
FAINT_TEXT = """() => {
  const rgba = colour => {
    const [r, g, b, a = 1] = colour.match(/[\\d.]+/g).map(Number);
    return {r, g, b, a};
  };
  const linear = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  const luminance = ({r, g, b}) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  const backdrop = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c.a > 0) layers.unshift(c);
      if (c.a >= 1) break;
    }
    return layers.reduce((under, c) => ({
      r: c.r * c.a + under.r * (1 - c.a),
      g: c.g * c.a + under.g * (1 - c.a),
      b: c.b * c.a + under.b * (1 - c.a),
    }), {r: 255, g: 255, b: 255});
  };
  const faint = [];
  for (const el of document.querySelectorAll('article[role=main] *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getBoundingClientRect().width) continue;
    const [light, dark] = [luminance(rgba(getComputedStyle(el).color)), luminance(backdrop(el))]
      .sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    if (ratio < 4.5)
      faint.push(`text of contrast ${ratio.toFixed(1)}: "${el.textContent.trim().slice(0, 40)}"`);
  }
  return faint;
}"""


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("width", [390, 1280])
def test_pages_fit_the_window_show_their_pictures_and_readable_text(
    browser: Browser, base_url: str, console: Console, width: int, mode: str
) -> None:
    problems: dict[str, list[str]] = {}
    shown: dict[str, int] = {}
    with reader(browser, base_url, console, width=width, mode=mode) as tab:
        for docname in ("index", FIELD_PAGE, TOPIC_PAGE, LONG_VENUE):
            tab.goto(f"/{docname}.html")
            pictures = tab.evaluate(PICTURES)
            shown[docname] = pictures["shown"]
            found = tab.evaluate(OVERFLOW) + [f"broken picture {p}" for p in pictures["broken"]]
            found += tab.evaluate(FAINT_TEXT)
            if found:
                problems[docname] = found
        assert is_dark(tab) == (mode != "light")
    assert problems == {}
    # the timeline and the field's links between notes
    assert shown["index"] >= 1 and shown[FIELD_PAGE] >= 1
    assert console.errors == []
