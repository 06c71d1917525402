"""A large site's general index: a page per letter, never all entries on one page.

Sphinx writes a split general index (``html_split_index``) as an overview of
the letters, a page per letter, and ``genindex-all``, every entry on one
page.  The paper directive indexes each paper under its title, its field, its
year and each of its topics, so at 5,000 notes that one page passes 3 MB: a
page no reader asks for, which every build renders, and which would be the
only page of the site to grow without bound.  Where the extension split the
site's indices (more papers than ``paper_index_page_max``),
``genindex-all`` shows the letters like ``genindex`` does, and neither links
to an index on one page.  A site that splits its index by itself, below the
limit, keeps Sphinx's pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from .domain import PaperDomain

TEMPLATES = Path(__file__).parent / "templates"
LETTERS_TEMPLATE = "paper-genindex-letters.html"


def _add_templates(app: Sphinx, config: Config) -> None:
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path = [*config.templates_path, str(TEMPLATES)]


def _letters_only(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> str | None:
    if pagename not in ("genindex", "genindex-all") or not context.get("split_index"):
        return None
    domain = cast("PaperDomain", app.env.domains["paper"])
    return LETTERS_TEMPLATE if domain.index_split else None


def register(app: Sphinx) -> None:
    app.connect("config-inited", _add_templates)
    app.connect("html-page-context", _letters_only)
