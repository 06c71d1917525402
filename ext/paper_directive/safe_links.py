"""Only web addresses become links: any other scheme is shown as text.

A ``javascript:`` or ``data:`` address in a reStructuredText link, or in a
bibliography entry's ``url`` (which sphinxcontrib-bibtex's styles turn into
a link), would run in the reader's browser.  MyST already refuses such
links in Markdown; this post-transform holds every page to the same rule
before it is written, in every output: a reference whose address has a
scheme other than ``http``, ``https`` or ``mailto`` loses its link and keeps
its text.  A link the author wrote is warned about at its line; a
bibliography entry's address is warned about where the bibliography is read
(:mod:`.bibliography_loader`), at the entry's line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from .nodes import COPIED
from .paper_rules import unsafe_link, unsafe_scheme

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)


class SafeLinks(SphinxPostTransform):
    """Replace every link to an address of another scheme by its text."""

    # after sphinxcontrib-bibtex writes the bibliography (5), before references resolve (10)
    default_priority = 8

    def run(self, **kwargs: Any) -> None:
        for reference in list(self.document.findall(nodes.reference)):
            address = reference.get("refuri")
            if not address:
                continue
            scheme = unsafe_scheme(str(address))
            if scheme is None:
                continue
            if not _in_citation(reference) and not reference.get(COPIED):
                finding = unsafe_link(str(address))
                logger.warning(
                    finding.message, type="paper", subtype=finding.subtype, location=reference
                )
            text = nodes.inline(reference.rawsource, "", *reference.children)
            reference.replace_self(text)


def _in_citation(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.citation):
            return True
        parent = parent.parent
    return False


def register(app: Sphinx) -> None:
    app.add_post_transform(SafeLinks)
