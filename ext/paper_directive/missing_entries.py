"""A paper whose key has no readable bibliography entry: said on its page and in the log.

Its header would otherwise just lack the authors, the venue and the cite
block, with nothing to tell a reader (or the author, in a build without
``-W``) why.  The warning comes from :func:`.paper_rules.missing_entry`,
the rule ``paper-notes check`` applies too; it names the entry's line when
the entry is there but cannot be read.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging

from .bibliography_loader import rejected_entries
from .bibtex import bibliography_entries
from .i18n import _
from .paper_rules import missing_entry

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: Sphinx leaves elements of this class out of the search index.
_NO_SEARCH = "no-search"


def missing_entry_note(env: BuildEnvironment, key: str, card: nodes.Element) -> list[nodes.Node]:
    """Warn that *key* has no readable entry, and the line the paper's header shows instead."""
    rejected = rejected_entries(env)
    finding = missing_entry(
        key, bibliography_entries(env), rejected, list(env.config.bibtex_bibfiles or [])
    )
    if finding is None:
        return []
    logger.warning(finding.message, type="paper", subtype=finding.subtype, location=card)
    broken = rejected.get(key)
    if broken is not None:
        text = _(
            "The bibliography entry of this paper (%s, line %d) cannot be read: "
            "its authors, venue and BibTeX are missing until it is fixed."
        ) % (PurePath(broken.path).name, broken.line)
    else:
        text = _("This paper's key is not in the bibliography: its authors and venue are unknown.")
    return [nodes.paragraph(text, text, classes=["paper-bib-missing", _NO_SEARCH])]
