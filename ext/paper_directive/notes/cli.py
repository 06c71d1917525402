"""The ``paper-notes`` command line.

Every subcommand is a :class:`~paper_directive.notes.command.Command` in a
module of its own, registered in :data:`COMMANDS`.  User errors (a missing
file, a conf.py that does not run, a README line the format cannot hold, a
service that cannot be reached) end with one line on stderr and exit status
1, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from paper_directive.notes.check_command import COMMAND as CHECK
from paper_directive.notes.command import Command
from paper_directive.notes.importer import NotesError
from paper_directive.notes.init import COMMAND as INIT
from paper_directive.notes.new import COMMAND as NEW
from paper_directive.notes.readme_commands import EXPORT, IMPORT

PROG = "paper-notes"

#: The subcommands, in the order ``paper-notes --help`` lists them.
COMMANDS: tuple[Command, ...] = (INIT, NEW, CHECK, IMPORT, EXPORT)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Write and maintain a site of paper-reading notes."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        sub = subparsers.add_parser(
            command.name, help=command.help, description=command.description
        )
        command.configure(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 success, 1 user error, 2 usage)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # argparse has printed its usage message
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        status: int = args.run(args)
    except NotesError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a file that cannot be written
        where = f"{error.filename}: " if error.filename else ""
        print(f"{PROG}: error: {where}{error.strerror or error}", file=sys.stderr)
        return 1
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
