"""The site's BibTeX file as ``paper-notes new`` adds to it.

A new entry is written in the file's normalised form
(:func:`paper_directive.bibtex.format_stored_entry`), under a key in the
file's own style, and only if the file has no entry for the same paper yet:
an entry with the same DOI, the same arXiv id, or the same title (its own
or the one its ``annote`` says the notes use) is found and reused.

The key style is read from the file itself: for each entry, the key each
known style would give it is compared with the key it has; the style most
entries follow wins, Google Scholar's (``teed2020raft``) when none does
(an empty file).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain, count
from pathlib import Path

from pybtex.database import BibliographyData, Entry, parse_string
from pybtex.exceptions import PybtexError

from paper_directive.bibtex import latex_to_text
from paper_directive.notes.importer import BibIndex, NotesError, normalise_title, read_text

#: Words Google Scholar skips when it takes a key's word from the title.
TITLE_STOP_WORDS = frozenset({"a", "an", "the", "on", "of", "in", "for", "and", "to", "with"})


def _ascii_letters(text: str, keep: str = "a-z") -> str:
    folded = unicodedata.normalize("NFKD", latex_to_text(text))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(f"[^{keep}]", "", plain)


def first_family_name(entry: Entry) -> str:
    """The first author's (or editor's) family name with its particles: ``von Werra``."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    if not people:
        return ""
    person = people[0]
    return " ".join([*person.prelast_names, *person.last_names])


def title_word(entry: Entry) -> str:
    """The title's first word that is not a stop word, lowercased, letters and digits only."""
    for word in latex_to_text(entry.fields.get("title", "")).split():
        plain = _ascii_letters(word.lower(), "a-z0-9")
        if plain and plain not in TITLE_STOP_WORDS:
            return plain
    return ""


def _scholar(entry: Entry) -> str:
    family = _ascii_letters(first_family_name(entry).lower())
    return f"{family}{entry.fields.get('year', '')}{title_word(entry)}"


def _family_year(entry: Entry) -> str:
    return f"{_ascii_letters(first_family_name(entry).lower())}{entry.fields.get('year', '')}"


def _capital_family_year(entry: Entry) -> str:
    family = _ascii_letters(first_family_name(entry), "A-Za-z")
    return f"{family[:1].upper()}{family[1:]}{entry.fields.get('year', '')}"


@dataclass(frozen=True)
class KeyStyle:
    """A way of making citation keys, named by an example."""

    name: str
    make: Callable[[Entry], str]


KEY_STYLES = (
    KeyStyle("teed2020raft", _scholar),
    KeyStyle("teed2020", _family_year),
    KeyStyle("Teed2020", _capital_family_year),
)


def _follows(key: str, base: str) -> bool:
    """Whether *key* is *base*, or *base* made unique with a letter or a number."""
    return bool(base) and re.fullmatch(re.escape(base) + r"(?:[b-z]|-\d+)?", key) is not None


def key_style(entries: Iterable[tuple[str, Entry]]) -> KeyStyle:
    """The style most of *entries* follow; Google Scholar's if none does."""
    votes = dict.fromkeys(KEY_STYLES, 0)
    for key, entry in entries:
        for style in KEY_STYLES:
            if _follows(key, style.make(entry)):
                votes[style] += 1
                break
    best = max(KEY_STYLES, key=lambda style: votes[style])
    return best if votes[best] else KEY_STYLES[0]


def new_key(entry: Entry, style: KeyStyle, taken: set[str]) -> str:
    """A key for *entry* in *style* not in *taken* (casefolded), with a letter if need be."""
    base = style.make(entry) or "paper"
    candidates = chain(
        [base],
        (base + letter for letter in "bcdefghijklmnopqrstuvwxyz"),
        (f"{base}-{n}" for n in count(2)),
    )
    return next(key for key in candidates if key.casefold() not in taken)


# --------------------------------------------------------------------------
# The same paper

_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|arxiv:|arxiv\.)(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[a-z]{2})?/\d{7})",
    re.IGNORECASE,
)


def doi_of(entry: Entry) -> str:
    """The entry's DOI, lowercased (DOIs are case-insensitive), or ""."""
    doi = latex_to_text(entry.fields.get("doi", "")).strip()
    doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.IGNORECASE)
    return doi.casefold()


def arxiv_id_of(entry: Entry) -> str:
    """The entry's arXiv id (from ``eprint``, or an arXiv address or journal line), or ""."""
    if entry.fields.get("archiveprefix", "").lower() == "arxiv" and entry.fields.get("eprint"):
        return re.sub(r"v\d+$", "", entry.fields["eprint"].strip()).lower()
    for name in ("url", "journal", "note", "howpublished", "doi"):
        match = _ARXIV_IN_TEXT.search(entry.fields.get(name, ""))
        if match:
            return match.group(1).lower()
    return ""


@dataclass
class BibFile:
    """The entries of the site's bibliography files, and what identifies their papers."""

    entries: dict[str, Entry] = field(default_factory=dict)
    titles: BibIndex = field(default_factory=BibIndex)

    @classmethod
    def read(cls, paths: Iterable[Path]) -> BibFile:
        """Every existing file of *paths*, parsed with pybtex."""
        paths = list(paths)
        bib = cls(titles=BibIndex.read(paths))
        for path in paths:
            if path.is_file():
                bib.entries.update(parse_bibtex(read_text(path), str(path)).entries)
        return bib

    @property
    def keys(self) -> set[str]:
        """Every key, casefolded."""
        return {key.casefold() for key in self.entries}

    def same_paper(self, entry: Entry) -> str | None:
        """The key of an entry for the same paper as *entry*: same DOI, arXiv id or title."""
        doi, arxiv_id = doi_of(entry), arxiv_id_of(entry)
        for key, known in self.entries.items():
            if (doi and doi_of(known) == doi) or (arxiv_id and arxiv_id_of(known) == arxiv_id):
                return key
        title = latex_to_text(entry.fields.get("title", ""))
        return self.titles.find(title) if normalise_title(title) else None


def parse_bibtex(text: str, where: str) -> BibliographyData:
    """BibTeX text parsed with pybtex, or a :class:`NotesError` saying what is wrong where."""
    try:
        return parse_string(text, "bibtex")
    except PybtexError as error:
        raise NotesError(f"cannot read {where}: {error}") from None
