"""The landing page's overview: the site at a glance, with sphinx-design's grid and cards.

It is MyST text written before the build (like the field pages, from the
scan of the sources) into the generated pages' folder, and included by the
landing page (``{include}``), so that sphinx-design's own directives build
the cards and Sphinx re-reads the landing page exactly when the overview's
text changes.  Everything the text would have to repeat is left to the
build instead: titles come from ``{doc}`` links, numbers from the
``paper-count`` role, so a renamed paper or a new insight needs no new text.

- the totals: papers, insights, topics;
- a card per field: its name (a link to its page), its description, its
  number of papers and its newest papers;
- the newest papers of the site;
- the timeline of papers per year and field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .domain import _
from .fields import UNFILED_SLUG, FieldSpec, listed_field

if TYPE_CHECKING:
    from .model import ScannedPage

#: The overview's file, under the generated pages' folder: not a source of its own.
OVERVIEW = "overview.md.inc"
#: How many newest papers a field's card names, and the site's newest list.
NEWEST_IN_CARD = 3
NEWEST_OF_SITE = 6


def _doc(docname: str, text: str = "") -> str:
    """A MyST ``doc`` link; without *text*, Sphinx shows the page's title."""
    text = text.replace("`", "").replace("<", "").replace(">", "")
    return f"{{doc}}`{text} </{docname}>`" if text else f"{{doc}}`/{docname}`"


def _heading(text: str) -> list[str]:
    return [f"```{{rubric}} {text}", ":class: paper-overview-heading", "```", ""]


def _count(what: str) -> str:
    return "{paper-count}`" + what.replace("`", "") + "`"


def overview_page(
    marker: str, fields: tuple[FieldSpec, ...], pages: list[ScannedPage], pages_dir: str
) -> str:
    """The MyST text of the overview.

    It names what is configured (the fields) and leaves every fact about
    the papers to placeholders the build fills in, so it changes only when
    the configuration does (or unfiled papers appear).
    """
    shown = list(fields)
    if any(listed_field(fields, page.field_text) == UNFILED_SLUG for page in pages):
        unfiled = _("Papers whose field is not configured.")
        shown.append(FieldSpec(_("Unfiled"), UNFILED_SLUG, unfiled))
    lines = [marker, "", "::::{grid} 1 3 3 3", ":gutter: 2", ":class-container: paper-totals", ""]
    for what, label in (("all", _("papers")), ("insights", _("insights")), ("topics", _("topics"))):
        lines += [":::{grid-item-card}", ":text-align: center", "", f"**{_count(what)}** {label}"]
        lines += [":::", ""]
    fields_heading = _("Fields")
    # rubrics, not headings: in the PDF the landing page's sections would be chapters
    lines += ["::::", "", *_heading(fields_heading)]
    lines += ["::::{grid} 1 2 2 3", ":gutter: 3", ":class-container: paper-field-cards", ""]
    for spec in shown:
        title = _doc(f"{pages_dir}/fields/{spec.slug}", spec.name)
        lines += [f":::{{grid-item-card}} {title}", ":class-card: paper-field-card", ""]
        if spec.description:
            lines += [spec.description, ""]
        lines += [_("%s papers; the newest:") % _count(spec.slug), ""]
        lines += ["```{paper-newest}", f":field: {spec.slug}", f":count: {NEWEST_IN_CARD}", "```"]
        lines += [":::", ""]
    newest_heading = _("Newest papers")
    timeline_heading = _("Papers per year and field")
    lines += ["::::", "", *_heading(newest_heading)]
    lines += ["```{paper-newest}", f":count: {NEWEST_OF_SITE}", "```", ""]
    lines += [*_heading(timeline_heading), "```{paper-timeline}", "```", ""]
    return "\n".join(lines)
