"""A rebuild that changed nothing leaves the general and search indices as they are.

Sphinx's HTML builder writes the general index and dumps the search index
at the end of every build, also when it read, removed and wrote no page:
it loads ``searchindex.js`` to write the same file back, and renders every
letter of the general index again.  At 2,000 notes that was 0.55 s of a
1.7 s rebuild with nothing to do, a third of it.

Both are made from the environment and from the pages written.  When no
page was read (so the environment is the one the last build saved), none
was removed and none is to be written, they would come out as they are on
disk; then they are not loaded, rendered or written.  Everything that
changes what they hold goes through one of those three: a changed source
or setting is read again, a changed template or HTML setting has every page
written, a stopped build has the next one read every page
(:mod:`.build_journal`), and a missing general index is written as usual.

A missing search index has every page read and written again: Sphinx adds
the pages it writes to the index it loads, so without the file the index
would hold only those (or, with none to write, the build would stop).
"""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast
from weakref import WeakKeyDictionary

from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging

from .i18n import __

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: The builders whose output this applies to: pages written one by one,
#: with a general and a search index beside them.
BUILDERS = frozenset({"html", "dirhtml"})


@dataclass
class _BuildState:
    #: Whether this build read or removed any page.
    sources_changed: bool = False
    #: Whether the indices on disk are already the ones this build would write.
    indices_kept: bool = False


_states: WeakKeyDictionary[Builder, _BuildState] = WeakKeyDictionary()


def _state(app: Sphinx) -> _BuildState | None:
    return _states.get(app.builder)


def _keeping(builder: StandaloneHTMLBuilder, state: _BuildState) -> None:
    """Put the guards on this builder's methods that load, render and dump the indices."""
    prepare_writing = builder.prepare_writing
    load_indexer = builder.load_indexer
    dump_search_index = builder.dump_search_index
    write_genindex = builder.write_genindex
    search_index = _search_index(builder)

    def prepare(docnames: Set[str]) -> None:
        state.indices_kept = not docnames and not state.sources_changed
        prepare_writing(docnames)

    def load(docnames: Set[str]) -> None:
        if not (state.indices_kept and search_index.is_file()):
            state.indices_kept = False  # loaded, so dumped as well
            load_indexer(docnames)

    def dump() -> None:
        if not state.indices_kept:
            dump_search_index()

    def genindex() -> None:
        if not (state.indices_kept and _is_file(builder, "genindex")):
            write_genindex()

    methods: dict[str, Callable[..., None]] = {
        "prepare_writing": prepare,
        "load_indexer": load,
        "dump_search_index": dump,
        "write_genindex": genindex,
    }
    for name, method in methods.items():
        setattr(builder, name, method)


def _search_index(builder: StandaloneHTMLBuilder) -> Path:
    return builder.outdir / builder.searchindex_filename


def _is_file(builder: StandaloneHTMLBuilder, pagename: str) -> bool:
    return builder.outdir.joinpath(builder.get_outfilename(pagename)).is_file()


def start(app: Sphinx) -> None:
    """``builder-inited``: watch this build's reading, for the builders it applies to."""
    builder = app.builder
    if builder.name in BUILDERS and isinstance(builder, StandaloneHTMLBuilder):
        state = _states[builder] = _BuildState()
        _keeping(builder, state)


def note_removed(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: a removed page leaves both indices; a lost search index is remade.

    Sphinx adds the pages it writes to the search index it loads from the
    last build.  Without that file it warns that the index will be
    incomplete, and when no page is to be written it stops with a
    traceback.  So every page is read, and written, again: the index is
    then whole.  Not when the output folder was emptied (its home page is
    gone too): every page is written then, and nothing need be read.
    """
    state = _state(app)
    if state is None:
        return []
    if removed:
        state.sources_changed = True
    builder = cast("StandaloneHTMLBuilder", app.builder)
    if (
        builder.search
        and env.all_docs
        and not _search_index(builder).is_file()
        and _is_file(builder, env.config.root_doc)
    ):
        logger.info(__("the search index is missing: reading every page again to make it whole"))
        return sorted(env.found_docs)
    return []


def note_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``, after the handlers that add pages: are any read?"""
    state = _state(app)
    if state is not None and docnames:
        state.sources_changed = True


def register(app: Sphinx) -> None:
    app.connect("builder-inited", start)
    app.connect("env-get-outdated", note_removed)
    app.connect("env-before-read-docs", note_read, priority=950)
