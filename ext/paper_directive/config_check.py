"""Settings of the wrong shape: warned about at conf.py's line, and read as well as they can be.

A ``paper_fields`` entry the extension cannot read would otherwise raise in
the middle of the build; a missing ``bibtex_bibfiles`` makes
sphinxcontrib-bibtex end it.  Here each is reported as a ``paper.config``
warning located at the line of ``conf.py`` that sets it, and replaced, at
``config-inited``, by what could be read of it: the readable fields (the
others' papers are then listed as unfiled, each with its own warning), or
no bibliography.  ``paper-notes check`` runs the same functions.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .fields import parse_fields
from .i18n import __
from .problems import Finding, Problem, report

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def setting_line(conf: Path, name: str) -> int:
    """The line of *conf* (a ``conf.py``) that last assigns *name*; 1 when none does."""
    try:
        tree = ast.parse(conf.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return 1
    line = 1
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            line = max(line, node.lineno)
    return line


def read_fields_setting(value: Any) -> tuple[list[dict[str, str]] | None, list[Finding]]:
    """The readable part of a ``paper_fields`` value, and what is wrong with the rest.

    Returns None for the fields when *value* can be used as it is.
    """
    if isinstance(value, list | tuple) and not value:
        return None, []
    if not isinstance(value, list | tuple):
        finding = Finding(
            "config",
            __(
                "paper_fields must be a list of field names, (name, slug, description) tuples "
                "or {'name', 'slug', 'description'} mappings, not %s; the fields are taken "
                "from the pages instead"
            )
            % type(value).__name__,
        )
        return [], [finding]
    fields: list[dict[str, str]] = []
    findings: list[Finding] = []
    names: set[str] = set()
    slugs: set[str] = set()
    for item in value:
        try:
            (spec,) = parse_fields([item])
        except (ValueError, TypeError) as error:
            findings.append(
                Finding(
                    "config",
                    __("%s; the entry is left out and its papers are listed as unfiled") % error,
                )
            )
            continue
        if spec.name.casefold() in names or spec.slug in slugs:
            findings.append(
                Finding(
                    "config",
                    __(
                        "paper_fields: the field %r repeats the name or slug of an earlier "
                        "one; it is left out"
                    )
                    % spec.name,
                )
            )
            continue
        names.add(spec.name.casefold())
        slugs.add(spec.slug)
        fields.append({"name": spec.name, "slug": spec.slug, "description": spec.description})
    return (fields if findings else None), findings


def read_bibfiles_setting(value: Any) -> tuple[list[str] | None, list[Finding]]:
    """The usable part of a ``bibtex_bibfiles`` value (None: usable as it is), and what is wrong."""
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return None, []
    if value is None:
        finding = Finding(
            "config",
            __(
                "bibtex_bibfiles is not set, so papers show no authors, venue or cite block; "
                "set it in conf.py, e.g. bibtex_bibfiles = ['refs.bib']"
            ),
        )
        return [], [finding]
    if isinstance(value, str):
        finding = Finding(
            "config",
            __("bibtex_bibfiles must be a list of files: write [%r]") % value,
        )
        return [value], [finding]
    items = value if isinstance(value, list | tuple) else ()
    files = [item for item in items if isinstance(item, str)]
    finding = Finding(
        "config",
        __("bibtex_bibfiles must be a list of file names; %r is left out")
        % (
            [item for item in items if not isinstance(item, str)]
            if isinstance(value, list | tuple)
            else value
        ),
    )
    return files, [finding]


def source_suffixes(value: Any) -> dict[str, str]:
    """``source_suffix`` in any of the shapes Sphinx accepts, as suffix → file type."""
    if isinstance(value, str):
        return {value: "restructuredtext"}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return {str(suffix): "restructuredtext" for suffix in value}
    return {".rst": "restructuredtext"}


def source_suffix_finding(suffixes: Sequence[str]) -> Finding | None:
    if ".rst" in suffixes:
        return None
    return Finding(
        "config",
        __(
            "paper_directive writes its field and index pages as reStructuredText; "
            "add '.rst' to source_suffix"
        ),
    )


def check_config(app: Sphinx, config: Config) -> None:
    """``config-inited``, before anything reads these settings: warn, and keep what is readable."""
    conf = Path(app.confdir) / "conf.py"
    for name, reader in (
        ("paper_fields", read_fields_setting),
        ("bibtex_bibfiles", read_bibfiles_setting),
    ):
        usable, findings = reader(getattr(config, name, None))
        for finding in findings:
            report(Problem.at(str(conf), setting_line(conf, name), finding))
        if usable is not None:
            setattr(config, name, usable)
    suffix = source_suffix_finding(list(source_suffixes(config.source_suffix)))
    if suffix is not None:
        report(Problem.at(str(conf), setting_line(conf, "source_suffix"), suffix))


def register(app: Sphinx) -> None:
    # before pages.derive_fields (500) reads paper_fields, and before Sphinx's
    # own type check (800) would warn a second time
    app.connect("config-inited", check_config, priority=400)
