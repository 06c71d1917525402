"""Code blocks highlighted without rebuilding the colour scheme for each block.

Sphinx makes a new Pygments ``HtmlFormatter`` for every code block it
writes, and each one works out the whole colour scheme again (a CSS class
and a style for every token type of the style), although it depends only
on the style and the class prefix.  Every paper page has two cite blocks,
so at 2,000 notes that was 0.9 s of a clean build, more than the
highlighting itself.  The formatter below works each scheme out once per
process and shares it; what it writes is Pygments' own, unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pygments.formatters import HtmlFormatter

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class SharedSchemeHtmlFormatter(HtmlFormatter):  # type: ignore[misc]  # Pygments has no types
    """Pygments' HTML formatter, sharing each style's class table between instances.

    The tables are only read once made, so instances can share them.
    """

    _schemes: ClassVar[dict[tuple[Any, str], tuple[dict[Any, str], dict[str, Any]]]] = {}
    ttype2class: dict[Any, str]
    class2style: dict[str, Any]

    def _create_stylesheet(self) -> None:
        key = (self.style, self.classprefix)
        scheme = self._schemes.get(key)
        if scheme is None:
            super()._create_stylesheet()
            self._schemes[key] = (self.ttype2class, self.class2style)
        else:
            self.ttype2class, self.class2style = scheme


def share_schemes(app: Sphinx) -> None:
    """``builder-inited``: the HTML highlighters (light and dark) use the sharing formatter.

    Only where they use Pygments' own: a formatter another extension set
    is left as it is.
    """
    for name in ("highlighter", "dark_highlighter"):
        bridge = getattr(app.builder, name, None)
        if bridge is not None and getattr(bridge, "formatter", None) is HtmlFormatter:
            bridge.formatter = SharedSchemeHtmlFormatter


def register(app: Sphinx) -> None:
    app.connect("builder-inited", share_schemes)
