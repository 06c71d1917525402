"""How the notes are stored as MyST sources: one page per paper.

``paper-notes import`` writes, and ``paper-notes export-readme`` reads back,
one page per paper in ``docs/papers/``.  The format is fixed::

    % paper-notes import sha256:<first 16 hex digits of the SHA-256 of every byte after this line>
    ```{paper}
    :title: RAFT: Recurrent All-Pairs Field Transforms for Optical Flow
    :year: 2020
    :link: https://discourse.brainpp.cn/t/topic/50779
    :field: Video
    :key: teed2020raft
    :order: 45
    ```

    * 光流 best paper
    * 代码比较难懂的就是 core/corr.py 里面，...

    ```{insight}
    RAFT 抛弃了前几年光流估计网络中各种莫名其妙的 trick，但在性能上实现了大幅超越
    ```

    * a later ordinary item, if the note continues after a remark

* The first line records what import wrote, so a later import can tell a page
  edited by hand (the digest no longer matches) and leave it alone.
* There is no ``# heading``: the extension takes the page title from ``:title:``.
* ``:order:`` is the paper's 1-based position in the README; export sorts by
  (configured field order, year descending, order, title).
* Option values are written plain unless MyST's option parser would read
  them differently (`` #`` starts a comment, a leading quote, ``|``, ``>``
  or ``#``, leading or trailing spaces): those are double-quoted with YAML
  escapes.  Options are read back with
  :func:`paper_directive.source_scan.scan_paper_options`, the parser a
  Sphinx build uses.
* Consecutive ordinary items form one ``* `` list; each remark (an item that
  began ``[想法] `` in the README) is its own ``{insight}`` block holding the
  text after the marker.  Continuation lines keep their indentation.  A blank
  line separates blocks.
* Item text is plain text shown literally, so it goes through
  :func:`markdown_escape`, which backslash-escapes only what Markdown (with
  MyST's syntax, dollar math and colon fences) would otherwise interpret;
  :func:`markdown_unescape` is its exact inverse.

:func:`parse_page` also accepts pages edited by hand: ``{paper}`` references,
``-`` or ``+`` list markers, ``:related:``/``:tags:`` options; any other block
is exported as an item and reported, never dropped silently.

The landing page ``docs/index.md`` holds the README introduction between two
comment lines (see :func:`replace_intro_section`); the introduction is
Markdown already and is not escaped, except that ``Total Count：<n>`` becomes
the extension's ``{paper-count}`all``` role so the site counts for itself.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from paper_directive.notes.readme_format import Item, make_item, split_lines
from paper_directive.source_scan import scan_paper_options

# --------------------------------------------------------------------------
# Escaping

_PUNCTUATION = frozenset(string.punctuation)
_ENTITY = re.compile(r"&(?:#[xX][0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{0,31});")
_ORDERED_MARKER = re.compile(r"[0-9]+([.)])(?:[ \t]|$)")
_TABLE_DELIMITER = re.compile(r"[|:\-][|:\- \t]*$")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def markdown_escape(line: str, at_line_start: bool = True, *, body_start: bool = False) -> str:
    """Backslash-escape *line* so that MyST renders it as exactly this text.

    Inline syntax is escaped wherever it occurs: a backslash before ASCII
    punctuation or at the end, every backtick, ``*`` and ``$``, ``_`` unless both
    neighbours are alphanumeric, ``<`` before a letter, ``/``, ``!`` or ``?``,
    ``&`` that starts an entity, and ``[`` that a link or footnote parser would
    take.  With *at_line_start* (the text begins a line, after its
    indentation) block syntax is escaped too: ``#``, ``>``, list markers,
    fences, ``%`` comments, ``(label)=`` targets, ``+++``, setext underlines
    and table delimiter rows.  *body_start* is for the first line of a
    directive body, where a leading ``:`` or ``---`` would be read as options.
    Everything else is left alone so the pages stay readable.
    """
    indent = len(line) - len(line.lstrip(" \t")) if at_line_start else 0
    escape = _inline_escapes(line)
    if at_line_start and indent < len(line):
        position = _block_escape(line[indent:], body_start)
        if position is not None:
            escape.add(indent + position)
    return "".join("\\" + ch if index in escape else ch for index, ch in enumerate(line))


def markdown_unescape(text: str) -> str:
    """Remove the backslash from every backslash-escaped ASCII punctuation character.

    The exact inverse of :func:`markdown_escape`, which only ever inserts a
    backslash before ASCII punctuation and escapes every backslash that
    stands before punctuation.
    """
    return _UNESCAPE.sub(r"\1", text)


def _inline_escapes(line: str) -> set[int]:
    escape: set[int] = set()
    last = len(line) - 1
    for index, ch in enumerate(line):
        after = line[index + 1] if index < last else ""
        if (
            (ch == "\\" and (not after or after in _PUNCTUATION))
            or ch in "`*$"
            or (ch == "_" and not (index > 0 and line[index - 1].isalnum() and after.isalnum()))
            or (ch == "<" and after and ((after.isascii() and after.isalpha()) or after in "/!?"))
            or (ch == "&" and _ENTITY.match(line, index))
        ):
            escape.add(index)
    escape |= _link_openers(line, escape)
    return escape


def _link_openers(line: str, escaped: set[int]) -> set[int]:
    """The ``[`` that could open a link, image, reference or footnote.

    A ``[`` whose matching ``]`` is followed by ``(``, ``[`` or ``:``, or that
    starts ``[^``, or whose ``]`` is not on this line (a label may continue on
    the next one).  Matching skips brackets already escaped, as Markdown does,
    so escaping an inner bracket can expose an outer one: hence the loop.
    """
    openers: set[int] = set()
    changed = True
    while changed:
        changed = False
        for index, ch in enumerate(line):
            if ch != "[" or index in openers or index in escaped:
                continue
            close = _matching_bracket(line, index, openers | escaped)
            if (
                line.startswith("[^", index)
                or close is None
                or line[close + 1 : close + 2] in ("(", "[", ":")
            ):
                openers.add(index)
                changed = True
    return openers


def _matching_bracket(line: str, start: int, escaped: set[int]) -> int | None:
    depth = 0
    for index in range(start, len(line)):
        if line[index] == "[" and index not in escaped:
            depth += 1
        elif line[index] == "]":
            depth -= 1
            if depth == 0:
                return index
    return None


def _block_escape(rest: str, body_start: bool) -> int | None:
    """The index in *rest* (a line after its indentation) to escape, if any."""
    first, after = rest[0], rest[1:2]
    stripped = rest.rstrip()
    if first in "#>%":
        return 0
    if first in "+-*" and after in ("", " ", "\t"):
        return 0
    if first == "+" and rest[: len(rest) - len(rest.lstrip("+ \t"))].count("+") >= 3:
        return 0  # a MyST block break: "+++", "++ +"
    if first in "-=" and set(stripped) <= {"-", "=", " ", "\t"}:
        return 0  # a setext underline or thematic break
    if rest.startswith(("~~~", ":::")):
        return 0
    if first == "(" and stripped.endswith(")=") and len(stripped) > 3:
        return 0  # a MyST target "(label)="
    if "|" in rest and "-" in rest and _TABLE_DELIMITER.match(rest):
        return 0  # a table's delimiter row
    if body_start and (first == ":" or rest.startswith("---")):
        return 0
    if marker := _ORDERED_MARKER.match(rest):
        return marker.start(1)
    return None


# --------------------------------------------------------------------------
# Options

_OPTION_ORDER = ("title", "year", "link", "field", "key", "order")
#: Options export reads; ``related`` and ``tags`` are the site's own and are ignored.
KNOWN_OPTIONS = frozenset((*_OPTION_ORDER, "related", "tags"))
_YAML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"}


def format_option_value(value: str) -> str:
    """An option value as MyST will read it back unchanged: plain, or double-quoted."""
    if value and not _needs_quotes(value) and _reads_back(value):
        return value
    quoted = "".join(
        _YAML_ESCAPES.get(ch, f"\\x{ord(ch):02x}" if ord(ch) < 0x20 or ord(ch) == 0x7F else ch)
        for ch in value
    )
    return f'"{quoted}"'


def _needs_quotes(value: str) -> bool:
    return (
        value != value.strip()
        or " #" in value
        or value[0] in "\"'|>#"
        or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value)
    )


def _reads_back(value: str) -> bool:
    scanned = scan_paper_options(f"```{{paper}}\n:v: {value}\n```\n", ".md")
    return scanned is not None and scanned.options.get("v") == value


@dataclass(frozen=True)
class PageMeta:
    """The ``paper`` directive options import writes."""

    title: str
    year: int
    link: str
    field: str
    key: str
    order: int

    def options(self) -> list[tuple[str, str]]:
        """The options in the page's fixed order."""
        return [(name, str(getattr(self, name))) for name in _OPTION_ORDER]


# --------------------------------------------------------------------------
# Writing

_HEADER = re.compile(r"^% paper-notes import sha256:(?P<digest>[0-9a-f]{16})$")


def content_digest(body: str) -> str:
    """The first 16 hex digits of the SHA-256 of *body* (UTF-8)."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def render_page(meta: PageMeta, items: Sequence[Item]) -> str:
    """The page for one paper, header line included."""
    blocks: list[list[str]] = [
        ["```{paper}", *(f":{name}: {format_option_value(v)}" for name, v in meta.options()), "```"]
    ]
    bullets: list[str] = []
    for item in items:
        if item.is_insight:
            if bullets:
                blocks.append(bullets)
                bullets = []
            blocks.append(
                [
                    "```{insight}",
                    markdown_escape(item.text, body_start=True),
                    *map(markdown_escape, item.continuation),
                    "```",
                ]
            )
        else:
            bullets.append(("* " + markdown_escape(item.text)).rstrip())
            bullets.extend(map(markdown_escape, item.continuation))
    if bullets:
        blocks.append(bullets)
    body = "\n\n".join("\n".join(block) for block in blocks) + "\n"
    return f"% paper-notes import sha256:{content_digest(body)}\n{body}"


def recorded_digest(text: str) -> str | None:
    """The digest on a page's first line, or None if import did not write one."""
    first = text.split("\n", 1)[0].rstrip("\r")
    match = _HEADER.match(first)
    return match.group("digest") if match else None


def is_pristine(text: str) -> bool:
    """Whether a page is exactly as import wrote it (its digest still matches)."""
    digest = recorded_digest(text)
    body = text.split("\n", 1)[1] if "\n" in text else ""
    return digest is not None and digest == content_digest(body)


# --------------------------------------------------------------------------
# Reading

_FENCE_OPEN = re.compile(
    r"^ {0,3}(?P<fence>`{3,}|~{3,}|:{3,})\s*(?:\{(?P<name>[^}\s]+)\})?(?P<arg>.*)$"
)
_BULLET = re.compile(r"^ {0,3}[*+-](?:[ \t]+(?P<text>.*)|$)")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$")
_TARGET = re.compile(r"^ {0,3}\(.+\)=\s*$")
_RULE = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|(?:\+[ \t]*){3,})$")
_ROLE = re.compile(r"\{(?P<name>[\w:.-]+)\}`(?P<content>[^`]*)`")
_EXPLICIT_TITLE = re.compile(r"^(?P<text>.*?)\s*<(?P<key>[^<>]+)>$", re.DOTALL)


@dataclass(frozen=True)
class PageContent:
    """What export needs from a page: its options, its items, and what it could not keep."""

    options: Mapping[str, str]
    items: tuple[Item, ...]
    messages: tuple[str, ...] = ()
    #: 1-based line of the ``paper`` directive, 0 if the page has none.
    line: int = 0


@dataclass
class _Reader:
    """Walks a page's lines once, collecting items and messages."""

    lines: list[str]
    path: str
    titles: Mapping[str, str]
    items: list[Item] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    #: 1-based line of the first ``paper`` directive, 0 until one is seen.
    paper_line: int = 0

    def report(self, line: int, message: str) -> None:
        self.messages.append(f"{self.path}:{line}: {message}")

    def inline(self, text: str, line: int) -> str:
        """Item text as the README shows it: references resolved, escapes removed."""
        parts: list[str] = []
        position = 0
        for match in _ROLE.finditer(text):
            parts.append(markdown_unescape(text[position : match.start()]))
            parts.append(self.role_text(match, line))
            position = match.end()
        parts.append(markdown_unescape(text[position:]))
        return "".join(parts)

    def role_text(self, match: re.Match[str], line: int) -> str:
        if match.group("name") not in ("paper", "paper:paper"):
            self.report(line, f"role {{{match.group('name')}}} exported as written")
            return match.group(0)
        content = match.group("content")
        explicit = _EXPLICIT_TITLE.match(content)
        if explicit and explicit.group("text"):
            return explicit.group("text")
        key = explicit.group("key") if explicit else content.strip()
        if key in self.titles:
            return self.titles[key]
        self.report(line, f"reference to unknown paper key {key!r} exported as the key")
        return key

    def continuation(self, line: str, number: int) -> str:
        indent = len(line) - len(line.lstrip(" \t"))
        return line[:indent] + self.inline(line[indent:], number)

    def add(self, first: str, rest: Sequence[str], number: int, insight: bool = False) -> None:
        lines = (self.inline(first, number), *(self.continuation(r, number) for r in rest))
        if insight:
            self.items.append(Item(lines, is_insight=True))
        else:
            self.items.append(make_item(lines[0], lines[1:]))

    def read(self) -> None:
        index = 1 if self.lines and _HEADER.match(self.lines[0]) else 0
        while index < len(self.lines):
            line = self.lines[index]
            number = index + 1
            if not line.strip():
                index += 1
            elif fence := _FENCE_OPEN.match(line):
                end = self.fence_end(index, fence.group("fence"))
                name = fence.group("name")
                body = self.lines[index + 1 : end]
                if name == "paper" and not self.paper_line:
                    self.paper_line = number
                    self.paper_body(body, number)
                elif name == "insight":
                    self.insight(fence.group("arg").strip(), body, number)
                else:
                    what = f"directive {{{name}}}" if name else "code block"
                    self.report(number, f"{what} exported as an item, as written")
                    raw = self.lines[index : min(end + 1, len(self.lines))]
                    self.items.append(Item(tuple(raw)))
                index = end + 1
            elif line.lstrip().startswith("%") or _TARGET.match(line) or _RULE.match(line):
                self.report(number, f"{line.strip()!r} is not exported")
                index += 1
            elif bullet := _BULLET.match(line):
                index = self.bullet(index, bullet.group("text") or "")
            elif heading := _HEADING.match(line):
                self.report(number, "heading exported as an ordinary item")
                self.add(heading.group("text") or "", (), number)
                index += 1
            else:
                end = self.paragraph_end(index)
                self.report(number, "paragraph outside a list exported as an ordinary item")
                first = self.lines[index]
                self.add(first.lstrip(), self.lines[index + 1 : end], number)
                index = end

    def fence_end(self, start: int, fence: str) -> int:
        for index in range(start + 1, len(self.lines)):
            stripped = self.lines[index].strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                return index
        self.report(start + 1, "block is never closed; it runs to the end of the page")
        return len(self.lines)

    def paper_body(self, body: list[str], number: int) -> None:
        text = "\n".join(["```{paper}", *body, "```"])
        scanned = scan_paper_options(text, ".md")
        self.options = dict(scanned.options) if scanned else {}
        for name in self.options:
            if name not in KNOWN_OPTIONS:
                self.report(number, f"option :{name}: is not exported")
        rest = _skip_options(body)
        offset = len(body) - len(rest)
        content = [line for line in rest if line.strip()]
        if content:
            self.report(number + 1 + offset, "text inside the paper directive exported as an item")
            self.add(content[0].lstrip(), content[1:], number + 1 + offset)

    def insight(self, argument: str, body: list[str], number: int) -> None:
        rest = _skip_options(body)
        if len(rest) != len(body):
            self.report(number, "options of the insight directive are not exported")
        lines = [line for line in rest if line.strip()]
        if argument:
            self.report(number, "insight title exported as the remark's first line")
            lines.insert(0, argument)
        if not lines:
            self.report(number, "empty insight is not exported")
            return
        self.add(lines[0].lstrip(), lines[1:], number, insight=True)

    def bullet(self, index: int, text: str) -> int:
        number = index + 1
        rest: list[str] = []
        index += 1
        while index < len(self.lines):
            line = self.lines[index]
            if not line.strip():
                following = self.lines[index + 1] if index + 1 < len(self.lines) else ""
                if following.startswith(("  ", "\t")) and not _starts_block(following):
                    index += 1  # a blank line inside the item: drop it, keep the text
                    continue
                break
            if _starts_block(line):
                break
            rest.append(line)
            index += 1
        self.add(text, rest, number)
        return index

    def paragraph_end(self, index: int) -> int:
        index += 1
        while (
            index < len(self.lines)
            and self.lines[index].strip()
            and not _starts_block(self.lines[index])
        ):
            index += 1
        return index


def _starts_block(line: str) -> bool:
    """Whether *line* starts a new block rather than continuing a paragraph."""
    return bool(
        _BULLET.match(line)
        or _FENCE_OPEN.match(line)
        or _HEADING.match(line)
        or line.lstrip().startswith("%")
    )


def _skip_options(body: list[str]) -> list[str]:
    """A directive body without its leading ``:key:`` lines or ``---`` block."""
    if body and body[0].startswith("---"):
        for index, line in enumerate(body[1:], start=1):
            if line.startswith("---"):
                return body[index + 1 :]
        return []
    index = 0
    while index < len(body) and body[index].lstrip().startswith(":"):
        index += 1
    return body[index:]


def parse_page(
    text: str, path: str = "<page>", titles: Mapping[str, str] | None = None
) -> PageContent:
    """Read a page back: its ``paper`` options and its items, unescaped, in order.

    *titles* maps citation keys to paper titles, for ``{paper}`key``` references
    written without text.  Messages name *path* and the line of everything
    that is not exported exactly as written.
    """
    reader = _Reader(split_lines(text), path, titles or {})
    reader.read()
    if not reader.paper_line:
        reader.report(1, "no {paper} directive")
    return PageContent(
        reader.options, tuple(reader.items), tuple(reader.messages), reader.paper_line
    )


# --------------------------------------------------------------------------
# The README introduction on the landing page

INTRO_START = (
    "% paper-notes: README introduction "
    "(written by paper-notes import, read by paper-notes export-readme)"
)
INTRO_END = "% paper-notes: end of README introduction"
PAPER_COUNT_ROLE = "{paper-count}`all`"
_TOTAL_COUNT = re.compile(r"(Total Count\s*[：:]\s*)[0-9]+")


def intro_to_page(intro: Sequence[str]) -> list[str]:
    """The README introduction as landing-page lines: the paper count becomes a role."""
    return [_TOTAL_COUNT.sub(lambda m: m.group(1) + PAPER_COUNT_ROLE, line) for line in intro]


def intro_from_page(lines: Sequence[str], count: int) -> list[str]:
    """The landing-page introduction as README lines, with the count filled in."""
    return [line.replace(PAPER_COUNT_ROLE, str(count)) for line in lines]


def read_intro_section(index_text: str) -> list[str] | None:
    """The lines between the introduction markers, or None if there are none."""
    lines = split_lines(index_text)
    if INTRO_START not in lines:
        return None
    start = lines.index(INTRO_START) + 1
    end = lines.index(INTRO_END, start) if INTRO_END in lines[start:] else len(lines)
    return lines[start:end]


def replace_intro_section(index_text: str | None, intro: Sequence[str]) -> tuple[str, str | None]:
    """The landing page with *intro* (already page lines) between the markers.

    Everything outside the markers is kept byte for byte.  A new page
    (*index_text* None) gets the section followed by the ``{paper-fields}``
    directive, which lists the fields.  Returns the new text and, when the
    page did not have both markers, a note saying what was done instead.
    """
    section = [INTRO_START, *intro, INTRO_END]
    if index_text is None:
        return "\n".join([*section, "", "```{paper-fields}", "```"]) + "\n", None
    lines = index_text.split("\n")
    stripped = [line.rstrip("\r") for line in lines]
    if INTRO_START in stripped:
        start = stripped.index(INTRO_START)
        if INTRO_END in stripped[start:]:
            end = stripped.index(INTRO_END, start)
            return "\n".join([*lines[:start], *section, *lines[end + 1 :]]), None
        note = "no end-of-introduction marker: replaced everything after the start marker"
        return "\n".join([*lines[:start], *section]) + "\n", note
    insert = 0
    if stripped and stripped[0] == "---" and "---" in stripped[1:]:
        insert = stripped.index("---", 1) + 1  # after YAML front matter
    note = "no introduction markers: added the introduction at the top"
    return "\n".join([*lines[:insert], *section, "", *lines[insert:]]), note
