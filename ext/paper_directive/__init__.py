"""paper_directive: a Sphinx extension for paper-reading notes.

One page per paper, written with the ``paper`` directive; the extension
derives the field pages, the year index, the cross-reference index, the
insights page, the bibliography links and the BibTeX readers cite from.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .domain import PaperDomain


def _installed_version() -> str:
    # looked up when Sphinx loads the extension, not on import: reading the
    # installed metadata costs ``paper-notes check`` a fifth of its time
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("paper-notes")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def __getattr__(name: str) -> str:
    """``paper_directive.__version__``, read from the installed metadata when asked for."""
    if name == "__version__":
        return _installed_version()
    raise AttributeError(name)


PACKAGE_DIR = Path(__file__).resolve().parent
CSS_FILE = "paper_directive.css"
#: What an EPUB needs on top of it: one colon per header label, cite blocks that wrap.
EPUB_CSS_FILE = "paper_directive_epub.css"


def _outdated_renderings(app: Sphinx, env: BuildEnvironment) -> list[str]:
    return cast("PaperDomain", env.domains["paper"]).outdated_renderings()


def _note_removed(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    cast("PaperDomain", env.domains["paper"]).removed_docnames = set(removed)
    return []


def _remove_stale_pages(app: Sphinx, exception: Exception | None) -> None:
    """Delete the HTML of pages whose source was deleted.

    Sphinx leaves them in the output, where a deleted or renamed note would
    still be served (and found by search engines) after an incremental build.
    """
    builder: Any = app.builder
    if exception is not None or not hasattr(builder, "get_outfilename"):
        return
    domain = cast("PaperDomain", app.env.domains["paper"])
    for docname in getattr(domain, "removed_docnames", ()):
        page = Path(builder.get_outfilename(docname))
        page.unlink(missing_ok=True)
        if page.parent.is_dir() and not any(page.parent.iterdir()):
            page.parent.rmdir()


def _remember_builder(app: Sphinx) -> None:
    cast("PaperDomain", app.env.domains["paper"]).builder = app.builder


def _add_css(app: Sphinx) -> None:
    """The paper card's and insights' style, for HTML builders (EPUB included) only.

    An EPUB gets a second stylesheet after it, for what e-readers need (and
    the site must not have: its cite blocks scroll, as code does).

    The file is copied by hand rather than through ``html_static_path``:
    changing a config value at build time makes Sphinx report a changed
    configuration on every following build.  It is copied now, before
    writing, because the EPUB builder packs its files before ``build-finished``.
    """
    from sphinx.util.fileutil import copy_asset_file

    if app.builder.format != "html":
        return
    files = [CSS_FILE]
    if app.builder.name.startswith("epub"):
        files.append(EPUB_CSS_FILE)
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    for name in files:
        app.add_css_file(name)
        copy_asset_file(PACKAGE_DIR / "static" / name, static, force=True)


def setup(app: Sphinx) -> dict[str, Any]:
    # imported here, not at the top: ``paper-notes check`` imports modules of
    # this package and must not pay for Sphinx's directives, jieba and the rest
    from . import (
        asset_tags,
        bibliography_cache,
        bibliography_loader,
        build_journal,
        config_check,
        design_components,
        downloads,
        gc_tuning,
        general_index,
        generated_folder,
        graphs,
        highlighting,
        latex_output,
        listings,
        navigation,
        page_tables,
        read_order,
        safe_links,
        search_fix,
        title_rendering,
        unchanged_rebuild,
        unreadable_pages,
        unused_entries,
    )
    from . import language as site_language
    from . import latexmkrc as latexmk_defaults
    from . import nodes as paper_nodes
    from .directives import (
        FieldsToctree,
        IndicesToctree,
        InsightDirective,
        PaperDirective,
        PaperDownloadsDirective,
        PaperGraphDirective,
        PaperInsightsDirective,
        PaperLinksIndexDirective,
        PaperListDirective,
        PaperNewestDirective,
        PaperTimelineDirective,
        PaperTopicsDirective,
    )
    from .domain import CATALOG, PaperDomain
    from .pages import derive_fields, generate
    from .roles import PaperCountRole, PaperReferenceRole
    from .transforms import (
        BibliographyNoteLinks,
        ExpandPaperPlaceholders,
        PaperPageTitle,
        note_bibliography_dependency,
    )

    app.setup_extension("sphinxcontrib.bibtex")
    # the header's badges and cite tabs are sphinx-design's components
    app.setup_extension("sphinx_design")
    bibliography_cache.register(app)
    bibliography_loader.register(app)
    config_check.register(app)
    unreadable_pages.register(app)
    unused_entries.register(app)
    safe_links.register(app)
    build_journal.register(app)
    generated_folder.register(app)
    highlighting.register(app)
    asset_tags.register(app)
    title_rendering.register(app)
    design_components.register(app)
    listings.register(app)
    unchanged_rebuild.register(app)

    app.add_config_value("paper_fields", [], "env", types=[list, tuple])
    app.add_config_value("paper_pages_dir", "browse", "env", types=[str])
    app.add_config_value("paper_index_page_max", 300, "env", types=[int])
    app.add_config_value("paper_topics", [], "env", types=[list, tuple])

    app.add_domain(PaperDomain)
    app.add_directive("paper", PaperDirective)
    app.add_directive("insight", InsightDirective)
    app.add_directive("paper-fields", FieldsToctree)
    app.add_directive("paper-indices", IndicesToctree)
    app.add_directive("paper-list", PaperListDirective)
    app.add_directive("paper-topics", PaperTopicsDirective)
    app.add_directive("paper-timeline", PaperTimelineDirective)
    app.add_directive("paper-newest", PaperNewestDirective)
    app.add_directive("paper-graph", PaperGraphDirective)
    app.add_directive("paper-links", PaperLinksIndexDirective)
    app.add_directive("paper-insights", PaperInsightsDirective)
    app.add_directive("paper-downloads", PaperDownloadsDirective)
    app.add_role("paper", PaperReferenceRole())
    app.add_role("paper-count", PaperCountRole())
    paper_nodes.register(app)
    search_fix.register(app)
    latex_output.register(app)
    latexmk_defaults.register(app)
    downloads.register(app)
    navigation.register(app)
    gc_tuning.register(app)
    read_order.register(app)
    page_tables.register(app)
    graphs.register(app)
    general_index.register(app)

    app.add_transform(PaperPageTitle)
    app.add_post_transform(BibliographyNoteLinks)
    app.add_post_transform(ExpandPaperPlaceholders)
    app.add_message_catalog(CATALOG, str(PACKAGE_DIR / "locale"))
    site_language.register(app)

    app.connect("config-inited", derive_fields)
    app.connect("builder-inited", generate)
    app.connect("builder-inited", _add_css)
    app.connect("builder-inited", _remember_builder)
    app.connect("doctree-read", note_bibliography_dependency)
    app.connect("env-get-outdated", _note_removed)
    app.connect("env-get-updated", _outdated_renderings)
    app.connect("build-finished", _remove_stale_pages)

    return {
        "version": _installed_version(),
        "env_version": 2,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
