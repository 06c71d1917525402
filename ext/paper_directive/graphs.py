"""Pictures of the notes as a whole, drawn by graphviz from the domain's data.

Two kinds, both through ``sphinx.ext.graphviz`` (SVG on the HTML site, PDF
in the LaTeX output, PNG with an image map in the EPUB, whose checker
rejects graphviz's SVG):

- the **timeline**: how many papers each field has in each year, a table
  whose cells are shaded by their count; the years and fields link to their
  pages.  Its size is fields × years, whatever the number of notes.
- the **links between notes** of one field: a node per paper that
  references, is referenced by or is related to another note (papers of
  other fields drawn dashed), an arrow per reference, a dashed line per
  ``:related:`` pair; every node links to its note.  One graph per field,
  never one of the whole site, and of at most ``paper_graph_max_nodes``
  notes: a larger field shows its most linked notes, and says so.  A graph
  of a thousand notes is a hairball no reader follows (and costs graphviz
  seconds); each note's own page lists all its links.

The dot source is made from the domain after reading, when the pages that
show a picture are written; graphviz's output is named after a digest of
that source, so a picture is drawn again only when what it shows changed.
Colours work on furo's light and dark backgrounds alike: a transparent
background, pale fills with dark text, grey lines.
"""

from __future__ import annotations

import functools
import html
import posixpath
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.ext.graphviz import graphviz
from sphinx.util import logging

from .domain import PaperDomain, _, __, year_label
from .graph_layout import SPRING, drawn_in_place

if TYPE_CHECKING:
    from docutils.nodes import Node
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

    from .model import PaperSummary

logger = logging.getLogger(__name__)

FONT = "Noto Sans CJK SC, Noto Sans, sans-serif"
#: The shades of the timeline's cells, from one paper to the most in a cell.
_PALE, _DEEP = (232, 240, 254), (47, 111, 219)
_HEADER = "#eef1f5"
_LINE = "#8a8f98"


class paper_timeline(nodes.General, nodes.Element):
    """Where the timeline of papers per year and field goes."""


class paper_graph(nodes.General, nodes.Element):
    """Where the graph of links between one field's notes goes (``field``)."""


def _shade(count: int, most: int) -> tuple[str, str]:
    """A cell's fill and text colour for *count* papers."""
    share = count / most if most else 0.0
    rgb = [round(p + (d - p) * share) for p, d in zip(_PALE, _DEEP, strict=True)]
    return "#{:02x}{:02x}{:02x}".format(*rgb), ("#ffffff" if share > 0.55 else "#1f2328")


def _attr(text: str) -> str:
    """A dot attribute value: quoted, with quotes and backslashes escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class Pictures:
    """Draws the pictures of one page (*refdoc*) for one builder."""

    def __init__(self, domain: PaperDomain, builder: Builder, refdoc: str) -> None:
        self.domain = domain
        self.builder = builder
        self.refdoc = refdoc
        # links only where the output can follow them: not in a PDF, whose
        # pages are not the site's files, nor in an EPUB's PNG, whose image
        # maps the EPUB format does not know
        self.linked = builder.format == "html" and not builder.name.startswith("epub")

    def href(self, docname: str, anchor: str | None = None) -> str:
        """A link from the page, as a path to the file even on the page itself.

        The picture is a file of its own: a bare ``#anchor`` in it would
        point into the picture, not into the page that shows it.
        """
        source = self.builder.get_target_uri(self.refdoc)
        target = self.builder.get_target_uri(docname)
        uri = posixpath.relpath(target, posixpath.dirname(source) or ".") if target else ""
        return uri + ("#" + anchor if anchor else "")

    def node(self, code: str, alt: str, kind: str) -> list[Node]:
        picture = graphviz()
        picture["code"] = code
        picture["options"] = {"docname": self.refdoc}
        picture["alt"] = alt
        picture["classes"] = ["paper-picture", f"paper-{kind}"]
        wrapper = nodes.container(classes=["paper-picture-wrapper"])
        wrapper += picture
        return [wrapper]

    # --- the timeline --------------------------------------------------------

    def timeline(self) -> list[Node]:
        counts: dict[tuple[str, int | None], int] = dict(self.domain.view(("timeline", "")))
        if not counts:
            return []
        fields = [spec for spec in self.domain.fields if any(f == spec.slug for f, _y in counts)]
        dated = sorted({y for _f, y in counts if y is not None})
        # every year from the first to the last: a gap is part of the story
        years: list[int | None] = list(range(dated[0], dated[-1] + 1)) if dated else []
        if any(y is None for _f, y in counts):
            years.append(None)
        most = max(counts.values())
        rows = ["<TR>" + self.cell("", _HEADER)]
        listed = {y for _f, y in counts}
        for year in years:
            label = str(year) if year is not None else "?"
            link = None
            if year in listed:
                docname, anchor = self.domain.year_target(year)
                link = self.href(docname, anchor)
            rows.append(self.cell(f"<B>{label}</B>", _HEADER, link, title=year_label(year)))
        total_label = html.escape(_("Total"))
        rows.append(self.cell(f"<B>{total_label}</B>", _HEADER) + "</TR>")
        for spec in fields:
            link = self.href(self.domain.field_docname(spec.slug))
            name = html.escape(spec.name)
            row = ["<TR>" + self.cell(f"<B>{name}</B>", _HEADER, link, "LEFT", spec.name)]
            for year in years:
                count = counts.get((spec.slug, year), 0)
                fill, ink = _shade(count, most) if count else ("#ffffff", "#1f2328")
                text = f'<FONT COLOR="{ink}">{count}</FONT>' if count else ""
                row.append(self.cell(text, fill))
            total = sum(c for (f, _y), c in counts.items() if f == spec.slug)
            row.append(self.cell(f"<B>{total}</B>", _HEADER) + "</TR>")
            rows.append("".join(row))
        table = (
            f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="5" COLOR="{_LINE}">'
            + "".join(rows)
            + "</TABLE>"
        )
        code = "\n".join(
            [
                "digraph timeline {",
                '  bgcolor="transparent";',
                f"  node [shape=plaintext, fontname={_attr(FONT)}, fontsize=11];",
                f"  timeline [label=<{table}>];",
                "}",
            ]
        )
        return self.node(code, _("Papers per year and field"), "timeline")

    def cell(
        self,
        text: str,
        fill: str,
        href: str | None = None,
        align: str = "CENTER",
        title: str = "",
    ) -> str:
        link = ""
        if href and self.linked:
            # graphviz shows a linked cell's source as its tooltip unless given one
            link = f' HREF="{html.escape(href)}" TITLE="{html.escape(title or text)}"'
        return f'<TD BGCOLOR="{fill}" ALIGN="{align}"{link}>{text}</TD>'

    # --- the links between notes ----------------------------------------------

    def graph(self, field: str) -> list[Node]:
        papers, edges, linked = self.domain.view(("graph", field))
        if not edges:
            return []
        body = [
            f'  node [shape=box, style="rounded,filled", fillcolor="#e8f0fe", '
            f'color="#5b7bb5", fontname={_attr(FONT)}, fontsize=10];',
            f'  edge [color="{_LINE}", arrowsize=0.6];',
        ]
        ids = {summary.docname: f"n{index}" for index, summary in enumerate(papers)}
        for summary in papers:
            attrs = [f"label={_attr(short_title(summary))}", f"tooltip={_attr(summary.title)}"]
            if self.linked:
                attrs.append(f"URL={_attr(self.href(summary.docname, summary.node_id))}")
                attrs.append('target="_top"')
            if summary.field != field:
                attrs.append('style="rounded,filled,dashed"')
                attrs.append('fillcolor="#f3f4f6"')
            body.append(f"  {ids[summary.docname]} [{', '.join(attrs)}];")
        for source, target, kind in edges:
            style = " [style=dashed, arrowhead=none]" if kind == "related" else ""
            body.append(f"  {ids[source]} -> {ids[target]}{style};")
        # links have no direction of reading: a spring layout keeps the
        # families of papers together instead of in long ranks; sfdp's
        # multilevel one lays a field of a thousand notes out in a second
        # (neato takes minutes, dot's ranks longer still).  Its overlaps are
        # removed on a grid, not by graphviz: see graph_layout
        spring = "\n".join(["digraph links {", f'  bgcolor="transparent"; {SPRING}', *body, "}"])
        config = self.domain.env.config
        code = drawn_in_place(spring, str(config.graphviz_dot), list(config.graphviz_dot_args))
        picture = self.node(code, _("Links between the notes of this field"), "graph")
        if len(papers) < linked:
            text = _(
                "The %(shown)d most linked of the %(linked)d linked notes; "
                "each note's page lists all its links."
            ) % {"shown": len(papers), "linked": linked}
            picture.append(nodes.paragraph(text, text, classes=["paper-picture-note"]))
        return picture


def short_title(summary: PaperSummary, width: int = 34) -> str:
    """A node's label: the title's name before a colon, or its start; and the year."""
    title = summary.title
    head = title.split(":", 1)[0].strip() if ":" in title else title
    if len(head) > width:
        head = head[: width - 1].rstrip() + "…"
    return f"{head}\n{summary.year}" if summary.year is not None else head


# --- the views the pictures show (for the incremental digests) ------------------


def timeline_counts(domain: PaperDomain) -> dict[tuple[str, int | None], int]:
    """Papers per (field slug, year)."""
    counts: dict[tuple[str, int | None], int] = {}
    for year, papers in domain.years():
        for summary in papers:
            counts[(summary.field, year)] = counts.get((summary.field, year), 0) + 1
    return counts


def field_graph(
    domain: PaperDomain, field: str, most: int = 0
) -> tuple[tuple[PaperSummary, ...], tuple[tuple[str, str, str], ...], int]:
    """The papers and links of one field's graph: (papers, (from, to, kind) edges, linked).

    *linked* counts the notes with a link; with *most* (not 0) the graph
    keeps at most that many of them (:func:`most_linked`).
    """
    members = {s.docname for s in domain.field_papers(field)}
    edges: set[tuple[str, str, str]] = set()
    for docname in sorted(members):
        links = domain.links(docname)
        if links is None:
            continue
        edges.update((docname, s.docname, "cites") for s in links.cites)
        edges.update((s.docname, docname, "cites") for s in links.cited_by)
        for other in (*links.related, *links.related_by):
            pair = sorted((docname, other.docname))
            edges.add((pair[0], pair[1], "related"))
    shown = {d for edge in edges for d in edge[:2]}
    linked = len(shown)
    summaries = domain.index.summaries
    if most > 0 and linked > most:
        kept = most_linked(domain, field, edges, most)
        edges = {edge for edge in edges if edge[0] in kept and edge[1] in kept}
        shown = {d for edge in edges for d in edge[:2]}
    papers = tuple(sorted((summaries[d] for d in shown), key=domain.site_order))
    return papers, tuple(sorted(edges)), linked


def most_linked(
    domain: PaperDomain, field: str, edges: set[tuple[str, str, str]], most: int
) -> set[str]:
    """The *most* notes a field's graph keeps: its most linked notes, each with its neighbours.

    The field's own notes are taken most linked first, each with the notes
    it links (the most linked of them first) while there is room, so the
    picture shows the field's hubs and where they lead, never notes without
    a line between them.  Ties go in site order: the same choice on every build.
    """
    neighbours: dict[str, set[str]] = {}
    for source, target, _kind in edges:
        neighbours.setdefault(source, set()).add(target)
        neighbours.setdefault(target, set()).add(source)
    summaries = domain.index.summaries

    def rank(docname: str) -> tuple[bool, int, Any]:
        summary = summaries[docname]
        return (summary.field != field, -len(neighbours[docname]), domain.site_order(summary))

    kept: dict[str, None] = {}
    for hub in sorted(neighbours, key=rank):
        if len(kept) >= most:
            break
        for docname in [hub, *sorted(neighbours[hub] - kept.keys(), key=rank)]:
            if len(kept) < most:
                kept.setdefault(docname)
    return set(kept)


def graph_views(domain: PaperDomain, kind: str, argument: str) -> Any:
    if kind == "timeline":
        return tuple(sorted(timeline_counts(domain).items(), key=repr))
    return field_graph(domain, argument, domain.env.config.paper_graph_max_nodes)


# --- expansion and registration -------------------------------------------------


@functools.cache
def dot_available(command: str) -> bool:
    return shutil.which(command) is not None


def expanders(domain: PaperDomain, builder: Builder) -> dict[type[Node], Any]:
    """The placeholder expanders of :class:`.transforms.ExpandPaperPlaceholders`.

    Without graphviz's ``dot`` the pictures are left out, with one warning
    per page that would show one: the rest of the site builds.
    """

    def drawable(node: nodes.Element) -> bool:
        command = str(domain.env.config.graphviz_dot)
        if dot_available(command):
            return True
        logger.warning(
            __(
                "graphviz's %r is not installed: the picture is left out (apt-get install graphviz)"
            ),
            command,
            type="paper",
            subtype="picture",
            location=node,
        )
        return False

    def timeline(node: paper_timeline) -> list[Node]:
        if not drawable(node):
            return []
        return Pictures(domain, builder, str(node["docname"])).timeline()

    def graph(node: paper_graph) -> list[Node]:
        if not drawable(node):
            return []
        return Pictures(domain, builder, str(node["docname"])).graph(str(node["field"]))

    return {paper_timeline: timeline, paper_graph: graph}


def _skip(translator: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def use_png_in_epub(app: Sphinx) -> None:
    """``builder-inited``: graphviz's SVG fails epubcheck; an EPUB gets PNG (and image maps)."""
    if app.builder.name.startswith("epub"):
        app.config.graphviz_output_format = "png"


def _image_maps(app: Sphinx) -> tuple[Path, Path]:
    """Where graphviz writes a PNG's image map, and where the maps wait between two builds."""
    images = str(getattr(app.builder, "imagedir", "_images"))
    return Path(app.outdir, images), Path(app.doctreedir, "epub-image-maps")


def drop_image_maps_from_epub(app: Sphinx) -> list[Any]:
    """``html-collect-pages``, before an EPUB is packed: graphviz's image maps out.

    sphinx.ext.graphviz writes an image map beside every PNG; the EPUB's
    pictures have no links, and the EPUB format knows no such files.  They
    are kept beside the doctrees, not deleted: see :func:`restore_image_maps`.
    """
    if app.builder.name.startswith("epub"):
        images, kept = _image_maps(app)
        kept.mkdir(parents=True, exist_ok=True)
        for path in images.glob("graphviz-*.png.map"):
            shutil.move(path, kept / path.name)
    return []


def restore_image_maps(app: Sphinx) -> None:
    """``builder-inited``: an EPUB's image maps back beside their PNGs.

    graphviz draws a picture once; when it finds the PNG drawn by an earlier
    build, it reads the map beside it, and without one the build stopped
    with a traceback (a page with a picture written again, after an edit).
    A PNG whose map is lost (the doctrees were deleted, and with them the
    environment: every page is written again) is deleted, to be drawn again.
    """
    if app.builder.name.startswith("epub"):
        images, kept = _image_maps(app)
        for path in kept.glob("graphviz-*.png.map"):
            if (images / path.name.removesuffix(".map")).is_file():
                shutil.move(path, images / path.name)
        for png in images.glob("graphviz-*.png"):
            if not png.with_name(png.name + ".map").is_file():
                png.unlink()


def register(app: Sphinx) -> None:
    app.add_config_value("paper_graph_max_nodes", 150, "env", types=[int])
    app.setup_extension("sphinx.ext.graphviz")
    skip = (_skip, None)
    for node_class in (paper_timeline, paper_graph):
        app.add_node(node_class, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.connect("builder-inited", use_png_in_epub)
    app.connect("builder-inited", restore_image_maps)
    app.connect("html-collect-pages", drop_image_maps_from_epub)
