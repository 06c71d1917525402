"""Build the site exactly as Read the Docs builds it: its command lines, its folders.

Read the Docs does not run ``nox`` or Sphinx's Makefile.  From the folder of
``conf.py`` it runs (``readthedocs.org``'s ``doc_builder/backends/sphinx.py``;
see ``../shared/design/TOOLCHAIN.md``)::

    python -m sphinx -T -W --keep-going -b html -d _build/doctrees -D language=<code> . <out>/html
    python -m sphinx -T -W --keep-going -b epub -d _build/doctrees -D language=<code> . <out>/epub
    python -m sphinx -T -E -b latex -d _build/doctrees -D language=<code> . <out>/pdf
    (in <out>/pdf)  extractbb <each image>
    (in <out>/pdf)  latexmk -r latexmkrc -pdf -f -dvi- -ps- -jobname=<slug> -interaction=nonstopmode

``<code>`` is the project's language in Read the Docs' spelling, lowercase
with a hyphen (``zh-cn``; ``en`` by default), ``<slug>`` the project's slug.
Read the Docs publishes a PDF whenever latexmk wrote one, whatever its exit
status; this script is stricter and fails unless latexmk exits 0.

``nox -s rtd`` runs it on the site; ``tests/test_readthedocs.py`` on a copy.
By default the language and the slug are the site's own (``language`` and
``project`` in ``conf.py``), as a project set up on Read the Docs with the
same language would get them.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

FORMATS = ("html", "epub", "pdf")


def readthedocs_language(language: str) -> str:
    """A Sphinx language as Read the Docs spells it: ``zh_CN`` → ``zh-cn``."""
    return language.replace("_", "-").lower()


def readthedocs_slug(project: str) -> str:
    """A project's name as Read the Docs makes a slug of it (``a_b`` → ``a-b``)."""
    return re.sub(r"[^a-z0-9]+", "-", project.lower()).strip("-") or "project"


def site_settings(docs: Path) -> tuple[str, str]:
    """``language`` and ``project`` from ``docs/conf.py``, read as Sphinx reads it."""
    from sphinx.config import eval_config_file
    from sphinx.util.tags import Tags

    namespace = eval_config_file(docs.resolve() / "conf.py", Tags())
    return str(namespace.get("language") or "en"), str(namespace.get("project") or "project")


def run(command: list[str], cwd: Path, env: dict[str, str]) -> int:
    print(f"$ (cd {cwd} && {shlex.join(command)})", flush=True)
    return subprocess.run(command, cwd=cwd, env=env, check=False).returncode


def sphinx(builder: str, language: str, output: Path) -> list[str]:
    """Read the Docs' Sphinx command line for *builder*."""
    options = ["-T", "-E"] if builder == "latex" else ["-T", "-W", "--keep-going"]
    return [
        sys.executable,
        "-m",
        "sphinx",
        *options,
        "-b",
        builder,
        "-d",
        "_build/doctrees",
        "-D",
        f"language={language}",
        ".",
        str(output),
    ]


def build(docs: Path, output: Path, language: str, slug: str, formats: tuple[str, ...]) -> int:
    """Build *formats*; 0 when every command succeeded (latexmk included)."""
    docs = docs.resolve()
    output = output.resolve()
    env = os.environ | {
        "READTHEDOCS": "True",
        "READTHEDOCS_LANGUAGE": language,
        "READTHEDOCS_OUTPUT": str(output),
        "READTHEDOCS_PROJECT": slug,
    }
    for name in formats:
        if name in ("html", "epub"):
            status = run(sphinx(name, language, output / name), docs, env)
            if status:
                return status
            continue
        latex = output / "pdf"
        status = run(sphinx("latex", language, latex), docs, env)
        if status:
            return status
        images = itertools.chain.from_iterable(
            sorted(latex.glob(f"*.{suffix}")) for suffix in ("png", "gif", "jpg", "jpeg")
        )
        for image in images:
            run(["extractbb", image.name], latex, env)  # as Read the Docs: status not checked
        status = run(
            [
                "latexmk",
                "-r",
                "latexmkrc",
                "-pdf",
                "-f",
                "-dvi-",
                "-ps-",
                f"-jobname={slug}",
                "-interaction=nonstopmode",
            ],
            latex,
            env,
        )
        print(f"latexmk exited {status}", flush=True)
        if status:
            return status
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="the folder of conf.py")
    parser.add_argument("--output", type=Path, default=Path("_readthedocs"))
    parser.add_argument("--language", help="Read the Docs' spelling (default: conf.py's)")
    parser.add_argument("--slug", help="the project's slug (default: from conf.py's project)")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    args = parser.parse_args(argv)
    language, project = site_settings(args.docs)
    return build(
        args.docs,
        args.output,
        args.language or readthedocs_language(language),
        args.slug or readthedocs_slug(project),
        tuple(args.formats),
    )


if __name__ == "__main__":
    sys.exit(main())
