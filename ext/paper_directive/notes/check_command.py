"""``paper-notes check``: every problem a build would warn about, without building."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from paper_directive.notes.command import Command
from paper_directive.notes.importer import NotesError


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--docs", type=Path, default=Path("docs"), help="the Sphinx source directory (docs)"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one 'path:line: message [paper.subtype]' line per problem; json: for tools",
    )


def _run(args: argparse.Namespace) -> int:
    # imported when the command runs: the check starts in a fraction of a build's time
    from paper_directive.notes.check import CheckError, check_site, format_json, format_text

    try:
        problems = check_site(args.docs)
    except CheckError as error:
        raise NotesError(str(error)) from error
    sys.stdout.write(format_json(problems) if args.format == "json" else format_text(problems))
    if problems and args.format == "text":
        print(f"paper-notes: {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


COMMAND = Command(
    name="check",
    help="report every problem a build would warn about, without building",
    description=(
        "Check every page and the bibliography with the build's own rules, without building: "
        "one 'path:line: message [paper.subtype]' line per problem (or JSON), exit status 1 "
        "when there is any."
    ),
    configure=_configure,
    run=_run,
)
