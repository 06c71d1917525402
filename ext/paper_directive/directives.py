"""Directives: a paper's header, the author's insights, and the site's lists.

Option converters never raise: MyST drops an option whose converter fails
with only a generic warning, and a missing ``:year:`` must not pass in
silence.  Each option is checked here instead, with a warning of type
``paper`` that names the page, the line and what to write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.directives.other import TocTree
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_id

from . import nodes as paper_nodes
from .domain import PaperDomain, _, __
from .downloads import ALL_BIB, PAPERS_JSON, download_link
from .fields import UNFILED_SLUG, find_field, listed_field
from .graphs import paper_graph, paper_timeline
from .model import InsightRecord, PaperRecord, body_digest
from .paper_rules import (
    EARLIEST_YEAR,
    OPTION_NAMES,
    REQUIRED_OPTIONS,
    body_in_paper,
    is_web_link,
    paper_list_target,
    plausible_year,
    read_paper_options,
    second_paper,
    split_list,
    unknown_topic,
    unscanned_paper,
)
from .problems import Finding
from .topics import find_topic

if TYPE_CHECKING:
    from docutils.nodes import Node

logger = logging.getLogger(__name__)

__all__ = [  # the rules' names, where other modules have imported them from
    "EARLIEST_YEAR",
    "REQUIRED_OPTIONS",
    "is_web_link",
    "plausible_year",
    "split_list",
]


class _PaperSiteDirective(SphinxDirective):
    """Shared helpers: the domain and warnings located at this directive."""

    @property
    def domain(self) -> PaperDomain:
        return cast(PaperDomain, self.env.domains["paper"])

    @property
    def docname(self) -> str:
        return self.env.current_document.docname

    def warn(self, subtype: str, message: str, *args: object) -> None:
        logger.warning(
            message, *args, type="paper", subtype=subtype, location=(self.docname, self.lineno)
        )

    def warn_of(self, finding: Finding) -> None:
        """Log what a rule of :mod:`.paper_rules` found, at this directive."""
        self.warn(finding.subtype, finding.message)


class PaperDirective(_PaperSiteDirective):
    """The note's header: ``title``, ``year``, ``link``, ``field``, ``key`` and more.

    The options are checked by :func:`.paper_rules.read_paper_options`, the
    rules ``paper-notes check`` applies too.  Text inside the directive is
    not part of it; it is warned about and shown below the header rather
    than dropped.
    """

    has_content = True
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = dict.fromkeys(
        OPTION_NAMES, directives.unchanged
    )

    def run(self) -> list[Node]:
        options = {name: str(value or "").strip() for name, value in self.options.items()}
        values, findings = read_paper_options(options, self.domain.fields, self.docname)
        for finding in findings:
            self.warn_of(finding)
        title, key, field = values.title, values.key, values.field

        node_id = make_id(self.env, self.state.document, "paper", key or title)
        target = nodes.target("", "", ids=[node_id])
        self.state.document.note_explicit_target(target)
        record = PaperRecord(
            docname=self.docname,
            node_id=node_id,
            line=self.lineno,
            title=title,
            year=values.year,
            link=values.link,
            field=field,
            field_text=values.field_text,
            key=key,
            tags=values.tags,
            related=values.related,
            order=values.order,
        )
        card = paper_nodes.paper_card(docname=self.docname, title=title)
        self.set_source_info(card)
        if not self.domain.note_paper(record):
            self.warn_of(second_paper(title))
            card["duplicate"] = True
            card["record"] = record
        else:
            self.domain.note_dependency(self.docname, ("meta", self.docname))
            if key:
                # the header says whether the entry is missing or where it is broken
                self.domain.note_dependency(self.docname, ("bib-state", key))
            self._check_scan(field)
            self._check_tags(record.tags)
        body: list[Node] = []
        if self.content:
            self.warn_of(body_in_paper())
            body = self.parse_content_to_nodes()
        return [target, self._index_node(record), card, *body]

    def _check_tags(self, tags: tuple[str, ...]) -> None:
        """With topics configured, every tag must name one: a typo would hide the paper."""
        for tag in tags:
            finding = unknown_topic(tag, self.domain.topics)
            if finding is not None:
                self.warn_of(finding)

    def _check_scan(self, field: str) -> None:
        """Warn if the page's field could not be read before the build.

        Field pages are written from a plain reading of the source
        (:mod:`.source_scan`); a directive written in a form that reading
        does not understand would be missing from its field page.
        """
        scanned = self.domain.scanned_pages.get(self.docname)
        listed_in = listed_field(self.domain.fields, scanned.field_text) if scanned else None
        if listed_in != field:
            self.warn_of(unscanned_paper())

    def _index_node(self, record: PaperRecord) -> addnodes.index:
        """General-index entries: by title, under its field, and under its tags that are no topic.

        Years and topics have pages of their own that list their papers, with
        authors and venues, in the PDF too.  Entries under them repeated those
        pages in the index (the years made its "Symbols" letter the site's
        largest page) and were rendered again on every build: Sphinx writes
        the whole general index each time, nothing changed or not.
        """
        title = record.title.replace(";", ",")
        entries = [("single", title, record.node_id, "", None)]
        spec = find_field(self.domain.fields, record.field) if record.field else None
        if spec is not None:
            entries.append(("single", f"{spec.name}; {title}", record.node_id, "", None))
        for tag in record.tags:
            if find_topic(self.domain.topics, tag) is None:
                entries.append(
                    ("single", f"{tag.replace(';', ',')}; {title}", record.node_id, "", None)
                )
        index = addnodes.index(entries=entries)
        self.set_source_info(index)
        return index


class InsightDirective(_PaperSiteDirective):
    """The author's own remark, set apart from the note (``[想法]`` in the README)."""

    has_content = True
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "class": directives.class_option,
        "name": directives.unchanged,
    }

    def run(self) -> list[Node]:
        node = paper_nodes.insight(classes=["insight", *self.options.get("class", [])])
        self.set_source_info(node)
        node += nodes.title(_("Insight"), _("Insight"))
        body = self.parse_content_to_nodes()
        node += body
        node["ids"].append(make_id(self.env, self.state.document, "insight"))
        self.add_name(node)
        copied = tuple(_without_ids(body))
        self.domain.note_insight(
            InsightRecord(self.docname, node["ids"][0], copied, body_digest(copied))
        )
        return [node]


def _without_ids(body: list[Node]) -> list[Node]:
    """Copies of *body* that can stand on another page: no ids to collide there.

    Nor a reference to the page's document, which docutils' copies keep:
    kept in the domain's data, it would pickle the whole page with it into
    the environment, and again with every chunk of a parallel read.
    """
    copies = []
    for child in body:
        copy = child.deepcopy()
        for node in copy.findall():
            node.document = None  # type: ignore[assignment]
            if isinstance(node, nodes.Element):
                node["ids"] = []
                node["names"] = []
        copies.append(copy)
    return copies


class _GeneratedToctree(TocTree):
    """A toctree whose entries the extension knows: the user writes only the directive."""

    has_content = False

    def entries(self) -> list[str]:
        raise NotImplementedError

    def run(self) -> list[Node]:
        self.content = StringList(self.entries(), source=self.state.document.current_source or "")
        return super().run()


class FieldsToctree(_GeneratedToctree):
    """``paper-fields``: the field pages, in the configured order."""

    def entries(self) -> list[str]:
        domain = cast(PaperDomain, self.env.domains["paper"])
        docnames = [domain.field_docname(spec.slug) for spec in domain.fields]
        unfiled = domain.field_docname(UNFILED_SLUG)
        if unfiled in self.env.found_docs:
            docnames.append(unfiled)
        self.options.setdefault("caption", _("Fields"))
        return ["/" + docname for docname in docnames]


#: The generated index pages, by their name under ``paper_pages_dir``.
INDEX_PAGES = ("years", "references", "insights", "bibliography")


class IndicesToctree(_GeneratedToctree):
    """``paper-indices``: the year index, cross-references, insights and bibliography."""

    def entries(self) -> list[str]:
        self.options.setdefault("caption", _("Indices"))
        domain = cast(PaperDomain, self.env.domains["paper"])
        names = [*INDEX_PAGES[:1], *(["topics"] if domain.topics else []), *INDEX_PAGES[1:]]
        return [f"/{self.config.paper_pages_dir}/{name}" for name in names]


class _PlaceholderDirective(_PaperSiteDirective):
    """A directive that only marks where derived content goes."""

    has_content = False

    def placeholder(self, node: nodes.Element, dependency: tuple[str, str]) -> list[Node]:
        node["docname"] = self.docname
        self.set_source_info(node)
        self.domain.note_dependency(self.docname, dependency)
        return [node]


class PaperListDirective(_PlaceholderDirective):
    """``paper-list``: the papers of a field (``:field:``), a year (``:year:``) or a topic."""

    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "field": directives.unchanged,
        "year": directives.unchanged,
        "topic": directives.unchanged,
    }

    def run(self) -> list[Node]:
        field = str(self.options.get("field") or "").strip()
        year = str(self.options.get("year") or "").strip()
        topic = str(self.options.get("topic") or "").strip()
        target, finding = paper_list_target(
            field, year, topic, self.domain.fields, self.domain.topics
        )
        if finding is not None or target is None:
            if finding is not None:
                self.warn_of(finding)
            return []
        kind, slug = target
        if kind == "topic":
            return self.placeholder(paper_nodes.paper_list(topic=slug), ("topic", slug))
        if kind == "field":
            node = paper_nodes.paper_list(field=slug)
            return self.placeholder(node, ("field", slug))
        return self.placeholder(paper_nodes.paper_list(year=year), ("years", ""))


class PaperNewestDirective(_PlaceholderDirective):
    """``paper-newest``: the ``:count:`` newest papers of the site, or of one ``:field:``."""

    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "field": directives.unchanged,
        "count": directives.unchanged,
    }

    def run(self) -> list[Node]:
        field = str(self.options.get("field") or "").strip()
        slug = ""
        if field:
            spec = find_field(self.domain.fields, field)
            slug = spec.slug if spec else (UNFILED_SLUG if field == UNFILED_SLUG else "")
            if not slug:
                self.warn("field", __("unknown field %r in paper-newest"), field)
                return []
        text = str(self.options.get("count") or "5").strip()
        count = int(text) if text.isdigit() else 5
        node = paper_nodes.paper_newest(field=slug, count=count)
        return self.placeholder(node, ("newest", f"{slug}:{count}"))


class PaperTimelineDirective(_PlaceholderDirective):
    """``paper-timeline``: a picture of the papers per year and field."""

    def run(self) -> list[Node]:
        return self.placeholder(paper_timeline(), ("timeline", ""))


class PaperGraphDirective(_PlaceholderDirective):
    """``paper-graph``: a picture of the links between the notes of one ``:field:``."""

    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {"field": directives.unchanged}

    def run(self) -> list[Node]:
        text = str(self.options.get("field") or "").strip()
        spec = find_field(self.domain.fields, text)
        slug = spec.slug if spec else (UNFILED_SLUG if text == UNFILED_SLUG else "")
        if not slug:
            self.warn("field", __("unknown field %r in paper-graph"), text)
            return []
        return self.placeholder(paper_graph(field=slug), ("graph", slug))


class PaperTopicsDirective(_PlaceholderDirective):
    """``paper-topics``: every topic, with its names and its number of papers."""

    def run(self) -> list[Node]:
        return self.placeholder(paper_nodes.paper_topics_index(), ("topics", ""))


class PaperLinksIndexDirective(_PlaceholderDirective):
    """``paper-links``: the cross-reference index of the site, or of one ``:year:``."""

    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {"year": directives.unchanged}

    def run(self) -> list[Node]:
        year = str(self.options.get("year") or "").strip()
        return self.placeholder(paper_nodes.paper_links_index(year=year), ("links", year))


class PaperDownloadsDirective(_PaperSiteDirective):
    """``paper-downloads``: links to the whole bibliography and to papers.json (HTML only)."""

    has_content = False

    def run(self) -> list[Node]:
        return [
            download_link(path=ALL_BIB, text=_("Download the BibTeX of every paper (refs.bib)")),
            download_link(path=PAPERS_JSON, text=_("Every paper as JSON (papers.json)")),
        ]


class PaperInsightsDirective(_PlaceholderDirective):
    """``paper-insights``: every insight grouped by paper, or those of one ``:year:``.

    ``:year: none`` shows the insights of pages that hold no paper.
    """

    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {"year": directives.unchanged}

    def run(self) -> list[Node]:
        year = str(self.options.get("year") or "").strip()
        return self.placeholder(paper_nodes.paper_insights(year=year), ("insights", year))
