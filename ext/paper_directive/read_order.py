"""The notes are read first, the pages generated from them last.

In a parallel read Sphinx forks one worker per chunk of pages, in the
order of the list it reads, and each worker pickles back its whole
environment: what the main process had merged before the fork as well as
the chunk it read.  The generated pages hold the environment's heaviest
entries (the bibliography's citation nodes, the toctrees of every field
and index page), and their names (``browse/…``) sort before ``papers/…``:
read first, they travelled back with every later chunk, about twenty at
2,000 notes.  Read last, they travel once.

Sphinx offers ``env-before-read-docs`` for this: the list may be reordered
in place.  The order changes nothing else (a serial build reads in the same
order, and every output is sorted by its own rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def generated_last(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: move the generated pages to the end of the reading list."""
    folder = f"{app.config.paper_pages_dir}/"
    docnames.sort(key=lambda docname: docname.startswith(folder))  # stable


def register(app: Sphinx) -> None:
    app.connect("env-before-read-docs", generated_last, priority=900)
