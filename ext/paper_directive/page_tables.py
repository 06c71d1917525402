"""A parallel read's workers send back the rows of the pages they read, not the whole tables.

Sphinx reads in parallel by forking a worker per chunk of pages, and each
worker pickles its whole environment back to the main process, which keeps
the rows of the chunk's pages (``merge_domaindata``).  A worker is forked
from the main process as it is at that moment, with the rows of every chunk
merged so far: the later the chunk, the more rows it carried there and back
for nothing.  At 2,000 notes, with twenty chunks, the domain's tables went
back about ten times over, unpickled one chunk after the other in the main
process, which is what keeps a parallel build from being twice as fast.

So the domain's tables are :class:`PageTable`: pickled in full by the main
process (the environment written to disk), and with only the rows written
in the worker itself when a forked worker pickles them.  The main process is
the one that started reading (:func:`mark_home`, at ``env-before-read-docs``).

The same holds for the tables of Sphinx's environment and of the other
domains that grow with the pages (the titles, the tables of contents, the
index entries, sphinxcontrib-bibtex's bibliographies): every merge of them
takes the rows of the chunk's pages only, and those are the rows the worker
wrote (Sphinx clears an outdated page's rows before it forks).  They are
made :class:`PageTable` too, where they are plain dicts.  So is the table
only the main process writes (the formatted bibliographies of
bibliography_cache), which a worker sends back empty.  The search index's
tables in the environment are left alone: the index holds references to them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: The process that reads the environment's pages and keeps the tables.
_home: list[int] = []
#: The keys this (forked) process wrote into any table.
_written: dict[int, set[Any]] = {}


class PageTable(dict):  # type: ignore[type-arg]
    """A table keyed by page (or source file); a forked worker pickles only its own rows."""

    __slots__ = ()

    def __setitem__(self, key: Any, value: Any) -> None:
        _note_written(key)
        super().__setitem__(key, value)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        _note_written(key)
        return super().setdefault(key, default)

    def __reduce__(self) -> tuple[Any, ...]:
        return (PageTable, (), None, None, self._rows_to_send())

    def _rows_to_send(self) -> Iterator[tuple[Any, Any]]:
        if in_forked_reader():
            written = _written.get(os.getpid(), set())
            return ((key, value) for key, value in self.items() if key in written)
        return iter(self.items())


def in_forked_reader() -> bool:
    """Whether this process is a worker forked by the process that reads the pages."""
    return bool(_home) and _home[0] != os.getpid()


def _note_written(key: Any) -> None:
    if in_forked_reader():
        _written.setdefault(os.getpid(), set()).add(key)


#: The environment's tables of rows per page that a forked reader writes for its pages.
ENVIRONMENT_TABLES = (
    "all_docs",
    "titles",
    "longtitles",
    "tocs",
    "toc_num_entries",
    "toctree_includes",
    "files_to_rebuild",
)
#: The same in the domains' data: (domain, table).
DOMAIN_TABLES = (
    ("index", "entries"),
    ("cite", "bibliographies"),
)


def mark_home(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: this process reads, merges and keeps the tables."""
    _home[:] = [os.getpid()]
    _written.clear()
    for name in ENVIRONMENT_TABLES:
        table = getattr(env, name, None)
        if type(table) is dict:
            setattr(env, name, PageTable(table))
    for domain, name in DOMAIN_TABLES:
        data = env.domaindata.get(domain)
        # Sphinx's index domain makes its table on first use
        if data is not None and type(data.get(name, {})) is dict:
            data[name] = PageTable(data.get(name, {}))


def register(app: Sphinx) -> None:
    app.connect("env-before-read-docs", mark_home)
