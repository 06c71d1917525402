"""A paper's header: what its page shows above the note.

On the HTML site the year, the field, the venue and the topics are
sphinx-design badges, each a link to the page it names (the venue has no
page); below them the title, the authors, the key and the links between
notes; then the cite block as two sphinx-design tabs, the BibTeX entry and
the reference formatted by the bibliography's pybtex style, each with its
copy button.  Tabs and coloured badges mean nothing on paper or in an
e-reader, so the PDF, the EPUB and plain text get the same facts as rows of
a field list and the two cite blocks one after the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging
from sphinx_design.badges_buttons import create_bdg_classes, sd_badge
from sphinx_design.shared import create_component

from .domain import PaperDomain, PaperMeta, _
from .downloads import download_link, paper_bib_path
from .fields import find_field
from .links import NO_SEARCH, Links, joined
from .missing_entries import missing_entry_note
from .paper_rules import unknown_related

if TYPE_CHECKING:
    from docutils.nodes import Node

    from .model import PaperRecord
    from .topics import TopicSpec

logger = logging.getLogger(__name__)


def field_row(name: str, body: list[Node] | str, *classes: str) -> nodes.field:
    paragraph = nodes.paragraph()
    if isinstance(body, str):
        paragraph += nodes.Text(body)
    else:
        paragraph += body
    field = nodes.field("", nodes.field_name(name, name), nodes.field_body("", paragraph))
    field["classes"].extend(classes)
    return field


def badge(content: str | nodes.reference, color: str, *classes: str) -> Node:
    """A sphinx-design badge: a link when given one, otherwise plain."""
    badge_classes = [*create_bdg_classes(color, outline=False), *classes]
    if isinstance(content, nodes.reference):
        content["classes"].extend(badge_classes)
        return content
    return sd_badge(content, content, classes=badge_classes)


class PaperHeader:
    """Builds the header of one page's paper."""

    def __init__(self, domain: PaperDomain, links: Links, rich: bool) -> None:
        self.domain = domain
        self.links = links
        #: badges and tabs (the HTML site), or plain rows and blocks (everything else)
        self.rich = rich
        self.language = domain.env.config.language

    # --- the facts -----------------------------------------------------------

    def field_label(self, record: PaperRecord) -> str:
        spec = find_field(self.domain.fields, record.field)
        # an unknown field keeps the author's words, linked to the "Unfiled" page
        return spec.name if spec else (record.field_text or _("Unfiled"))

    def year_link(self, year: int) -> nodes.reference:
        docname, anchor = self.domain.year_target(year)
        return self.links.anchor(docname, anchor, str(year))

    def field_link(self, record: PaperRecord) -> nodes.reference:
        return self.links.doc(self.domain.field_docname(record.field), self.field_label(record))

    def topic_link(self, topic: TopicSpec) -> nodes.reference:
        return self.links.doc(self.domain.topic_docname(topic.slug), topic.label(self.language))

    # --- the whole header ----------------------------------------------------

    def duplicate(self, record: PaperRecord) -> list[Node]:
        """The header of a second paper on a page: its own options only."""
        return [self.rows(record, None)]

    def build(self, record: PaperRecord, meta: PaperMeta, card: nodes.Element) -> list[Node]:
        container = nodes.container(classes=["paper-card"])
        if self.rich:
            container += self.badges(record, meta)
        container += self.rows(record, meta)
        if meta.bibtex:
            container += self.cite(record, meta)
        elif record.key:
            # says why the header has no authors, venue or cite block (and warns)
            container += missing_entry_note(self.domain.env, record.key, card)
        return [container]

    def badges(self, record: PaperRecord, meta: PaperMeta) -> nodes.paragraph:
        row = nodes.paragraph(classes=["paper-badges"])
        items: list[Node] = []
        if record.year is not None:
            items.append(badge(self.year_link(record.year), "primary", NO_SEARCH))
        items.append(badge(self.field_link(record), "info", NO_SEARCH))
        if meta.venue:
            items.append(badge(meta.venue, "secondary"))
        items += [badge(self.topic_link(t), "success") for t in meta.topics]
        row += joined(items, " ")
        return row

    def rows(self, record: PaperRecord, meta: PaperMeta | None) -> nodes.field_list:
        rows = nodes.field_list(classes=["paper-meta"])
        title: Node = nodes.Text(record.title)
        if record.link:
            title = nodes.reference(record.title, record.title, refuri=record.link)
        rows += field_row(_("Title"), [title])
        if not self.rich or meta is None:
            if record.year is not None:
                rows += field_row(_("Year"), [self.year_link(record.year)], NO_SEARCH)
            rows += field_row(_("Field"), [self.field_link(record)], NO_SEARCH)
            if meta is not None and meta.venue:
                rows += field_row(_("Venue"), meta.venue)
        if meta is not None and meta.authors:
            rows += field_row(_("Authors"), ", ".join(meta.authors))
        if record.key:
            rows += field_row(_("Key"), [nodes.literal(record.key, record.key)])
        if meta is None:
            return rows
        if meta.topics and not self.rich:
            rows += field_row(_("Topics"), joined(self.topic_link(t) for t in meta.topics))
        if meta.free_tags:
            rows += field_row(_("Tags"), ", ".join(meta.free_tags))
        if meta.links is not None:
            related = sorted(
                {*meta.links.related, *meta.links.related_by}, key=self.domain.site_order
            )
            if related:
                refs = joined(self.links.paper(s) for s in related)
                rows += field_row(_("Related notes"), refs, NO_SEARCH)
            if meta.links.cited_by:
                refs = joined(self.links.paper(s) for s in meta.links.cited_by)
                rows += field_row(_("Referenced by"), refs, NO_SEARCH)
        return rows

    # --- the cite block ------------------------------------------------------

    def cite(self, record: PaperRecord, meta: PaperMeta) -> list[Node]:
        blocks = [("BibTeX", meta.bibtex, "bibtex", "paper-bibtex")]
        if meta.reference:
            blocks.append((_("Reference"), meta.reference, "none", "paper-reference"))
        out: list[Node] = [nodes.rubric(_("Cite"), _("Cite"), classes=["paper-cite"])]
        if self.rich:
            tabs = create_component("tab-set", classes=["sd-tab-set", "paper-cite-tabs"])
            for index, (label, text, language, kind) in enumerate(blocks):
                item = create_component("tab-item", classes=["sd-tab-item"], selected=index == 0)
                item += nodes.rubric(label, label, classes=["sd-tab-label"])
                content = create_component("tab-content", classes=["sd-tab-content"])
                content += self.block(text, language, kind)
                item += content
                tabs += item
            out.append(tabs)
        else:
            for label, text, language, kind in blocks:
                out.append(nodes.paragraph(label, "", nodes.strong(label, label)))
                out.append(self.block(text, language, kind))
        out.append(
            download_link(
                path=paper_bib_path(record.key),
                text=_("Download BibTeX") + f" ({record.key}.bib)",
            )
        )
        return out

    @staticmethod
    def block(text: str, language: str, kind: str) -> nodes.literal_block:
        block = nodes.literal_block(text, text, classes=[kind, NO_SEARCH])
        block["language"] = language
        return block


def warn_unknown_related(meta: PaperMeta, card: Node) -> None:
    """``:related:`` keys that name no paper, said where the author can mend them."""
    for key in meta.unknown_related:
        finding = unknown_related(key)
        logger.warning(finding.message, type="paper", subtype=finding.subtype, location=card)
