"""What a subcommand of ``paper-notes`` is: a name, its arguments and what it runs.

Each subcommand lives in a module of its own and describes itself with a
:class:`Command`; :data:`paper_directive.notes.cli.COMMANDS` lists them all, the
one place a new subcommand is registered.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """One subcommand: ``paper-notes <name> ...``.

    ``configure`` adds the subcommand's arguments to its parser; ``run`` does
    the work and returns the exit status.  ``run`` reports user errors by
    raising :class:`paper_directive.notes.importer.NotesError` (or letting an
    ``OSError`` through): the command line turns them into one line on stderr.
    """

    name: str
    help: str
    description: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
