"""A light reading of a page's ``paper`` directive options, without Sphinx.

Field pages must exist before Sphinx reads anything (their toctrees decide
the document tree, and in a parallel build no worker sees every paper), so
they are written from this scan at ``builder-inited``.  The command line
reads pages the same way.  MyST options are parsed with MyST's own option
parser, so quoting and ``#`` comments mean here what they mean in a build;
the ``paper`` directive compares its parsed options with this scan and warns
if they ever disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The opening line of a MyST fenced directive: ```{paper}, ~~~{paper}, :::{paper}.
_MYST_OPEN = re.compile(
    r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})\{(?P<name>[\w:.-]+)\}(?P<arg>.*)$"
)
#: The opening line of a reStructuredText directive.
_RST_OPEN = re.compile(r"^(?P<indent>\s*)\.\.\s+(?P<name>[\w:.-]+)::(?P<arg>.*)$")
_RST_OPTION = re.compile(r"^:(?P<key>[^:\s][^:]*):(?:\s+(?P<value>.*))?$")


@dataclass(frozen=True)
class ScannedPaper:
    """The options of the first ``paper`` directive on a page, as written."""

    options: dict[str, str]
    #: 1-based line of the directive's opening line.
    line: int


def scan_paper_options(text: str, suffix: str, directive: str = "paper") -> ScannedPaper | None:
    """Find the first *directive* on a page and return its options.

    *suffix* is the file's suffix (``.md`` or ``.rst``) and selects the syntax.
    Returns None where the page has no such directive.
    """
    if suffix == ".rst":
        return _scan_rst(text.splitlines(), directive)
    return _scan_myst(text.splitlines(), directive)


def _scan_myst(lines: list[str], directive: str) -> ScannedPaper | None:
    outer_fence: str | None = None
    for index, line in enumerate(lines):
        match = _MYST_OPEN.match(line)
        if outer_fence is not None:
            # inside a code block or another directive: only its own closing fence ends it
            if line.strip().startswith(outer_fence) and set(line.strip()) == {outer_fence[0]}:
                outer_fence = None
            continue
        if match is None:
            plain = re.match(r"^ {0,3}(`{3,}|~{3,})", line)
            if plain:
                outer_fence = plain.group(1)
            continue
        if match.group("name") != directive:
            outer_fence = match.group("fence")
            continue
        fence = match.group("fence")
        body: list[str] = []
        for body_line in lines[index + 1 :]:
            stripped = body_line.strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                break
            body.append(body_line)
        return ScannedPaper(_myst_options(body), index + 1)
    return None


def _myst_options(body: list[str]) -> dict[str, str]:
    """Parse the option block at the start of a MyST directive body."""
    from myst_parser.parsers.options import TokenizeError, options_to_items

    if body and body[0].startswith("---"):
        block: list[str] = []
        for line in body[1:]:
            if line.startswith("---"):
                break
            block.append(line)
    else:
        block = []
        for line in body:
            if not line.lstrip().startswith(":"):
                break
            block.append(line.lstrip()[1:])
    try:
        items, _state = options_to_items("\n".join(block))
    except TokenizeError:
        return {}
    return {key: value for key, value in items}


def _scan_rst(lines: list[str], directive: str) -> ScannedPaper | None:
    for index, line in enumerate(lines):
        match = _RST_OPEN.match(line)
        if match is None or match.group("name") != directive:
            continue
        options: dict[str, str] = {}
        indent: str | None = None
        for body_line in lines[index + 1 :]:
            if not body_line.strip():
                break
            current = body_line[: len(body_line) - len(body_line.lstrip())]
            if indent is None:
                indent = current
            if len(current) <= len(match.group("indent")):
                break
            option = _RST_OPTION.match(body_line.strip())
            if option is None:
                break
            options[option.group("key")] = (option.group("value") or "").strip()
        return ScannedPaper(options, index + 1)
    return None
