"""A parallel read's workers send back the pages they read, not the bibliography they were given.

Sphinx reads in parallel by forking one worker per chunk of pages (about
twenty chunks at 2,000 pages on two processes).  Each worker pickles its
whole environment back, and the main process unpickles it, one chunk after
the other, to keep the chunk's pages.  The parsed bibliography is part of
that environment: loaded by the main process before the first fork and
never changed by a reader, it still went out and came back with every
chunk, and pybtex's entries are slow to unpickle (0.15 s for 2,000 entries,
3 s of a parallel 2,000-note build, all of it in the serial main process).

So the bibliography is kept as :class:`SharedBibData`: pickled in full by
the process that reads the pages (the environment written to disk), and as
a reference to that process's own copy where a forked worker pickles it
(the same test as :mod:`.page_tables`).
"""

from __future__ import annotations

from typing import Any

from sphinxcontrib.bibtex.bibfile import BibData

from .page_tables import in_forked_reader

#: The bibliography this process shares with the workers it forks: only the
#: latest, for a process that runs several builds.
_shared: list[SharedBibData] = []


class SharedBibData(BibData):
    """sphinxcontrib-bibtex's parsed bibliography, not copied back from forked readers."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        if _shared and _shared[0] is self and in_forked_reader():
            # the process that unpickles this holds the object itself
            return (_main_copy, ())
        return (SharedBibData, tuple(self))


def _main_copy() -> SharedBibData:
    return _shared[0]


def share(bibdata: BibData) -> SharedBibData:
    """The bibliography as shared with the workers this process forks from now on."""
    shared = bibdata if isinstance(bibdata, SharedBibData) else SharedBibData(*bibdata)
    _shared[:] = [shared]
    return shared
