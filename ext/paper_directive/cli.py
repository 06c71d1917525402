"""The ``paper-notes`` command line: README import and export, and the check of a site.

``paper-notes import README [--docs DIR] [--bib FILE] [--force]`` writes the
README's papers as pages; ``paper-notes export-readme [--docs DIR] [-o FILE]``
writes the pages back as a README; ``paper-notes check [--docs DIR]
[--format text|json]`` reports every problem a build would warn about
(:mod:`.check`), exit status 1 when there is one.  User errors (a missing
file, a conf.py that does not run, a README line the format cannot hold)
end with one line on stderr and exit status 1, never a traceback.

Each command imports what it needs when it runs, so that ``check`` starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

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

    checker = commands.add_parser(
        "check",
        help="report every problem a build would warn about, without building (exit status 1 "
        "when there is one)",
    )
    checker.add_argument(
        "--docs", type=Path, default=Path("docs"), help="the Sphinx source directory (docs)"
    )
    checker.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one 'path:line: message [paper.subtype]' line per problem; json: for tools",
    )
    return parser


def _import(args: argparse.Namespace) -> int:
    from paper_directive.importer import import_readme, read_text

    report = import_readme(read_text(args.readme), args.docs, args.bib, force=args.force)
    for line in report.lines():
        print(line)
    return 0


def _export(args: argparse.Namespace) -> int:
    from paper_directive.exporter import export_readme
    from paper_directive.importer import write_if_changed

    text, messages = export_readme(args.docs)
    for message in messages:
        print(message, file=sys.stderr)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_if_changed(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _check(args: argparse.Namespace) -> int:
    from paper_directive.check import check_site, format_json, format_text

    problems = check_site(args.docs)
    sys.stdout.write(format_json(problems) if args.format == "json" else format_text(problems))
    if problems and args.format == "text":
        print(f"{PROG}: {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 success, 1 user error, 2 usage)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # argparse has printed its usage message
        return exit_.code if isinstance(exit_.code, int) else 2
    # each command's own error, imported only for that command
    user_error: type[Exception]
    if args.command == "check":
        from paper_directive.check import CheckError as user_error
    else:
        from paper_directive.importer import NotesError as user_error

    commands = {"import": _import, "export-readme": _export, "check": _check}
    try:
        return commands[args.command](args)
    except user_error as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a file that cannot be written
        where = f"{error.filename}: " if error.filename else ""
        print(f"{PROG}: error: {where}{error.strerror or error}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
