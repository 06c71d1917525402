"""A build stopped half-way is finished by the next one.

Sphinx saves its environment after reading and before writing.  A build
stopped while it writes (Ctrl-C, a crash, a cancelled CI job) leaves pages
the environment believes written: a page whose derived content changed (a
field page listing a renamed paper) would never be written again, and the
HTML of a deleted page never removed.  So each build leaves a marker in the
doctree folder when it starts, holding the pages it removed, and deletes it
when it ends well; a build that finds a marker reads every page again (as a
clean build would) and removes the HTML of the pages the stopped build
removed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)


def marker(app: Sphinx) -> Path:
    return Path(app.doctreedir) / f"paper_directive.{app.builder.name}.unfinished.json"


def begin(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: note the build as begun; after a stopped build, read everything."""
    path = marker(app)
    stopped = path.is_file()
    pending: set[str] = set()
    if stopped:
        try:
            pending = set(json.loads(path.read_text(encoding="utf-8"))["removed"])
        except (OSError, ValueError, KeyError, TypeError):
            pending = set()  # a marker cut short: everything is read again all the same
    stale = {docname for docname in pending if docname not in env.found_docs}
    domain: Any = env.domains["paper"]
    domain.removed_docnames = set(getattr(domain, "removed_docnames", ())) | stale
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"removed": sorted(stale | removed)}), encoding="utf-8")
    if not stopped:
        return []
    logger.info("paper_directive: the last build stopped half-way; reading every page again")
    return sorted(env.found_docs)


def end(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: the build ended well, so the next one need not make up for it."""
    if exception is None:
        marker(app).unlink(missing_ok=True)


def register(app: Sphinx) -> None:
    # after the handler that remembers the removed documents (500)
    app.connect("env-get-outdated", begin, priority=600)
    # after the stale pages are removed (500)
    app.connect("build-finished", end, priority=900)
