"""The README format: the author's reading notes as they are kept on GitHub.

The notes began life as one ``README.md``, and the author may keep editing it
there, so the site must be able to take the README in and give it back
without losing a character.  This module is the single definition of that
format; the importer and the exporter both go through it.

The format::

    <introduction: any Markdown, up to the first "## " line>
    ## <Field>
    ### <year> - [<title>](<link>)
      * <item text>
      <continuation line, kept verbatim with its own indentation>
      * [想法] <the author's own remark>

* ``## `` and ``### `` headings may be indented by up to three spaces and an
  item marker ``*`` by up to three spaces (followed by one or more spaces).
  Every other line in a paper's note continues the item above it and is kept
  exactly, including its indentation.
* An item whose text starts with ``[想法] `` followed by a non-space character
  is a remark (``is_insight``); ``[想法]`` elsewhere is ordinary text.

:func:`canonical_readme` is the README with only these normalisations, which
are all :func:`parse_readme` makes and all a round trip through the site makes
(``docs/readme-format.md`` lists them for users, with the seed lines they touch):

1. trailing spaces and tabs (and the carriage return of a CRLF line end) are removed
   from every line;
2. a heading or item marker line that is indented differently is written in
   the canonical form: ``## `` and ``### `` at column 0, items as ``  * ``
   with exactly one space after the ``*``;
3. blank lines after the introduction (between papers or items) are dropped,
   because a note item cannot hold one (the seed README has none);
4. the text ends with exactly one newline.  (Files are read as ``utf-8-sig``,
   as Sphinx reads sources, so a byte-order mark is dropped on reading.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: How the author marks their own remark at the start of an item.
INSIGHT_PREFIX = "[想法] "

_FIELD_HEADING = re.compile(r"^ {0,3}## (?P<name>.*)$")
_ANY_PAPER_HEADING = re.compile(r"^ {0,3}### ")
#: A link may hold balanced parentheses (Wikipedia-style URLs), not spaces.
_LINK = r"[^\s()]*(?:\([^\s()]*\)[^\s()]*)*"
_PAPER_HEADING = re.compile(
    rf"^ {{0,3}}### (?P<year>\d{{4}}) - \[(?P<title>.*)\]\((?P<link>{_LINK})\)$"
)
_ITEM = re.compile(r"^ {0,3}\*(?: +(?P<text>.*))?$")


class ReadmeFormatError(ValueError):
    """A README line that the format cannot hold without losing it."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Item:
    """One list item of a note.

    ``lines[0]`` is the item text (without the ``[想法] `` marker when
    ``is_insight``); the rest are continuation lines, verbatim, with their
    own indentation.
    """

    lines: tuple[str, ...]
    is_insight: bool = False

    @property
    def text(self) -> str:
        """The item's first line."""
        return self.lines[0]

    @property
    def continuation(self) -> tuple[str, ...]:
        """The lines after the first, each with its own indentation."""
        return self.lines[1:]


@dataclass(frozen=True)
class Paper:
    """One ``### <year> - [<title>](<link>)`` heading and its note."""

    year: int
    title: str
    link: str
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Field:
    """One ``## <Field>`` section."""

    name: str
    papers: tuple[Paper, ...] = ()


@dataclass(frozen=True)
class Readme:
    """The whole README: its introduction and its fields, in order."""

    intro: tuple[str, ...]
    fields: tuple[Field, ...] = ()

    def papers(self) -> list[tuple[Field, Paper]]:
        """Every paper with its field, in README order."""
        return [(field, paper) for field in self.fields for paper in field.papers]


def _strip_end(line: str) -> str:
    # Only ASCII blanks: a trailing ideographic space is text, not layout.
    return line.rstrip(" \t\r")


def split_lines(text: str) -> list[str]:
    """Split on newlines only, with trailing blanks removed from each line.

    ``str.splitlines`` would also split on form feeds and Unicode line
    separators, which are characters of the text here.
    """
    lines = [_strip_end(line) for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def make_item(text: str, continuation: tuple[str, ...] = ()) -> Item:
    """An item from the text after ``* ``, telling a remark by its marker."""
    if text.startswith(INSIGHT_PREFIX) and text[len(INSIGHT_PREFIX) :][:1].strip():
        return Item((text[len(INSIGHT_PREFIX) :], *continuation), is_insight=True)
    return Item((text, *continuation))


def parse_readme(text: str) -> Readme:
    """Read a README into the model.

    Raises :class:`ReadmeFormatError` for text the format has no place for
    (a malformed ``###`` heading, text before a field's first paper), rather
    than dropping it.
    """
    lines = split_lines(text)
    start = next((i for i, line in enumerate(lines) if _FIELD_HEADING.match(line)), len(lines))
    intro = tuple(lines[:start])

    fields: list[Field] = []
    field_name: str | None = None
    papers: list[Paper] = []
    paper: Paper | None = None
    items: list[Item] = []
    item_lines: list[str] = []

    def close_item() -> None:
        if item_lines:
            items.append(make_item(item_lines[0], tuple(item_lines[1:])))
            item_lines.clear()

    def close_paper() -> None:
        nonlocal paper
        close_item()
        if paper is not None:
            papers.append(Paper(paper.year, paper.title, paper.link, tuple(items)))
        paper = None
        items.clear()

    def close_field() -> None:
        close_paper()
        if field_name is not None:
            fields.append(Field(field_name, tuple(papers)))
        papers.clear()

    for number, line in enumerate(lines[start:], start=start + 1):
        if not line:
            continue
        if match := _FIELD_HEADING.match(line):
            close_field()
            field_name = match.group("name")
            continue
        if _ANY_PAPER_HEADING.match(line):
            heading = _PAPER_HEADING.match(line)
            if heading is None:
                raise ReadmeFormatError(
                    number, f"expected '### <year> - [<title>](<link>)', found {line.strip()!r}"
                )
            close_paper()
            paper = Paper(int(heading.group("year")), heading.group("title"), heading.group("link"))
            continue
        if paper is None:
            raise ReadmeFormatError(
                number, f"text outside any '### <year> - [<title>](<link>)' paper: {line.strip()!r}"
            )
        if match := _ITEM.match(line):
            close_item()
            item_lines.append(match.group("text") or "")
            continue
        if not item_lines:
            raise ReadmeFormatError(
                number, f"text in a note before its first '  * ' item: {line.strip()!r}"
            )
        item_lines.append(line)
    close_field()
    return Readme(intro, tuple(fields))


def render_paper_heading(paper: Paper) -> str:
    """``### <year> - [<title>](<link>)``."""
    return f"### {paper.year} - [{paper.title}]({paper.link})"


def render_item(item: Item) -> list[str]:
    """An item's README lines: ``  * `` + text, then its continuation lines."""
    text = INSIGHT_PREFIX + item.text if item.is_insight else item.text
    return [_strip_end(f"  * {text}"), *(_strip_end(line) for line in item.continuation)]


def render_readme(readme: Readme) -> str:
    """Write the model back in the canonical README form."""
    lines = [_strip_end(line) for line in readme.intro]
    for field in readme.fields:
        lines.append(_strip_end(f"## {field.name}"))
        for paper in field.papers:
            lines.append(render_paper_heading(paper))
            for item in paper.items:
                lines.extend(render_item(item))
    return "\n".join(lines) + "\n"


def canonical_readme(text: str) -> str:
    """*text* with only the documented normalisations applied (see the module docstring)."""
    return render_readme(parse_readme(text))
