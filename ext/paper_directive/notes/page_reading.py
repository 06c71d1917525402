"""What a build would read from a page, read without Sphinx: papers, references, citations.

``paper-notes check`` must report what the build warns about, at the lines
the build names, in a fraction of a build's time.  A MyST page is tokenised
with MyST's own markdown-it parser (the parser a build runs, with the site's
``myst_*`` settings), and a directive's text is split into options and body
by MyST's rules, so a ``{paper}`` fence, its options and the line of each
``{paper}`` role come out as the build sees them; directive bodies that MyST
parses as Markdown (an ``{insight}``, a ``{note}``) are read the same way,
at their offset.  reStructuredText pages are read line by line: the
directive's option lines, and each role at the first line of its paragraph,
which is where docutils places it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import fields as dataclass_fields
from textwrap import dedent
from typing import TYPE_CHECKING, Any, NamedTuple

from ..paper_rules import OPTION_NAMES

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

#: Directives whose body is not Markdown (code, math, lists of files, BibTeX filters).
NOT_MARKDOWN_BODIES = frozenset(
    {
        "code-block",
        "code",
        "sourcecode",
        "code-cell",
        "literalinclude",
        "include",
        "math",
        "raw",
        "csv-table",
        "graphviz",
        "graph",
        "digraph",
        "mermaid",
        "highlight",
        "toctree",
        "bibliography",
        "paper-fields",
        "paper-indices",
        "eval-rst",
    }
)
#: The options of ``paper-list``.
LIST_OPTIONS = ("field", "year")
#: The roles that link to a paper by key.
PAPER_ROLES = frozenset({"paper", "paper:paper"})
#: sphinxcontrib-bibtex's roles: a key they name is used by the page.
CITE_ROLE = re.compile(r"^(foot)?cite(:\w+)?$")
_DIRECTIVE_INFO = re.compile(r"^\{([^\s{}]+)\}(?:\s+(.*))?$")
#: ``title <key>``; a backslash-escaped ``<`` is not the target's (docutils' NUL).
_EXPLICIT_TITLE = re.compile(r"^(.+?)\s*(?<!\x00)<(.*?)>$", re.DOTALL)


class PaperFact(NamedTuple):
    """One ``paper`` directive as the build would run it."""

    #: 1-based line of its first line.
    line: int
    #: Its options as the directive receives them (unknown options dropped), stripped.
    options: dict[str, str]
    #: Whether text stands inside it, which it shows below the header.
    has_body: bool
    #: Whether it stands inside another directive (which the scan before the build skips).
    nested: bool


class PageFacts(NamedTuple):
    """What a page holds that the extension's rules look at."""

    papers: list[PaperFact]
    #: The ``paper`` roles: (line the build reports, key).
    references: list[tuple[int, str]]
    #: Keys cited with sphinxcontrib-bibtex's roles.
    cited: list[str]
    #: Links to addresses with a scheme: (line the build reports, address).
    links: list[tuple[int, str]]
    #: The ``paper-list`` directives: (line, options).
    lists: list[tuple[int, dict[str, str]]]


def reference_key(text: str) -> str | None:
    """The key a ``paper`` role's text names, as Sphinx's ``XRefRole`` reads it; None: no link."""
    if text.startswith("!"):
        return None  # Sphinx's "do not link" prefix
    match = _EXPLICIT_TITLE.match(text)
    target = match.group(2) if match else text
    return target.replace("\x00", "").strip()


def cite_keys(text: str) -> list[str]:
    """The keys of a ``cite`` role: comma-separated, each maybe with ``{pre}``/``{post}`` text."""
    keys = []
    for part in re.sub(r"\{[^{}]*\}", " ", text).split(","):
        part = part.strip()
        if part:
            keys.append(part.split()[0])
    return keys


# --- MyST -------------------------------------------------------------------


def myst_parser(settings: Mapping[str, Any]) -> MarkdownIt:
    """MyST's markdown-it parser with the site's ``myst_*`` settings (conf.py's names)."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    known = {field.name for field in dataclass_fields(MdParserConfig)}
    given = {
        name[len("myst_") :]: value
        for name, value in settings.items()
        if name.startswith("myst_") and name[len("myst_") :] in known
    }
    try:
        config = MdParserConfig(**given)
    except (TypeError, ValueError):
        config = MdParserConfig()  # the build warns about its settings itself
    return create_md_parser(config, RendererHTML)


class _DirectiveText(NamedTuple):
    options: dict[str, str]
    body: list[str]
    #: Lines from the directive's first line to its body's first line.
    body_offset: int


def _is_option_line(line: str) -> bool:
    stripped = line.lstrip()
    return stripped.startswith(":") and not stripped.startswith(":::")


def split_directive(first_line: str, content: str, takes_options: bool = True) -> _DirectiveText:
    """A MyST directive's options and body, by MyST's rules (``parse_directive_text``).

    For a directive without arguments (``paper``, the admonitions are close
    enough here), text on the first line is the body's first line.
    """
    from myst_parser.parsers.options import TokenizeError, options_to_items

    block: str | None = None
    option_lines = 0
    if takes_options and content.startswith("---"):
        lines = content.splitlines()[1:]
        for index, line in enumerate(lines):
            if line.startswith("---"):
                block = "\n".join(lines[:index])
                remainder = line.lstrip("-").removeprefix(" ")
                rest = lines[index + 1 :]
                content = "\n".join([remainder, *rest] if remainder else rest)
                option_lines = index + 1 if remainder else index + 2
                break
        else:
            block = "\n".join(lines)
            option_lines = len(content.splitlines())
            content = ""
        block = dedent(block)
    elif takes_options and content.lstrip().startswith(":"):
        lines = content.splitlines()
        taken = []
        while lines and _is_option_line(lines[0]):
            taken.append(lines.pop(0).lstrip()[1:])
        block = "\n".join(taken)
        option_lines = len(taken)
        content = "\n".join(lines)
    options: dict[str, str] = {}
    if block is not None:
        try:
            items, _state = options_to_items(block)
        except TokenizeError:
            items = []  # MyST warns, and runs the directive without options
        options = {key: str(value or "").strip() for key, value in items}
    body = content.splitlines()
    offset = option_lines + 1
    if first_line.strip():
        body.insert(0, first_line)
        offset -= 1
    if body and not body[0].strip():
        body = body[1:]
        offset += 1
    return _DirectiveText(options, body, offset)


def read_myst(text: str, md: MarkdownIt) -> PageFacts:
    facts = PageFacts([], [], [], [], [])
    _read_tokens(md.parse(text), md, facts, offset=0, nested=False)
    return facts


def _read_tokens(
    tokens: Iterable[Token], md: MarkdownIt, facts: PageFacts, offset: int, nested: bool
) -> None:
    for token in tokens:
        if token.type == "inline":
            line = offset + (token.map[0] + 1 if token.map else 1)
            for child in token.children or ():
                if child.type == "link_open":
                    address = str(child.attrs.get("href", ""))
                    if ":" in address:
                        facts.links.append((line, address))
                    continue
                if child.type != "myst_role":
                    continue
                name = str(child.meta.get("name", ""))
                if name in PAPER_ROLES:
                    key = reference_key(child.content)
                    if key is not None:
                        facts.references.append((line, key))
                elif CITE_ROLE.match(name):
                    facts.cited.extend(cite_keys(child.content))
            continue
        if token.type not in ("fence", "colon_fence") or not token.map:
            continue
        match = _DIRECTIVE_INFO.match(token.info.strip())
        if match is None:
            continue  # a code block
        name, first_line = match.group(1), match.group(2) or ""
        line = offset + token.map[0] + 1
        content = token.content
        if token.type == "colon_fence" and content.startswith(":::"):
            content = "\n" + content  # as MyST does: a nested fence is not an option
        if name == "paper":
            parts = split_directive(first_line, content)
            options = {k: v for k, v in parts.options.items() if k in OPTION_NAMES}
            has_body = any(body_line.strip() for body_line in parts.body)
            facts.papers.append(PaperFact(line, options, has_body, nested))
            if has_body:
                _read_body(parts, line, md, facts)
        elif name == "paper-list":
            options = split_directive(first_line, content).options
            facts.lists.append((line, {k: v for k, v in options.items() if k in LIST_OPTIONS}))
        elif name not in NOT_MARKDOWN_BODIES:
            _read_body(split_directive(first_line, content), line, md, facts)


def _read_body(parts: _DirectiveText, line: int, md: MarkdownIt, facts: PageFacts) -> None:
    """A directive's body, parsed as MyST parses it: as a document of its own, at its offset."""
    if not parts.body:
        return
    body_line = line + parts.body_offset
    _read_tokens(md.parse("\n".join(parts.body)), md, facts, offset=body_line - 1, nested=True)


# --- reStructuredText --------------------------------------------------------

_RST_DIRECTIVE = re.compile(r"^(?P<indent>\s*)\.\.\s+(?P<name>[\w:.-]+)::(?P<arg>.*)$")
_RST_OPTION = re.compile(r"^:(?P<key>[^:\s][^:]*):(?:\s+(?P<value>.*))?$")
_RST_ROLE = re.compile(r"(?<![\w`]):(?P<name>[\w:.-]+):`(?P<text>(?:[^`\\]|\\.)+)`(?!\w)")
_RST_LITERAL = re.compile(r"``.+?``")
#: ```text <scheme:address>`_`` (or ``__``): a link with its address inside.
_RST_EMBEDDED_URI = re.compile(r"`[^`<]*<(?P<uri>[^<>`\s]+)>`__?")
_RST_BULLET = re.compile(r"^(\s*)([-*+•‣⁃]|\d+[.)]|#\.|\(\d+\))\s+")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _text_column(line: str) -> int:
    """Where a line's text starts, a list item's marker counted as indentation."""
    bullet = _RST_BULLET.match(line)
    return bullet.end() if bullet else _indent(line)


def _paragraph_start(lines: list[str], index: int) -> int:
    """The first line (0-based) of the paragraph line *index* belongs to."""
    column = _text_column(lines[index])
    while index > 0:
        previous = lines[index - 1]
        if not previous.strip() or _text_column(previous) != column:
            break
        if _RST_BULLET.match(lines[index]):
            break  # a list item starts its own paragraph
        index -= 1
    return index


def read_rst(text: str) -> PageFacts:
    facts = PageFacts([], [], [], [], [])
    lines = text.splitlines()
    literal_above: int | None = None  # the indentation a literal block must exceed
    index = 0
    while index < len(lines):
        line = lines[index]
        if literal_above is not None:
            if not line.strip() or _indent(line) > literal_above:
                index += 1
                continue
            literal_above = None
        directive = _RST_DIRECTIVE.match(line)
        if directive is not None:
            name = directive.group("name")
            indent = len(directive.group("indent"))
            if name == "paper":
                index = _read_rst_paper(lines, index, indent, directive.group("arg"), facts)
                continue
            if name == "paper-list":
                options, _count = _rst_options(lines, index, indent)
                facts.lists.append((index + 1, {k: options.get(k, "") for k in LIST_OPTIONS}))
            if name in NOT_MARKDOWN_BODIES:
                literal_above = indent
            index += 1
            continue
        if line.lstrip().startswith(".. ") or line.strip() == "..":
            literal_above = _indent(line)  # a comment, with its indented lines
            index += 1
            continue
        stripped = _RST_LITERAL.sub("", line)
        for link in _RST_EMBEDDED_URI.finditer(stripped):
            if ":" in link.group("uri"):
                facts.links.append((_paragraph_start(lines, index) + 1, link.group("uri")))
        for role in _RST_ROLE.finditer(stripped):
            name, role_text = role.group("name"), role.group("text")
            if name in PAPER_ROLES:
                key = reference_key(role_text.replace("\\", "\x00"))
                if key is not None:
                    facts.references.append((_paragraph_start(lines, index) + 1, key))
            elif CITE_ROLE.match(name):
                facts.cited.extend(cite_keys(role_text))
        if line.rstrip().endswith("::"):
            literal_above = _indent(line)
        index += 1
    return facts


def _rst_options(lines: list[str], index: int, indent: int) -> tuple[dict[str, str], int]:
    """The ``:name: value`` lines right after the directive at *index*, and how many."""
    options: dict[str, str] = {}
    count = 0
    for line in lines[index + 1 :]:
        if not line.strip() or _indent(line) <= indent:
            break
        option = _RST_OPTION.match(line.strip())
        if option is None:
            break
        options[option.group("key")] = (option.group("value") or "").strip()
        count += 1
    return options, count


def _read_rst_paper(
    lines: list[str], index: int, indent: int, argument: str, facts: PageFacts
) -> int:
    """Read a ``.. paper::`` block starting at *index*; the index after it."""
    options, count = _rst_options(lines, index, indent)
    position = index + 1 + count
    has_body = bool(argument.strip())
    while position < len(lines):
        line = lines[position]
        if line.strip() and _indent(line) <= indent:
            break
        has_body = has_body or bool(line.strip())
        position += 1
    known = {k: v for k, v in options.items() if k in OPTION_NAMES}
    facts.papers.append(PaperFact(index + 1, known, has_body, nested=False))
    return position
