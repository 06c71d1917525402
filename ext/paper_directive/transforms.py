"""Transforms: the page title from the ``paper`` directive, and derived content.

The placeholders are expanded after reading, when the domain knows every
paper, into standard docutils nodes (lists, field lists, literal blocks,
references made for the builder at hand) and sphinx-design's components,
so HTML, LaTeX, EPUB and text all render them.  A paper's header is built
by :mod:`.paper_header`.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import docname_join, logging

from . import graphs
from . import nodes as paper_nodes
from .domain import NO_PAPER, PaperDomain, _
from .downloads import download_link, field_bib_path
from .links import NO_SEARCH, Links
from .listings import Listings, listing_or_placeholder
from .paper_header import PaperHeader, warn_unknown_related

if TYPE_CHECKING:
    from docutils.nodes import Node

logger = logging.getLogger(__name__)


class PaperPageTitle(SphinxTransform):
    """Give a paper's page its title from ``:title:`` when the page has no heading.

    The title is then written once, in the directive; the toctree, the
    browser tab, the search results and the PDF section all take it from
    there.  A page that has its own heading keeps it.
    """

    # before anything that looks at sections (docutils' references at 260+)
    default_priority = 199

    def apply(self, **kwargs: Any) -> None:
        card = next(iter(self.document.findall(paper_nodes.paper_card)), None)
        if card is None or any(isinstance(c, nodes.section) for c in self.document.children):
            return
        title = str(card["title"])
        section = nodes.section("", nodes.title(title, title))
        section.source, section.line = card.source, card.line
        section["names"].append(nodes.fully_normalize_name(title))
        section += list(self.document.children)
        self.document.clear()
        self.document += section
        self.document.note_implicit_target(section, section)


class ExpandPaperPlaceholders(SphinxPostTransform):
    """Replace every placeholder with what the domain knows now."""

    # after sphinxcontrib-bibtex (5), before Sphinx resolves references (10)
    default_priority = 7

    @property
    def domain(self) -> PaperDomain:
        return cast(PaperDomain, self.env.domains["paper"])

    def links(self, refdoc: str) -> Links:
        builder = self.domain.builder
        assert builder is not None, "set at builder-inited"
        return Links(builder, refdoc)

    def run(self, **kwargs: Any) -> None:
        expanders: dict[type[Node], Callable[[Any], list[Node]]] = {
            paper_nodes.paper_card: self.card,
            paper_nodes.paper_list: self.paper_list,
            paper_nodes.paper_topics_index: self.topics_index,
            paper_nodes.paper_newest: self.newest,
            paper_nodes.paper_links_index: self.links_index,
            paper_nodes.paper_insights: self.insights,
            paper_nodes.paper_count: self.count,
        }
        assert self.domain.builder is not None, "set at builder-inited"
        expanders.update(graphs.expanders(self.domain, self.domain.builder))
        # one walk over the page finds every kind of placeholder
        for node in list(self.document.findall(lambda n: type(n) in expanders)):
            cast(nodes.Element, node).replace_self(expanders[type(node)](node))

    def count(self, node: paper_nodes.paper_count) -> list[Node]:
        # marked, so that the number can be told from the sentence around it
        # (a landing page's field card: "共 13 篇，最新的：")
        text = str(self.domain.count(node["field"]))
        return [nodes.inline(text, text, classes=["paper-count-value"])]

    # --- a paper's header ---------------------------------------------------

    def card(self, card: paper_nodes.paper_card) -> list[Node]:
        docname = str(card["docname"])
        builder = self.domain.builder
        assert builder is not None, "set at builder-inited"
        rich = builder.format == "html" and not builder.name.startswith("epub")
        header = PaperHeader(self.domain, self.links(docname), rich)
        if card.get("duplicate"):
            return header.duplicate(card["record"])
        record = self.domain.papers[docname]
        meta = self.domain.meta(docname)
        assert meta is not None
        warn_unknown_related(meta, card)
        return header.build(record, meta, card)

    # --- lists of papers ----------------------------------------------------

    def listings(self, refdoc: str) -> Listings:
        return Listings(self.domain, self.links(refdoc))

    def paper_list(self, node: paper_nodes.paper_list) -> list[Node]:
        """The number of papers, the field's BibTeX, and the list (see :mod:`.listings`)."""
        listings = self.listings(str(node["docname"]))
        papers = listings.papers(node)
        count = _("Papers: %d") % len(papers)
        out: list[Node] = [nodes.paragraph(count, count, classes=["paper-count"])]
        if node.get("field") and papers:
            out.append(
                download_link(
                    path=field_bib_path(str(node["field"])),
                    text=_("Download the BibTeX of this field"),
                )
            )
        if papers:
            out.append(listing_or_placeholder(listings, "papers", node))
        return out

    def newest(self, node: paper_nodes.paper_newest) -> list[Node]:
        """The newest papers: of a field, by title alone; of the site, led by year and field."""
        listings = self.listings(str(node["docname"]))
        links = listings.links
        field = str(node.get("field", ""))
        papers = self.domain.newest_papers(field, int(node.get("count", 5)))
        if not papers:
            return []
        listing = nodes.bullet_list(classes=["paper-newest", NO_SEARCH])
        for summary in papers:
            paragraph = nodes.paragraph()
            if not field:
                lead = " · ".join(
                    part
                    for part in (str(summary.year or ""), listings.field_name(summary.field))
                    if part
                )
                paragraph += nodes.strong(lead, lead)
                paragraph += nodes.Text(" ")
            paragraph += links.paper(summary)
            listing += nodes.list_item("", paragraph)
        return [listing]

    # --- the topics -----------------------------------------------------------

    def topics_index(self, node: paper_nodes.paper_topics_index) -> list[Node]:
        """Every topic, in both languages, with its number of papers and its description."""
        links = self.links(str(node["docname"]))
        language = self.config.language
        listing = nodes.bullet_list(classes=["paper-topics", NO_SEARCH])
        for topic, count in self.domain.view(("topics", "")):
            paragraph = nodes.paragraph()
            paragraph += links.doc(self.domain.topic_docname(topic.slug), topic.label(language))
            paragraph += nodes.Text(" (" + _("Papers: %d") % count + ")")
            if topic.description:
                paragraph += nodes.Text(" — " + topic.description)
            listing += nodes.list_item("", paragraph)
        return [listing]

    # --- the cross-reference index -----------------------------------------

    def links_index(self, node: paper_nodes.paper_links_index) -> list[Node]:
        """Every paper with links to or from other notes (of one year, or of all)."""
        listings = self.listings(str(node["docname"]))
        if not listings.link_rows(node):
            text = _("No paper of these has links to other notes yet.")
            return [nodes.paragraph(text, text, classes=["paper-count"])]
        return [listing_or_placeholder(listings, "links", node)]

    # --- every insight ------------------------------------------------------

    def insights(self, node: paper_nodes.paper_insights) -> list[Node]:
        refdoc = str(node["docname"])
        links = self.links(refdoc)
        year = str(node.get("year", ""))
        out: list[Node] = []
        total = 0
        for summary, docname, records in self.domain.view(("insights", year)):
            rubric = nodes.rubric(classes=["paper-insights-paper"])
            if summary is not None:
                rubric += links.paper(summary)
            else:
                rubric += links.doc(docname, docname)
            out.append(rubric)
            for record in records:
                total += 1
                box = paper_nodes.insight(classes=["insight", NO_SEARCH])
                box += nodes.title(_("Insight"), _("Insight"))
                box += [_moved(child, docname, refdoc) for child in record.body]
                back = nodes.paragraph(classes=["insight-source"])
                back += links.anchor(docname, record.node_id, _("in context"))
                box += back
                out.append(box)
        if year == NO_PAPER and not total:
            return []  # the insights outside any paper's note, where there are none
        count = _("Insights: %d") % total
        return [nodes.paragraph(count, count, classes=["paper-count"]), *out]


def _moved(node: Node, origin: str, refdoc: str) -> Node:
    """A copy of *node* from page *origin* that resolves its links from page *refdoc*.

    References are resolved relative to the page they stand on; a copy that
    kept its origin's ``refdoc`` would get URLs relative to the wrong folder.
    """
    copy = node.deepcopy()
    for reference in copy.findall(nodes.reference):
        reference[paper_nodes.COPIED] = True
    for xref in copy.findall(addnodes.pending_xref):
        xref[paper_nodes.COPIED] = True
        if xref.get("refdomain") == "std" and xref.get("reftype") == "doc":
            target = str(xref["reftarget"])
            if not target.startswith("/"):
                xref["reftarget"] = "/" + docname_join(origin, target)
        xref["refdoc"] = refdoc
    return copy


class BibliographyNoteLinks(SphinxPostTransform):
    """Give every bibliography entry that is a paper of the site a link to its note."""

    # after sphinxcontrib-bibtex writes the entries (5), before references resolve (10)
    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        citations = list(self.document.findall(nodes.citation))
        if not citations:
            return
        cite: Any = self.env.domains["cite"]
        keys = {citation.citation_id: citation.key for citation in cite.citations}
        domain = cast(PaperDomain, self.env.domains["paper"])
        assert domain.builder is not None, "set at builder-inited"
        links = Links(domain.builder, self.env.current_document.docname)
        for citation in citations:
            citation["classes"].append(NO_SEARCH)
            key = next((keys[i] for i in citation["ids"] if i in keys), None)
            summary = domain.paper_by_key(key) if key else None
            if summary is not None:
                paragraphs = [c for c in citation.children if isinstance(c, nodes.paragraph)]
                target: nodes.Element = paragraphs[-1] if paragraphs else citation
                target += nodes.Text(" ")
                target += links.anchor(summary.docname, summary.node_id, _("Reading note"))
            merge_adjacent_text(citation)


def merge_adjacent_text(tree: nodes.Element) -> None:
    """Join the runs of text nodes pybtex leaves side by side.

    pybtex renders an entry piece by piece, one text node per piece: an entry
    of the bibliography came out as sixteen text nodes in a row, which every
    later transform, the translator and the search indexer walked one by one
    (at 2,000 notes, a quarter of all the nodes of the generated pages).
    The joined text is the same text.
    """
    for element in list(tree.findall(nodes.Element)):
        children = element.children
        if not any(
            isinstance(a, nodes.Text) and isinstance(b, nodes.Text) for a, b in pairwise(children)
        ):
            continue
        joined: list[Node] = []
        for child in children:
            if joined and isinstance(child, nodes.Text) and isinstance(joined[-1], nodes.Text):
                joined[-1] = nodes.Text(joined[-1] + child)
            else:
                joined.append(child)
        element.clear()
        element.extend(joined)


def note_bibliography_dependency(app: Any, doctree: nodes.document) -> None:
    """A page with a bibliography shows note links: rewrite it when papers change."""
    from sphinxcontrib.bibtex.nodes import bibliography

    if next(iter(doctree.findall(bibliography)), None) is not None:
        domain = cast(PaperDomain, app.env.domains["paper"])
        domain.note_dependency(app.env.current_document.docname, ("bib", ""))


__all__ = [
    "BibliographyNoteLinks",
    "ExpandPaperPlaceholders",
    "PaperPageTitle",
    "note_bibliography_dependency",
]
