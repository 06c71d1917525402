"""``paper-notes import`` and ``paper-notes export-readme``: the README's two directions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from paper_directive.notes.command import Command
from paper_directive.notes.exporter import export_readme
from paper_directive.notes.importer import import_readme, read_text, write_if_changed


def _configure_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("readme", type=Path, metavar="README", help="the README to import")
    parser.add_argument(
        "--docs", type=Path, default=Path("docs"), help="the Sphinx source directory (docs)"
    )
    parser.add_argument(
        "--bib",
        type=Path,
        default=None,
        help="BibTeX file for stub entries (default: first of bibtex_bibfiles, or DOCS/refs.bib)",
    )
    parser.add_argument("--force", action="store_true", help="also overwrite pages edited by hand")


def _import(args: argparse.Namespace) -> int:
    report = import_readme(read_text(args.readme), args.docs, args.bib, force=args.force)
    for line in report.lines():
        print(line)
    return 0


def _configure_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--docs", type=Path, default=Path("docs"), help="the Sphinx source directory (docs)"
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=None, help="write here instead of to stdout"
    )


def _export(args: argparse.Namespace) -> int:
    text, messages = export_readme(args.docs)
    for message in messages:
        print(message, file=sys.stderr)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_if_changed(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


IMPORT = Command(
    name="import",
    help="write the README's papers as pages in DOCS/papers/",
    description="Write the papers of a README of notes as pages of the site "
    "(see the docs' README format page).",
    configure=_configure_import,
    run=_import,
)

EXPORT = Command(
    name="export-readme",
    help="write the pages back as a README",
    description="Write the site's pages back as a README, in the README's own format.",
    configure=_configure_export,
    run=_export,
)
