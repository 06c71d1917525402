"""Refresh the extension's message catalogs: extract, merge, compile.

Run as ``nox -s locale`` after changing a label or a warning.  The ``.po``
files hold the translations (edit them by hand); the ``.pot`` template and
the compiled ``.mo`` files are derived from the code and the ``.po`` files,
and a test checks that the committed ``.mo`` files match.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ext" / "paper_directive"
LOCALE = PACKAGE / "locale"
CATALOG = "paper_directive"
LANGUAGES = ("zh_CN", "en")


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


def main() -> None:
    pot = LOCALE / f"{CATALOG}.pot"
    sources = sorted(str(p) for p in PACKAGE.rglob("*.py"))
    pybabel(
        "extract",
        "-k",
        "_",
        "-k",
        "__",
        "--no-location",
        "--sort-output",
        "--project",
        "paper-notes",
        "-o",
        str(pot),
        *sources,
    )
    for language in LANGUAGES:
        po = LOCALE / language / "LC_MESSAGES" / f"{CATALOG}.po"
        if po.exists():
            pybabel(
                "update",
                "-i",
                str(pot),
                "-o",
                str(po),
                "-l",
                language,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            )
        else:
            pybabel("init", "-i", str(pot), "-o", str(po), "-l", language)
        pybabel("compile", "-i", str(po), "-o", str(po.with_suffix(".mo")), "-l", language)


if __name__ == "__main__":
    main()
