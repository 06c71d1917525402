"""sphinxcontrib-bibtex, without formatting the whole bibliography at every build.

sphinxcontrib-bibtex formats every entry of every ``bibliography`` directive
with pybtex after every read (``env-updated``), also when nothing changed:
a few milliseconds an entry, so seconds per build for a site of thousands
of papers, which an unchanged rebuild or a one-line edit would spend again.
The domain below is sphinxcontrib-bibtex's own, registered in its place; it
remembers what it formatted for each bibliography together with everything
that went into it (the style, the prefixes, each entry's content, the
order) and formats again only when one of those changed.

It also leaves out the tooltips' second formatting of every entry when the
site has no ``cite`` references: tooltips only ever show on those.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from sphinxcontrib.bibtex.domain import BibtexDomain

from .bibtex import entry_fingerprint, plain_values_read_directly
from .page_tables import PageTable

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Key of the remembered formatting in the domain's data.
_FORMATTED = "paper_formatted"


class _Remembered(NamedTuple):
    """A bibliography's formatted entries and what they were formatted from."""

    settings: str
    content: str
    formatted: list[Any]


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()


class CachingBibtexDomain(BibtexDomain):
    """The ``cite`` domain of sphinxcontrib-bibtex, remembering formatted bibliographies."""

    def get_formatted_entries(
        self,
        bibliography_key: Any,
        docnames: list[str],
        tooltips: bool,
        tooltips_style: str,
    ) -> Iterable[tuple[Any, Any, Any]]:
        tooltips = tooltips and bool(self.citation_refs)
        remembered: dict[Any, _Remembered] = self.data.setdefault(_FORMATTED, PageTable())
        hit = remembered.get(bibliography_key)
        options = self._options(bibliography_key, docnames, tooltips, tooltips_style)
        # first what costs nothing: the same options and files, unmodified
        settings = _digest((options, self._file_times(bibliography_key)))
        if hit is not None and hit.settings == settings:
            return hit.formatted
        # then each entry's content: a changed file may leave this bibliography alike
        entries = self.get_sorted_entries(bibliography_key, docnames)
        content = _digest((options, tuple((k, entry_fingerprint(e)) for k, e in entries)))
        if hit is not None and hit.content == content:
            remembered[bibliography_key] = hit._replace(settings=settings)
            return hit.formatted
        with plain_values_read_directly():
            formatted = list(
                super().get_formatted_entries(bibliography_key, docnames, tooltips, tooltips_style)
            )
        remembered[bibliography_key] = _Remembered(settings, content, formatted)
        return formatted

    def _options(
        self, bibliography_key: Any, docnames: list[str], tooltips: bool, tooltips_style: str
    ) -> tuple[Any, ...]:
        """What, besides the entries, decides a bibliography's formatting."""
        bibliography = self.bibliographies[bibliography_key]
        return (
            bibliography.style,
            bibliography.list_,
            bibliography.enumtype,
            bibliography.start,
            bibliography.labelprefix,
            bibliography.keyprefix,
            ast.dump(bibliography.filter_),
            tuple(bibliography.citation_nodes),
            tuple(bibliography.keys),
            tuple(self.citation_refs),
            # the order of the documents only matters to cited entries
            tuple(docnames) if self.citation_refs else (),
            tooltips,
            tooltips_style,
        )

    def _file_times(self, bibliography_key: Any) -> tuple[tuple[str, float], ...]:
        files = self.bibdata.bibfiles
        paths = self.bibliographies[bibliography_key].bibfiles
        return tuple((str(path), files[path].mtime) for path in paths if path in files)

    def env_updated(self) -> Iterable[str]:
        updated = super().env_updated()
        # forget the bibliographies of pages that no longer have one
        remembered = self.data.get(_FORMATTED, {})
        for bibliography_key in [k for k in remembered if k not in self.bibliographies]:
            del remembered[bibliography_key]
        return updated


def formatted_contents(env: BuildEnvironment) -> tuple[tuple[str, str], ...] | None:
    """What each bibliography was last formatted from, as digests; None if unknown.

    Equal digests mean equal formatted entries: the same entries, formatted
    with the same options.  None when the ``cite`` domain is not this one
    (another extension replaced it): then nothing is known.
    """
    remembered = env.domaindata.get("cite", {}).get(_FORMATTED)
    if remembered is None or not isinstance(env.domains["cite"], CachingBibtexDomain):
        return None
    return tuple(sorted((repr(key), hit.content) for key, hit in remembered.items()))


def register(app: Sphinx) -> None:
    app.add_domain(CachingBibtexDomain, override=True)
