"""The research fields a site groups its papers into.

Fields come from the ``paper_fields`` setting, so that the order of the
field pages, their URLs and their blurbs are the site owner's choice and are
written once.  A paper names its field by name or by slug, in any case,
because authors type "Low-level Vision" as often as "Low-Level Vision".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import ScannedPage

#: Slug of the field page that lists papers whose field is missing or not configured.
UNFILED_SLUG = "unfiled"


@dataclass(frozen=True)
class FieldSpec:
    """One configured field: its display name, URL slug and blurb."""

    name: str
    slug: str
    description: str = ""


def slugify(text: str) -> str:
    """Turn *text* into a lowercase ASCII slug (``Low-Level Vision`` → ``low-level-vision``).

    Non-ASCII letters are folded where Unicode knows an ASCII form; what is
    left over is dropped, so a purely Chinese name gives an empty slug and
    needs an explicit one.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def parse_fields(value: Iterable[Any]) -> tuple[FieldSpec, ...]:
    """Read the ``paper_fields`` setting.

    Each item may be a name (``"LLM"``), a ``(name, slug[, description])``
    tuple or a mapping with ``name``, ``slug`` and ``description`` keys.
    Raises :class:`ValueError` naming the bad item, because a field list that
    silently loses an entry would silently move papers out of the site.
    """
    specs: list[FieldSpec] = []
    for item in value:
        if isinstance(item, str):
            name, slug, description = item, "", ""
        elif isinstance(item, Mapping):
            name = str(item.get("name", ""))
            slug = str(item.get("slug", "") or "")
            description = str(item.get("description", "") or "")
        elif isinstance(item, Sequence) and 1 <= len(item) <= 3:
            name, slug, description = [*map(str, item), "", ""][:3]
        else:
            raise ValueError(f"paper_fields: cannot read {item!r}")
        name = name.strip()
        if not name:
            raise ValueError(f"paper_fields: an entry has no name: {item!r}")
        slug = slug.strip() or slugify(name)
        if not slug or slug != slugify(slug):
            raise ValueError(
                f"paper_fields: field {name!r} needs a slug of lowercase ASCII "
                f"letters, digits and hyphens (got {slug!r})"
            )
        specs.append(FieldSpec(name, slug, description.strip()))
    for attribute in ("name", "slug"):
        seen: set[str] = set()
        for spec in specs:
            value_ = getattr(spec, attribute).casefold()
            if value_ in seen:
                raise ValueError(f"paper_fields: two fields share the {attribute} {value_!r}")
            seen.add(value_)
    return tuple(specs)


def find_field(fields: Sequence[FieldSpec], text: str) -> FieldSpec | None:
    """The configured field that *text* names: by name or slug, ignoring case and spacing."""
    wanted = text.strip().casefold()
    for spec in fields:
        if wanted in (spec.name.casefold(), spec.slug) or slugify(wanted) == spec.slug:
            return spec
    return None


def listed_field(fields: Sequence[FieldSpec], text: str) -> str:
    """The slug of the field page a paper with ``:field: text`` is listed on."""
    spec = find_field(fields, text) if text else None
    return spec.slug if spec else UNFILED_SLUG


def discovered_fields(pages: Iterable[ScannedPage]) -> list[dict[str, str]]:
    """Fields named by the pages, for sites that configure none, by name.

    Pages may write a field as ``Base Model`` or ``base-model``; the name
    shown is the spelling most pages use, preferring one that is not the slug.
    """
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for page in pages:
        slug = slugify(page.field_text)
        if slug:
            spellings[slug][page.field_text] += 1
    fields = []
    for slug, counts in spellings.items():
        name = min(counts, key=lambda text: (text == slug, -counts[text], text))
        fields.append({"name": name, "slug": slug})
    return sorted(fields, key=lambda field: field["name"].casefold())
