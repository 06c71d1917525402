"""How the extension's nodes are set in LaTeX, and the style file that does it.

Insights must stand apart from the note in print as on screen: they get a
box of their own (``paperinsight`` in ``paperdirective.sty``) rather than
Sphinx's note box, so a reader of the PDF tells the author's remarks from
the paper's content at a glance.

The style also gives the PDF its metadata (title, author, language):
Sphinx writes title and author only from its own title page, which a site
that designs its own (``latex_elements["maketitle"]``) replaces.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util.fileutil import copy_asset_file

from .language import bcp47_tag, sphinx_language

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.config import Config

STYLE = Path(__file__).resolve().parent / "latex" / "paperdirective.sty"
#: Languages whose PDFs get the style's Chinese labels (written in simplified characters).
SIMPLIFIED_CHINESE = frozenset({"zh", "zh_CN", "zh_SG"})


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


def load_style(app: Sphinx, config: Config) -> None:
    """Load ``paperdirective.sty`` with the document's language.

    The language goes into the PDF's metadata as PDF readers name it
    (``zh-CN``); a document in simplified Chinese also gets Chinese fixed labels.  Done
    once the configuration is read, so the language is the one the build
    uses, ``-D language=...`` included.
    """
    options = [bcp47_tag(config.language)]
    if sphinx_language(config.language) in SIMPLIFIED_CHINESE:
        options.append("chinese")
    app.add_latex_package("paperdirective", ",".join(options))


def register(app: Sphinx) -> None:
    app.connect("config-inited", load_style)
    app.connect("build-finished", copy_style)
