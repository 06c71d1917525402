"""Tasks: ``nox -s docs`` builds the site, ``nox -s tests`` runs the tests.

Every session installs the project into a fresh virtual environment, the
way a newcomer's machine or Read the Docs does, so what passes here passes
there.  uv is used when it is installed (much faster), virtualenv otherwise.
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests", "docs"]

DOCS = "docs"
BUILD = "docs/_build"


def sphinx(session: nox.Session, builder: str, *extra: str) -> None:
    # tools/serve.py builds the HTML with the same options and folders
    session.run(
        "sphinx-build",
        "-W",
        "--keep-going",
        "-n",
        "-b",
        builder,
        "-d",
        f"{BUILD}/doctrees-{builder}",
        *extra,
        DOCS,
        f"{BUILD}/{builder}",
        *session.posargs,
    )


@nox.session
def docs(session: nox.Session) -> None:
    """Build the HTML site into docs/_build/html, failing on any warning."""
    session.install(".[docs]")
    sphinx(session, "html")


@nox.session
def serve(session: nox.Session) -> None:
    """Preview the site at http://127.0.0.1:8000, rebuilt and reloaded in the browser on save.

    Built as ``docs`` builds it, by sphinx-autobuild (``tools/serve.py`` says
    what it watches); ``nox -s serve -- --port 8001`` for another port.
    """
    session.install(".[docs,serve]")
    session.run("python", "tools/serve.py", *session.posargs)


@nox.session
def pdf(session: nox.Session) -> None:
    """Build the PDF into docs/_build/latex (xelatex through latexmk; needs TeX Live)."""
    session.install(".[docs]")
    sphinx(session, "latex")
    session.run(
        "make",
        "-C",
        f"{BUILD}/latex",
        "all-pdf",
        "LATEXMKOPTS=-interaction=nonstopmode -halt-on-error",
        external=True,
    )


@nox.session
def epub(session: nox.Session) -> None:
    """Build the EPUB into docs/_build/epub and check it with epubcheck."""
    session.install(".[docs]")
    sphinx(session, "epub")
    epubcheck = "/usr/share/java/epubcheck.jar"
    if Path(epubcheck).is_file():
        session.run("java", "-jar", epubcheck, *Path(BUILD, "epub").glob("*.epub"), external=True)
    else:
        session.warn("epubcheck is not installed (apt-get install epubcheck): not checked")


@nox.session
def rtd(session: nox.Session) -> None:
    """Build html, epub and PDF exactly as Read the Docs does, into _readthedocs/.

    Its command lines, from the folder of conf.py, with the language in its
    spelling (``zh-cn``; ``nox -s rtd -- --language en`` for a project left
    at its default) and latexmk run without Sphinx's Makefile.
    """
    session.install(".[docs]")
    session.run("python", "tools/readthedocs_build.py", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (real Sphinx builds of small projects)."""
    session.install("-e", ".[docs,serve,bench,tests]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy."""
    session.install("-e", ".[docs,lint]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", "ext", "tests", "noxfile.py", "tools")
    session.run("mypy")


@nox.session
def locale(session: nox.Session) -> None:
    """Refresh the message catalogs after changing a label or a warning."""
    session.install("babel")
    session.run("python", "tools/update_locale.py")


@nox.session
def bench(session: nox.Session) -> None:
    """Build times, memory and page sizes of synthetic sites against the floor (no pass/fail).

    ``nox -s bench -- --sizes 52 500 2000 5000``; the figures also go to
    bench-results.json (``--report docs/_bench`` writes the performance page's
    table and plot).  Not run in CI: the tests run it once at a tiny size.
    """
    session.install(".[docs,bench]")
    session.run("python", "tools/benchmark.py", *session.posargs)
