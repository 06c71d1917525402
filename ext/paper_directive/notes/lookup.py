"""A paper's record from arXiv's API or Crossref, as a BibTeX entry.

``paper-notes new 2003.12039`` or ``paper-notes new 10.18653/v1/2024.acl-long.367``
asks the service that keeps the record and writes only what it answers:
nothing is completed by guesswork.  An arXiv record becomes an entry of the
form ``refs.bib`` uses for preprints (``@article`` in "arXiv preprint
arXiv:<id>"); a Crossref record an ``@article``, ``@inproceedings``,
``@incollection``, ``@book`` or ``@misc`` by the work's type.

Offline (no network, a service down), the lookup ends with one line that
says to pass the paper's BibTeX instead.  The services' addresses can be
changed with ``PAPER_NOTES_ARXIV_API`` and ``PAPER_NOTES_CROSSREF_API``
(a mirror, or the tests' recorded responses served locally).
"""

from __future__ import annotations

import html
import http.client
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from typing import Any

from pybtex.database import Entry, Person

from paper_directive.notes.importer import NotesError

ARXIV_API = "https://export.arxiv.org/api/query"
CROSSREF_API = "https://api.crossref.org/works"
TIMEOUT = 30  # seconds

OFFLINE_HINT = (
    "copy the paper's BibTeX (arXiv's 'Export BibTeX Citation', DBLP or the publisher's page) "
    "into a file and run 'paper-notes new FILE', or paste it into 'paper-notes new -'"
)

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"

#: arXiv identifiers: 2003.12039, 2003.12039v2, hep-th/9901001, math.CA/0611800
ARXIV_ID = re.compile(r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")
_ARXIV_SOURCE = re.compile(
    r"^(?:arxiv:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)?"
    + ARXIV_ID.pattern
    + r"(?:\.pdf)?/?$",
    re.IGNORECASE,
)
_DOI_SOURCE = re.compile(
    r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(?P<doi>10\.\d{4,9}/\S+)$", re.IGNORECASE
)
#: DOIs arXiv registers (with DataCite, not Crossref) for its own preprints
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(?P<id>.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Identifier:
    """What a command-line argument names: an arXiv preprint or a DOI."""

    kind: str  # "arxiv" or "doi"
    value: str


def parse_identifier(text: str) -> Identifier | None:
    """The arXiv id or DOI *text* names (an id, a DOI, or their web address), else None."""
    text = text.strip()
    doi = _DOI_SOURCE.match(text)
    if doi:
        arxiv_doi = _ARXIV_DOI.match(doi["doi"])
        arxiv_id = ARXIV_ID.fullmatch(arxiv_doi["id"]) if arxiv_doi else None
        if arxiv_id:
            return Identifier("arxiv", arxiv_id["id"])
        return Identifier("doi", doi["doi"])
    arxiv = _ARXIV_SOURCE.match(text)
    if arxiv:
        return Identifier("arxiv", arxiv["id"])
    return None


@dataclass
class Record:
    """A looked-up entry, with what the command should tell the user about it."""

    entry: Entry
    notes: list[str] = field(default_factory=list)


def look_up(identifier: Identifier) -> Record:
    """The record of *identifier*, from arXiv or Crossref."""
    if identifier.kind == "arxiv":
        return arxiv_record(identifier.value)
    return crossref_record(identifier.value)


# --------------------------------------------------------------------------
# HTTP


def _fetch(url: str, service: str, not_found: str) -> bytes:
    from paper_directive import __version__

    request = urllib.request.Request(
        url, headers={"User-Agent": f"paper-notes/{__version__} (paper-notes new)"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            body: bytes = response.read()
            return body
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise NotesError(not_found) from None
        raise NotesError(
            f"{service} answered HTTP {error.code} ({error.reason}): try again later, or "
            + OFFLINE_HINT
        ) from None
    except (OSError, http.client.HTTPException) as error:  # URLError, timeouts, resets
        reason = getattr(error, "reason", error)
        host = urllib.parse.urlsplit(url).hostname or url
        raise NotesError(f"cannot reach {service} at {host} ({reason}): {OFFLINE_HINT}") from None


# --------------------------------------------------------------------------
# arXiv


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def _latex_text(text: str) -> str:
    """Plain text as a BibTeX value: LaTeX's specials escaped, math (``$...$``) left as it is."""
    if "$" in text:
        return text
    return re.sub(r"(?<!\\)([&%#_])", r"\\\1", text)


def arxiv_entry(feed: bytes, arxiv_id: str) -> Record:
    """The entry for *arxiv_id* in an answer of arXiv's API (an Atom feed)."""
    try:
        root = ElementTree.fromstring(feed)
    except ElementTree.ParseError as error:
        raise NotesError(f"arXiv's answer is not the Atom feed expected ({error})") from None
    for item in root.iter(f"{_ATOM}entry"):
        abs_url = _collapse(item.findtext(f"{_ATOM}id"))
        match = ARXIV_ID.search(abs_url.partition("/abs/")[2])
        if match is None or match["id"] != arxiv_id:
            continue  # arXiv answers an unknown id with an empty entry
        title = _collapse(item.findtext(f"{_ATOM}title"))
        published = _collapse(item.findtext(f"{_ATOM}published"))
        authors = [_collapse(a.findtext(f"{_ATOM}name")) for a in item.iter(f"{_ATOM}author")]
        if not (title and published[:4].isdigit() and authors):
            raise NotesError(f"arXiv's record of {arxiv_id} has no title, date or authors")
        entry = Entry(
            "article",
            fields={
                "title": _latex_text(title),
                "journal": f"arXiv preprint arXiv:{arxiv_id}",
                "year": published[:4],
                "eprint": arxiv_id,
                "archiveprefix": "arXiv",
                "url": f"https://arxiv.org/abs/{arxiv_id}",
            },
            persons={"author": [Person(name) for name in authors]},
        )
        record = Record(entry)
        doi = _collapse(item.findtext(f"{_ARXIV}doi"))
        if doi:
            journal = _collapse(item.findtext(f"{_ARXIV}journal_ref"))
            where = f" ({journal})" if journal else ""
            record.notes.append(
                f"arXiv lists a published version, DOI {doi}{where}: "
                f"'paper-notes new {doi}' records that one instead"
            )
        return record
    raise NotesError(f"arXiv has no paper {arxiv_id}: check the id, or pass the paper's BibTeX")


def arxiv_record(arxiv_id: str) -> Record:
    """Ask arXiv's API for *arxiv_id* (without its version)."""
    base = os.environ.get("PAPER_NOTES_ARXIV_API", ARXIV_API)
    url = f"{base}?{urllib.parse.urlencode({'id_list': arxiv_id})}"
    feed = _fetch(url, "arXiv", f"arXiv has no paper {arxiv_id}")
    return arxiv_entry(feed, arxiv_id)


# --------------------------------------------------------------------------
# Crossref

#: Crossref's work types, as BibTeX entry types and the field their container goes in
_CROSSREF_TYPES: dict[str, tuple[str, str | None]] = {
    "journal-article": ("article", "journal"),
    "proceedings-article": ("inproceedings", "booktitle"),
    "book-chapter": ("incollection", "booktitle"),
    "book-part": ("incollection", "booktitle"),
    "book-section": ("incollection", "booktitle"),
    "book": ("book", None),
    "monograph": ("book", None),
    "edited-book": ("book", None),
    "posted-content": ("misc", "howpublished"),
    "report": ("techreport", None),
    "dissertation": ("phdthesis", None),
}

_TAG = re.compile(r"<[^>]+>")


def _crossref_text(value: str) -> str:
    """Crossref's text (JATS or HTML markup, entities) as a BibTeX value."""
    return _latex_text(_collapse(html.unescape(_TAG.sub("", value))))


def _first(message: dict[str, Any], name: str) -> str:
    values = message.get(name) or []
    return _crossref_text(values[0]) if values else ""


def _person(contributor: dict[str, Any]) -> Person:
    family = _collapse(contributor.get("family"))
    given = _collapse(contributor.get("given"))
    if family:
        return Person(first=given, last=family)
    return Person("{" + _collapse(contributor.get("name")) + "}")  # an organisation


def crossref_entry(answer: bytes, doi: str) -> Record:
    """The entry for *doi* in an answer of Crossref's ``/works/<doi>``."""
    try:
        message = json.loads(answer)["message"]
    except (ValueError, KeyError, TypeError) as error:
        raise NotesError(f"Crossref's answer is not the JSON expected ({error})") from None
    entry_type, container_field = _CROSSREF_TYPES.get(message.get("type", ""), ("misc", None))
    title = _first(message, "title")
    subtitle = _first(message, "subtitle")
    if subtitle and subtitle.casefold() not in title.casefold():
        title = f"{title}: {subtitle}"
    issued = (message.get("issued") or {}).get("date-parts") or [[None]]
    year = issued[0][0] if issued and issued[0] else None
    authors = [_person(a) for a in message.get("author") or []]
    if not (title and year and authors):
        raise NotesError(f"Crossref's record of {doi} has no title, year or authors")
    fields = {"title": title, "year": str(year)}
    container = _first(message, "container-title")
    if container and container_field:
        fields[container_field] = container
    for source, target in (("volume", "volume"), ("issue", "number")):
        if message.get(source):
            fields[target] = _crossref_text(str(message[source]))
    if message.get("page"):
        fields["pages"] = re.sub(r"\s*[-‐‑–—]+\s*", "--", str(message["page"]))
    if message.get("publisher"):
        fields["publisher"] = _crossref_text(message["publisher"])
    recorded_doi = str(message.get("DOI") or doi)
    fields["doi"] = recorded_doi
    fields["url"] = f"https://doi.org/{recorded_doi}"
    entry = Entry(entry_type, fields=fields, persons={"author": authors})
    return Record(entry)


def crossref_record(doi: str) -> Record:
    """Ask Crossref for *doi*."""
    base = os.environ.get("PAPER_NOTES_CROSSREF_API", CROSSREF_API)
    url = f"{base}/{urllib.parse.quote(doi, safe='/:;()')}"
    answer = _fetch(url, "Crossref", f"Crossref has no record of DOI {doi}")
    return crossref_entry(answer, doi)
