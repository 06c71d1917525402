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

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sphinxcontrib.bibtex.domain import BibtexDomain

from .bibtex import entry_fingerprint

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Key of the remembered formatting in the domain's data.
_FORMATTED = "paper_formatted"


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
        bibliography = self.bibliographies[bibliography_key]
        signature = hashlib.sha256(
            repr(
                (
                    bibliography.style,
                    bibliography.labelprefix,
                    bibliography.keyprefix,
                    tooltips,
                    tooltips_style,
                    tuple(
                        (key, entry_fingerprint(entry))
                        for key, entry in self.get_sorted_entries(bibliography_key, docnames)
                    ),
                )
            ).encode()
        ).hexdigest()
        remembered: dict[Any, tuple[str, list[Any]]] = self.data.setdefault(_FORMATTED, {})
        hit = remembered.get(bibliography_key)
        if hit is not None and hit[0] == signature:
            return hit[1]
        formatted = list(
            super().get_formatted_entries(bibliography_key, docnames, tooltips, tooltips_style)
        )
        remembered[bibliography_key] = (signature, formatted)
        return formatted

    def env_updated(self) -> Iterable[str]:
        updated = super().env_updated()
        # forget the bibliographies of pages that no longer have one
        remembered = self.data.get(_FORMATTED, {})
        for bibliography_key in [k for k in remembered if k not in self.bibliographies]:
            del remembered[bibliography_key]
        return updated


def register(app: Sphinx) -> None:
    app.add_domain(CachingBibtexDomain, override=True)
