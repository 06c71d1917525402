"""How the extension's nodes are set in LaTeX, and the style file that does it.

Insights must stand apart from the note in print as on screen: they get a
box of their own (``paperinsight`` in ``paperdirective.sty``) rather than
Sphinx's note box, so a reader of the PDF tells the author's remarks from
the paper's content at a glance.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util.fileutil import copy_asset_file

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

STYLE = Path(__file__).resolve().parent / "latex" / "paperdirective.sty"


def visit_insight(translator: Any, node: nodes.Element) -> None:
    # the anchor first, for the insights page's "in context" links; the title
    # child is then written by Sphinx as the environment's argument: {想法}
    translator.body.append("\n" + translator.hypertarget_to(node, anchor=True))
    translator.body.append("\n\\begin{paperinsight}")
    translator.no_latex_floats += 1


def depart_insight(translator: Any, node: nodes.Element) -> None:
    translator.body.append("\\end{paperinsight}\n")
    translator.no_latex_floats -= 1


def copy_style(app: Sphinx, exception: Exception | None) -> None:
    """Put ``paperdirective.sty`` beside the ``.tex`` files, where LaTeX finds it."""
    if exception is None and app.builder.format == "latex":
        copy_asset_file(STYLE, Path(app.outdir), force=True)


def register(app: Sphinx) -> None:
    app.add_latex_package("paperdirective")
    app.connect("build-finished", copy_style)
