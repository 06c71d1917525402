"""Build-speed benchmark: prints figures and writes them as JSON, asserts nothing.

For each size it writes synthetic notes shaped like the real ones
(:mod:`bench_corpus`) and builds, each build a whole ``sphinx-build``
process:

- the site (the project's ``conf.py``, furo, the extension): a clean
  ``-j 1`` build, a clean ``-j 2`` build (its output compared with the
  serial one), then, on the serial output, a rebuild with no change, after
  editing one note's text, after moving one note to another field (checked
  on both field pages) and after changing one ``refs.bib`` entry;
- the floor: the same notes as plain MyST, ``basic`` theme, no sidebar, no
  extension;
- the stock site (plain MyST, stock furo, no extension), at sizes up to
  ``--stock-max`` only: it grows with the square of the notes.

Ratios are to the floor of the same size, measured in the same run, because
the machines are shared and noisy.  Even so a single clean build can be a
third slower than the next one; ``--repeat N`` makes each clean build (the
floor, the stock site, ``-j 1`` and ``-j 2``) the fastest of N, the usual
way to measure on a noisy machine.  The floor's, the stock site's and the
site's clean builds take turns, and every build starts once the disk has
written what the build before it left, so neither a slow spell nor the
previous build's writing falls on one of them only.  Run it as ``nox -s bench``, or
``nox -s bench -- --sizes 52 500 2000 5000 --repeat 2``.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_corpus import make_notes, write_site

DEFAULT_SIZES = (52, 500, 2000)


@dataclass
class Build:
    """One sphinx-build process."""

    seconds: float
    peak_mib: float
    #: HTML pages written (new or changed modification time).
    pages_written: int = 0
    ok: bool = True


@dataclass
class SizeFigures:
    notes: int
    builds: dict[str, Build] = field(default_factory=dict)
    paper_page_kib: dict[str, float] = field(default_factory=dict)
    output_mib: float = 0.0
    largest_page_kib: float = 0.0
    largest_page: str = ""
    parallel_identical: bool | None = None
    parallel_differences: list[str] = field(default_factory=list)
    field_move_correct: bool | None = None


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # users' Pythons keep compiled modules; without them every build
    # process would spend seconds compiling the same imports again
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def sphinx_build(srcdir: Path, outdir: Path, doctrees: Path, *extra: str) -> Build:
    """Run one build in its own process; time it and take its peak memory."""
    before = _page_mtimes(outdir)
    command = [
        sys.executable, "-m", "sphinx", "-q", "-b", "html",
        "-d", str(doctrees), *extra, str(srcdir), str(outdir),
    ]  # fmt: skip
    # what the last build left for the disk to write is written now, untimed:
    # otherwise a build pays for the one before it
    os.sync()
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_child_env()
    )
    assert process.stderr is not None
    stderr = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    ok = os.waitstatus_to_exitcode(status) == 0
    if not ok:
        print(stderr.decode(errors="replace")[-3000:], file=sys.stderr)
    after = _page_mtimes(outdir)
    written = sum(1 for page, mtime in after.items() if before.get(page) != mtime)
    # ru_maxrss: KiB on Linux, the largest of the process and its waited-for children
    return Build(seconds, usage.ru_maxrss / 1024, written, ok)


def _page_mtimes(outdir: Path) -> dict[str, int]:
    if not outdir.is_dir():
        return {}
    return {str(p.relative_to(outdir)): p.stat().st_mtime_ns for p in outdir.rglob("*.html")}


def _touch_later(path: Path) -> None:
    # make sure the change is seen whatever the file system's time resolution
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def _tree_differences(left: Path, right: Path) -> list[str]:
    """Files that differ between two output trees (build info aside)."""
    differences: list[str] = []

    def walk(comparison: filecmp.dircmp[str], prefix: str) -> None:
        for name in comparison.left_only + comparison.right_only:
            differences.append(prefix + name)
        for name in comparison.diff_files:
            if name != ".buildinfo":
                differences.append(prefix + name)
        for name, sub in comparison.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right, ignore=[".buildinfo", ".buildinfo.bak"]), "")
    # dircmp compares by stat signature first; confirm byte for byte
    return [
        d for d in differences
        if not ((left / d).is_file() and (right / d).is_file()
                and filecmp.cmp(left / d, right / d, shallow=False))
    ]  # fmt: skip


def _field_lists(outdir: Path, slug: str) -> str:
    return (outdir / "browse" / "fields" / f"{slug}.html").read_text(encoding="utf-8")


@dataclass
class CleanBuild:
    """Where one kind of site is built from scratch: source, output and doctrees."""

    srcdir: Path
    outdir: Path
    doctrees: Path
    extra: tuple[str, ...] = ()


def fastest_clean_builds(repeat: int, kinds: dict[str, CleanBuild]) -> dict[str, Build]:
    """The fastest of *repeat* clean builds of each kind (peak memory: the largest of them).

    The kinds take turns (the floor, then the site, then the floor again...),
    so that a slow spell of the shared machine does not fall on one kind
    only.  The output of each kind's last build is left in place for what
    follows.
    """
    builds: dict[str, list[Build]] = {name: [] for name in kinds}
    for attempt in range(repeat):
        for name, kind in kinds.items():
            if attempt:
                shutil.rmtree(kind.outdir, ignore_errors=True)
                shutil.rmtree(kind.doctrees, ignore_errors=True)
            builds[name].append(sphinx_build(kind.srcdir, kind.outdir, kind.doctrees, *kind.extra))
    return {name: _fastest(tried) for name, tried in builds.items()}


def _fastest(builds: list[Build]) -> Build:
    fastest = min(builds, key=lambda build: build.seconds)
    return replace(
        fastest,
        peak_mib=max(build.peak_mib for build in builds),
        ok=all(build.ok for build in builds),
    )


def clean_build_of(work: Path, count: int, flavour: str) -> CleanBuild:
    """Write the notes of one *flavour* (``site``, ``floor``, ``stock``) for a clean build."""
    root = work / f"{flavour}-{count}"
    return CleanBuild(write_site(root, count, flavour), root / "html", root / "doctrees")


def measure_site(work: Path, count: int, figures: SizeFigures, repeat: int = 1) -> None:
    """The site's builds after its clean ``-j 1`` ones (in *figures* already)."""
    root = work / f"site-{count}"
    srcdir, out, doctrees = root / "docs", root / "html", root / "doctrees"
    figures.output_mib = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20
    pages = {p: p.stat().st_size for p in out.rglob("*.html")}
    largest = max(pages, key=lambda p: pages[p])
    figures.largest_page, figures.largest_page_kib = (
        str(largest.relative_to(out)),
        pages[largest] / 1024,
    )
    papers = sorted(s for p, s in pages.items() if p.parent.name == "papers")
    figures.paper_page_kib = {
        "median": papers[len(papers) // 2] / 1024,
        "max": papers[-1] / 1024,
        "p00001": (out / "papers" / "p00001.html").stat().st_size / 1024,
    }

    out2, doctrees2 = root / "html-j2", root / "doctrees-j2"
    parallel = CleanBuild(srcdir, out2, doctrees2, ("-j", "2"))
    figures.builds["clean -j2"] = fastest_clean_builds(repeat, {"-j2": parallel})["-j2"]
    figures.parallel_differences = _tree_differences(out, out2)[:20]
    figures.parallel_identical = not figures.parallel_differences
    shutil.rmtree(out2)
    shutil.rmtree(doctrees2)

    figures.builds["no change"] = sphinx_build(srcdir, out, doctrees)

    page = srcdir / "papers" / "p00001.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n* 新加的一条笔记\n", encoding="utf-8")
    _touch_later(page)
    figures.builds["one note's text"] = sphinx_build(srcdir, out, doctrees)

    notes = make_notes(count)
    moved = notes[1]
    old_slug = _slug(moved.field)
    new_field = next(n.field for n in notes if n.field != moved.field)
    text = page.read_text(encoding="utf-8").replace(
        f":field: {moved.field}\n", f":field: {new_field}\n"
    )
    page.write_text(text, encoding="utf-8")
    _touch_later(page)
    figures.builds["one note's field"] = sphinx_build(srcdir, out, doctrees)
    target = 'href="../../papers/p00001.html'
    figures.field_move_correct = target not in _field_lists(
        out, old_slug
    ) and target in _field_lists(out, _slug(new_field))

    bib = root / "refs.bib"
    bib_text = bib.read_text(encoding="utf-8")
    second = notes[2].key
    bib.write_text(
        bib_text.replace(
            f"{{{second},\n  author = {{", f"{{{second},\n  author = {{Neuer, Autor and "
        )
    )
    _touch_later(bib)
    figures.builds["one refs.bib entry"] = sphinx_build(srcdir, out, doctrees)
    shutil.rmtree(root)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def warm_up(work: Path) -> None:
    """One small build of each kind, so no figure pays for compiling modules."""
    kinds = {flavour: clean_build_of(work, 8, flavour) for flavour in ("site", "floor", "stock")}
    fastest_clean_builds(1, kinds)
    for kind in kinds.values():
        shutil.rmtree(kind.srcdir.parent)


def run(sizes: list[int], stock_max: int, work: Path, repeat: int = 1) -> list[SizeFigures]:
    warm_up(work)
    results = []
    for count in sizes:
        figures = SizeFigures(count)
        flavours = ["floor", *(["stock"] if count <= stock_max else []), "site"]
        kinds = {flavour: clean_build_of(work, count, flavour) for flavour in flavours}
        clean = fastest_clean_builds(repeat, kinds)
        figures.builds["floor"] = clean["floor"]
        if "stock" in clean:
            figures.builds["stock furo"] = clean["stock"]
        figures.builds["clean -j1"] = clean["site"]
        for flavour in ("floor", "stock"):
            if flavour in kinds:
                shutil.rmtree(kinds[flavour].srcdir.parent)
        measure_site(work, count, figures, repeat)
        results.append(figures)
        print_size(figures, results[0])
    return results


def print_size(figures: SizeFigures, smallest: SizeFigures) -> None:
    floor = figures.builds["floor"].seconds
    clean = figures.builds["clean -j1"].seconds
    print(f"\n{figures.notes} notes  (ratios: to the floor; to this size's clean -j1 build)")
    print(f"  {'build':22} {'seconds':>8} {'/floor':>7} {'/clean':>7} {'per note':>9} "
          f"{'pages':>6} {'peak MiB':>9}")  # fmt: skip
    for name, build in figures.builds.items():
        flag = "" if build.ok else "  FAILED"
        per_note = build.seconds / figures.notes * 1000
        print(
            f"  {name:22} {build.seconds:8.2f} {build.seconds / floor:7.2f} "
            f"{build.seconds / clean:7.2f} {per_note:7.1f}ms {build.pages_written:6d} "
            f"{build.peak_mib:9.0f}{flag}"
        )
    j2 = figures.builds["clean -j2"].seconds / clean
    base_page = smallest.paper_page_kib["median"]
    print(
        f"  -j2/-j1 {j2:.2f}; -j2 output identical: {figures.parallel_identical}"
        + (
            f" (differs: {', '.join(figures.parallel_differences[:5])})"
            if figures.parallel_differences
            else ""
        )
    )
    print(
        f"  paper page: median {figures.paper_page_kib['median']:.1f} KiB "
        f"({figures.paper_page_kib['median'] / base_page:.2f} x the {smallest.notes}-note site), "
        f"max {figures.paper_page_kib['max']:.1f} KiB; largest page {figures.largest_page} "
        f"{figures.largest_page_kib:.0f} KiB; output {figures.output_mib:.1f} MiB"
    )
    print(f"  field change on both field pages: {figures.field_move_correct}")


def summary(results: list[SizeFigures]) -> dict[str, Any]:
    """The targets of issue 7, as ratios of this run's figures."""
    out: dict[str, Any] = {}
    smallest = results[0]
    for figures in results:
        b = figures.builds
        clean = b["clean -j1"].seconds
        out[str(figures.notes)] = {
            "clean/floor": b["clean -j1"].seconds / b["floor"].seconds,
            "j2/j1": b["clean -j2"].seconds / clean,
            "no change/clean": b["no change"].seconds / clean,
            "one note's text/clean": b["one note's text"].seconds / clean,
            "per note ms": clean / figures.notes * 1000,
            "paper page/smallest site's": figures.paper_page_kib["median"]
            / smallest.paper_page_kib["median"],
            "peak MiB": b["clean -j1"].peak_mib,
        }
    return out


BUILD_NAMES = {
    "floor": "下限（纯 MyST，basic 主题）",
    "stock furo": "原生 furo，无扩展",
    "clean -j1": "全新构建 -j 1",
    "clean -j2": "全新构建 -j 2",
    "no change": "无改动重建",
    "one note's text": "改一篇笔记的正文",
    "one note's field": "改一篇笔记的领域",
    "one refs.bib entry": "改 refs.bib 的一条",
}


def markdown_table(report: dict[str, Any]) -> str:
    """The figures as the site's performance page shows them: seconds, ratio to the floor."""
    sizes = report["sizes"]
    header = "| 构建 | " + " | ".join(f"{s['notes']:,} 篇" for s in sizes) + " |"
    lines = [header, "| --- |" + " ---: |" * len(sizes)]
    for name, label in BUILD_NAMES.items():
        cells = []
        for size in sizes:
            build = size["builds"].get(name)
            floor = size["builds"]["floor"]["seconds"]
            cells.append(
                f"{build['seconds']:.1f} s ({build['seconds'] / floor:.2f}×)" if build else "—"
            )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    rows = (
        ("论文页大小（中位数）", lambda s: f"{s['paper_page_kib']['median']:.1f} KiB"),
        ("最大页面", lambda s: f"{s['largest_page_kib']:.0f} KiB"),
        ("峰值内存（-j 1）", lambda s: f"{s['builds']['clean -j1']['peak_mib']:.0f} MiB"),
        ("-j 2 输出与 -j 1 相同", lambda s: "是" if s["parallel_identical"] else "否"),
    )
    for label, cell in rows:
        lines.append(f"| {label} | " + " | ".join(cell(s) for s in sizes) + " |")
    return "\n".join(lines) + "\n"


def _at(report: dict[str, Any], notes: int) -> dict[str, Any] | None:
    return next((s for s in report["sizes"] if s["notes"] == notes), None)


def _ratio(build: str, to: str) -> Callable[[dict[str, Any]], float]:
    return lambda s: s["builds"][build]["seconds"] / s["builds"][to]["seconds"]


def _per_note(s: dict[str, Any]) -> float:
    return s["builds"]["clean -j1"]["seconds"] / s["notes"]


#: Issue 7's targets: what, the requirement, the sizes compared, the figure, whether met.
TARGETS: tuple[
    tuple[str, str, tuple[int, ...], Callable[..., float], Callable[[float], bool]], ...
] = (
    ("2,000 篇全新构建 ÷ 下限", "≤ 1.5", (2000,), _ratio("clean -j1", "floor"),
     lambda v: v <= 1.5),
    ("2,000 篇 -j 2 ÷ -j 1", "≤ 0.75", (2000,), _ratio("clean -j2", "clean -j1"),
     lambda v: v <= 0.75),
    ("2,000 篇无改动重建 ÷ 全新构建", "< 0.05", (2000,), _ratio("no change", "clean -j1"),
     lambda v: v < 0.05),
    ("2,000 篇改一篇正文后重建 ÷ 全新构建", "< 0.10", (2000,),
     _ratio("one note's text", "clean -j1"), lambda v: v < 0.10),
    ("5,000 篇每篇耗时 ÷ 500 篇每篇耗时", "≤ 1.2", (5000, 500),
     lambda big, small: _per_note(big) / _per_note(small), lambda v: v <= 1.2),
    ("5,000 篇论文页 ÷ 52 篇论文页（中位数）", "≤ 1.2", (5000, 52),
     lambda big, small: big["paper_page_kib"]["median"] / small["paper_page_kib"]["median"],
     lambda v: v <= 1.2),
    ("5,000 篇最大页面（MiB）", "< 2", (5000,), lambda s: s["largest_page_kib"] / 1024,
     lambda v: v < 2),
    ("5,000 篇全新构建峰值内存（GiB）", "< 2", (5000,),
     lambda s: s["builds"]["clean -j1"]["peak_mib"] / 1024, lambda v: v < 2),
)  # fmt: skip


def targets_table(report: dict[str, Any]) -> str:
    """Each target of issue 7 this run has the sizes for: the figure, and whether it is met."""
    lines = ["| 目标 | 要求 | 本次测得 | 达到 |", "| --- | --- | ---: | --- |"]
    for what, required, sizes, measure, met in TARGETS:
        figures = [_at(report, notes) for notes in sizes]
        if any(f is None for f in figures):
            continue
        value = measure(*figures)
        lines.append(f"| {what} | {required} | {value:.3g} | {'是' if met(value) else '否'} |")
    for notes in (2000, 5000):
        figures = _at(report, notes)
        if figures is not None:
            same = bool(figures["parallel_identical"] and figures["field_move_correct"])
            answer = "是" if same else "否"
            lines.append(
                f"| {notes:,} 篇：-j 2 的输出与 -j 1 逐字节相同，改了领域的论文移到新领域的页面 "
                f"| 是 | {answer} | {answer} |"
            )
    if len(lines) == 2:
        return "这次运行没有目标所需的规模（52、500、2,000、5,000 篇）。\n"
    return "\n".join(lines) + "\n"


def plot(report: dict[str, Any], path: Path) -> None:
    """Seconds per note against the number of notes, for our site, the floor and stock furo."""
    import matplotlib

    matplotlib.use("svg")
    from matplotlib import pyplot

    matplotlib.rcParams["svg.hashsalt"] = "paper-notes"  # the same picture for the same figures
    figure, axes = pyplot.subplots(figsize=(6.4, 3.6))
    for name, label in (
        ("clean -j1", "this site (furo, paper_directive)"),
        ("floor", "floor (plain MyST, basic theme)"),
        ("stock furo", "stock furo, no extension"),
    ):
        points = [
            (s["notes"], s["builds"][name]["seconds"] / s["notes"] * 1000)
            for s in report["sizes"]
            if name in s["builds"]
        ]
        if points:
            axes.plot(*zip(*points, strict=True), marker="o", label=label)
    axes.set_xscale("log")
    axes.set_xlabel("notes")
    axes.set_ylabel("ms per note (clean build)")
    axes.grid(True, alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, metadata={"Date": None})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument(
        "--stock-max", type=int, default=500, help="largest size built with stock furo"
    )
    parser.add_argument(
        "--json", type=Path, default=Path("bench-results.json"), help="where to write the figures"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="clean builds (floor, stock, -j 1, -j 2) made this many times: the fastest counts",
    )
    parser.add_argument(
        "--work", type=Path, default=None, help="folder for the sites (default: a temporary one)"
    )
    parser.add_argument(
        "--report",
        type=Path,
        default=None,
        help="folder to write the performance page's tables (table.md, targets.md) "
        "and plot (per-note.svg) to",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="paper-bench-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results = run(sorted(args.sizes), args.stock_max, work, max(1, args.repeat))
    report = {
        "repeat": max(1, args.repeat),
        "sizes": [asdict(figures) for figures in results],
        "summary": summary(results),
        "python": sys.version.split()[0],
    }
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print("\nsummary (targets: clean/floor <= 1.5 at 2,000; j2/j1 <= 0.75; no change < 0.05; "
          "one note's text < 0.10; paper page <= 1.2)")  # fmt: skip
    for size, row in report["summary"].items():
        print(f"  {size:>6}: " + ", ".join(f"{k} {v:.2f}" for k, v in row.items()))
    print(f"\nfigures written to {args.json}")
    if args.report:
        args.report.mkdir(parents=True, exist_ok=True)
        (args.report / "table.md").write_text(markdown_table(report), encoding="utf-8")
        (args.report / "targets.md").write_text(targets_table(report), encoding="utf-8")
        plot(report, args.report / "per-note.svg")
        print(f"table and plot written to {args.report}")


if __name__ == "__main__":
    main()
