"""The package as users get it: a wheel and an sdist, installed outside this repository.

``python -m build`` makes both from a copy of the project as a clean clone
has it; ``twine check`` must accept them; the wheel must hold every file
the extension reads at run time; and, installed with its docs extra into a
fresh virtual environment in a temporary folder, ``paper-notes init`` and
``paper-notes new`` must give a site whose HTML and LaTeX (then PDF) build
without a warning.  Installing needs PyPI (uv's cache makes it quick).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, TESTS, need_tool

PACKAGE = REPO / "ext" / "paper_directive"
DBLP_ENTRY = TESTS / "recorded" / "dblp-vaswani2017attention.bib"
NOT_IN_A_CLEAN_CLONE = (
    ".git",
    ".nox",
    "_build",
    "browse",
    "_readthedocs",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    "build",
    "dist",
)

pytestmark = pytest.mark.slow


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run *command* outside the repository, without anything pointing back into it."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["UV_PYTHON_DOWNLOADS"] = "never"  # the machine's Python, never a downloaded one
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel and the sdist, built from a copy of the project."""
    root = tmp_path_factory.mktemp("package")
    source = root / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*NOT_IN_A_CLEAN_CLONE))
    run([sys.executable, "-m", "build", "--outdir", str(root / "dist"), str(source)], cwd=root)
    return root / "dist"


def test_build_makes_a_wheel_and_an_sdist_that_twine_accepts(dist):
    wheels, sdists = list(dist.glob("*.whl")), list(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    check = run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, [*wheels, *sdists])],
        cwd=dist,
    )
    assert check.stdout.count("PASSED") == 2, check.stdout


def test_the_wheel_holds_every_file_the_extension_needs(dist):
    (wheel,) = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    # every file of the package: modules, templates, CSS, the LaTeX style, catalogs
    needed = [
        path
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix != ".pot" and "__pycache__" not in path.parts
    ]
    assert {"templates", "static", "latex", "locale", "notes"} <= {
        p.relative_to(PACKAGE).parts[0] for p in needed
    }
    for path in needed:
        assert f"paper_directive/{path.relative_to(PACKAGE).as_posix()}" in names, path
    modules = {p.relative_to(PACKAGE.parent).as_posix() for p in PACKAGE.rglob("*.py")}
    assert modules <= names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "paper-notes = paper_directive.notes.cli:main" in text


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment outside the repository with the wheel and its docs extra."""
    root = tmp_path_factory.mktemp("user")
    (wheel,) = dist.glob("*.whl")
    uv = [sys.executable, "-m", "uv"]
    base = getattr(sys, "_base_executable", sys.executable)
    run([*uv, "venv", "--quiet", "--python", base, str(root / "venv")], cwd=root)
    python = root / "venv" / "bin" / "python"
    run([*uv, "pip", "install", "--quiet", "--python", str(python), f"{wheel}[docs]"], cwd=root)
    return root


def test_the_installed_package_is_the_wheel_not_the_repository(installed):
    python = installed / "venv" / "bin" / "python"
    found = run(
        [str(python), "-c", "import paper_directive; print(paper_directive.__file__)"],
        cwd=installed,
    )
    assert found.stdout.startswith(str(installed / "venv" / "lib"))
    usage = run([str(installed / "venv" / "bin" / "paper-notes"), "--help"], cwd=installed)
    listed = re.findall(r"^    (\S+)\s", usage.stdout, flags=re.M)
    assert listed[:5] == ["init", "new", "check", "import", "export-readme"], usage.stdout


def test_a_user_starts_a_site_adds_a_paper_and_builds_html_and_pdf(installed):
    bin_ = installed / "venv" / "bin"
    run(
        [str(bin_ / "paper-notes"), "init", "notes", "--title", "读论文", "--field", "LLM"],
        cwd=installed,
    )
    site = installed / "notes"
    shutil.copy(DBLP_ENTRY, site / "paper.bib")
    added = run([str(bin_ / "paper-notes"), "new", "paper.bib", "--field", "LLM"], cwd=site)
    assert added.stdout == "docs/papers/attention-is-all-you-need.md\n"

    for builder in ("html", "latex"):
        sphinx = [str(bin_ / "python"), "-m", "sphinx", "-W", "--keep-going", "-b", builder]
        built = run(
            [*sphinx, "-d", f"_build/doctrees-{builder}", "docs", f"_build/{builder}"], cwd=site
        )
        assert "build succeeded" in built.stdout
    page = (site / "_build/html/papers/attention-is-all-you-need.html").read_text("utf-8")
    assert "Ashish Vaswani" in page and "paper-card" in page
    assert (site / "_build/html/_static/paper_directive.css").is_file()
    latex = site / "_build" / "latex"
    assert (latex / "paperdirective.sty").is_file()

    for tool in ("xelatex", "latexmk", "xindy", "pdftotext"):
        need_tool(shutil.which(tool) is not None, f"{tool} is not installed (see .ci/run)")
    latexmk = ["latexmk", "-r", "latexmkrc", "-pdf", "-f", "-dvi-", "-ps-"]
    run([*latexmk, "-interaction=nonstopmode", "-jobname=notes"], cwd=latex)
    text = run(["pdftotext", "notes.pdf", "-"], cwd=latex).stdout
    assert "Attention is All you Need" in text and "目录" in text and "索引" in text


def test_the_pre_commit_hook_is_a_valid_manifest_naming_the_command():
    from pre_commit.clientlib import load_manifest

    (hook,) = load_manifest(REPO / ".pre-commit-hooks.yaml")
    assert hook["id"] == "paper-notes-check" and hook["language"] == "python"
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    command, subcommand = hook["entry"].split()
    assert command in project["project"]["scripts"]
    assert subcommand == "check"


def test_the_pre_commit_hooks_command_exists():
    from paper_directive.notes.cli import COMMANDS

    assert "check" in {command.name for command in COMMANDS}
