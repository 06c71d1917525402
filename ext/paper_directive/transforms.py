"""Transforms: the page title from the ``paper`` directive, and derived content.

The placeholders are expanded after reading, when the domain knows every
paper, into standard docutils nodes only (lists, field lists, literal
blocks, pending cross-references), so HTML, LaTeX, EPUB and text all render
them.  Links are left as ``pending_xref`` nodes for Sphinx's own resolver,
which runs after these transforms and knows how each builder spells a URI.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import docname_join, logging

from . import nodes as paper_nodes
from .domain import PaperDomain, PaperLinks, _, __
from .downloads import download_link, field_bib_path, paper_bib_path
from .fields import find_field
from .model import PaperRecord, PaperSummary

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


def _anchor_ref(docname: str, node_id: str, text: str, refdoc: str) -> addnodes.pending_xref:
    """A link to one spot of one page, resolved by the paper domain."""
    ref = addnodes.pending_xref(
        "",
        refdomain="paper",
        reftype="anchor",
        reftarget=f"{docname}#{node_id}",
        refexplicit=True,
        refdoc=refdoc,
    )
    ref += nodes.inline(text, text)
    return ref


def _paper_ref(summary: PaperSummary, refdoc: str) -> addnodes.pending_xref:
    return _anchor_ref(summary.docname, summary.node_id, summary.title, refdoc)


def _doc_ref(docname: str, text: str, refdoc: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="doc", reftarget="/" + docname, refexplicit=True, refdoc=refdoc
    )
    ref += nodes.inline(text, text)
    return ref


def _joined(items: Iterable[Node], separator: str = ", ") -> list[Node]:
    out: list[Node] = []
    for item in items:
        if out:
            out.append(nodes.Text(separator))
        out.append(item)
    return out


def _field(name: str, body: list[Node] | str) -> nodes.field:
    paragraph = nodes.paragraph()
    if isinstance(body, str):
        paragraph += nodes.Text(body)
    else:
        paragraph += body
    return nodes.field("", nodes.field_name(name, name), nodes.field_body("", paragraph))


class ExpandPaperPlaceholders(SphinxPostTransform):
    """Replace every placeholder with what the domain knows now."""

    # after sphinxcontrib-bibtex (5), before Sphinx resolves references (10)
    default_priority = 7

    @property
    def domain(self) -> PaperDomain:
        return cast(PaperDomain, self.env.domains["paper"])

    def run(self, **kwargs: Any) -> None:
        for card in list(self.document.findall(paper_nodes.paper_card)):
            card.replace_self(self.card(card))
        for listing in list(self.document.findall(paper_nodes.paper_list)):
            listing.replace_self(self.paper_list(listing))
        for index in list(self.document.findall(paper_nodes.paper_links_index)):
            index.replace_self(self.links_index(index))
        for insights in list(self.document.findall(paper_nodes.paper_insights)):
            insights.replace_self(self.insights(insights))
        for count in list(self.document.findall(paper_nodes.paper_count)):
            count.replace_self(nodes.Text(str(self.domain.count(count["field"]))))

    # --- a paper's header ---------------------------------------------------

    def field_name(self, slug: str) -> str:
        spec = find_field(self.domain.fields, slug) if slug else None
        return spec.name if spec else _("Unfiled")

    def card(self, card: paper_nodes.paper_card) -> list[Node]:
        docname = str(card["docname"])
        if card.get("duplicate"):
            return [self.metadata(card["record"], docname, [])]
        record = self.domain.papers[docname]
        meta = self.domain.meta(docname)
        assert meta is not None
        extra: list[nodes.field] = []
        if meta.authors:
            extra.append(_field(_("Authors"), ", ".join(meta.authors)))
        if meta.venue:
            extra.append(_field(_("Venue"), meta.venue))
        if record.tags:
            extra.append(_field(_("Tags"), ", ".join(record.tags)))
        if meta.links is not None:
            related = sorted(
                {*meta.links.related, *meta.links.related_by}, key=self.domain.site_order
            )
            if related:
                refs = [_paper_ref(s, docname) for s in related]
                extra.append(_field(_("Related notes"), _joined(refs)))
            if meta.links.cited_by:
                refs = [_paper_ref(s, docname) for s in meta.links.cited_by]
                extra.append(_field(_("Referenced by"), _joined(refs)))
        for key in meta.unknown_related:
            logger.warning(
                __("unknown paper key %r in :related:; use the :key: of another paper's page"),
                key,
                type="paper",
                subtype="ref",
                location=card,
            )
        container = nodes.container(classes=["paper-card"])
        container += self.metadata(record, docname, extra)
        if meta.bibtex:
            container += nodes.rubric(_("Cite"), _("Cite"), classes=["paper-cite"])
            block = nodes.literal_block(meta.bibtex, meta.bibtex, classes=["paper-bibtex"])
            block["language"] = "bibtex"
            container += block
            container += download_link(
                path=paper_bib_path(record.key),
                text=_("Download BibTeX") + f" ({record.key}.bib)",
            )
        elif record.key:
            logger.warning(
                __("paper key %r is not in the bibliography (%s); add an entry with this key"),
                record.key,
                ", ".join(self.config.bibtex_bibfiles or []),
                type="paper",
                subtype="bib",
                location=card,
            )
        return [container]

    def metadata(
        self, record: PaperRecord, docname: str, extra: list[nodes.field]
    ) -> nodes.field_list:
        fields = nodes.field_list(classes=["paper-meta"])
        title: Node = nodes.Text(record.title)
        if record.link:
            title = nodes.reference(record.title, record.title, refuri=record.link)
        fields += _field(_("Title"), [title])
        if record.year is not None:
            fields += _field(_("Year"), str(record.year))
        spec = find_field(self.domain.fields, record.field)
        # an unknown field keeps the author's words, linked to the "Unfiled" page
        label = spec.name if spec else (record.field_text or _("Unfiled"))
        field_page = self.domain.field_docname(record.field)
        fields += _field(_("Field"), [_doc_ref(field_page, label, docname)])
        if record.key:
            fields += _field(_("Key"), [nodes.literal(record.key, record.key)])
        fields += extra
        return fields

    # --- lists of papers ----------------------------------------------------

    def paper_item(self, summary: PaperSummary, refdoc: str, lead: str) -> nodes.list_item:
        paragraph = nodes.paragraph()
        if lead:
            paragraph += nodes.strong(lead, lead)
            paragraph += nodes.Text(" ")
        paragraph += _paper_ref(summary, refdoc)
        byline = ", ".join(part for part in (summary.authors, summary.venue) if part)
        if byline:
            paragraph += nodes.Text(" — ")
            paragraph += nodes.emphasis(byline, byline)
        return nodes.list_item("", paragraph)

    def paper_list(self, node: paper_nodes.paper_list) -> list[Node]:
        """A field's papers led by their year, or a year's papers led by their field."""
        refdoc = str(node["docname"])
        if node.get("field"):
            papers = self.domain.field_papers(str(node["field"]))
            leads = [str(s.year) if s.year is not None else "—" for s in papers]
        else:
            wanted = str(node["year"])
            papers = next(
                (found for year, found in self.domain.years() if str(year or "unknown") == wanted),
                (),
            )
            leads = [self.field_name(s.field) for s in papers]
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
            listing = nodes.bullet_list(classes=["paper-list"])
            listing += [
                self.paper_item(s, refdoc, lead) for s, lead in zip(papers, leads, strict=True)
            ]
            out.append(listing)
        return out

    # --- the cross-reference index -----------------------------------------

    def links_index(self, node: paper_nodes.paper_links_index) -> list[Node]:
        refdoc = str(node["docname"])
        listing = nodes.definition_list(classes=["paper-links"])
        for links in self.domain.view(("links", "")):
            if links is None:
                continue
            listing += self.links_item(cast(PaperLinks, links), refdoc)
        return [listing]

    def links_item(self, links: PaperLinks, refdoc: str) -> nodes.definition_list_item:
        term = nodes.term()
        term += _paper_ref(links.paper, refdoc)
        definition = nodes.definition()
        related = sorted({*links.related, *links.related_by}, key=self.domain.site_order)
        for label, papers in (
            (_("References"), links.cites),
            (_("Referenced by"), links.cited_by),
            (_("Related notes"), tuple(related)),
        ):
            paragraph = nodes.paragraph()
            paragraph += nodes.strong(label, label)
            paragraph += nodes.Text(": ")
            if papers:
                paragraph += _joined(_paper_ref(s, refdoc) for s in papers)
            else:
                paragraph += nodes.Text("—")
            definition += paragraph
        return nodes.definition_list_item("", term, definition)

    # --- every insight ------------------------------------------------------

    def insights(self, node: paper_nodes.paper_insights) -> list[Node]:
        refdoc = str(node["docname"])
        out: list[Node] = []
        total = 0
        for summary, docname, records in self.domain.all_insights():
            rubric = nodes.rubric(classes=["paper-insights-paper"])
            if summary is not None:
                rubric += _paper_ref(summary, refdoc)
            else:
                rubric += _doc_ref(docname, docname, refdoc)
            out.append(rubric)
            for record in records:
                total += 1
                box = paper_nodes.insight(classes=["insight"])
                box += nodes.title(_("Insight"), _("Insight"))
                box += [_moved(child, docname, refdoc) for child in record.body]
                back = nodes.paragraph(classes=["insight-source"])
                back += _anchor_ref(docname, record.node_id, _("in context"), refdoc)
                box += back
                out.append(box)
        count = _("Insights: %d") % total
        return [nodes.paragraph(count, count, classes=["paper-count"]), *out]


def _moved(node: Node, origin: str, refdoc: str) -> Node:
    """A copy of *node* from page *origin* that resolves its links from page *refdoc*.

    References are resolved relative to the page they stand on; a copy that
    kept its origin's ``refdoc`` would get URLs relative to the wrong folder.
    """
    copy = node.deepcopy()
    for xref in copy.findall(addnodes.pending_xref):
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
        cite: Any = self.env.domains["cite"]
        keys = {citation.citation_id: citation.key for citation in cite.citations}
        domain = cast(PaperDomain, self.env.domains["paper"])
        for citation in self.document.findall(nodes.citation):
            key = next((keys[i] for i in citation["ids"] if i in keys), None)
            summary = domain.paper_by_key(key) if key else None
            if summary is None:
                continue
            paragraphs = [c for c in citation.children if isinstance(c, nodes.paragraph)]
            target: nodes.Element = paragraphs[-1] if paragraphs else citation
            target += nodes.Text(" ")
            target += _anchor_ref(
                summary.docname,
                summary.node_id,
                _("Reading note"),
                str(citation.get("docname", "")) or self.env.current_document.docname,
            )


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
