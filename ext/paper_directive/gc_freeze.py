"""Keep Python's garbage collector off the environment while pages are written.

After reading, the build environment holds every page's records, the
parsed bibliography and Sphinx's own tables: hundreds of thousands of
objects that live until the build ends.  Writing then allocates a doctree
per page, and each full collection the allocations trigger walks the whole
environment again, so the time spent collecting grows with the site and
the write phase with its square.  ``gc.freeze()`` (made for this: long-lived
objects of a process) moves what exists after reading out of the
collector's reach; garbage from writing is still collected as usual.  The
objects are handed back at the end of the build, for processes that run
several builds (tests, sphinx-autobuild).
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def freeze_environment(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``, after every other handler: freeze what reading left."""
    gc.collect()
    gc.freeze()


def unfreeze(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: the environment's objects are ordinary objects again."""
    gc.unfreeze()


def register(app: Sphinx) -> None:
    app.connect("env-updated", freeze_environment, priority=900)
    app.connect("build-finished", unfreeze, priority=900)
