"""What keeps a large site's build linear: split index pages, and no work an unchanged site
does not need (bibliography formatting, downloads), done once per build, not per page.

The build times themselves are measured by ``nox -s bench`` (tools/benchmark.py),
which a test here runs once at a tiny size so that it keeps working.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import zlib
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bs4 import BeautifulSoup
from sphinxcontrib.bibtex.domain import BibtexDomain

from conftest import REPO, warnings_of


def page(project, docname: str) -> BeautifulSoup:
    return BeautifulSoup(project.output("html", f"{docname}.html"), "html.parser")


def test_a_large_site_splits_its_indices_by_year_and_the_bibliography_by_letter(project):
    basic = project("basic")
    # four papers are more than two: split
    app = basic.build("html", confoverrides={"paper_index_page_max": 2})
    assert warnings_of(app) == ""
    outdir = basic.builddir / "html"
    for index in ("years", "references", "insights"):
        parts = sorted(p.stem for p in (outdir / "browse" / index).glob("*.html"))
        assert parts == ["2019", "2020", "2021"], index
        overview = page(basic, f"browse/{index}")
        linked = [a["href"] for a in overview.select("div.toctree-wrapper a")]
        assert linked == [f"{index}/2021.html", f"{index}/2020.html", f"{index}/2019.html"]
    year = page(basic, "browse/years/2021")
    assert len(year.select("ul.paper-list > li")) == 2
    # the bibliography: one page per first letter of the keys, every entry once,
    # labels that stay unique across the pages
    letters = sorted(p.stem for p in (outdir / "browse" / "bibliography").glob("*.html"))
    assert letters == ["d", "t"]
    labels = []
    for letter in letters:
        citations = page(basic, f"browse/bibliography/{letter}").select("div.citation")
        labels += [c.select_one("span.label").get_text().strip("[]") for c in citations]
        assert all(label.startswith(letter.upper()) for label in labels[-len(citations) :])
    assert len(labels) == len(set(labels)) == 4


def test_a_large_site_never_puts_its_whole_general_index_on_one_page(project):
    basic = project("basic")
    app = basic.build("html", confoverrides={"paper_index_page_max": 2})
    assert warnings_of(app) == ""
    outdir = basic.builddir / "html"
    jumps = {}
    for name in ("genindex", "genindex-all"):
        index = page(basic, name)
        jumps[name] = [unquote(a["href"]) for a in index.select("div.genindex-jumpbox a")]
        assert not index.select('a[href="genindex-all.html"]'), name
        assert not index.select("table.indextable"), name  # no entries, only the letters
    assert jumps["genindex"] == jumps["genindex-all"]
    assert "genindex-R.html" in jumps["genindex"]
    assert all((outdir / href).is_file() for href in jumps["genindex"])
    assert "RAFT" in page(basic, "genindex-R").get_text()


def test_a_site_under_the_limit_keeps_one_page_per_index(project):
    basic = project("basic")
    basic.build("html")
    outdir = basic.builddir / "html" / "browse"
    assert not (outdir / "years").exists()
    assert len(page(basic, "browse/bibliography").select("div.citation")) == 4


def test_splitting_and_joining_again_leaves_no_stale_page(project):
    basic = project("basic")
    basic.build("html", confoverrides={"paper_index_page_max": 2})
    app = basic.build("html")
    assert warnings_of(app) == ""
    assert not (basic.srcdir / "browse" / "years").exists()
    assert not (basic.builddir / "html" / "browse" / "years").exists()
    assert len(page(basic, "browse/years").select("ul.paper-list > li")) == 4


def test_a_split_site_builds_its_pdf_sources_without_a_warning(project):
    basic = project("basic")
    app = basic.build("latex", confoverrides={"paper_index_page_max": 2})
    assert warnings_of(app) == ""
    tex = next((basic.builddir / "latex").glob("*.tex")).read_text(encoding="utf-8")
    assert "RAFT" in tex and "2019" in tex


class FormattingSpy:
    """Counts how often sphinxcontrib-bibtex really formats a bibliography."""

    def __init__(self, monkeypatch) -> None:
        self.calls = 0
        original = BibtexDomain.get_formatted_entries

        def counted(domain, *args, **kwargs):
            self.calls += 1
            return original(domain, *args, **kwargs)

        monkeypatch.setattr(BibtexDomain, "get_formatted_entries", counted)


def test_an_unchanged_rebuild_formats_no_bibliography_entry(project, monkeypatch):
    spy = FormattingSpy(monkeypatch)
    basic = project("basic")
    basic.build("html")
    assert spy.calls == 1
    first = basic.output("html", "browse/bibliography.html")
    basic.write("papers/raft.md", basic.read("papers/raft.md") + "\n* one more line\n")
    basic.build("html")
    assert spy.calls == 1
    assert basic.output("html", "browse/bibliography.html") == first


def test_a_changed_entry_is_formatted_again(project, monkeypatch):
    spy = FormattingSpy(monkeypatch)
    basic = project("basic")
    basic.build("html")
    bib = basic.read("refs.bib")
    basic.write("refs.bib", bib.replace("Teed, Zachary", "Teed, Zachariah"))
    basic.build("html")
    assert spy.calls == 2
    assert "Zachariah" in basic.output("html", "browse/bibliography.html")


def test_a_papers_header_facts_are_gathered_once_per_build(project, monkeypatch):
    """The digests of the pages and the headers written later ask for the same facts."""
    from paper_directive.domain import PaperDomain

    gathered: list[str] = []
    real = PaperDomain._meta

    def counting(domain: PaperDomain, docname: str) -> object:
        gathered.append(docname)
        return real(domain, docname)

    monkeypatch.setattr(PaperDomain, "_meta", counting)
    basic = project("basic")
    basic.build("html")
    assert "papers/raft" in gathered
    assert sorted(gathered) == sorted(set(gathered))
    # a changed entry is gathered again in the next build, and shown
    gathered.clear()
    basic.write("refs.bib", basic.read("refs.bib").replace("Teed, Zachary", "Teed, Zachariah"))
    basic.build("html")
    assert gathered.count("papers/raft") == 1
    assert "Zachariah Teed" in basic.output("html", "papers/raft.html")


def test_pybtex_reads_as_latex_only_the_values_that_hold_latex(project, monkeypatch):
    """Formatting the bibliography sends plain titles, names and venues past latexcodec."""
    import codecs

    from paper_directive.bibtex import is_plain

    decoded: list[str] = []
    real = codecs.decode

    def recording(value: object, encoding: str = "utf-8", errors: str = "strict") -> object:
        if encoding == "ulatex":
            decoded.append(str(value))
        return real(value, encoding, errors)  # type: ignore[arg-type]

    monkeypatch.setattr(codecs, "decode", recording)
    basic = project("basic")
    basic.build("html")
    bibliography = basic.output("html", "browse/bibliography.html")
    assert "Zachary Teed" in bibliography and "RAFT" in bibliography
    assert decoded, "the bibliography has values with LaTeX in them (braces)"
    assert [value for value in decoded if is_plain(value)] == []


def test_code_blocks_share_their_styles_colour_scheme(project, monkeypatch):
    """Two cite blocks per paper, one colour scheme per style and build."""
    from pygments.formatters import HtmlFormatter

    made: list[object] = []
    real = HtmlFormatter._create_stylesheet

    def counting(formatter: HtmlFormatter) -> None:  # type: ignore[type-arg]
        made.append(formatter.style)
        real(formatter)

    monkeypatch.setattr(HtmlFormatter, "_create_stylesheet", counting)
    from paper_directive.highlighting import SharedSchemeHtmlFormatter

    monkeypatch.setattr(SharedSchemeHtmlFormatter, "_schemes", {})
    basic = project("basic")
    basic.build("html")
    raft = page(basic, "papers/raft")
    assert len(raft.select("div.paper-card div.highlight pre")) == 2
    assert 1 <= len(made) == len(set(made)) <= 2  # light and dark


def test_the_shared_scheme_writes_what_pygments_writes():
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import BibTeXLexer, PythonLexer

    from paper_directive.highlighting import SharedSchemeHtmlFormatter

    samples = [
        (BibTeXLexer(), "@article{k,\n  title = {A {RAFT} title},\n  year = {2020}\n}\n"),
        (PythonLexer(), "def f(x):\n    return x + 1  # comment\n"),
    ]
    for style in ("default", "monokai", "friendly"):
        for prefix in ("", "x-"):
            for lexer, code in samples * 2:  # the second time from the shared scheme
                ours = SharedSchemeHtmlFormatter(style=style, classprefix=prefix)
                theirs = HtmlFormatter(style=style, classprefix=prefix)
                assert highlight(code, lexer, ours) == highlight(code, lexer, theirs)
                assert ours.get_style_defs(".highlight") == theirs.get_style_defs(".highlight")


def test_each_assets_tag_is_written_once_per_folder(project, monkeypatch):
    """A page links a dozen stylesheets and scripts, each looked up once per folder."""
    import sphinx.builders.html as html_builder

    looked_up: list[str] = []
    real = html_builder._file_checksum

    def recording(outdir, filename):  # type: ignore[no-untyped-def]
        looked_up.append(os.fspath(filename))
        return real(outdir, filename)

    monkeypatch.setattr(html_builder, "_file_checksum", recording)
    basic = project("basic")
    basic.build("html")
    html = basic.builddir / "html"
    pages = [
        p.relative_to(html)
        for p in html.rglob("*.html")
        if not p.relative_to(html).parts[0].startswith("_")
    ]
    folders = {p.parent for p in pages}
    assert len(pages) > 2 * len(folders), "the test needs more pages than folders"
    assert len(set(looked_up)) >= 8
    assert max(Counter(looked_up).values()) <= len(folders)


def test_a_pages_asset_links_lead_from_its_own_folder_to_the_current_file(project):
    basic = project("basic")
    basic.build("html")
    html = basic.builddir / "html"
    pages = [
        "index",
        "papers/raft",
        "papers/acnet",
        "browse/fields/video",
        "browse/years",
        "genindex",
    ]
    for docname in pages:
        for tag in page(basic, docname).select("link[rel=stylesheet], script[src]"):
            path, _, query = str(tag.get("href") or tag["src"]).partition("?")
            asset = (html / docname).parent / path
            assert asset.is_file(), f"{docname}: {path}"
            checksum = zlib.crc32(asset.read_bytes().translate(None, b"\r"))
            assert query == f"v={checksum:08x}", f"{docname}: {path}"


def test_a_title_is_rendered_once_however_many_pages_show_it(project, monkeypatch):
    """Every paper shows the titles of its field page and its neighbours: each rendered once."""
    from docutils import nodes
    from sphinx.builders.html import StandaloneHTMLBuilder

    rendered: Counter[int] = Counter()
    real = StandaloneHTMLBuilder.render_partial

    def recording(builder, node):  # type: ignore[no-untyped-def]
        if isinstance(node, nodes.title):
            rendered[id(node)] += 1
        return real(builder, node)

    monkeypatch.setattr(StandaloneHTMLBuilder, "render_partial", recording)
    basic = project("basic")
    basic.build("html")
    assert len(rendered) >= 8
    assert max(rendered.values()) == 1


def test_the_pages_around_a_page_are_named_by_their_own_titles(project):
    basic = project("basic")
    basic.build("html")
    html = basic.builddir / "html"
    links = 0
    for path in [*sorted(html.glob("papers/*.html")), html / "index.html"]:
        here = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for link in here.select("link[rel=next], link[rel=prev]"):
            there = BeautifulSoup(
                (path.parent / link["href"]).read_text(encoding="utf-8"), "html.parser"
            )
            heading = there.find("h1")
            for mark in heading.select("a.headerlink"):
                mark.decompose()
            assert link["title"] == heading.get_text(), path.name
            links += 1
    assert links >= 8


DESIGN_PAGE = """---
orphan: true
---

# Components

````{dropdown} Details
Hidden text
````

````{aside} Note
Aside text
````

````{tab-set}
```{tab-item} One
First tab
```
```{tab-item} Two
Second tab
```
````
"""


def sphinx_design_runs(monkeypatch) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """The pages each of sphinx-design's HTML transforms really ran on, by transform."""
    from sphinx_design.aside import AsideHtmlTransform
    from sphinx_design.dropdown import DropdownHtmlTransform
    from sphinx_design.tabs import TabSetHtmlTransform

    runs: dict[str, list[str]] = {}
    for transform in (TabSetHtmlTransform, DropdownHtmlTransform, AsideHtmlTransform):
        pages = runs.setdefault(transform.__name__, [])

        def recording(self, real=transform.run, pages=pages, **kwargs):  # type: ignore[no-untyped-def]
            pages.append(self.env.docname)
            real(self, **kwargs)

        monkeypatch.setattr(transform, "run", recording)
    return runs


def test_sphinx_designs_transforms_skip_the_pages_without_their_component(project, monkeypatch):
    """A paper page holds one tab set (its cite block); the index pages hold no component."""
    runs = sphinx_design_runs(monkeypatch)
    basic = project("basic")
    basic.write("components.md", DESIGN_PAGE)
    basic.build("html")
    papers = sorted(f"papers/{p.stem}" for p in (basic.srcdir / "papers").iterdir())
    assert sorted(runs["TabSetHtmlTransform"]) == sorted([*papers, "components"])
    assert runs["DropdownHtmlTransform"] == ["components"]
    assert runs["AsideHtmlTransform"] == ["components"]


def test_a_page_with_sphinx_design_components_gets_their_html(project):
    basic = project("basic")
    basic.write("components.md", DESIGN_PAGE)
    basic.build("html")
    components = page(basic, "components")
    assert components.select_one("details.sd-dropdown summary").get_text(strip=True) == "Details"
    assert "Aside text" in components.select_one("aside").get_text()
    assert len(components.select(".sd-tab-set > input")) == 2
    assert len(page(basic, "papers/raft").select(".paper-cite-tabs > input")) == 2
    # one page for the whole site: the components of every page it holds
    basic.build("singlehtml")
    whole = BeautifulSoup(basic.output("singlehtml", "index.html"), "html.parser")
    assert len(whole.select(".paper-cite-tabs > input")) == 2 * 4


def resolved_doctrees(monkeypatch) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Copies of the trees the HTML builder is handed to write, by page: resolved, unwritten."""
    from sphinx.builders.html import StandaloneHTMLBuilder

    trees: dict[str, Any] = {}
    real = StandaloneHTMLBuilder.write_doc_serialized

    def recording(builder, docname, doctree):  # type: ignore[no-untyped-def]
        trees[docname] = doctree.deepcopy()
        real(builder, docname, doctree)

    monkeypatch.setattr(StandaloneHTMLBuilder, "write_doc_serialized", recording)
    return trees


def test_a_bibliography_entry_is_written_as_runs_of_text_not_piece_by_piece(project, monkeypatch):
    """pybtex renders an entry one piece at a time; the pieces are joined before writing."""
    from docutils import nodes

    written = resolved_doctrees(monkeypatch)
    basic = project("basic")
    app = basic.build("html")
    citations = list(written["browse/bibliography"].findall(nodes.citation))
    assert len(citations) == 4
    for citation in citations:
        for element in citation.findall(nodes.Element):
            kinds = [isinstance(child, nodes.Text) for child in element.children]
            assert not any(a and b for a, b in pairwise(kinds)), element.pformat()
    # the same words as pybtex writes them
    html = page(basic, "browse/bibliography").get_text()
    cite = app.env.domains["cite"]
    for citation in cite.citations:
        assert citation.formatted_entry.text.render_as("text") in html


INDEX_PAGES = [
    "browse/fields/video",
    "browse/fields/base-model",
    "browse/years",
    "browse/references",
]


def test_the_index_pages_lists_are_made_by_the_writer_not_resolved_with_the_page(
    project, monkeypatch
):
    """The main process of a parallel build resolves every page alone: it leaves the lists out."""
    from docutils import nodes

    resolved = resolved_doctrees(monkeypatch)
    basic = project("basic")
    basic.build("html")
    for docname in INDEX_PAGES:
        assert list(resolved[docname].findall(nodes.list_item)) == [], docname
        assert list(resolved[docname].findall(nodes.definition_list_item)) == [], docname
    video = page(basic, "browse/fields/video")
    assert [a.get_text() for a in video.select("ul.paper-list li a")] == [
        "RAFT: Recurrent All-Pairs Field Transforms for Optical Flow"
    ]
    # a writer that does not make them gets them with the page
    basic.build("text")
    text = (basic.builddir / "text" / "browse" / "fields" / "base-model.txt").read_text()
    for title in ("RepVGG: Making VGG-Style ConvNets Great Again", "ACNet", "Diverse Branch Block"):
        assert title in text


def test_a_list_made_by_the_writer_is_the_list_the_page_resolved_to(project, monkeypatch):
    from paper_directive import listings

    basic = project("basic")
    basic.build("html")
    made_by_writer = {d: basic.output("html", f"{d}.html") for d in INDEX_PAGES}
    monkeypatch.setattr(listings, "written_later", lambda builder: False)
    basic.build("html", fresh=True)
    for docname in INDEX_PAGES:
        assert basic.output("html", f"{docname}.html") == made_by_writer[docname], docname
        assert "paper-list" in made_by_writer[docname] or "paper-links" in made_by_writer[docname]


def holds_a_node(value: object) -> bool:
    """Whether *value* (tuples, dataclasses, dicts, sets of them) holds a docutils node."""
    import dataclasses

    from docutils import nodes

    if isinstance(value, nodes.Node):
        return True
    if isinstance(value, str | bytes | int | float | type(None)):
        return False
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return any(holds_a_node(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return any(holds_a_node(k) or holds_a_node(v) for k, v in value.items())
    if isinstance(value, tuple | list | set | frozenset):
        return any(holds_a_node(item) for item in value)
    return False


def test_only_the_views_said_to_hold_nodes_hold_them(project):
    """Which pages to rewrite is worked out from each view's repr; a node's repr is not its content.

    The views that hold nodes are named, and walked to write their nodes out in
    full; every other view must hold none, or a change to it could go unseen.
    """
    from paper_directive.domain import VIEWS_WITH_NODES

    basic = project("basic")
    app = basic.build("html")
    domain = app.env.domains["paper"]
    dependencies = {d for deps in domain.dependencies.values() for d in deps}
    kinds = {kind for kind, _argument in dependencies}
    assert {"meta", "field", "insights", "nav", "links"} <= kinds
    with_nodes = {
        kind for kind, argument in dependencies if holds_a_node(domain.view((kind, argument)))
    }
    assert "insights" in with_nodes  # the test can see a node
    assert with_nodes <= VIEWS_WITH_NODES


def test_a_changed_insight_rewrites_the_insights_page(project):
    basic = project("basic")
    basic.build("html")
    raft = basic.read("papers/raft.md")
    basic.write("papers/raft.md", raft.replace("莫名其妙的 trick", "莫名其妙的技巧"))
    basic.build("html")
    insights = basic.output("html", "browse/insights.html")
    assert "莫名其妙的技巧" in insights and "莫名其妙的 trick" not in insights


def digested_pages(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """The pages whose derived content a build works out (records the real calls)."""
    from paper_directive.domain import PaperDomain

    pages: list[str] = []
    digest = PaperDomain.digest

    def recording(self, docname, seen=None):  # type: ignore[no-untyped-def]
        pages.append(docname)
        return digest(self, docname, seen)

    monkeypatch.setattr(PaperDomain, "digest", recording)
    return pages


def test_a_line_added_to_a_note_is_no_new_fact_for_the_other_pages(project, monkeypatch):
    basic = project("basic")
    basic.build("html")
    pages = digested_pages(monkeypatch)
    basic.write("papers/raft.md", basic.read("papers/raft.md") + "\n* 只是正文里的一条\n")
    basic.build("html")
    assert pages == ["papers/raft"]
    assert "只是正文里的一条" in basic.output("html", "papers/raft.html")
    # a new fact (an insight changed): every page's derived content is worked out again
    pages.clear()
    raft = basic.read("papers/raft.md")
    basic.write("papers/raft.md", raft.replace("莫名其妙的 trick", "莫名其妙的技巧"))
    basic.build("html")
    assert {"papers/raft", "papers/acnet", "browse/insights"} <= set(pages)


def test_downloads_are_written_again_only_when_what_they_show_changed(project):
    basic = project("basic")
    basic.build("html")
    outdir = basic.builddir / "html"
    raft = outdir / "bib" / "teed2020raft.bib"
    stamp = raft.stat().st_mtime_ns
    os.utime(raft, ns=(stamp, stamp - 10_000_000_000))
    basic.write("papers/raft.md", basic.read("papers/raft.md") + "\n* one more line\n")
    basic.build("html")
    assert raft.stat().st_mtime_ns == stamp - 10_000_000_000
    basic.write("refs.bib", basic.read("refs.bib").replace("Teed, Zachary", "Teed, Zachariah"))
    basic.build("html")
    assert "Zachariah" in raft.read_text(encoding="utf-8")
    # a deleted download comes back, even though nothing else changed
    (outdir / "papers.json").unlink()
    basic.build("html")
    assert json.loads((outdir / "papers.json").read_text(encoding="utf-8"))["papers"]


def test_a_build_leaves_the_garbage_collector_as_it_found_it(project):
    basic = project("basic")
    basic.build("html")
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_what_reading_starts_from_is_frozen_while_pages_are_read(project, make_app):
    """The bibliography and the environment outlive the build: reading's collections skip them."""
    basic = project("basic")
    frozen_while_reading: list[int] = []
    app = make_app("html", srcdir=basic.srcdir, builddir=basic.builddir, freshenv=True)
    app.connect(
        "doctree-read", lambda app, doctree: frozen_while_reading.append(gc.get_freeze_count())
    )
    try:
        app.build()
    finally:
        app.cleanup()
    assert frozen_while_reading and min(frozen_while_reading) > 0
    assert gc.get_freeze_count() == 0


def test_a_written_pages_tree_is_freed_with_what_writing_added_to_it(project, make_app):
    """Trees kept from reading are frozen with the environment: written, they must still go."""
    import weakref

    from docutils import nodes

    basic = project("basic")
    written: dict[str, tuple[weakref.ref, weakref.ref]] = {}

    def keep(app, doctree, docname: str) -> None:
        (card,) = [n for n in doctree.findall(nodes.container) if "paper-card" in n["classes"]]
        item = next(doctree.findall(nodes.list_item))  # read, and frozen
        written[docname] = (weakref.ref(item), weakref.ref(card))  # card: added by writing

    alive: list[str] = []

    def still_alive(app, exception) -> None:  # before the build gives the collector back
        alive.extend(d for d, refs in written.items() if any(r() is not None for r in refs))

    app = make_app("html", srcdir=basic.srcdir, builddir=basic.builddir, freshenv=True)
    app.connect(
        "doctree-resolved",
        lambda app, doctree, docname: docname.startswith("papers/") and keep(app, doctree, docname),
        priority=900,
    )
    app.connect("build-finished", still_alive, priority=1)
    try:
        app.build()
    finally:
        app.cleanup()
    assert len(written) == 4
    assert alive == []
    assert "Teed" in basic.output("html", "papers/raft.html")


def test_only_a_build_that_read_pages_pays_for_a_full_collection(project):
    basic = project("basic")
    full: list[str] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            full.append(phase)

    gc.callbacks.append(count)
    try:
        basic.build("html")
        after_reading = len(full)
        full.clear()
        basic.build("html")  # nothing changed: nothing read
    finally:
        gc.callbacks.remove(count)
    assert after_reading >= 1
    assert full == []


def test_the_notes_are_read_before_the_pages_generated_from_them(project):
    """A parallel read ships all merged so far back with every chunk: the heavy pages last."""
    app = project("basic").build("html", fresh=True)
    order = list(app.env.titles)  # filled as each page is read
    generated = [i for i, docname in enumerate(order) if docname.startswith("browse/")]
    papers = [i for i, docname in enumerate(order) if docname.startswith("papers/")]
    assert generated and papers
    assert max(papers) < min(generated)


def test_a_forked_reader_sends_back_a_reference_to_the_bibliography(project):
    """The parsed bibliography goes back from a forked worker as a name, not a copy."""
    import pickle

    basic = project("basic")
    app = basic.build("html")
    bibdata = app.env.domains["cite"].bibdata
    full = pickle.dumps(bibdata)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: what Sphinx's parallel read pickles
        os.write(write, pickle.dumps(bibdata))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        sent = pipe.read()
    os.waitpid(pid, 0)
    assert len(sent) < len(full) / 10
    assert pickle.loads(sent) is bibdata  # the main process's own copy
    assert pickle.loads(full) == bibdata and pickle.loads(full) is not bibdata
    assert "teed2020raft" in pickle.loads(full).data.entries


def test_a_forked_reader_sends_back_only_the_rows_of_the_pages_it_read(project):
    """A forked worker's environment goes back with its own pages' rows, not every row."""
    import pickle

    basic = project("basic")
    app = basic.build("html")
    env = app.env
    domain = env.domains["paper"]
    assert len(domain.papers) == 4 and domain.references and domain.dependencies
    assert len(env.titles) > 4 and env.domaindata["index"]["entries"]
    (acnet,) = [record for docname, record in domain.papers.items() if "acnet" in docname]
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: reads one page, then pickles as Sphinx's parallel read does
        env.all_docs["papers/new"] = 1
        env.titles["papers/new"] = env.titles["papers/acnet"]
        domain.papers["papers/new"] = acnet
        domain.dependencies.setdefault("papers/new", set()).add(("paper", "ding2019acnet"))
        os.write(write, pickle.dumps(env))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        sent = pickle.loads(pipe.read())
    os.waitpid(pid, 0)
    tables = sent.domaindata["paper"]
    assert list(tables["papers"]) == ["papers/new"] and tables["papers"]["papers/new"] == acnet
    assert list(tables["dependencies"]) == ["papers/new"]
    assert not tables["references"] and not tables["insights"] and not tables["rendered"]
    assert list(sent.all_docs) == ["papers/new"] and list(sent.titles) == ["papers/new"]
    assert not sent.tocs and not sent.domaindata["index"]["entries"]
    assert not sent.domaindata["cite"]["bibliographies"]
    # the main process pickles every row: the environment it writes to disk
    kept = pickle.loads(pickle.dumps(env))
    assert kept.domaindata["paper"]["papers"] == domain.papers
    assert list(kept.titles) == list(env.titles) and kept.tocs.keys() == env.tocs.keys()
    assert kept.domaindata["index"]["entries"] == env.domaindata["index"]["entries"]
    assert "papers/new" not in domain.papers and "papers/new" not in env.titles


EXIT_PROBE = """
import atexit, gc, sys
# registered before the build, so it runs after the extension's exit hook (last in, first out)
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))
from sphinx.cmd.build import main
main(sys.argv[1:])
"""


def exit_probe(srcdir, *options: str) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            EXIT_PROBE,
            "-q",
            "-b",
            "html",
            *options,
            str(srcdir),
            str(srcdir / "_build"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout


def test_a_build_process_exits_without_walking_its_heap(project):
    """Python's finalization collects all that is alive; frozen first, it has nothing to walk."""
    basic = project("basic")
    assert "frozen at exit: True" in exit_probe(basic.srcdir)
    assert "frozen at exit: False" in exit_probe(basic.srcdir, "-D", "paper_gc_tuning=0")


def test_the_benchmark_runs_and_reports_every_figure(tmp_path):
    figures = tmp_path / "bench.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "benchmark.py"),
            "--sizes",
            "6",
            "--stock-max",
            "6",
            "--repeat",
            "2",
            "--json",
            str(figures),
            "--report",
            str(tmp_path / "report"),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    report = json.loads(figures.read_text(encoding="utf-8"))
    assert report["repeat"] == 2  # each clean build the fastest of two
    (size,) = report["sizes"]
    assert size["notes"] == 6
    builds = size["builds"]
    assert set(builds) == {
        "floor",
        "stock furo",
        "clean -j1",
        "clean -j2",
        "no change",
        "one note's text",
        "one note's field",
        "one refs.bib entry",
    }
    assert all(
        build["ok"] and build["seconds"] > 0 and build["peak_mib"] > 0 for build in builds.values()
    )
    assert size["parallel_identical"] is True
    assert size["field_move_correct"] is True
    assert builds["no change"]["pages_written"] < builds["clean -j1"]["pages_written"]
    assert report["summary"]["6"]["clean/floor"] > 0
    # the performance page's tables and plot
    table = (tmp_path / "report" / "table.md").read_text(encoding="utf-8")
    assert table.startswith("| 构建 | 6 篇 |") and len(table.splitlines()) == 2 + 8 + 4
    assert "没有目标所需的规模" in (tmp_path / "report" / "targets.md").read_text(encoding="utf-8")
    assert (tmp_path / "report" / "per-note.svg").read_text(encoding="utf-8").startswith("<?xml")


def test_the_targets_table_says_which_targets_a_run_meets():
    sys.path.insert(0, str(REPO / "tools"))
    try:
        from benchmark import targets_table
    finally:
        sys.path.remove(str(REPO / "tools"))

    def size(notes, clean, floor, j2, page_kib, largest_kib, peak_mib):
        seconds = {"clean -j1": clean, "floor": floor, "clean -j2": j2,
                   "no change": clean / 25, "one note's text": clean / 5}  # fmt: skip
        return {
            "notes": notes,
            "builds": {name: {"seconds": s, "peak_mib": peak_mib} for name, s in seconds.items()},
            "paper_page_kib": {"median": page_kib},
            "largest_page_kib": largest_kib,
            "parallel_identical": True,
            "field_move_correct": notes != 5000,
        }

    report = {"sizes": [size(52, 5, 2, 4, 24, 60, 150), size(500, 15, 9, 12, 24, 300, 250),
                        size(2000, 40, 30, 28, 25, 900, 500),
                        size(5000, 130, 80, 90, 31, 2500, 1100)]}  # fmt: skip
    rows = {
        line.split(" | ")[0].lstrip("| "): line.split(" | ")[2:]
        for line in targets_table(report).splitlines()[2:]
    }
    assert rows["2,000 篇全新构建 ÷ 下限"] == ["1.33", "是 |"]
    assert rows["2,000 篇 -j 2 ÷ -j 1"] == ["0.7", "是 |"]
    assert rows["2,000 篇无改动重建 ÷ 全新构建"] == ["0.04", "是 |"]
    assert rows["2,000 篇改一篇正文后重建 ÷ 全新构建"] == ["0.2", "否 |"]
    assert rows["5,000 篇每篇耗时 ÷ 500 篇每篇耗时"] == ["0.867", "是 |"]
    assert rows["5,000 篇论文页 ÷ 52 篇论文页（中位数）"] == ["1.29", "否 |"]
    assert rows["5,000 篇最大页面（MiB）"] == ["2.44", "否 |"]
    assert rows["5,000 篇全新构建峰值内存（GiB）"] == ["1.07", "是 |"]
    assert rows["5,000 篇：-j 2 的输出与 -j 1 逐字节相同，改了领域的论文移到新领域的页面"] == [
        "否",
        "否 |",
    ]


def _stamps(outdir: Path, *names: str) -> dict[str, int]:
    return {name: (outdir / name).stat().st_mtime_ns for name in names}


INDICES = ("genindex.html", "searchindex.js")


def searched_pages(outdir: Path) -> list[str]:
    text = (outdir / "searchindex.js").read_text(encoding="utf-8")
    return list(json.loads(text[text.index("(") + 1 : text.rindex(")")])["docnames"])


def test_a_rebuild_that_changed_nothing_leaves_the_indices_as_they_are(project):
    basic = project("basic")
    basic.build("html")
    outdir = basic.builddir / "html"
    before = _stamps(outdir, *INDICES)
    basic.build("html")
    assert _stamps(outdir, *INDICES) == before
    # and a missing general index is written all the same
    (outdir / "genindex.html").unlink()
    basic.build("html")
    assert "RAFT" in (outdir / "genindex.html").read_text(encoding="utf-8")
    assert _stamps(outdir, "searchindex.js") == {"searchindex.js": before["searchindex.js"]}


def test_a_page_read_again_or_removed_is_in_the_indices_as_it_now_is(project):
    basic = project("basic")
    basic.build("html")
    outdir = basic.builddir / "html"
    basic.write("papers/raft.md", basic.read("papers/raft.md") + "\n* 光流的新想法 zyxwvut\n")
    basic.build("html")
    assert "zyxwvut" in (outdir / "searchindex.js").read_text(encoding="utf-8")
    (basic.srcdir / "papers" / "acnet.md").unlink()
    basic.build("html")
    assert "papers/acnet" not in searched_pages(outdir)
    assert "ACNet" not in (outdir / "genindex.html").read_text(encoding="utf-8")
    # a page no other page shows: its removal writes no page, yet it leaves the index
    basic.write("aside.md", "---\norphan: true\n---\n# Aside\n\nqwertzuiop\n")
    basic.build("html")
    assert "aside" in searched_pages(outdir)
    (basic.srcdir / "aside.md").unlink()
    basic.build("html")
    assert "aside" not in searched_pages(outdir) and "papers/raft" in searched_pages(outdir)


def test_pages_read_but_not_written_still_change_the_general_index(project, make_app):
    """``sphinx-build`` given only files that are not pages reads what changed, writes none."""
    basic = project("basic")
    basic.build("html")
    acnet = basic.read("papers/acnet.md")
    basic.write("papers/acnet.md", acnet.replace(':title: "ACNet:', ':title: "ACNetwork:'))
    app = make_app("html", srcdir=basic.srcdir, builddir=basic.builddir)
    try:
        app.build(filenames=[str(basic.srcdir / "refs.bib")])
    finally:
        app.cleanup()
    assert "ACNetwork" in basic.output("html", "genindex.html")


def test_collections_wait_while_the_saved_environment_is_loaded(
    project, make_app, tmp_path, monkeypatch
):
    """Unpickling makes only live objects: collections then would walk them for nothing."""
    basic = project("basic")
    basic.build("html")
    (tmp_path / "gc_probe.py").write_text(
        "import gc\n"
        "SEEN = {}\n"
        "def setup(app):\n"
        "    app.connect('config-inited', lambda app, config: SEEN.update(loading=gc.isenabled()),"
        " priority=999)\n"
        "    app.connect('builder-inited', lambda app: SEEN.update(built=gc.isenabled(),"
        " frozen=gc.get_freeze_count()), priority=100)\n"
        "    return {'parallel_read_safe': True, 'parallel_write_safe': True}\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "gc_probe", raising=False)
    extensions = ["myst_parser", "paper_directive", "gc_probe"]
    app = make_app(
        "html",
        srcdir=basic.srcdir,
        builddir=basic.builddir,
        confoverrides={"extensions": extensions},
    )
    try:
        app.build()
    finally:
        app.cleanup()
    seen = sys.modules["gc_probe"].SEEN
    monkeypatch.delitem(sys.modules, "gc_probe")
    assert seen["loading"] is False
    assert seen["built"] is True and seen["frozen"] > 0
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_lost_search_index_is_made_whole_again(project):
    """Sphinx would add only the pages it writes, or stop with a traceback if it writes none."""
    basic = project("basic")
    basic.build("html")
    outdir = basic.builddir / "html"
    whole = searched_pages(outdir)
    (outdir / "searchindex.js").unlink()
    app = basic.build("html")
    assert searched_pages(outdir) == whole
    assert "papers/raft" in whole
    assert "incomplete" not in warnings_of(app)


def test_an_emptied_output_folder_is_written_again_without_reading_the_pages(project, make_app):
    """Every page is written then, so the index is whole without reading a page again."""
    basic = project("basic")
    basic.build("html")
    outdir = basic.builddir / "html"
    whole = searched_pages(outdir)
    shutil.rmtree(outdir)
    read: list[str] = []
    app = make_app("html", srcdir=basic.srcdir, builddir=basic.builddir)
    app.connect("env-before-read-docs", lambda app, env, docnames: read.extend(docnames))
    try:
        app.build()
    finally:
        app.cleanup()
    assert read == []
    assert searched_pages(outdir) == whole


def test_a_forked_writer_does_not_collect(project, make_app, tmp_path):
    """It writes one chunk of pages and exits: collecting there is time the -j 2 build waits for."""
    basic = project("basic")
    seen = tmp_path / "writers.txt"

    def note(app, pagename, templatename, context, doctree) -> None:
        if doctree is not None:
            with seen.open("a", encoding="utf-8") as out:
                out.write(f"{os.getpid()} {gc.isenabled()}\n")

    app = make_app("html", srcdir=basic.srcdir, builddir=basic.builddir, freshenv=True, parallel=2)
    app.connect("html-page-context", note, priority=1000)
    try:
        app.build()
    finally:
        app.cleanup()
    lines = [line.split() for line in seen.read_text(encoding="utf-8").splitlines()]
    writers = {enabled for pid, enabled in lines if int(pid) != os.getpid()}
    assert writers == {"False"}
    assert gc.isenabled()
    assert "Teed" in basic.output("html", "papers/raft.html")
