"""The topics a site's notes are about, named in two languages.

A field says where a paper belongs; topics say what it is about, across
fields (optical flow is studied in video and in low-level vision), and a
paper has as many as it needs.  They are configured once, in
``paper_topics``, each with a slug (its page's URL), a Chinese and an
English name and an optional description, and given to notes with
``:tags:``.  Both names are shown and searched, so a reader finds every note
on optical flow by searching 光流 or "optical flow", whichever language the
note's few lines happen to be in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .fields import slugify


@dataclass(frozen=True)
class TopicSpec:
    """One configured topic."""

    slug: str
    zh: str
    en: str
    description: str = ""

    def name(self, language: str | None) -> str:
        """The name in the site's language."""
        return self.zh if is_chinese(language) else self.en

    def other_name(self, language: str | None) -> str:
        """The name in the other language."""
        return self.en if is_chinese(language) else self.zh

    def label(self, language: str | None) -> str:
        """Both names, the site's language first: ``光流 · Optical flow``."""
        first, second = self.name(language), self.other_name(language)
        return first if first.casefold() == second.casefold() else f"{first} · {second}"


def is_chinese(language: str | None) -> bool:
    return (language or "").lower().replace("-", "_").startswith("zh")


def parse_topics(value: Iterable[Any]) -> tuple[TopicSpec, ...]:
    """Read the ``paper_topics`` setting.

    Each item is a mapping with ``slug``, ``zh``, ``en`` and optionally
    ``description``, or a ``(slug, zh, en[, description])`` tuple.  Raises
    :class:`ValueError` naming the bad item.
    """
    specs: list[TopicSpec] = []
    for item in value:
        if isinstance(item, Mapping):
            fields = [str(item.get(k, "") or "") for k in ("slug", "zh", "en", "description")]
        elif isinstance(item, Sequence) and not isinstance(item, str) and 3 <= len(item) <= 4:
            fields = [*map(str, item), ""][:4]
        else:
            raise ValueError(f"paper_topics: cannot read {item!r}; write {{'slug', 'zh', 'en'}}")
        slug, zh, en, description = (f.strip() for f in fields)
        if not zh or not en:
            raise ValueError(f"paper_topics: {item!r} needs a Chinese and an English name")
        slug = slug or slugify(en)
        if not slug or slug != slugify(slug):
            raise ValueError(
                f"paper_topics: topic {en!r} needs a slug of lowercase ASCII letters, digits "
                f"and hyphens (got {slug!r})"
            )
        specs.append(TopicSpec(slug, zh, en, description))
    seen: set[str] = set()
    for spec in specs:
        for name in {spec.slug, spec.zh.casefold(), spec.en.casefold()}:
            if name in seen:
                raise ValueError(f"paper_topics: two topics share the name {name!r}")
            seen.add(name)
    return tuple(specs)


def find_topic(topics: Sequence[TopicSpec], text: str) -> TopicSpec | None:
    """The topic a tag names: by slug or by either name, ignoring case."""
    wanted = text.strip().casefold()
    slug = slugify(wanted)
    for spec in topics:
        if wanted in (spec.slug, spec.zh.casefold(), spec.en.casefold()) or (
            slug and slug == spec.slug
        ):
            return spec
    return None
