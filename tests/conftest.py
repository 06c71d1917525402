"""Shared fixtures: small Sphinx projects built for real in temporary folders.

Every test copies its test root (``tests/roots/test-<name>``) into its own
temporary folder, because the extension writes generated pages into the
source tree and a build must never touch the committed roots.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp

pytest_plugins = ["sphinx.testing.fixtures"]

TESTS = Path(__file__).resolve().parent
ROOTS = TESTS / "roots"
REPO = TESTS.parent
SEED = REPO.parent / "shared" / "seed" / "000_8bd74f50ac2b2a2a.txt"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need_tool(available: bool, reason: str) -> None:
    """Skip without a tool, except under CI, where a missing tool is a failure."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true: tests must not skip; .ci/run installs it)")
    pytest.skip(reason)


class Project:
    """A Sphinx project in a temporary folder that tests edit and build repeatedly."""

    def __init__(self, srcdir: Path, make_app: Callable[..., SphinxTestApp]) -> None:
        self.srcdir = srcdir
        self.builddir = srcdir / "_build"
        self._make_app = make_app

    def build(
        self, builder: str = "html", *, fresh: bool = False, parallel: int = 0, **kwargs: Any
    ) -> SphinxTestApp:
        app = self._make_app(
            builder,
            srcdir=self.srcdir,
            builddir=self.builddir,
            freshenv=fresh,
            parallel=parallel,
            **kwargs,
        )
        try:
            app.build()
        finally:
            # unregister the directives and nodes again, so the next build of
            # the same test registers them afresh
            app.cleanup()
        return app

    def write(self, relative: str, text: str) -> None:
        path = self.srcdir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        # mtime resolution: make sure Sphinx sees the change
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))

    def read(self, relative: str) -> str:
        return (self.srcdir / relative).read_text(encoding="utf-8")

    def remove(self, relative: str) -> None:
        (self.srcdir / relative).unlink()

    def output(self, builder: str, relative: str) -> str:
        return (self.builddir / builder / relative).read_text(encoding="utf-8")


@pytest.fixture
def project(
    tmp_path: Path, make_app: Callable[..., SphinxTestApp]
) -> Iterator[Callable[[str], Project]]:
    """``project("basic")`` copies ``tests/roots/test-basic`` and returns a :class:`Project`."""

    def factory(root: str, name: str | None = None) -> Project:
        srcdir = tmp_path / (name or root)
        shutil.copytree(ROOTS / f"test-{root}", srcdir)
        return Project(srcdir, make_app)

    yield factory


def warnings_of(app: SphinxTestApp) -> str:
    """The build's warnings, without ANSI colours and without jieba's chatter."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return text.strip()


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED.is_file():
        pytest.fail(f"the seed README is missing: {SEED} (../shared must lie beside the repo)")
    return SEED.read_text(encoding="utf-8")


def copy_site(root: Path) -> Path:
    """A copy of the repository's site as a clean checkout has it; returns its docs folder."""
    shutil.copytree(REPO / "docs", root / "docs", ignore=shutil.ignore_patterns("_build", "browse"))
    shutil.copy(REPO / "refs.bib", root / "refs.bib")
    return root / "docs"


def build_site(root: Path, builder: str, **kwargs: Any) -> SphinxTestApp:
    """Build the site copied under *root* with *builder*; the app, cleaned up."""
    docs = root / "docs"
    app = SphinxTestApp(builder, srcdir=docs, builddir=docs / "_build", **kwargs)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[SphinxTestApp, Path]:
    """The real site built to HTML once per test session (in parallel, nitpicky)."""
    root = tmp_path_factory.mktemp("site")
    copy_site(root)
    app = build_site(root, "html", parallel=2, confoverrides={"nitpicky": True})
    return app, Path(app.outdir)
