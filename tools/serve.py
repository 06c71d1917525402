"""Live preview: serve the site with sphinx-autobuild, rebuilt and reloaded on every save.

``nox -s serve`` runs this script; ``tests/test_serve.py`` runs it on a copy
of a small site.  The site is built as ``nox -s docs`` builds it (the same
options, output and doctree folders, so either reuses the other's work),
and the browser reloads after each rebuild.

What is watched, and why some of it is not:

- the source folder, except the build output (``_build``) and the folder the
  extension writes its pages into before every build (``paper_pages_dir``):
  those pages are derived from the notes, so the edit that changes them has
  already started the build that writes them.  Watched, a retitled note
  would be built twice (its field page is rewritten during the first build);
- the bibliography files outside the source folder (``../refs.bib``): their
  folder is watched for those files only, because a watch on the file itself
  is lost when an editor saves by writing a new file over it;
- not the swap, lock and backup files of editors (vim writes its swap file a
  few seconds after every pause in typing): each would rebuild the site and
  reload the browser.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
from pathlib import Path

#: Swap, backup and lock files of vim and Emacs, and vim's probe of a folder.
EDITOR_FILES = r"(/\.[^/]+\.sw[a-px]|~|/4913|/\.#[^/]+|/#[^/]+#)$"


def site_settings(docs: Path) -> tuple[str, list[Path]]:
    """``paper_pages_dir`` and the bibliography files of ``conf.py``, read as Sphinx reads it."""
    from sphinx.config import eval_config_file
    from sphinx.util.tags import Tags

    namespace = eval_config_file(docs / "conf.py", Tags())
    pages_dir = str(namespace.get("paper_pages_dir") or "browse")
    bibfiles = [(docs / name).resolve() for name in namespace.get("bibtex_bibfiles", [])]
    return pages_dir, bibfiles


def autobuild_command(
    docs: Path, host: str = "127.0.0.1", port: int = 8000, extra: list[str] | None = None
) -> list[str]:
    """The sphinx-autobuild command line that serves the site of *docs*."""
    docs = docs.resolve()
    build = docs / "_build"
    pages_dir, bibfiles = site_settings(docs)
    watch: list[str] = []
    outside = [bib for bib in bibfiles if not bib.is_relative_to(docs)]
    if outside:
        # those folders are watched for the bibliography files only
        for folder in sorted({bib.parent for bib in outside}):
            watch += ["--watch", str(folder)]
        wanted = [re.escape(f"{docs.as_posix()}/")]
        wanted += [re.escape(bib.as_posix()) + "$" for bib in outside]
        watch += ["--re-ignore", f"^(?!{'|'.join(wanted)})"]
    return [
        sys.executable,
        "-m",
        "sphinx_autobuild",
        # as nox -s docs builds the site (noxfile.py's sphinx())
        "-W",
        "--keep-going",
        "-n",
        "-b",
        "html",
        "-d",
        str(build / "doctrees-html"),
        "--host",
        host,
        "--port",
        str(port),
        "--ignore",
        str(build),
        "--ignore",
        str(docs / pages_dir),
        "--re-ignore",
        EDITOR_FILES,
        *watch,
        *(extra or []),
        str(docs),
        str(build / "html"),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n", 1)[0],
        epilog="Other options are passed to sphinx-autobuild (--open-browser, -j auto, ...).",
    )
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="the folder of conf.py")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=8000, help="0: a free port, named in the log (default: 8000)"
    )
    args, extra = parser.parse_known_args(argv)
    command = autobuild_command(args.docs, args.host, args.port, extra)
    print(f"$ {shlex.join(command)}", flush=True)
    # replaced, not wrapped: Ctrl-C and the signals of a supervisor reach sphinx-autobuild
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
