"""latexmk run by hand in the LaTeX output folder makes the PDF the Makefile makes.

Sphinx's ``latexmkrc`` calls xindy with ``$ENV{XINDYOPTS}``, which only
Sphinx's ``Makefile`` sets.  Read the Docs runs latexmk directly, without
the Makefile (so does anyone who types ``latexmk -pdf``): xindy then fails
("variable LANG/GENERAL/LATIN9-LANG.XDY has no value"), latexmk exits 12
and the PDF comes out without its index, and is published so.

Here the Makefile's own value is written into ``latexmkrc`` as a default,
used only where the variable is not set, so a build through the Makefile
is exactly as before.  The value is read from the Makefile Sphinx has just
written rather than worked out again, so the two cannot disagree.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

MARK = "# paper_directive: xindy's options when latexmk runs without Sphinx's Makefile"
_ASSIGNMENT = re.compile(r"^(?:export\s+)?XINDYOPTS\s*(?P<op>\+?=)\s*(?P<value>.*?)\s*$")


def xindy_options(makefile: str) -> str | None:
    """The value the Makefile gives ``XINDYOPTS`` (its ``=`` and ``+=`` lines), if it sets one."""
    value: str | None = None
    for line in makefile.splitlines():
        match = _ASSIGNMENT.match(line)
        if match is None:
            continue
        if match["op"] == "=" or value is None:
            value = match["value"]
        else:
            value = f"{value} {match['value']}".strip()
    return value


def _perl_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def with_xindy_default(latexmkrc: str, options: str) -> str:
    """*latexmkrc* with ``XINDYOPTS`` defaulting to *options*, before anything reads it."""
    if MARK in latexmkrc:
        return latexmkrc
    return f"{MARK}\n$ENV{{'XINDYOPTS'}} //= {_perl_string(options)};\n{latexmkrc}"


def add_xindy_default(app: Sphinx, exception: Exception | None) -> None:
    """After a LaTeX build, let its ``latexmkrc`` work without the Makefile."""
    if exception is not None or app.builder.name != "latex":
        return
    outdir = Path(app.outdir)
    rc, makefile = outdir / "latexmkrc", outdir / "Makefile"
    if not (rc.is_file() and makefile.is_file()):
        return
    options = xindy_options(makefile.read_text(encoding="utf-8"))
    if options is None:  # makeindex, which needs no options
        return
    text = rc.read_text(encoding="utf-8")
    updated = with_xindy_default(text, options)
    if updated != text:
        rc.write_text(updated, encoding="utf-8")


def register(app: Sphinx) -> None:
    app.connect("build-finished", add_xindy_default)
