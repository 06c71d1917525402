"""Each stylesheet's and script's tag written once per folder, not once per page.

Sphinx writes a page's ``<link>`` and ``<script>`` tags through the
``css_tag`` and ``js_tag`` functions it puts in the page's context.  Each call
resolves the asset's path in the output folder (``Path.resolve``: a system
call per path component) before it looks up the file's checksum, and a page
of this site links a dozen assets (the theme's, sphinx-design's, the copy
button's and the extension's own): 1.1 s of a 2,000-note build went on
resolving the same dozen paths again on every page.

A tag depends only on the asset and on the folder of the page it is written
into (its link is relative to that folder), so the tags are remembered per
build, keyed by both.  The remembered functions call Sphinx's own for every
tag they have not seen, so a tag reads exactly as Sphinx would write it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

#: The context's functions that write an asset's tag.
TAG_FUNCTIONS = ("css_tag", "js_tag")

TagCache = dict[tuple[str, str, Hashable], str]
_caches: WeakKeyDictionary[Builder, TagCache] = WeakKeyDictionary()


def _remembering(
    write_tag: Callable[[Any], str], name: str, folder: str, cache: TagCache
) -> Callable[[Any], str]:
    def tag(asset: Any) -> str:
        key = (name, folder, asset)
        written = cache.get(key)
        if written is None:
            written = cache[key] = write_tag(asset)
        return written

    return tag


def remember_asset_tags(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: the page's tag functions, remembering what they wrote."""
    builder = app.builder
    cache = _caches.setdefault(builder, {})
    folder = posixpath.dirname(builder.get_target_uri(pagename))
    for name in TAG_FUNCTIONS:
        write_tag = context.get(name)
        if callable(write_tag):
            context[name] = _remembering(write_tag, name, folder, cache)


def forget_asset_tags(app: Sphinx) -> None:
    """``builder-inited``: a new build (in a long-lived process) checks its assets afresh."""
    _caches.pop(app.builder, None)


def register(app: Sphinx) -> None:
    app.connect("builder-inited", forget_asset_tags)
    app.connect("html-page-context", remember_asset_tags)
