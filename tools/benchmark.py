"""Build-speed benchmark: prints figures, asserts nothing.

Builds synthetic notes projects (tests/notes_factory.py) with the real
theme and measures, in one run so the ratios are comparable on a shared,
noisy machine: a clean serial build, a clean ``-j 2`` build, an unchanged
rebuild, and a rebuild after editing one note, plus the peak memory of
each build process.  Run it as ``nox -s benchmark`` (or with ``--sizes``).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from notes_factory import write_notes


def build(root: Path, *extra: str) -> tuple[float, float]:
    """One sphinx-build in its own process: (seconds, peak MiB of that process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-q",
            "-b",
            "html",
            *extra,
            str(root),
            str(root / "_build"),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def measure(count: int, theme: str) -> dict[str, tuple[float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "notes"
        write_notes(root, count, theme=theme)
        figures = {"clean -j1": build(root)}
        shutil.rmtree(root / "_build")
        figures["clean -j2"] = build(root, "-j", "2")
        figures["unchanged"] = build(root)
        page = root / "papers" / "p001.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n* 新的一条\n", encoding="utf-8")
        figures["one note edited"] = build(root)
        page.write_text(
            page.read_text(encoding="utf-8").replace("Paper 001: A Study", "Paper 001: Retitled"),
            encoding="utf-8",
        )
        figures["one title edited"] = build(root)
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[52, 150])
    parser.add_argument("--theme", default="furo")
    args = parser.parse_args()
    print(f"theme {args.theme}; seconds (ratio to the clean serial build), peak MiB")
    for count in args.sizes:
        figures = measure(count, args.theme)
        base = figures["clean -j1"][0]
        print(f"\n{count} papers")
        for name, (seconds, mib) in figures.items():
            print(f"  {name:18} {seconds:7.2f} s  ({seconds / base:5.2f})  {mib:7.0f} MiB")


if __name__ == "__main__":
    main()
