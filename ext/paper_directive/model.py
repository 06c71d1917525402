"""The records a build collects from the pages while reading them.

They are small immutable tuples so that they pickle with the environment,
merge between parallel workers without aliasing, and compare by value when
the extension decides which pages an incremental build must rewrite.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import NamedTuple

from docutils import nodes


class PaperRecord(NamedTuple):
    """One ``paper`` directive: the note's own metadata, written once on its page."""

    docname: str
    #: The id of the target the directive sets, for links to the paper.
    node_id: str
    line: int
    title: str
    #: None when the page gives no plausible year (a warning says so).
    year: int | None
    #: Empty when the link is missing or not http(s).
    link: str
    #: The configured field's slug, or "unfiled" when the page names no known field.
    field: str
    #: The field exactly as written on the page, for messages and exports.
    field_text: str
    #: The citation key in the bibliography; "" when missing.
    key: str
    tags: tuple[str, ...]
    #: Keys named by ``:related:``, in the order written.
    related: tuple[str, ...]
    #: Position in the author's README (``:order:``), used by the README export.
    order: int | None


class Reference(NamedTuple):
    """A ``paper`` role on some page pointing at a paper by key."""

    docname: str
    line: int
    key: str


class InsightRecord(NamedTuple):
    """One ``insight`` admonition, kept whole so the insights page can show it."""

    docname: str
    node_id: str
    #: A copy of the admonition's body (without its title), ids stripped.
    body: tuple[nodes.Node, ...]
    #: A digest of the body's content (:func:`body_digest`), made once when it is read.
    digest: str


def body_digest(body: Iterable[nodes.Node]) -> str:
    """A digest of nodes' content: docutils nodes compare by identity, so by their pseudo-XML."""
    return hashlib.sha256("".join(node.pformat() for node in body).encode()).hexdigest()


class PaperSummary(NamedTuple):
    """What a list of papers shows of one paper: note metadata plus its record."""

    docname: str
    node_id: str
    title: str
    year: int | None
    field: str
    key: str
    tags: tuple[str, ...]
    #: "Family, Family and Family" style short author line, "" without a record.
    authors: str
    venue: str


class ScannedPage(NamedTuple):
    """What the scan before a build learns of one paper's page: enough to place it in the site."""

    docname: str
    title: str
    year: int | None
    #: The ``:field:`` option as written.
    field_text: str


def newest_first(year: int | None, title: str, docname: str) -> tuple[bool, int, str, str]:
    """The order of a field's papers: newest year first, undated last, then by title."""
    return (year is None, -(year or 0), title.casefold(), docname)
