"""The sidebar's navigation, of a size that does not grow with the site.

Themes ask Sphinx for the whole document tree on every page (furo with
every branch expanded), so each page carries, and costs the time of, a list
of every paper: the build grows with the square of the number of notes.

This module answers the page context's ``toctree()`` instead, with a tree
whose size does not depend on the number of papers:

- the entries of the root document's toctrees, with their captions, always
  (the fields carry their number of papers);
- below them, only the branch that leads to the current page (Sphinx's own
  ``collapse`` rule);
- under a field, its papers when it has at most ``paper_nav_field_max`` of
  them, otherwise the current paper's ``paper_nav_neighbours`` neighbours on
  either side and a link to the whole field page.

What is the same on every page (the root's entries and titles, the field
counts, the field lists) is collected once per build into a
:class:`SiteNavigation`; each page then only formats links relative to
itself.  For furo, whose own navigation code re-parses the tree of every
page with BeautifulSoup, the markup furo would produce is written directly
(``furo_navigation_tree``); a test holds the two to the same output.

Pages are rewritten when what their navigation shows changes: every page
depends on the view ``("nav", "")`` (root entries, titles, counts), and a
paper or field page on ``("nav-papers", docname)`` (see
:meth:`.PaperDomain.view`).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.util.matching import Matcher
from sphinx.util.nodes import _only_node_keep_children, clean_astext
from sphinx.util.osutil import relative_uri

from .domain import PaperDomain, _
from .fields import UNFILED_SLUG

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from .model import PaperSummary

#: Events handled around the theme's own ``html-page-context`` handler (500).
BEFORE_THEME = 400
AFTER_THEME = 600

_URL_SCHEMES = ("http://", "https://", "mailto:", "ftp://")


class NavEntry(NamedTuple):
    """One link of the navigation."""

    title: str
    #: The target document, or "" for an external link.
    docname: str
    #: The external address, for entries that are not documents.
    url: str = ""
    #: Papers of a field page, shown beside its title.
    papers: int | None = None


class NavSection(NamedTuple):
    """One toctree of the root document: a caption and its entries."""

    caption: str
    entries: tuple[NavEntry, ...]


class NavItem(NamedTuple):
    """An entry placed on one page: whether it is on the current path, and its children."""

    entry: NavEntry
    current: bool
    children: tuple[NavItem, ...]
    #: A "more" link closing a shortened list of papers.
    more: bool = False


def _title(env: BuildEnvironment, docname: str) -> str:
    title = env.titles.get(docname)
    return clean_astext(title) if title is not None else docname


def _is_url(ref: str) -> bool:
    return ref.startswith(_URL_SCHEMES)


def root_sections(env: BuildEnvironment, tags: Any) -> tuple[NavSection, ...]:
    """The root document's toctrees, as written there (hidden ones included)."""
    root = env.config.root_doc
    if root not in env.tocs:
        return ()
    excluded = Matcher(env.config.exclude_patterns)
    sections = []
    # the toctrees as Sphinx keeps them in the root's table of contents (with the
    # ``only`` directives around them); the root's doctree is not loaded for this
    for toctree in env.tocs[root].findall(addnodes.toctree):
        if tags is not None and not _kept(toctree, tags):
            continue
        entries = []
        for explicit, ref in toctree["entries"]:
            if ref == "self":
                entries.append(NavEntry(explicit or _title(env, root), root))
            elif _is_url(ref):
                entries.append(NavEntry(explicit or ref, "", url=ref))
            elif ref in env.all_docs and not excluded(str(env.doc2path(ref, False))):
                entries.append(NavEntry(explicit or _title(env, ref), ref))
        if entries:
            sections.append(NavSection(str(toctree.get("caption") or ""), tuple(entries)))
    return tuple(sections)


def _kept(node: nodes.Node, tags: Any) -> bool:
    """False when *node* sits in an ``only`` directive that this builder leaves out."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.only) and not _only_node_keep_children(parent, tags):
            return False
        parent = parent.parent
    return True


class SiteNavigation:
    """What every page's navigation is made of, collected once per build."""

    def __init__(self, env: BuildEnvironment, builder: Builder | None) -> None:
        self.env = env
        self.builder = builder
        self.domain = cast(PaperDomain, env.domains["paper"])
        config = env.config
        self.field_max: int = config.paper_nav_field_max
        self.neighbours: int = config.paper_nav_neighbours
        tags = builder.tags if builder is not None else None
        #: field page docname → field slug
        self.field_pages = {
            self.domain.field_docname(spec.slug): spec.slug
            for spec in (*self.domain.fields, _unfiled())
        }
        sections = root_sections(env, tags)
        self.sections = tuple(
            NavSection(s.caption, tuple(self._counted(e) for e in s.entries)) for s in sections
        )
        self.parents = _parents(env.toctree_includes)

    def _counted(self, entry: NavEntry) -> NavEntry:
        slug = self.field_pages.get(entry.docname)
        if slug is None:
            return entry
        return entry._replace(papers=len(self.domain.field_papers(slug)))

    # --- what a page shows --------------------------------------------------

    def ancestors(self, docname: str) -> list[str]:
        """*docname* and the documents whose toctrees lead to it, nearest first."""
        chain = []
        current: str | None = docname
        while current is not None and current not in chain:
            chain.append(current)
            current = self.parents.get(current)
        return chain

    def field_papers_shown(self, docname: str) -> tuple[tuple[PaperSummary, ...], int]:
        """The papers listed under the field of *docname* (a paper or a field page).

        Returns them with the field's total, which is larger when the list
        is shortened to the paper's neighbours.
        """
        slug = self.field_pages.get(docname)
        record = self.domain.papers.get(docname)
        if slug is None and record is not None:
            slug = record.field
        if slug is None:
            return (), 0
        papers = self.domain.field_papers(slug)
        if len(papers) <= self.field_max:
            return papers, len(papers)
        if record is None:
            return (), len(papers)  # the field page lists them all itself
        position = self.domain.field_position(docname)
        width = 2 * self.neighbours + 1
        start = max(0, min(position - self.neighbours, len(papers) - width))
        return papers[start : start + width], len(papers)

    def items(self, pagename: str, maxdepth: int = -1) -> Iterator[tuple[str, list[NavItem]]]:
        """The navigation of *pagename*: (caption, items) for each root toctree."""
        path = self.ancestors(pagename)
        for section in self.sections:
            yield (
                section.caption,
                [self._item(e, path, pagename, 1, maxdepth) for e in section.entries],
            )

    def _item(
        self, entry: NavEntry, path: list[str], pagename: str, depth: int, maxdepth: int
    ) -> NavItem:
        current = bool(entry.docname) and entry.docname in path
        children: tuple[NavItem, ...] = ()
        if current and (maxdepth <= 0 or depth < maxdepth):
            children = self._children(entry.docname, path, pagename, depth + 1, maxdepth)
        return NavItem(entry, current, children)

    def _children(
        self, docname: str, path: list[str], pagename: str, depth: int, maxdepth: int
    ) -> tuple[NavItem, ...]:
        slug = self.field_pages.get(docname)
        if slug is not None:
            focus = pagename if pagename in self.domain.papers else docname
            papers, total = self.field_papers_shown(focus)
            items = [
                NavItem(NavEntry(s.title, s.docname), s.docname == pagename, ()) for s in papers
            ]
            if papers and len(papers) < total:
                more = _("All %d papers of this field") % total
                items.append(NavItem(NavEntry(more, docname), False, (), more=True))
            return tuple(items)
        return tuple(
            self._item(NavEntry(_title(self.env, child), child), path, pagename, depth, maxdepth)
            for child in self.env.toctree_includes.get(docname, ())
            if child in self.env.all_docs
        )

    # --- rendering ----------------------------------------------------------

    def href(self, pagename: str, item: NavItem) -> str:
        entry = item.entry
        if not entry.docname:
            return entry.url
        if entry.docname == pagename and not item.more:
            return "#"
        assert self.builder is not None
        return relative_uri(
            self.builder.get_target_uri(pagename), self.builder.get_target_uri(entry.docname)
        )

    def render(self, pagename: str, *, furo: bool = False, maxdepth: int = -1) -> str:
        """The navigation of *pagename* as HTML.

        Without *furo*, in the shape Sphinx's ``toctree()`` gives; with it,
        as furo's ``get_navigation_tree`` would rewrite that.
        """
        out: list[str] = []
        checkboxes = [0]
        items_by_section = list(self.items(pagename, maxdepth))
        last_current = _last_current(items_by_section)
        for caption, items in items_by_section:
            if caption:
                out.append(
                    '<p class="caption" role="heading"><span class="caption-text">'
                    f"{html.escape(caption)}</span></p>"
                )
            current = any(item.current for item in items)
            out.append('<ul class="current">' if current else "<ul>")
            for item in items:
                self._render_item(out, pagename, item, 1, furo, checkboxes, last_current)
            out.append("</ul>")
        return "\n".join(out)

    def _render_item(
        self,
        out: list[str],
        pagename: str,
        item: NavItem,
        depth: int,
        furo: bool,
        checkboxes: list[int],
        last_current: NavItem | None,
    ) -> None:
        classes = [f"toctree-l{depth}"]
        if item.current:
            classes.append("current")
        if item.more:
            classes.append("paper-nav-more")
        link_classes = "reference internal" if item.entry.docname else "reference external"
        if item.current and item.entry.docname == pagename and not item.more:
            link_classes = "current " + link_classes
        label = html.escape(item.entry.title)
        if item.entry.papers is not None:
            label += f' <span class="paper-nav-count">{item.entry.papers}</span>'
        link = (
            f'<a class="{link_classes}" href="{html.escape(self.href(pagename, item))}">{label}</a>'
        )
        if furo:
            if item.children:
                classes.append("has-children")
            if item is last_current:
                classes.append("current-page")
        head = f'<li class="{" ".join(classes)}">{link}'
        if not item.children:
            out.append(head + "</li>")
            return
        if furo:
            checkboxes[0] += 1
            name = f"toctree-checkbox-{checkboxes[0]}"
            aria = html.escape(f"Toggle navigation of {_link_text(item)}")
            checked = ' checked=""' if item.current else ""
            head += (
                f'<input aria-label="{aria}"{checked} class="toctree-checkbox" id="{name}" '
                f'name="{name}" role="switch" type="checkbox"/>'
                f'<label for="{name}"><span class="icon"><svg><use href="#svg-arrow-right">'
                "</use></svg></span></label>"
            )
        out.append(
            head
            + "<ul"
            + (' class="current"' if any(c.current for c in item.children) else "")
            + ">"
        )
        for child in item.children:
            self._render_item(out, pagename, child, depth + 1, furo, checkboxes, last_current)
        out.append("</ul>\n</li>")


def _link_text(item: NavItem) -> str:
    text = item.entry.title
    return f"{text} {item.entry.papers}" if item.entry.papers is not None else text


def _last_current(sections: list[tuple[str, list[NavItem]]]) -> NavItem | None:
    """The deepest current item, which furo marks as the current page."""
    found = None

    def walk(items: list[NavItem] | tuple[NavItem, ...]) -> None:
        nonlocal found
        for item in items:
            if item.current:
                found = item
            walk(item.children)

    for _caption, items in sections:
        walk(items)
    return found


def _parents(includes: dict[str, list[str]]) -> dict[str, str]:
    """Each document's parent in the toctrees (the last toctree that includes it, as Sphinx)."""
    parents: dict[str, str] = {}
    for parent, children in includes.items():
        parents.update(dict.fromkeys(children, parent))
    return parents


def _unfiled() -> Any:
    from .fields import FieldSpec

    return FieldSpec("", UNFILED_SLUG)


# --- Sphinx events -------------------------------------------------------------


def _uses_furo(app: Sphinx) -> bool:
    theme = getattr(app.builder, "theme", None)
    return getattr(theme, "name", "") == "furo"


def start_writing(app: Sphinx, builder: Builder) -> None:
    """``write-started``: collect what every page's navigation shows, once."""
    domain = cast(PaperDomain, app.env.domains["paper"])
    domain.navigation = SiteNavigation(app.env, builder)


def _navigation(app: Sphinx) -> SiteNavigation:
    domain = cast(PaperDomain, app.env.domains["paper"])
    if domain.navigation is None:  # pages written outside the documents' loop
        domain.navigation = SiteNavigation(app.env, app.builder)
    return domain.navigation


def replace_toctree(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``, before the theme's: the bounded tree instead of the whole one."""
    if not app.config.paper_navigation or "toctree" not in context:
        return
    navigation = _navigation(app)

    def toctree(**kwargs: Any) -> str:
        maxdepth = int(kwargs.get("maxdepth") or -1)
        return navigation.render(pagename, maxdepth=maxdepth)

    context["toctree"] = toctree
    if _uses_furo(app):
        # furo's handler calls toctree() and re-parses the result; give it
        # nothing to parse and set its tree afterwards (see furo_tree)
        context["toctree"] = _empty_toctree
        context["_paper_toctree"] = toctree


def _empty_toctree(**kwargs: Any) -> str:
    return ""


def furo_tree(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``, after furo's: the tree in furo's markup, and toctree() back."""
    toctree = context.pop("_paper_toctree", None)
    if toctree is None:
        return
    context["toctree"] = toctree
    context["furo_navigation_tree"] = _navigation(app).render(pagename, furo=True)


def note_navigation_dependencies(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: a page's navigation shows the root's entries and its field's papers."""
    if not app.config.paper_navigation:
        return
    domain = cast(PaperDomain, app.env.domains["paper"])
    docname = app.env.current_document.docname
    domain.note_dependency(docname, ("nav", ""))
    domain.note_dependency(docname, ("nav-papers", docname))


def navigation_view(domain: PaperDomain, argument: str) -> Any:
    """The derived facts a page's navigation shows, for the incremental digests."""
    if domain.navigation is None:
        domain.navigation = SiteNavigation(domain.env, None)
    navigation = domain.navigation
    if not argument:
        return navigation.sections
    papers, total = navigation.field_papers_shown(argument)
    return tuple((s.docname, s.title) for s in papers), total


def register(app: Sphinx) -> None:
    app.add_config_value("paper_navigation", True, "html", types=[bool])
    app.add_config_value("paper_nav_field_max", 40, "html", types=[int])
    app.add_config_value("paper_nav_neighbours", 5, "html", types=[int])
    app.connect("write-started", start_writing)
    app.connect("html-page-context", replace_toctree, priority=BEFORE_THEME)
    app.connect("html-page-context", furo_tree, priority=AFTER_THEME)
    app.connect("doctree-read", note_navigation_dependencies)
