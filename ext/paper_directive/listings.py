"""The long lists of the index pages, made where the page is written.

A field's, a year's and a topic's page list their papers, and the
cross-reference index lists every paper's links: at 2,000 notes, 110,000
nodes, two thirds of everything the generated pages hold.  Nothing after the
expansion of placeholders changes these lists (their links are made
complete, they hold no cross-reference left to resolve and no component of
sphinx-design) and the search index leaves them out (they repeat facts of
other pages).  Made as nodes when the page is resolved, they were still
walked by every post-transform and by the search indexer, and in a parallel
build all of that fell on the main process, which resolves and indexes every
page alone while a single worker writes (``-j 2``: a main process and one
writer): the writer waited 3.7 s for the first batch of pages, the index
pages, before it could start.

Where the builder's writer knows :class:`paper_listing` (the HTML writers),
the expansion leaves one of these in the page, and the writer makes the list
when it reaches it, in the process that writes the page; it writes the very
same nodes.  Every other writer (LaTeX, text, manual pages) gets the list
when the page is resolved, as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from weakref import WeakKeyDictionary

from docutils import nodes

from .domain import PaperDomain, PaperLinks, _
from .fields import find_field
from .links import NO_SEARCH, Links, joined
from .model import PaperSummary

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder


class paper_listing(nodes.General, nodes.Element):
    """A list the writer makes: ``kind`` "papers" (of a field, topic or year) or "links"."""


class Listings:
    """The lists of papers of one page."""

    def __init__(self, domain: PaperDomain, links: Links) -> None:
        self.domain = domain
        self.links = links

    def field_name(self, slug: str) -> str:
        spec = find_field(self.domain.fields, slug) if slug else None
        return spec.name if spec else _("Unfiled")

    def papers(self, node: nodes.Element) -> tuple[PaperSummary, ...]:
        """The papers of a field, topic or year page, as ``node`` names them."""
        if node.get("field"):
            return self.domain.field_papers(str(node["field"]))
        if node.get("topic"):
            return self.domain.topic_papers(str(node["topic"]))
        return self.domain.year_papers(str(node["year"]))

    def paper_list(self, node: nodes.Element) -> nodes.bullet_list:
        """A field's or topic's papers led by their year, or a year's led by their field."""
        papers = self.papers(node)
        if node.get("field") or node.get("topic"):
            leads = [str(s.year) if s.year is not None else "—" for s in papers]
        else:
            leads = [self.field_name(s.field) for s in papers]
        listing = nodes.bullet_list(classes=["paper-list", NO_SEARCH])
        listing += [self.paper_item(s, lead) for s, lead in zip(papers, leads, strict=True)]
        return listing

    def paper_item(self, summary: PaperSummary, lead: str) -> nodes.list_item:
        paragraph = nodes.paragraph()
        if lead:
            paragraph += nodes.strong(lead, lead)
            paragraph += nodes.Text(" ")
        paragraph += self.links.paper(summary)
        byline = ", ".join(part for part in (summary.authors, summary.venue) if part)
        if byline:
            paragraph += nodes.Text(" — ")
            paragraph += nodes.emphasis(byline, byline)
        return nodes.list_item("", paragraph)

    def link_rows(self, node: nodes.Element) -> list[PaperLinks]:
        """The papers with links to or from other notes (of one year, or of all)."""
        return list(self.domain.view(("links", str(node.get("year", "")))))

    def links_list(self, node: nodes.Element) -> nodes.definition_list:
        listing = nodes.definition_list(classes=["paper-links", NO_SEARCH])
        listing += [self.links_item(row) for row in self.link_rows(node)]
        return listing

    def links_item(self, row: PaperLinks) -> nodes.definition_list_item:
        term = nodes.term()
        term += self.links.paper(row.paper)
        definition = nodes.definition()
        related = sorted({*row.related, *row.related_by}, key=self.domain.site_order)
        for label, papers in (
            (_("References"), row.cites),
            (_("Referenced by"), row.cited_by),
            (_("Related notes"), tuple(related)),
        ):
            if not papers:
                continue
            paragraph = nodes.paragraph()
            paragraph += nodes.strong(label, label)
            paragraph += nodes.Text(": ")
            paragraph += joined(self.links.paper(s) for s in papers)
            definition += paragraph
        return nodes.definition_list_item("", term, definition)

    def make(self, kind: str, node: nodes.Element) -> nodes.Element:
        return self.links_list(node) if kind == "links" else self.paper_list(node)


_writers: WeakKeyDictionary[Builder, bool] = WeakKeyDictionary()


def note_writer(app: Sphinx) -> None:
    """``builder-inited``: does this builder's writer know :class:`paper_listing`?

    Sphinx gives a writer the visitors registered under its builder's name,
    or else under its format (``html`` for the HTML, EPUB and single page
    builders).
    """
    handlers = app.registry.translation_handlers
    known = handlers.get(app.builder.name)
    if known is None:
        known = handlers.get(app.builder.format, {})
    _writers[app.builder] = paper_listing.__name__ in known


def written_later(builder: Builder) -> bool:
    """Whether the builder's writer makes the lists itself."""
    return _writers.get(builder, False)


def listing_or_placeholder(listings: Listings, kind: str, node: nodes.Element) -> nodes.Element:
    """The list, or where the writer will make it."""
    builder = listings.domain.builder
    if builder is not None and written_later(builder):
        attributes = {key: node[key] for key in ("field", "topic", "year") if node.get(key)}
        return paper_listing("", kind=kind, docname=listings.links.refdoc, **attributes)
    return listings.make(kind, node)


def visit_paper_listing(translator: Any, node: paper_listing) -> None:
    """The list, made here and written as the placeholder's content."""
    builder = translator.builder
    domain = cast(PaperDomain, builder.env.domains["paper"])
    listings = Listings(domain, Links(builder, str(node["docname"])))
    node += listings.make(str(node["kind"]), node)


def depart_paper_listing(translator: Any, node: paper_listing) -> None:
    pass


def register(app: Sphinx) -> None:
    app.add_node(paper_listing, html=(visit_paper_listing, depart_paper_listing))
    app.connect("builder-inited", note_writer)
