"""Keep Python's garbage collector from costing more than the build itself.

A build holds hundreds of thousands of long-lived objects (the environment:
every page's records, titles, tables of contents, the parsed bibliography)
and creates millions of short-lived ones (doctrees, nodes).  With CPython's
default thresholds a collection runs every 700 allocations and, every so
often, walks all of them: unpickling the environment (every rebuild, and
each worker's copy merged in a parallel read) then takes several times as
long as without collections, and writing pays again for every page.

So, for the length of a build:

- collections run less often (the first generation's threshold is raised,
  as mypy does for the same reason); cyclic garbage is still collected;
- while the saved environment is loaded, collections wait; then it is
  frozen;
- before reading, what exists is frozen (``gc.freeze()``, made for the
  long-lived objects of a process), and again after reading: the
  collections of the read and write phases no longer walk the environment
  and the bibliography, and forked readers and writers share their memory;
- each page's tree is taken apart once its HTML is written: the trees
  Sphinx keeps from reading were frozen too, and would never be freed;
- a forked writer, which lives for one chunk of pages, does not collect
  at all.

These are undone when the build ends, for processes that run several
builds (tests, sphinx-autobuild).

And when the process exits: Python's finalization runs full collections
over every object still alive (the environment, the bibliography, the
search dictionary, a clean build's last doctrees), to free memory the
operating system takes back a moment later anyway.  That was a third of a
rebuild with nothing to do at 2,000 notes (1.5 s of 4.2 s).  So at exit the
heap is frozen first, and those collections have nothing to walk; what
Python frees by reference counting is still freed, and ``atexit`` handlers
registered before ours (logging's flush among them) still run.

``paper_gc_tuning = False`` leaves the collector alone.
"""

from __future__ import annotations

import atexit
import gc
import os
from typing import TYPE_CHECKING, Any

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

#: Allocations between two collections of the youngest generation (CPython: 700).
#: Measured on a clean 2,000-note build (time spent in collections, from
#: ``gc.callbacks``): 700 → 9.9 s, 3,000 → 7.4 s, 10,000 → 4.5 s, 20,000 → 5.0 s,
#: 100,000 → 6.8 s.  Fewer, larger young collections walk more objects that
#: no longer fit the processor's cache; more, smaller ones promote doctrees
#: to the old generations, whose collections walk the environment.
YOUNG_THRESHOLD = 10_000

_saved: list[tuple[int, int, int]] = []

#: The process that runs the build: a page written by another was forked to write it.
_build_process: list[int] = []

#: Whether collections were paused for loading the environment (by this module).
_paused: list[bool] = []

#: Whether this build read any page: only reading leaves garbage worth a full collection.
_read_pages: list[bool] = []


def tune(app: Sphinx, config: Config) -> None:
    """``config-inited``, before the environment is loaded: collect less often.

    And not at all while the environment is unpickled: it makes hundreds of
    thousands of objects, none of them garbage, which collections walked
    over and over (at 2,000 notes 0.29 s, not 0.14 s, of every rebuild).
    """
    if not config.paper_gc_tuning:
        return
    _build_process[:] = [os.getpid()]
    if not _saved:
        atexit.unregister(gc.freeze)  # once per process, however many builds it runs
        atexit.register(gc.freeze)
        thresholds = gc.get_threshold()
        _saved.append(thresholds)
        gc.set_threshold(max(thresholds[0], YOUNG_THRESHOLD), *thresholds[1:])
    if gc.isenabled():
        gc.disable()
        _paused.append(True)


def environment_loaded(app: Sphinx) -> None:
    """``builder-inited``, the environment loaded: freeze it, and collect again."""
    if _paused:
        _paused.clear()
        gc.freeze()
        gc.enable()


def note_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``, after every other handler: freeze what reading starts from.

    The parsed bibliography, the unpickled environment and the modules are
    there for the whole build; frozen, the full collections that reading
    still triggers do not walk them (0.5 s, not 0.85 s, at 2,000 notes), and
    forked readers share their memory.  Also remembers whether pages are read.
    """
    _read_pages[:] = [bool(docnames)]
    if _saved:
        gc.freeze()


def freeze_environment(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``, after every other handler: freeze what reading left.

    Reading leaves cyclic garbage (parsed doctrees), collected first so that it
    is not frozen with the environment; a build that read nothing has only the
    unpickled environment, and a full collection would walk it for nothing
    (a third of a second at 2,000 notes).
    """
    if _saved:
        if _read_pages != [False]:
            gc.collect()
        gc.freeze()


def free_written_page(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """``html-page-context``, after every other handler: take a written page's tree apart.

    Sphinx keeps the trees it read for the write phase, so they were frozen
    with the environment, and a frozen cycle is never collected: each
    written page's tree stayed in memory, with the nodes writing added to
    it (the header, the resolved links), which every later full collection
    walked.  The page's HTML is rendered by now; with its tree's cycles
    (parents, the document's tables) broken, reference counting frees it.
    At 2,000 notes the write phase's collections then took 1.7 s, not 2.6 s
    (its full collections 0.2 s, not 1.1 s).
    """
    if not _saved or doctree is None:
        return
    if _build_process and _build_process[0] != os.getpid():
        _stop_collecting_in_writer()
        return
    stack: list[nodes.Node] = [doctree]
    while stack:
        node = stack.pop()
        if isinstance(node, nodes.Element):
            stack.extend(node.children)
            node.children = []
        node.parent = None
    vars(doctree).clear()


def _stop_collecting_in_writer() -> None:
    """In a forked writer: no collections at all.

    A writer (``-j N``) is forked for one chunk of pages and exits when it
    has written them, freeing nothing.  Its collections walked only the
    trees its parent had resolved for it, and taking each tree apart was
    for nothing: at 2,000 notes they were 15 % of a writer's time (1.6 s of
    10.3 s).  And that time decides a ``-j 2`` build: Sphinx starts the
    next writer only when the main process has resolved its next chunk, so
    a writer slower than the main process misses every other start, and
    half the chunks are written after the main process is done (a ``-j 2``
    build 0.85 of ``-j 1``, not 0.7).
    """
    if gc.isenabled():
        gc.disable()


def restore(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: the collector as it was before the build."""
    if _saved:
        gc.unfreeze()
        gc.set_threshold(*_saved.pop())
    _read_pages.clear()


def register(app: Sphinx) -> None:
    app.add_config_value("paper_gc_tuning", True, "", types=[bool])
    app.connect("config-inited", tune)
    app.connect("builder-inited", environment_loaded, priority=0)
    app.connect("env-before-read-docs", note_reading, priority=900)
    app.connect("env-updated", freeze_environment, priority=900)
    app.connect("html-page-context", free_written_page, priority=999)
    app.connect("build-finished", restore, priority=900)
