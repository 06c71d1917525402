"""A problem with the sources: where it is, what kind it is, and what to do.

The rules that find problems return them as values rather than logging
them, so that the build and ``paper-notes check`` share every rule: the
build hands each problem to Sphinx's logger (a warning of type ``paper``
with its subtype, suppressible through ``suppress_warnings``), the check
prints it as ``path:line: message [paper.subtype]``.
"""

from __future__ import annotations

from typing import NamedTuple

#: The warning type of every problem; the subtype says which rule found it.
WARNING_TYPE = "paper"


class Finding(NamedTuple):
    """What a rule found, before it is placed in a file."""

    subtype: str
    message: str


class Problem(NamedTuple):
    """A finding placed in a file (absolute path) and line (1 for the file as a whole)."""

    path: str
    line: int
    subtype: str
    message: str

    @classmethod
    def at(cls, path: str, line: int, finding: Finding) -> Problem:
        return cls(path, line, finding.subtype, finding.message)

    def location(self) -> str:
        """``path:line``, as Sphinx prints a warning's location."""
        return f"{self.path}:{self.line}"

    def as_line(self, path: str | None = None) -> str:
        """One line for a terminal or an editor: ``path:line: message [paper.subtype]``."""
        where = path if path is not None else self.path
        return f"{where}:{self.line}: {self.message} [{WARNING_TYPE}.{self.subtype}]"


def is_suppressed(subtype: str, suppress_warnings: object) -> bool:
    """Whether ``suppress_warnings`` silences *subtype*, by Sphinx's rule."""
    if not isinstance(suppress_warnings, list | tuple | set | frozenset):
        return False
    return bool(
        {WARNING_TYPE, f"{WARNING_TYPE}.*", f"{WARNING_TYPE}.{subtype}"} & set(suppress_warnings)
    )


def report(problem: Problem) -> None:
    """Log *problem* as a Sphinx warning at its file and line."""
    from sphinx.util import logging

    logging.getLogger(__name__).warning(
        problem.message,
        type=WARNING_TYPE,
        subtype=problem.subtype,
        location=problem.location(),
    )
