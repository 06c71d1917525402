"""Links from one page to papers and pages of the site, as the builder spells them.

The targets are known when derived content is expanded, so links are made
at once (``make_refnode``) rather than left as pending cross-references for
Sphinx's resolver to look up one by one: the index pages hold thousands.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util.nodes import make_refnode

if TYPE_CHECKING:
    from docutils.nodes import Node
    from sphinx.builders import Builder

    from .model import PaperSummary

#: Sphinx leaves elements of this class out of the search index.  Given to
#: what repeats facts of other pages (lists of papers, links between notes,
#: the insights collection, the bibliography, the cite block): a search then
#: finds each note once, on its own page, instead of on every page that
#: lists it, and the index does not grow with each listing.
NO_SEARCH = "no-search"


class Links:
    """Links from the page *refdoc*."""

    def __init__(self, builder: Builder, refdoc: str) -> None:
        self.builder = builder
        self.refdoc = refdoc

    def anchor(self, docname: str, node_id: str | None, text: str) -> nodes.reference:
        """A link to one spot of one page (or to the page, without *node_id*)."""
        return make_refnode(self.builder, self.refdoc, docname, node_id, nodes.Text(text))

    def paper(self, summary: PaperSummary) -> nodes.reference:
        return self.anchor(summary.docname, summary.node_id, summary.title)

    def doc(self, docname: str, text: str) -> nodes.reference:
        """A link to a whole page, as Sphinx's ``doc`` role makes it."""
        inner = nodes.inline(text, text, classes=["doc"])
        return make_refnode(self.builder, self.refdoc, docname, None, inner)


def joined(items: Iterable[Node], separator: str = ", ") -> list[Node]:
    """*items* with *separator* between them, as inline content."""
    out: list[Node] = []
    for item in items:
        if out:
            out.append(nodes.Text(separator))
        out.append(item)
    return out
