"""A spring graph laid out once, then drawn from fixed positions.

graphviz 2.43's ``sfdp`` with ``overlap=prism`` (the overlap removal the
field graphs need) is not deterministic: the same dot source, run twelve
times on one machine, gave one of two SVGs.  The layouts are the same to
five digits, but a node sitting on a rounding tie is written as 5296.01 in
one and 5296.02 in the other, so a clean rebuild (or a parallel one) could
write a picture that differs from the last.  Neither the clock, nor address
randomisation, nor the processor is the cause.

So a graph is laid out in two steps: ``sfdp`` computes the positions, read
back in graphviz's plain format (to about a tenth of a point, where every
run agrees), and the picture sphinx.ext.graphviz draws pins every node at
its position (``neato``, ``pin``, no overlap removal): the same SVG on every
run, PDF and PNG alike.  The positions are kept beside the doctrees under a
digest of the source: the spring layout (seconds for a field of a thousand
notes) runs again only when the graph changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

#: The folder, beside the doctrees, that keeps the layouts.
LAYOUTS = "paper-graph-layouts"

#: Points per inch: graphviz's plain format gives inches, ``pos`` takes points here.
_POINTS = 72


def spring_positions(
    source: str, command: str, arguments: list[str], doctreedir: str | Path
) -> dict[str, tuple[float, float]] | None:
    """Each node's position (points) in graphviz's layout of *source*, or ``None`` if it failed.

    On failure the caller draws *source* as it is, and sphinx.ext.graphviz
    says what went wrong.
    """
    digest = hashlib.sha256(repr((source, command, arguments)).encode()).hexdigest()[:24]
    kept = Path(doctreedir, LAYOUTS, f"{digest}.plain")
    if kept.is_file():
        return _positions(kept.read_text(encoding="utf-8"))
    try:
        done = subprocess.run(
            [command, *arguments, "-Tplain"],
            input=source.encode(),
            capture_output=True,
            timeout=600,
            check=False,
        )
    except OSError:
        return None
    if done.returncode != 0:
        return None
    plain = done.stdout.decode("utf-8", "replace")
    positions = _positions(plain)
    if positions:
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_name(f"{kept.name}.{os.getpid()}")
        partial.write_text(plain, encoding="utf-8")
        os.replace(partial, kept)  # a parallel writer of the same layout writes the same text
    return positions or None


def _positions(plain: str) -> dict[str, tuple[float, float]]:
    positions: dict[str, tuple[float, float]] = {}
    for line in plain.splitlines():
        if line.startswith("node "):
            _node, name, x, y, *_rest = line.split(maxsplit=4)
            positions[name] = (float(x) * _POINTS, float(y) * _POINTS)
    return positions


def pinned(name: str, position: tuple[float, float]) -> str:
    """A dot statement that fixes node *name* at *position* (points)."""
    x, y = position
    return f'  {name} [pos="{x:.2f},{y:.2f}!"];'
