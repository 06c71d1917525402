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
rewriting the whole site.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Set
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict, cast

from docutils import nodes
from sphinx.domains import Domain, ObjType
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from .bibtex import (
    bibliography_entries,
    entry_authors,
    entry_fingerprint,
    entry_venue,
    format_entry,
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
from .roles import PaperReferenceRole

if TYPE_CHECKING:
    from pybtex.database import Entry
    from sphinx.addnodes import pending_xref
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

CATALOG = "paper_directive"
_ = get_translation(CATALOG)
__ = get_translation(CATALOG, "console")

logger = logging.getLogger(__name__)

#: A placeholder's dependency on derived data: (view name, argument).
Dependency = tuple[str, str]


class _PaperDomainData(TypedDict):
    papers: dict[str, PaperRecord]
    references: dict[str, list[Reference]]
    insights: dict[str, list[InsightRecord]]
    dependencies: dict[str, set[Dependency]]
    rendered: dict[str, str]


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
    links: PaperLinks | None
    #: Keys under ``:related:`` that name no paper.
    unknown_related: tuple[str, ...]


class _Index(NamedTuple):
    """Derived views over the domain data, rebuilt whenever the data changes."""

    by_key: dict[str, PaperRecord]
    summaries: dict[str, PaperSummary]
    #: key → docnames of the notes that reference it, with the role.
    cited_by: dict[str, set[str]]
    related_by: dict[str, set[str]]


class PaperDomain(Domain):
    """Papers, the notes on them, and the links between them."""

    name = "paper"
    label = "Paper"
    object_types = {"paper": ObjType("paper", "paper")}  # noqa: RUF012
    roles = {"paper": PaperReferenceRole()}  # noqa: RUF012
    initial_data = {  # noqa: RUF012
        "papers": {},
        "references": {},
        "insights": {},
        "dependencies": {},
        "rendered": {},
    }
    data: _PaperDomainData  # type: ignore[assignment]
    data_version = 1
    #: Documents whose sources were deleted since the last build (not pickled).
    removed_docnames: set[str] = set()  # noqa: RUF012
    #: What the scan before this build read of each paper's page (not pickled):
    #: the field pages were written from it.
    scanned_pages: dict[str, ScannedPage] = {}  # noqa: RUF012

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
        if record.docname in self.papers:
            return False
        self.papers[record.docname] = record
        self._forget_index()
        return True

    def note_reference(self, reference: Reference) -> None:
        self.references.setdefault(reference.docname, []).append(reference)
        self.note_dependency(reference.docname, ("paper", reference.key))

    def note_insight(self, record: InsightRecord) -> None:
        self.insights.setdefault(record.docname, []).append(record)
        self._forget_index()

    def note_dependency(self, docname: str, dependency: Dependency) -> None:
        """Say that *docname* shows the derived view *dependency*."""
        self.dependencies.setdefault(docname, set()).add(dependency)

    def clear_doc(self, docname: str) -> None:
        for table in ("papers", "references", "insights", "dependencies", "rendered"):
            self.data[table].pop(docname, None)
        self._forget_index()

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        # A worker's environment is a copy of the whole one: take only the
        # documents it read, or every other row would be doubled.
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

    # --- derived views -----------------------------------------------------

    def _forget_index(self) -> None:
        self.__dict__.pop("_index", None)

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
        return _Index(by_key, summaries, dict(cited_by), dict(related_by))

    def bib_entries(self) -> dict[str, Entry]:
        return dict(bibliography_entries(self.env))

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
        slugs = [spec.slug for spec in self.fields]
        field_rank = slugs.index(summary.field) if summary.field in slugs else len(slugs)
        return (field_rank, *year_then_title(summary))

    def all_papers(self) -> tuple[PaperSummary, ...]:
        return tuple(sorted(self.index.summaries.values(), key=self.site_order))

    def field_papers(self, slug: str) -> tuple[PaperSummary, ...]:
        chosen = (s for s in self.index.summaries.values() if s.field == slug)
        return tuple(sorted(chosen, key=year_then_title))

    def years(self) -> tuple[tuple[int | None, tuple[PaperSummary, ...]], ...]:
        grouped: dict[int | None, list[PaperSummary]] = defaultdict(list)
        for summary in self.index.summaries.values():
            grouped[summary.year].append(summary)
        order = sorted(grouped, key=lambda year: (year is None, -(year or 0)))
        return tuple((year, tuple(sorted(grouped[year], key=self.site_order))) for year in order)

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
        record = self.papers.get(docname)
        if record is None:
            return None
        entry = self.bib_entries().get(record.key) if record.key else None
        return PaperMeta(
            authors=entry_authors(entry) if entry is not None else (),
            venue=entry_venue(entry) if entry is not None else "",
            bibtex=format_entry(record.key, entry) if entry is not None else "",
            links=self.links(docname),
            unknown_related=tuple(k for k in record.related if k not in self.index.by_key),
        )

    def all_insights(
        self,
    ) -> tuple[tuple[PaperSummary | None, str, tuple[InsightRecord, ...]], ...]:
        """Every insight, grouped by the paper of its page, in site order."""
        groups = []
        for docname, records in self.insights.items():
            if records:
                summary = self.index.summaries.get(docname)
                groups.append((summary, docname, tuple(records)))

        def order(group: tuple[PaperSummary | None, str, tuple[InsightRecord, ...]]) -> Any:
            summary, docname, _records = group
            return (summary is None, self.site_order(summary) if summary else (), docname)

        return tuple(sorted(groups, key=order))

    def count(self, field: str) -> int:
        """How many papers the site has, in all (``all``) or in one field (name or slug)."""
        if field.strip().casefold() in ("", "all"):
            return len(self.papers)
        from .fields import find_field

        spec = find_field(self.fields, field)
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
        if kind == "years":
            return self.years()
        if kind == "links":
            return tuple(self.links(s.docname) for s in self.all_papers())
        if kind == "insights":
            return self.all_insights()
        if kind == "count":
            return self.count(argument)
        if kind == "bib":
            entries = self.bib_entries()
            return (
                tuple((k, r.docname) for k, r in sorted(self.index.by_key.items())),
                tuple((k, entry_fingerprint(e)) for k, e in sorted(entries.items())),
            )
        raise ValueError(f"unknown paper view {kind!r}")

    # --- incremental builds ------------------------------------------------

    def digest(self, docname: str) -> str:
        """A digest of every derived fact *docname* shows."""
        sha = hashlib.sha256()
        for dependency in sorted(self.dependencies.get(docname, ())):
            sha.update(repr((dependency, _stable(self.view(dependency)))).encode())
        return sha.hexdigest()

    def outdated_renderings(self) -> list[str]:
        """Documents whose derived content changed since they were written.

        Updates the remembered digests: the caller rewrites these documents.
        """
        changed = []
        rendered = self.data["rendered"]
        for docname in sorted(self.dependencies):
            if docname not in self.env.all_docs:
                continue
            digest = self.digest(docname)
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
                logger.warning(
                    __(
                        "duplicate paper key %r: %s already uses it; "
                        "give each paper its own key from the bibliography"
                    ),
                    record.key,
                    self.env.doc2path(first[record.key].docname, False),
                    type="paper",
                    subtype="duplicate",
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
        if typ == "anchor":
            # links the extension itself makes: "docname#node_id"
            todocname, _sep, node_id = target.partition("#")
            return make_refnode(builder, fromdocname, todocname, node_id, contnode)
        summary = self.paper_by_key(target)
        if summary is None:
            logger.warning(
                __("unknown paper key %r: no page has a paper directive with this :key:"),
                target,
                type="paper",
                subtype="ref",
                location=node,
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


def _stable(value: Any) -> Any:
    """A representation of *value* that compares equal when the content does.

    Docutils nodes compare by identity, so they are replaced by their
    pseudo-XML; everything else the views return is made of tuples.
    """
    if isinstance(value, nodes.Node):
        return value.pformat()
    if isinstance(value, tuple | list):
        return tuple(_stable(item) for item in value)
    return value
