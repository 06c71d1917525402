"""The ``paper-notes`` command line: README import and export.

``paper-notes import README [--docs DIR] [--bib FILE] [--force]`` writes the
README's papers as pages; ``paper-notes export-readme [--docs DIR] [-o FILE]``
writes the pages back as a README.  User errors (a missing file, a conf.py
that does not run, a README line the format cannot hold) end with one line
on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from paper_directive.notes.exporter import export_readme
from paper_directive.notes.importer import NotesError, import_readme, read_text, write_if_changed

PROG = "paper-notes"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Move paper-reading notes between a README and the Sphinx site."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    importer = commands.add_parser(
        "import", help="write the README's papers as pages in DOCS/papers/"
    )
    importer.add_argument("readme", type=Path, metavar="README", help="the README to import")
    importer.add_argument(
        "--docs", type=Path, default=Path("docs"), help="the Sphinx source directory (docs)"
    )
    importer.add_argument(
        "--bib",
        type=Path,
        default=None,
        help="BibTeX file for stub entries (default: first of bibtex_bibfiles, or DOCS/refs.bib)",
    )
    importer.add_argument(
        "--force", action="store_true", help="also overwrite pages edited by hand"
    )

    exporter = commands.add_parser("export-readme", help="write the pages back as a README")
    exporter.add_argument(
        "--docs", type=Path, default=Path("docs"), help="the Sphinx source directory (docs)"
    )
    exporter.add_argument(
        "-o", "--output", type=Path, default=None, help="write here instead of to stdout"
    )
    return parser


def _import(args: argparse.Namespace) -> int:
    report = import_readme(read_text(args.readme), args.docs, args.bib, force=args.force)
    for line in report.lines():
        print(line)
    return 0


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 success, 1 user error, 2 usage)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # argparse has printed its usage message
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        return _import(args) if args.command == "import" else _export(args)
    except NotesError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a file that cannot be written
        where = f"{error.filename}: " if error.filename else ""
        print(f"{PROG}: error: {where}{error.strerror or error}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
