"""Each page's title rendered as HTML once per build, not once per page that names it.

To write a page, Sphinx renders as HTML the titles of the pages around it:
the previous and next page, and every page above it up to the landing page
(``StandaloneHTMLBuilder.get_doc_context``).  Each rendering is a small
docutils run of its own (a new document, its transforms, a new translator),
and the same titles come round again and again: every paper of a field
renders its field page's title and the landing page's, and each paper's
title is rendered again for both its neighbours.  At 2,000 notes that was
four thousand renderings of two titles, and 1.9 s of the build.

The titles are final once the pages are read, so from ``write-started`` on
the builder's ``render_partial`` remembers what it rendered for each title
node of the environment.  Anything else it is given (a page's own table of
contents, built afresh for each page) it renders every time, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docutils.nodes import Node
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

RenderPartial = Callable[["Node | None"], dict[str, str]]


class RememberedTitles:
    """``render_partial`` that renders each of the environment's titles once."""

    def __init__(self, render: RenderPartial, titles: Iterable[Node]) -> None:
        self._render = render
        # by identity: a title node is remembered only while it is the very
        # node the environment holds (kept alive here, so its id stays its own)
        self._titles: dict[int, Node] = {id(node): node for node in titles}
        self._rendered: dict[int, dict[str, str]] = {}

    def __call__(self, node: Node | None) -> dict[str, str]:
        key = id(node)
        if node is None or self._titles.get(key) is not node:
            return self._render(node)
        parts = self._rendered.get(key)
        if parts is None:
            parts = self._rendered[key] = self._render(node)
        return dict(parts)


def remember_titles(app: Sphinx, builder: Builder) -> None:
    """``write-started``: the titles are final; render each of them once from here on."""
    render = getattr(builder, "render_partial", None)
    if render is None:  # not an HTML builder
        return
    if isinstance(render, RememberedTitles):  # a second write in one process
        render = render._render
    env = builder.env
    titles = [*env.titles.values(), *env.longtitles.values()]
    builder.render_partial = RememberedTitles(render, titles)  # type: ignore[attr-defined]


def register(app: Sphinx) -> None:
    app.connect("write-started", remember_titles)
