"""Bibliography entries that no page uses: a paper without a note, or a mistyped key.

The bibliography is the record of the papers the site has notes on; an
entry that no ``paper`` directive names as its ``:key:`` (and that no page
cites) is usually the other half of a typo, the key a page meant.  Each is
reported at its line in the bibliography file, after reading, when every
page's key is known; ``paper-notes check`` applies the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from .paper_rules import unused_entry
from .problems import Problem, report

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .domain import PaperDomain


def unused_problems(places: Mapping[str, tuple[str, int]], used: Iterable[str]) -> list[Problem]:
    """A problem for each entry (key → file and line) whose key is not in *used*."""
    wanted = {key.casefold() for key in used}
    return [
        Problem.at(path, line, unused_entry(key))
        for key, (path, line) in places.items()
        if key.casefold() not in wanted
    ]


def cited_keys(env: BuildEnvironment) -> set[str]:
    """The keys the pages cite with sphinxcontrib-bibtex's ``cite`` roles."""
    domain: Any = env.domains["cite"]
    return {target.key for ref in domain.citation_refs for target in ref.targets}


def warn_unused(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: report the entries no page uses, and empty files."""
    from .bibliography_loader import entry_places, loader_state

    papers = cast("PaperDomain", env.domains["paper"]).papers
    used = {record.key for record in papers.values() if record.key} | cited_keys(env)
    for problem in unused_problems(entry_places(env), used):
        report(problem)
    if used:  # an empty bibliography is a problem once a page names a key
        for problem in loader_state(env).empty:
            report(problem)


def register(app: Sphinx) -> None:
    app.connect("env-check-consistency", warn_unused)
