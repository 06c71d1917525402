"""Roles: a link from any text to a paper's note, and a live paper count.

Every ``paper`` reference is recorded as it is read, so the pages it points
at can list their backlinks; the link itself is resolved only when pages
are written, once every paper of the site is known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from docutils import nodes
from sphinx.roles import XRefRole
from sphinx.util.docutils import SphinxRole

from .model import Reference
from .nodes import paper_count

if TYPE_CHECKING:
    from docutils.nodes import Element, Node, system_message
    from sphinx.environment import BuildEnvironment

    from .domain import PaperDomain


class PaperReferenceRole(XRefRole):
    """``{paper}`key``` or ``{paper}`your words <key>```: a link to a paper's note.

    Without explicit text the link shows the paper's title, looked up when
    the page is written, so a renamed paper is renamed everywhere.
    """

    innernodeclass = nodes.inline

    def run(self) -> tuple[list[Node], list[system_message]]:
        # Registered both as ``paper:paper`` and as the bare ``paper`` role:
        # either way the reference belongs to the paper domain.
        self.refdomain, self.reftype = "paper", "paper"
        self.classes = ["xref", "paper"]
        return self.create_xref_node()

    def process_link(
        self,
        env: BuildEnvironment,
        refnode: Element,
        has_explicit_title: bool,
        title: str,
        target: str,
    ) -> tuple[str, str]:
        key = target.strip()
        domain = cast("PaperDomain", env.domains["paper"])
        domain.note_reference(Reference(env.current_document.docname, self.lineno, key))
        return title, key


class PaperCountRole(SphinxRole):
    """``{paper-count}`all``` or ``{paper-count}`LLM```: how many papers the site has now.

    ``insights`` and ``topics`` count the insights and the topics instead.
    """

    def run(self) -> tuple[list[Node], list[system_message]]:
        field = self.text.strip() or "all"
        node = paper_count(field=field)
        self.set_source_info(node)
        domain = cast("PaperDomain", self.env.domains["paper"])
        domain.note_dependency(self.env.current_document.docname, ("count", field))
        return [node], []
