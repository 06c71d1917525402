"""Bibliographic records: read from the bibliography, shown on pages, written for readers.

The bibliography file is parsed once per build by sphinxcontrib-bibtex (it
keeps the parsed data, checks modification times and re-parses only a
changed file); this module reads that parsed data rather than parsing the
file a second time, so the bibliography page and the paper pages can never
disagree about an entry.

The BibTeX written for readers (cite blocks and downloads) is normalised: a
fixed field order, braces around every value, acronyms protected, non-ASCII
letters written as LaTeX accents, the project's own ``annote`` left out, so
that plain BibTeX and author-year styles print it as the publisher does.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
from pybtex.plugin import find_plugin
from pybtex.richtext import Text

if TYPE_CHECKING:
    from pybtex.database import Entry, Person
    from sphinx.environment import BuildEnvironment

#: Fields in the order they are written; any other field follows alphabetically.
FIELD_ORDER = (
    "author",
    "editor",
    "title",
    "booktitle",
    "journal",
    "series",
    "volume",
    "number",
    "pages",
    "year",
    "month",
    "publisher",
    "organization",
    "school",
    "institution",
    "address",
    "edition",
    "howpublished",
    "doi",
    "isbn",
    "issn",
    "eprint",
    "archiveprefix",
    "primaryclass",
    "url",
    "note",
)

#: Fields that are the project's own remarks, not part of the record readers cite.
PRIVATE_FIELDS = frozenset({"annote"})

_PERSON_ROLES = ("author", "editor")


def bibliography_entries(env: BuildEnvironment) -> Mapping[str, Entry]:
    """Every entry of the configured bibliography files, by key.

    Empty when sphinxcontrib-bibtex has not parsed any file (it warns itself).
    """
    domain: Any = env.domains["cite"]
    return domain.bibdata.data.entries  # type: ignore[no-any-return]


def bibliography_files(env: BuildEnvironment) -> tuple[tuple[str, float], ...]:
    """The bibliography files sphinxcontrib-bibtex read, with their modification times.

    It parses a file again exactly when its time changed, so equal times
    mean equal entries.
    """
    domain: Any = env.domains["cite"]
    files = domain.bibdata.bibfiles
    return tuple(sorted((str(path), float(info.mtime)) for path, info in files.items()))


def formatted_references(env: BuildEnvironment) -> dict[str, str]:
    """The bibliography pages' entries as their style formatted them, in plain text, by key.

    sphinxcontrib-bibtex has formatted every entry a bibliography directive
    shows (with ``bibtex_default_style`` or the directive's own style): that
    formatting is reused rather than done a second time.
    """
    domain: Any = env.domains["cite"]
    texts: dict[str, str] = {}
    for citation in domain.citations:
        if citation.key not in texts:
            # render() with the backend looked up once: render_as() searches the
            # installed entry points at every call
            texts[citation.key] = str(citation.formatted_entry.text.render(_text_backend()))
    return texts


def format_reference(env: BuildEnvironment, key: str) -> str:
    """One entry formatted with ``bibtex_default_style``, for entries no bibliography shows."""
    entry = bibliography_entries(env).get(key)
    if entry is None:
        return ""
    style = find_plugin("pybtex.style.formatting", env.config.bibtex_default_style)()
    try:
        with plain_values_read_directly():
            formatted = style.format_entry("", entry)
    except Exception:
        return ""  # the header then shows the BibTeX only
    return str(formatted.text.render(_text_backend()))


@functools.cache
def _text_backend() -> Any:
    # looked up once: pybtex's render_as() searches the installed entry
    # points on every call, which made derived pages cost seconds
    return find_plugin("pybtex.backends", "text")()


#: Escapes that pybtex's reading of LaTeX (latexcodec, then braces) gets wrong:
#: ``\$`` stays ``\$``, ``\{`` and ``\}`` are taken for a group (``\braces\``),
#: ``\^{}`` becomes a modifier letter.  Each is swapped for a private-use
#: character while pybtex reads the rest, then for what it means.
_ESCAPES = (
    ("\\{", "\ue000", "{"),
    ("\\}", "\ue001", "}"),
    ("\\$", "\ue002", "$"),
    ("\\^{}", "\ue003", "^"),
    ("\\~{}", "\ue004", "~"),
)


#: What pybtex's reading of LaTeX changes in a value: markup characters,
#: ligatures (two hyphens, backquotes, apostrophes or commas; ! or ? before
#: a backquote), runs of spaces and leading ones.  A value with none of
#: these (and no whitespace but single spaces) reads as itself, and most
#: titles, names and venues are such values: reading them the long way cost
#: more than everything else done with them.  ``tests/test_properties.py``
#: checks that both ways agree.
_LATEX_MARKUP = re.compile(r"[\\{}~$%]|  |--|``|''|,,|[!?]`|^ ")


@functools.lru_cache(maxsize=4096)
def latex_to_text(value: str) -> str:
    """Plain Unicode text of a BibTeX value: braces dropped, accents and escapes decoded."""
    if is_plain(value):
        return value
    return read_latex(value)


def is_plain(value: str) -> bool:
    """Whether pybtex's reading of *value* as LaTeX gives *value* back unchanged."""
    return value.isprintable() and _LATEX_MARKUP.search(value) is None


#: pybtex's own reader, as the class defines it.
_PYBTEX_FROM_LATEX = Text.from_latex


def _text_of_latex(latex: str) -> Text:
    """:meth:`Text.from_latex`, skipping the reader for a value it would give back."""
    return Text(latex) if is_plain(latex) else _PYBTEX_FROM_LATEX(latex)


@contextlib.contextmanager
def plain_values_read_directly() -> Iterator[None]:
    """While pybtex formats entries: a value with no LaTeX in it is taken as it is.

    pybtex's templates read every field of every entry through latexcodec
    (``Text.from_latex``), half of the time formatting an entry takes, also
    for the titles, venues and names that hold no LaTeX at all, most of
    them.  No pybtex setting or style changes which reader its ``field``
    template calls, so the class's reader is swapped for the duration of a
    formatting this project asks for, and put back however it ends.  The
    result is the same ``Text`` either way (``tests/test_properties.py``).
    """
    saved = Text.__dict__["from_latex"]
    Text.from_latex = staticmethod(_text_of_latex)
    try:
        yield
    finally:
        Text.from_latex = saved


def read_latex(value: str) -> str:
    """:func:`latex_to_text` the long way, through pybtex's reader, for any value."""
    for escape, placeholder, _char in _ESCAPES:
        value = value.replace(escape, placeholder)
    try:
        text = str(Text.from_latex(value).render(_text_backend()))
    except Exception:  # pybtex's reader gave up (unbalanced braces): the value, unbraced
        text = re.sub(r"(?<!\\)[{}]", "", value)
    for _escape, placeholder, char in _ESCAPES:
        text = text.replace(placeholder, char)
    return text


def person_name(person: Person) -> str:
    """A person as readers write them: given names first."""
    parts = [*person.first_names, *person.middle_names, *person.prelast_names, *person.last_names]
    name = latex_to_text(" ".join(parts))
    if person.lineage_names:
        name += ", " + latex_to_text(" ".join(person.lineage_names))
    return name


def entry_authors(entry: Entry) -> tuple[str, ...]:
    """The authors of *entry*, in order, as plain text."""
    return tuple(person_name(person) for person in entry.persons.get("author", ()))


def short_authors(authors: tuple[str, ...]) -> str:
    """ "A", "A and B" or "A et al.": the author line of a listing, not of the record."""
    if len(authors) <= 2:
        return " and ".join(authors)
    return f"{authors[0]} et al."


def entry_venue(entry: Entry) -> str:
    """Where the paper appeared: proceedings, journal, or how it was published."""
    for field in ("booktitle", "journal", "howpublished", "publisher", "school", "institution"):
        if field in entry.fields:
            return latex_to_text(entry.fields[field])
    return ""


def entry_fingerprint(entry: Entry | None) -> tuple[Any, ...] | None:
    """A hashable copy of everything in *entry*, for change detection."""
    if entry is None:
        return None
    persons = tuple((role, tuple(str(p) for p in people)) for role, people in entry.persons.items())
    return (entry.type, tuple(sorted(entry.fields.items())), persons)


def _latex_non_ascii(value: str) -> str:
    """Write accented letters as LaTeX accents; leave what LaTeX cannot spell (CJK) alone."""
    out: list[str] = []
    for char in value:
        if ord(char) < 128:
            out.append(char)
            continue
        try:
            latex = str(codecs.encode(char, "ulatex"))
        except UnicodeEncodeError:
            out.append(char)
            continue
        if latex.startswith("\\") and not latex.startswith("{"):
            latex = "{" + latex.strip() + "}"
        out.append(latex)
    return "".join(out)


_BRACED = re.compile(r"\{(?:[^{}]|\{[^{}]*\})*\}")
_WORD = re.compile(r"[^\s{}\-/:,;.()?!\"'\\]+")


def _needs_protection(word: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", word)
    if len(letters) == 1:
        return letters.isupper() and word != "A"
    return any(c.isupper() for c in letters[1:])


def protect_case(title: str) -> str:
    """Brace every word whose case a style must keep (``RepVGG``, ``GAN``, ``Q``).

    BibTeX styles lowercase titles; a word with a capital letter after its
    first letter is an acronym or a name, and a lone capital other than the
    article "A" is a symbol (``Q Learning``): only braces keep their case.
    Text already inside braces, and LaTeX commands, are left as they are.
    """
    out: list[str] = []
    position = 0
    for braced in _BRACED.finditer(title):
        out.append(_protect_words(title[position : braced.start()]))
        out.append(braced.group(0))
        position = braced.end()
    out.append(_protect_words(title[position:]))
    return "".join(out)


def _protect_words(text: str) -> str:
    def protect(match: re.Match[str]) -> str:
        word = match.group(0)
        start = match.start()
        if start > 0 and text[start - 1] == "\\":
            return word  # a LaTeX command name
        return "{" + word + "}" if _needs_protection(word) else word

    return _WORD.sub(protect, text)


def _field_sort_key(field: str) -> tuple[int, str]:
    try:
        return (FIELD_ORDER.index(field), field)
    except ValueError:
        return (len(FIELD_ORDER), field)


def format_entry(key: str, entry: Entry) -> str:
    """The normalised BibTeX of one entry."""
    values: dict[str, str] = {}
    for role in _PERSON_ROLES:
        people = entry.persons.get(role)
        if people:
            values[role] = " and ".join(str(person) for person in people)
    for field, value in entry.fields.items():
        name = field.lower()
        if name in PRIVATE_FIELDS:
            continue
        values[name] = protect_case(value) if name == "title" else value
    lines = [f"@{entry.type.lower()}{{{key},"]
    ordered = sorted(values, key=_field_sort_key)
    for index, field in enumerate(ordered):
        comma = "," if index < len(ordered) - 1 else ""
        lines.append(f"  {field} = {{{_latex_non_ascii(values[field])}}}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def format_stored_entry(key: str, entry: Entry) -> str:
    """The entry as the site's own bibliography file stores it.

    :func:`format_entry`, then the project's ``annote`` (why the notes'
    title or year differ from the record) as the last field, written as it
    was: it is the project's remark, never set by a bibliography style.
    """
    text = format_entry(key, entry)
    annote = entry.fields.get("annote")
    if annote is None:
        return text
    return text[: -len("\n}\n")] + f",\n  annote = {{{annote}}}\n}}\n"
