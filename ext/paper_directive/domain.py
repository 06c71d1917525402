"""The ``paper`` domain: what the pages say about papers, and what follows from it.

Reading fills three per-document tables (papers, references, insights);
everything else (papers by key, by field, by year, backlinks, counts) is
derived from them after reading and never stored, so an incremental or
parallel build cannot leave a stale or doubled entry behind: clearing or
merging a document touches exactly that document's rows.

The fourth table, ``rendered``, remembers for each document a digest of the
derived facts it showed when it was last written.  After reading, any page
whose digest changed is returned for rewriting, which is how a field page
learns of a renamed paper or a paper page of a new backlink without
rewriting the whole site.  The digests are worked out only when what the
views are made from changed (:meth:`PaperDomain.facts`), not after an edit
to a note's text.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Set
from typing import TYPE_CHECKING, Any, NamedTuple, NotRequired, TypedDict, cast

from docutils import nodes
from sphinx.domains import Domain, ObjType
from sphinx.environment import CONFIG_OK
from sphinx.util import logging
from sphinx.util.nodes import clean_astext, make_refnode

from .bibliography_cache import formatted_contents
from .bibtex import (
    bibliography_entries,
    bibliography_files,
    entry_authors,
    entry_fingerprint,
    entry_venue,
    format_entry,
    format_reference,
    formatted_references,
    short_authors,
)
from .fields import UNFILED_SLUG, FieldSpec, parse_fields
from .model import (
    InsightRecord,
    PaperRecord,
    PaperSummary,
    Reference,
    ScannedPage,
    newest_first,
)
from .nodes import COPIED
from .page_tables import PageTable
from .paper_rules import duplicate_key, unknown_reference
from .roles import PaperReferenceRole
from .topics import TopicSpec, find_topic, parse_topics

if TYPE_CHECKING:
    from pybtex.database import Entry
    from sphinx.addnodes import pending_xref
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from .navigation import SiteNavigation

# the catalog lives in its own module (``paper-notes check`` reads it without Sphinx);
# it is re-exported here, where the other modules have always imported it from
from .i18n import CATALOG as CATALOG
from .i18n import _ as _
from .i18n import __ as __

logger = logging.getLogger(__name__)

#: A placeholder's dependency on derived data: (view name, argument).
Dependency = tuple[str, str]
#: A source's modification time and size, and what the scan read of it (None: no paper).
ScanMemo = tuple[int, int, ScannedPage | None]
#: The insights of one page: its paper (None on a page without one), the page, the insights.
InsightGroup = tuple[PaperSummary | None, str, tuple[InsightRecord, ...]]
InsightGroups = tuple[InsightGroup, ...]
#: The ``:year:`` of the insights shown on no year's page: those of pages without a paper.
NO_PAPER = "none"


def year_label(year: int | None) -> str:
    """How a year is named in page names and placeholders: ``2021``, or ``unknown``."""
    return str(year) if year is not None else "unknown"


class _PaperDomainData(TypedDict):
    papers: dict[str, PaperRecord]
    references: dict[str, list[Reference]]
    insights: dict[str, list[InsightRecord]]
    dependencies: dict[str, set[Dependency]]
    rendered: dict[str, str]
    #: The bibliography files (and times) the digests in ``rendered`` were made with.
    bibliography_files: NotRequired[tuple[tuple[str, float], ...]]
    #: What the scan before the last build read of each source, by its time and size.
    scans: NotRequired[dict[str, ScanMemo]]
    #: The digest of what the views were made from when ``rendered`` was updated.
    facts: NotRequired[str]


class PaperLinks(NamedTuple):
    """How one paper is connected to the others, both ways."""

    paper: PaperSummary
    #: Papers this note names with the ``paper`` role.
    cites: tuple[PaperSummary, ...]
    #: Papers whose notes name this one.
    cited_by: tuple[PaperSummary, ...]
    #: Papers this note lists under ``:related:``.
    related: tuple[PaperSummary, ...]
    #: Papers that list this one under ``:related:``.
    related_by: tuple[PaperSummary, ...]


class PaperMeta(NamedTuple):
    """Everything a paper's header shows that its own directive does not know."""

    authors: tuple[str, ...]
    venue: str
    #: The normalised BibTeX of its entry; "" when the key is not in the bibliography.
    bibtex: str
    #: The entry formatted by the bibliography's style, as plain text; "" without an entry.
    reference: str
    links: PaperLinks | None
    #: Keys under ``:related:`` that name no paper.
    unknown_related: tuple[str, ...]
    #: The configured topics its ``:tags:`` name, and the tags that name none.
    topics: tuple[TopicSpec, ...]
    free_tags: tuple[str, ...]


class _Index(NamedTuple):
    """Derived views over the domain data, rebuilt whenever the data changes.

    Each is built in one pass over the papers, so that what a page asks for
    costs in proportion to what it shows, not to the size of the site.
    """

    by_key: dict[str, PaperRecord]
    summaries: dict[str, PaperSummary]
    #: key → docnames of the notes that reference it, with the role.
    cited_by: dict[str, set[str]]
    related_by: dict[str, set[str]]
    #: field slug → its papers, newest first (the field page's order).
    by_field: dict[str, tuple[PaperSummary, ...]]
    #: docname → its place in its field's tuple.
    field_position: dict[str, int]
    #: topic slug → its papers, newest first.
    by_topic: dict[str, tuple[PaperSummary, ...]]


class PaperDomain(Domain):
    """Papers, the notes on them, and the links between them."""

    name = "paper"
    label = "Paper"
    object_types = {"paper": ObjType("paper", "paper")}  # noqa: RUF012
    roles = {"paper": PaperReferenceRole()}  # noqa: RUF012
    #: Tables of rows per page: see page_tables for why not plain dicts.
    initial_data = {  # noqa: RUF012
        "papers": PageTable(),
        "references": PageTable(),
        "insights": PageTable(),
        "dependencies": PageTable(),
        "rendered": PageTable(),
    }
    data: _PaperDomainData  # type: ignore[assignment]
    data_version = 3  # 2: PageTable tables; 3: insights carry their digest
    #: Documents whose sources were deleted since the last build (not pickled).
    removed_docnames: set[str] = set()  # noqa: RUF012
    #: What the scan before this build read of each paper's page (not pickled):
    #: the field pages were written from it.
    scanned_pages: dict[str, ScannedPage] = {}  # noqa: RUF012
    #: The sidebar's navigation of this build (not pickled), made once the pages are read.
    navigation: SiteNavigation | None = None
    #: The builder of this build (not pickled): links are made as it spells them.
    builder: Builder | None = None
    #: Whether any page was read (or removed) by this process (not pickled).
    _changed: bool = False
    #: Whether the index pages are split by year in this build (set before reading).
    index_split: bool = False

    # --- the per-document tables -------------------------------------------

    @property
    def papers(self) -> dict[str, PaperRecord]:
        return self.data["papers"]

    @property
    def references(self) -> dict[str, list[Reference]]:
        return self.data["references"]

    @property
    def insights(self) -> dict[str, list[InsightRecord]]:
        return self.data["insights"]

    @property
    def dependencies(self) -> dict[str, set[Dependency]]:
        return self.data["dependencies"]

    def note_paper(self, record: PaperRecord) -> bool:
        """Record the paper of a page; False if the page already has one."""
        self._changed = True
        if record.docname in self.papers:
            return False
        self.papers[record.docname] = record
        self._forget_index()
        return True

    def note_reference(self, reference: Reference) -> None:
        self._changed = True
        self.references.setdefault(reference.docname, []).append(reference)
        self.note_dependency(reference.docname, ("paper", reference.key))

    def note_insight(self, record: InsightRecord) -> None:
        self._changed = True
        self.insights.setdefault(record.docname, []).append(record)
        self._forget_index()

    def note_dependency(self, docname: str, dependency: Dependency) -> None:
        """Say that *docname* shows the derived view *dependency*."""
        self._changed = True
        self.dependencies.setdefault(docname, set()).add(dependency)

    def clear_doc(self, docname: str) -> None:
        self._changed = True
        for table in ("papers", "references", "insights", "dependencies", "rendered"):
            self.data[table].pop(docname, None)
        self._forget_index()

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        # A worker's environment is a copy of the whole one: take only the
        # documents it read, or every other row would be doubled.
        self._changed = True
        for table in ("papers", "references", "insights", "dependencies"):
            other = otherdata.get(table, {})
            for docname in docnames:
                if docname in other:
                    self.data[table][docname] = other[docname]
        self._forget_index()

    # --- configuration -----------------------------------------------------

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        # read once per process: the setting cannot change during a build
        cached = self.__dict__.get("_fields")
        if cached is None:
            cached = self.__dict__["_fields"] = parse_fields(self.env.config.paper_fields)
        return cast(tuple[FieldSpec, ...], cached)

    def field_docname(self, slug: str) -> str:
        return f"{self.env.config.paper_pages_dir}/fields/{slug or UNFILED_SLUG}"

    @property
    def topics(self) -> tuple[TopicSpec, ...]:
        """The configured topics (read once per process)."""
        cached = self.__dict__.get("_topics")
        if cached is None:
            try:
                cached = parse_topics(self.env.config.paper_topics)
            except ValueError as error:
                logger.warning(
                    __("%s; the topics are left out until conf.py is mended"),
                    error,
                    type="paper",
                    subtype="config",
                )
                cached = ()
            self.__dict__["_topics"] = cached
        return cast(tuple[TopicSpec, ...], cached)

    def paper_topics(self, tags: Iterable[str]) -> tuple[TopicSpec, ...]:
        """The configured topics that a paper's ``:tags:`` name, in their configured order."""
        named = {t.slug for tag in tags if (t := find_topic(self.topics, tag)) is not None}
        return tuple(t for t in self.topics if t.slug in named)

    def topic_docname(self, slug: str) -> str:
        return f"{self.env.config.paper_pages_dir}/topics/{slug}"

    def topic_papers(self, slug: str) -> tuple[PaperSummary, ...]:
        return self.index.by_topic.get(slug, ())

    def newest_papers(self, field: str, count: int) -> tuple[PaperSummary, ...]:
        """The *count* newest papers of a field (or of the site, without one)."""
        if field:
            return self.field_papers(field)[:count]
        newest = (papers for _year, papers in self.years())
        return tuple(s for group in newest for s in group)[:count]

    # --- derived views -----------------------------------------------------

    def _forget_index(self) -> None:
        for derived in ("_index", "_years", "_site_order", "_references", "_metas", "_links_rows"):
            self.__dict__.pop(derived, None)
        self.navigation = None

    @property
    def index(self) -> _Index:
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = self._build_index()
            self.__dict__["_index"] = cached
        return cast(_Index, cached)

    def _build_index(self) -> _Index:
        by_key: dict[str, PaperRecord] = {}
        for docname in sorted(self.papers):
            record = self.papers[docname]
            if record.key and record.key not in by_key:
                by_key[record.key] = record
        entries = self.bib_entries()
        summaries = {
            record.docname: self._summarise(record, entries.get(record.key))
            for record in self.papers.values()
        }
        cited_by: dict[str, set[str]] = defaultdict(set)
        for docname, references in self.references.items():
            for reference in references:
                cited_by[reference.key].add(docname)
        related_by: dict[str, set[str]] = defaultdict(set)
        for record in self.papers.values():
            for key in record.related:
                related_by[key].add(record.docname)
        grouped: dict[str, list[PaperSummary]] = defaultdict(list)
        for summary in summaries.values():
            grouped[summary.field].append(summary)
        by_field = {
            slug: tuple(sorted(group, key=year_then_title)) for slug, group in grouped.items()
        }
        position = {s.docname: i for group in by_field.values() for i, s in enumerate(group)}
        tagged: dict[str, list[PaperSummary]] = defaultdict(list)
        for summary in summaries.values():
            for topic in self.paper_topics(summary.tags):
                tagged[topic.slug].append(summary)
        by_topic = {
            slug: tuple(sorted(group, key=year_then_title)) for slug, group in tagged.items()
        }
        return _Index(
            by_key, summaries, dict(cited_by), dict(related_by), by_field, position, by_topic
        )

    def bib_entries(self) -> Mapping[str, Entry]:
        return bibliography_entries(self.env)

    @staticmethod
    def _summarise(record: PaperRecord, entry: Entry | None) -> PaperSummary:
        return PaperSummary(
            docname=record.docname,
            node_id=record.node_id,
            title=record.title,
            year=record.year,
            field=record.field,
            key=record.key,
            tags=record.tags,
            authors=short_authors(entry_authors(entry)) if entry is not None else "",
            venue=entry_venue(entry) if entry is not None else "",
        )

    def paper_by_key(self, key: str) -> PaperSummary | None:
        record = self.index.by_key.get(key)
        return None if record is None else self.index.summaries[record.docname]

    def site_order(self, summary: PaperSummary) -> tuple[Any, ...]:
        """Fields in their configured order, newest year first, then by title."""
        ranks = self.__dict__.get("_site_order")
        if ranks is None:
            ranks = self.__dict__["_site_order"] = {s.slug: i for i, s in enumerate(self.fields)}
        return (ranks.get(summary.field, len(ranks)), *year_then_title(summary))

    def all_papers(self) -> tuple[PaperSummary, ...]:
        return tuple(sorted(self.index.summaries.values(), key=self.site_order))

    def field_papers(self, slug: str) -> tuple[PaperSummary, ...]:
        return self.index.by_field.get(slug, ())

    def field_position(self, docname: str) -> int:
        """Where the paper of *docname* stands in its field's list."""
        return self.index.field_position[docname]

    def years(self) -> tuple[tuple[int | None, tuple[PaperSummary, ...]], ...]:
        cached = self.__dict__.get("_years")
        if cached is None:
            grouped: dict[int | None, list[PaperSummary]] = defaultdict(list)
            for summary in self.index.summaries.values():
                grouped[summary.year].append(summary)
            order = sorted(grouped, key=lambda year: (year is None, -(year or 0)))
            cached = tuple(
                (year, tuple(sorted(grouped[year], key=self.site_order))) for year in order
            )
            self.__dict__["_years"] = cached
        return cast(tuple[tuple[int | None, tuple[PaperSummary, ...]], ...], cached)

    def links(self, docname: str) -> PaperLinks | None:
        """The papers a note references and is referenced by, both ways."""
        record = self.papers.get(docname)
        if record is None:
            return None
        index = self.index

        def papers_of_docnames(docnames: Iterable[str]) -> tuple[PaperSummary, ...]:
            found = (index.summaries[d] for d in set(docnames) if d in index.summaries)
            return tuple(sorted(found, key=self.site_order))

        def papers_of_keys(keys: Iterable[str]) -> tuple[PaperSummary, ...]:
            found = (self.paper_by_key(key) for key in dict.fromkeys(keys))
            return tuple(sorted((s for s in found if s is not None), key=self.site_order))

        own = (r.key for r in self.references.get(docname, ()) if r.key != record.key)
        return PaperLinks(
            paper=index.summaries[docname],
            cites=papers_of_keys(own),
            cited_by=papers_of_docnames(
                d for d in index.cited_by.get(record.key, ()) if d != docname
            )
            if record.key
            else (),
            related=papers_of_keys(k for k in record.related if k != record.key),
            related_by=papers_of_docnames(
                d for d in index.related_by.get(record.key, ()) if d != docname
            )
            if record.key
            else (),
        )

    def meta(self, docname: str) -> PaperMeta | None:
        """What a paper's header shows besides its own directive's options.

        Kept until the domain's data changes: the digest of every page
        (:meth:`outdated_renderings`) and the header written later in the
        same build ask for the same meta.
        """
        metas = self.__dict__.setdefault("_metas", {})
        if docname not in metas:
            metas[docname] = self._meta(docname)
        return cast("PaperMeta | None", metas[docname])

    def _meta(self, docname: str) -> PaperMeta | None:
        record = self.papers.get(docname)
        if record is None:
            return None
        entry = self.bib_entries().get(record.key) if record.key else None
        topics = self.paper_topics(record.tags)
        return PaperMeta(
            authors=entry_authors(entry) if entry is not None else (),
            venue=entry_venue(entry) if entry is not None else "",
            bibtex=format_entry(record.key, entry) if entry is not None else "",
            reference=self.reference_text(record.key) if entry is not None else "",
            links=self.links(docname),
            unknown_related=tuple(k for k in record.related if k not in self.index.by_key),
            topics=topics,
            free_tags=tuple(t for t in record.tags if find_topic(topics, t) is None)
            if self.topics
            else record.tags,
        )

    def reference_text(self, key: str) -> str:
        """The entry of *key* as the bibliography's style writes it, in plain text."""
        texts = self.__dict__.get("_references")
        if texts is None:
            texts = self.__dict__["_references"] = formatted_references(self.env)
        text = texts.get(key)
        if text is None:
            text = texts[key] = format_reference(self.env, key)
        return cast(str, text)

    def year_target(self, year: int | None) -> tuple[str, str | None]:
        """Where a year's papers are listed: its own page, or its section of the year index."""
        pages = self.env.config.paper_pages_dir
        label = year_label(year)
        if self.index_split:
            return f"{pages}/years/{label}", None
        return f"{pages}/years", f"paper-year-{label}"

    def year_papers(self, label: str) -> tuple[PaperSummary, ...]:
        """The papers of one year, by its :func:`year_label`, in site order."""
        return next((found for year, found in self.years() if year_label(year) == label), ())

    def links_rows(self, year: str = "") -> tuple[PaperLinks, ...]:
        """The papers (of one year, or all) that have links to or from other notes.

        Kept until the domain's data changes: the cross-reference index asks
        when it is resolved (is there anything to list?) and again when its
        list is written (:mod:`.listings`).
        """
        kept = self.__dict__.setdefault("_links_rows", {})
        if year not in kept:
            papers = self.year_papers(year) if year else self.all_papers()
            rows = (self.links(s.docname) for s in papers)
            kept[year] = tuple(
                row
                for row in rows
                if row is not None and (row.cites or row.cited_by or row.related or row.related_by)
            )
        return cast("tuple[PaperLinks, ...]", kept[year])

    def insight_groups(self, year: str = "") -> InsightGroups:
        """The insights of the papers of one year (:data:`NO_PAPER`: of pages with no paper)."""
        groups = self.all_insights()
        if not year:
            return groups
        if year == NO_PAPER:
            return tuple(group for group in groups if group[0] is None)
        return tuple(
            group for group in groups if group[0] is not None and year_label(group[0].year) == year
        )

    def all_insights(self) -> InsightGroups:
        """Every insight, grouped by the paper of its page, in site order."""
        groups = []
        for docname, records in self.insights.items():
            if records:
                summary = self.index.summaries.get(docname)
                groups.append((summary, docname, tuple(records)))

        def order(group: InsightGroup) -> Any:
            summary, docname, _records = group
            return (summary is None, self.site_order(summary) if summary else (), docname)

        return tuple(sorted(groups, key=order))

    def count(self, what: str) -> int:
        """How many the site has now: papers (``all``), insights, topics, or a field's papers."""
        wanted = what.strip().casefold()
        if wanted in ("", "all"):
            return len(self.papers)
        if wanted == "insights":
            return sum(len(records) for records in self.insights.values())
        if wanted == "topics":
            return len(self.topics)
        if wanted == UNFILED_SLUG:
            return len(self.field_papers(UNFILED_SLUG))
        from .fields import find_field

        spec = find_field(self.fields, what)
        return len(self.field_papers(spec.slug)) if spec else 0

    def view(self, dependency: Dependency) -> Any:
        """The derived data a placeholder of kind *dependency* shows."""
        kind, argument = dependency
        if kind == "paper":
            return self.paper_by_key(argument)
        if kind == "meta":
            return self.meta(argument)
        if kind == "field":
            return self.field_papers(argument)
        if kind == "topic":
            return self.topic_papers(argument)
        if kind == "newest":
            field, _sep, count = argument.partition(":")
            return self.newest_papers(field, int(count or 5))
        if kind == "topics":
            return tuple((t, len(self.topic_papers(t.slug))) for t in self.topics)
        if kind == "years":
            return self.years()
        if kind == "links":
            return self.links_rows(argument)
        if kind == "insights":
            return self.insight_groups(argument)
        if kind == "count":
            return self.count(argument)
        if kind in ("timeline", "graph"):
            from .graphs import graph_views

            return graph_views(self, kind, argument)
        if kind in ("nav", "nav-papers"):
            from .navigation import navigation_view

            return navigation_view(self, argument)
        if kind == "bib":
            entries = self.bib_entries()
            return (
                tuple((k, r.docname) for k, r in sorted(self.index.by_key.items())),
                tuple((k, entry_fingerprint(e)) for k, e in sorted(entries.items())),
            )
        if kind == "bib-state":
            from .bibliography_loader import entry_state

            return entry_state(self.env, argument)
        raise ValueError(f"unknown paper view {kind!r}")

    # --- incremental builds ------------------------------------------------

    def digest(self, docname: str, seen: dict[Dependency, bytes] | None = None) -> str:
        """A digest of every derived fact *docname* shows.

        *seen* keeps the digest of each view across calls: views shared by
        many pages (the navigation, a field's list) are then computed once.
        """
        seen = {} if seen is None else seen
        sha = hashlib.sha256()
        for dependency in sorted(self.dependencies.get(docname, ())):
            part = seen.get(dependency)
            if part is None:
                view = self.view(dependency)
                if dependency[0] in VIEWS_WITH_NODES:
                    view = _stable(view)
                part = seen[dependency] = hashlib.sha256(repr((dependency, view)).encode()).digest()
            sha.update(part)
        return sha.hexdigest()

    def facts(self) -> str:
        """A digest of everything the views are made from, the settings aside.

        The views (:meth:`view`) are made from the three per-document tables,
        the pages' titles and places in the toctrees (the navigation), which
        pages exist, the bibliography files, and what sphinxcontrib-bibtex
        formatted of them (a header's reference).  A settings change reads
        every page again and is told apart by Sphinx (``config_status``).
        """
        env = self.env
        bibliographies = formatted_contents(env)
        if bibliographies is None:
            return ""  # not known: compares equal to nothing
        root = env.config.root_doc
        parts: tuple[Any, ...] = (
            sorted(self.papers.items()),
            sorted(self.references.items()),
            sorted((d, _stable(records)) for d, records in self.insights.items()),
            sorted((d, clean_astext(title)) for d, title in env.titles.items()),
            env.tocs[root].pformat() if root in env.tocs else "",
            sorted(env.toctree_includes.items()),
            sorted(env.all_docs),
            bibliography_files(env),
            bibliographies,
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def outdated_renderings(self) -> list[str]:
        """Documents whose derived content changed since they were written.

        Updates the remembered digests: the caller rewrites these documents.
        Nothing can have changed when no page was read or removed and the
        bibliography files are the ones of the last build; then no digest
        is computed at all, which is most of what an unchanged rebuild costs.
        Nor when pages were read but what the views are made from is as it
        was (:meth:`facts`: a note's text was edited, not its metadata,
        insights or title): then only the pages read again, which are
        written anyway, get their digest (0.5 s less after a one-line edit
        at 2,000 notes).
        """
        files = bibliography_files(self.env)
        if not self._changed and self.data.get("bibliography_files") == files:
            return []
        self.data["bibliography_files"] = files
        rendered = self.data["rendered"]
        seen: dict[Dependency, bytes] = {}
        facts = self.facts()
        if facts and facts == self.data.get("facts") and self.env.config_status == CONFIG_OK:
            for docname in sorted(self.dependencies.keys() - rendered.keys()):
                if docname in self.env.all_docs:
                    rendered[docname] = self.digest(docname, seen)
            return []
        self.data["facts"] = facts
        changed = []
        for docname in sorted(self.dependencies):
            if docname not in self.env.all_docs:
                continue
            digest = self.digest(docname, seen)
            if rendered.get(docname) != digest:
                rendered[docname] = digest
                changed.append(docname)
        return changed

    # --- consistency -------------------------------------------------------

    def check_consistency(self) -> None:
        first: dict[str, PaperRecord] = {}
        for docname in sorted(self.papers):
            record = self.papers[docname]
            if not record.key:
                continue
            if record.key in first:
                first_page = str(self.env.doc2path(first[record.key].docname, False))
                finding = duplicate_key(record.key, first_page)
                logger.warning(
                    finding.message,
                    type="paper",
                    subtype=finding.subtype,
                    location=(docname, record.line),
                )
            else:
                first[record.key] = record

    # --- cross-references --------------------------------------------------

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> nodes.reference | None:
        summary = self.paper_by_key(target)
        if summary is None:
            finding = unknown_reference(target)
            if not node.get(COPIED):  # a copy of an insight's link: warned at the original
                logger.warning(
                    finding.message, type="paper", subtype=finding.subtype, location=node
                )
            # the text stays, unlinked; the warning says what to fix
            return contnode  # type: ignore[return-value]
        if not node.get("refexplicit"):
            contnode = nodes.inline(summary.title, summary.title, classes=contnode["classes"])
        return make_refnode(
            builder, fromdocname, summary.docname, summary.node_id, contnode, summary.title
        )

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        summary = self.paper_by_key(target)
        if summary is None:
            return []
        title = nodes.inline(summary.title, summary.title)
        ref = make_refnode(builder, fromdocname, summary.docname, summary.node_id, title)
        return [("paper:paper", ref)]

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for key, record in self.index.by_key.items():
            yield key, record.title, "paper", record.docname, record.node_id, 1


def year_then_title(summary: PaperSummary) -> tuple[Any, ...]:
    """Newest year first (papers without a year last), then by title."""
    return newest_first(summary.year, summary.title, summary.docname)


#: The views that hold docutils nodes (an insight's body).  Every other view
#: is made of tuples, named tuples and dataclasses of strings and numbers,
#: whose ``repr`` says all they hold; walking them value by value to look for
#: nodes took most of the time of working out which pages to rewrite (0.5 s
#: of 0.6 s at 2,000 notes, after every edit).
VIEWS_WITH_NODES = frozenset({"insights"})


def _stable(value: Any) -> Any:
    """A representation of *value* that compares equal when the content does.

    Docutils nodes compare by identity and their ``repr`` shows only the
    start of their text, so an insight stands for its body by the body's
    digest, made when the page was read.
    """
    if isinstance(value, InsightRecord):
        return (value.docname, value.node_id, value.digest)
    if isinstance(value, tuple | list):
        return tuple(_stable(item) for item in value)
    return value
