"""Doctree nodes of the extension.

``insight`` is a real admonition that every writer knows how to render
(Sphinx translators look visitors up along the class hierarchy, so it is
drawn as a generic admonition unless a builder is given something better).

The others are placeholders: they mark where derived content goes, carry
only what identifies that content, and are replaced by standard nodes in a
post-transform once every page has been read.  They never reach a writer;
the visitors below only make sure a builder that skips post-transforms
drops them instead of failing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

from .latex_output import depart_insight, visit_insight

if TYPE_CHECKING:
    from sphinx.application import Sphinx


#: Set on the links of a copy of an insight (on the insights page): a problem
#: with them is reported where the insight stands, not again for each copy.
COPIED = "paper_copied"


class insight(nodes.admonition):
    """The author's own remark on a paper."""


class paper_card(nodes.General, nodes.Element):
    """The header of a paper's note: metadata, record, links and the cite block."""


class paper_list(nodes.General, nodes.Element):
    """The papers of one field (``field``), one year (``year``) or one topic (``topic``)."""


class paper_newest(nodes.General, nodes.Element):
    """The newest papers of the site or of one field (``field``), ``count`` of them."""


class paper_topics_index(nodes.General, nodes.Element):
    """Every topic with its names and number of papers."""


class paper_links_index(nodes.General, nodes.Element):
    """For every paper, the papers it references and those referencing it."""


class paper_insights(nodes.General, nodes.Element):
    """Every insight of the site, grouped by paper."""


class paper_count(nodes.Inline, nodes.TextElement):
    """The number of papers, in all or in one field."""


PLACEHOLDERS: tuple[type[nodes.Element], ...] = (
    paper_card,
    paper_list,
    paper_newest,
    paper_topics_index,
    paper_links_index,
    paper_insights,
    paper_count,
)


def _skip(translator: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def register(app: Sphinx) -> None:
    """Register the nodes with visitors for every writer Sphinx ships."""
    skip = (_skip, None)
    for node_class in PLACEHOLDERS:
        app.add_node(node_class, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_node(insight, latex=(visit_insight, depart_insight))
