"""The rules a paper's page must follow, shared by the build and ``paper-notes check``.

Each rule takes what a page says (the options of a ``paper`` directive, a
key, a reference) and returns :class:`.Finding` values; the ``paper``
directive, the transforms and the domain log them at the page's line, and
``paper-notes check`` prints them, so that the two can never disagree about
what is wrong or how it is worded.  Nothing here imports Sphinx beyond its
message catalog.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import PurePath
from typing import NamedTuple
from urllib.parse import urlsplit

from .fields import UNFILED_SLUG, FieldSpec, find_field
from .i18n import __
from .problems import Finding
from .topics import TopicSpec, find_topic

#: Every option of the ``paper`` directive, in the order the guide lists them.
OPTION_NAMES = ("title", "year", "link", "field", "key", "tags", "related", "order")
REQUIRED_OPTIONS = ("title", "year", "link", "field", "key")
#: The oldest year a paper may carry; anything older is taken for a typo.
EARLIEST_YEAR = 1900


def split_list(text: str) -> tuple[str, ...]:
    """``"a, b,,c "`` → ``("a", "b", "c")``; also accepts semicolons."""
    return tuple(item.strip() for item in re.split(r"[,;，；]", text) if item.strip())


def today() -> datetime.date:
    """Today, or the day ``SOURCE_DATE_EPOCH`` names, as every reproducible build reads it.

    Two builds of the same sources then agree on which years are plausible
    (and say so in the same words), whenever they run.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date()
    return datetime.date.today()


def latest_year() -> int:
    """The latest year a paper may carry: next year (papers appear early online)."""
    return today().year + 1


def plausible_year(text: str) -> int | None:
    if not re.fullmatch(r"\d{4}", text, flags=re.ASCII):
        return None
    year = int(text)
    return year if EARLIEST_YEAR <= year <= latest_year() else None


def is_web_link(text: str) -> bool:
    """Only ``http`` and ``https`` addresses with a host become links."""
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and not any(char.isspace() or ord(char) < 32 or char == "\x7f" for char in text)
    )


#: The schemes a link may have; addresses without a scheme are the site's own.
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def unsafe_scheme(address: str) -> str | None:
    """The scheme of a link's *address* when it must not become a link, else None."""
    if ":" not in address:
        return None  # no scheme (most links: the site's own pages), however it is spelt
    try:
        scheme = urlsplit(address.strip()).scheme.lower()
    except ValueError:
        return "?"
    if not scheme:
        # browsers ignore blanks and control characters inside a scheme: "java\tscript:"
        compact = "".join(c for c in address if c.isprintable() and not c.isspace())
        return unsafe_scheme(compact) if compact != address else None
    return None if scheme in SAFE_SCHEMES else scheme


def unsafe_link(address: str) -> Finding:
    return Finding(
        "link", __("link to %r is not an http(s) address; it is shown as text") % address
    )


class PaperOptions(NamedTuple):
    """What a ``paper`` directive's options say, once checked."""

    #: The title as written; else the key; else the page's name.
    title: str
    year: int | None
    #: Empty when missing or not http(s).
    link: str
    #: The configured field's slug, or "unfiled".
    field: str
    field_text: str
    key: str
    tags: tuple[str, ...]
    related: tuple[str, ...]
    order: int | None


def read_paper_options(
    options: Mapping[str, str], fields: Sequence[FieldSpec], fallback_title: str
) -> tuple[PaperOptions, list[Finding]]:
    """Check a ``paper`` directive's options (stripped strings): what they say, what is wrong."""
    findings: list[Finding] = []
    for name in REQUIRED_OPTIONS:
        if not options.get(name):
            findings.append(
                Finding(
                    "option",
                    __("paper directive without :%s: (required: %s); add it to the directive")
                    % (name, ", ".join(f":{n}:" for n in REQUIRED_OPTIONS)),
                )
            )
    year_text = options.get("year", "")
    year = plausible_year(year_text) if year_text else None
    if year_text and year is None:
        findings.append(
            Finding(
                "year",
                __("paper year %r is not a plausible 4-digit year (%d to %d)")
                % (year_text, EARLIEST_YEAR, latest_year()),
            )
        )
    link = options.get("link", "")
    if link and not is_web_link(link):
        findings.append(
            Finding(
                "link",
                __("paper link %r is not an http(s) address; give the paper's URL") % link,
            )
        )
        link = ""
    field_text = options.get("field", "")
    field = UNFILED_SLUG
    if field_text:
        spec = find_field(fields, field_text)
        if spec is None:
            names = ", ".join(s.name for s in fields) or __("(none configured)")
            findings.append(
                Finding(
                    "field",
                    __("unknown field %r; use one of %s, or add it to paper_fields in conf.py")
                    % (field_text, names),
                )
            )
        else:
            field = spec.slug
    order_text = options.get("order", "")
    order = None
    if order_text:
        if order_text.isdigit() and order_text.isascii():
            order = int(order_text)
        else:
            findings.append(
                Finding("option", __(":order: must be a whole number, not %r") % order_text)
            )
    values = PaperOptions(
        title=options.get("title") or options.get("key") or fallback_title,
        year=year,
        link=link,
        field=field,
        field_text=field_text,
        key=options.get("key", ""),
        tags=split_list(options.get("tags", "")),
        related=split_list(options.get("related", "")),
        order=order,
    )
    return values, findings


def paper_list_target(
    field: str, year: str, topic: str, fields: Sequence[FieldSpec], topics: Sequence[TopicSpec]
) -> tuple[tuple[str, str] | None, Finding | None]:
    """What a ``paper-list`` lists: ("field" or "topic", slug), ("year", ""), or why nothing."""
    if [bool(field), bool(year), bool(topic)].count(True) != 1:
        return None, Finding(
            "option", __("paper-list takes exactly one of :field:, :year: and :topic:")
        )
    if year:
        return ("year", ""), None
    if topic:
        topic_spec = find_topic(topics, topic)
        if topic_spec is None:
            return None, Finding("topic", __("unknown topic %r in paper-list") % topic)
        return ("topic", topic_spec.slug), None
    spec = find_field(fields, field)
    slug = spec.slug if spec else (UNFILED_SLUG if field == UNFILED_SLUG else "")
    if not slug:
        return None, Finding("field", __("unknown field %r in paper-list") % field)
    return ("field", slug), None


def unknown_topic(tag: str, topics: Sequence[TopicSpec]) -> Finding | None:
    """With topics configured, a tag that names none of them (a typo would hide the paper)."""
    if not topics or find_topic(topics, tag) is not None:
        return None
    return Finding(
        "topic",
        __("unknown topic %r in :tags:; use the slug or a name of one of paper_topics") % tag,
    )


def body_in_paper() -> Finding:
    """A ``paper`` directive with text inside it: kept, shown below the header, and warned of."""
    return Finding(
        "content",
        __(
            "the paper directive takes options only; its body is shown below the header: "
            "move that text below the directive's closing fence"
        ),
    )


def second_paper(title: str) -> Finding:
    return Finding(
        "multiple",
        __(
            "a second paper directive on this page: one page holds one paper's note; "
            "move %r to a page of its own"
        )
        % title,
    )


def unscanned_paper() -> Finding:
    return Finding(
        "scan",
        __(
            "this paper could not be read before the build, so its field page misses "
            "it; put the paper directive at the top level of the page, with its options "
            "as ':name: value' lines right after its first line"
        ),
    )


def duplicate_key(key: str, first_page: str) -> Finding:
    return Finding(
        "duplicate",
        __(
            "duplicate paper key %r: %s already uses it; "
            "give each paper its own key from the bibliography"
        )
        % (key, first_page),
    )


def unknown_reference(key: str) -> Finding:
    return Finding(
        "ref",
        __("unknown paper key %r: no page has a paper directive with this :key:") % key,
    )


def unknown_related(key: str) -> Finding:
    return Finding(
        "ref",
        __("unknown paper key %r in :related:; use the :key: of another paper's page") % key,
    )


class RejectedEntry(NamedTuple):
    """A bibliography entry that could not be read, and why."""

    #: The file, as an absolute path.
    path: str
    #: The line of the entry's ``@``.
    line: int
    reason: str


def missing_entry(
    key: str,
    entries: Collection[str],
    rejected: Mapping[str, RejectedEntry],
    bibfiles: Sequence[str],
) -> Finding | None:
    """Why the paper of *key* has no bibliographic record, or None when it has one."""
    if key in entries:
        return None
    broken = rejected.get(key)
    if broken is not None:
        return Finding(
            "bib",
            __(
                "the bibliography entry of paper key %r (%s, line %d) cannot be read: %s; "
                "the header shows no authors, venue or cite block until it is fixed"
            )
            % (key, PurePath(broken.path).name, broken.line, broken.reason),
        )
    return Finding(
        "bib",
        __("paper key %r is not in the bibliography (%s); add an entry with this key")
        % (key, ", ".join(bibfiles)),
    )


def unused_entry(key: str) -> Finding:
    return Finding(
        "unused",
        __(
            "bibliography entry %r is used by no page: no paper directive has it as :key: and "
            "no page cites it; write its note, fix the key of its page, or remove the entry"
        )
        % key,
    )
