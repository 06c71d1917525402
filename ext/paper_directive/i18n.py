"""The extension's message catalog: ``_()`` for output text, ``__()`` for log messages.

Kept apart from the Sphinx-facing modules so that ``paper-notes check``,
which runs without Sphinx, speaks with the build's words: the same messages
from the same catalog.
"""

from __future__ import annotations

from sphinx.locale import get_translation

CATALOG = "paper_directive"
_ = get_translation(CATALOG)
__ = get_translation(CATALOG, "console")
