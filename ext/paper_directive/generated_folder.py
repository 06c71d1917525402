"""Generated pages left in a folder the site no longer generates into.

Changing ``paper_pages_dir`` moves the field and index pages; the old ones
would stay in the source tree, where Sphinx reads them as pages of the site
(doubled field pages, each paper listed twice).  Before the pages are
written, every page that carries the extension's marker line and lies
outside the current folder is deleted; nothing without that line is touched.
The source tree is searched only when the folder differs from the last
build's (or no last build is known), so that an unchanged rebuild does not
walk it again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.project import Project
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

#: Where the folder of the last build's generated pages is kept, in the paper domain's data.
_LAST_FOLDER = "generated_folder"


def remove_stale_generated_pages(app: Sphinx) -> None:
    """``builder-inited``, before the pages are written: delete generated pages elsewhere."""
    from .pages import GENERATED_MARKER

    config = app.config
    domain: Any = app.env.domains["paper"]
    if domain.data.get(_LAST_FOLDER) == config.paper_pages_dir:
        return  # the folder the last build generated into: nothing was left elsewhere
    domain.data[_LAST_FOLDER] = config.paper_pages_dir
    srcdir = Path(app.srcdir)
    current = (srcdir / config.paper_pages_dir).resolve()
    project = Project(srcdir, {".rst": "restructuredtext"})
    excluded = [*config.exclude_patterns, *config.templates_path]
    for docname in sorted(project.discover(excluded, config.include_patterns)):
        path = Path(project.doc2path(docname, absolute=True))
        if path.resolve().is_relative_to(current):
            continue
        try:
            with path.open(encoding="utf-8") as file:
                first = file.readline().rstrip("\n")
        except (OSError, UnicodeDecodeError):
            continue
        if first != GENERATED_MARKER:
            continue
        path.unlink()
        logger.verbose("paper_directive: removed %s, generated for another pages folder", path)
        folder = path.parent
        while folder != srcdir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def register(app: Sphinx) -> None:
    # before pages.generate (500) writes the current pages
    app.connect("builder-inited", remove_stale_generated_pages, priority=450)
