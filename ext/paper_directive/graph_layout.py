"""Where each note of a field graph is drawn: the same place on every run.

graphviz 2.43's ``sfdp`` lays a field of a thousand notes out in a second,
but its overlap removal (``overlap=prism``) is not deterministic: the same
dot source, run twenty-five times on one machine, gave one of two SVGs for
the benchmark's field graphs of 483 nodes and more, so a clean rebuild, or a
parallel one, could write a picture that differs from the last.  The cause
is memory addresses: with address randomisation off (``setarch -R``) and
without pango's font thread (graphviz's core plugins only) twenty runs
agreed, with only one of the two they did not; neither the clock, nor the
process id, nor the random seed plays a part.  The other removals are no
way out either: ``scale`` draws the picture four times larger, ``voronoi``
takes half a minute, ``vpsc`` varies as well, and the orthogonal ones
stretch it into a column.

``sfdp`` without overlap removal is deterministic (every run agreed).  So a
graph is laid out in three steps:

1. ``sfdp`` places the nodes, overlapping, and says how large each is
   (graphviz's plain format);
2. :func:`grid_positions` gives each node a place on a grid, near where
   the spring layout put it: pure Python over numbers graphviz printed, so the
   same on every run, and no two nodes overlap by construction;
3. the picture sphinx.ext.graphviz draws pins every node to its place
   (``neato`` with ``pos="x,y!"``, nothing moved), SVG, PDF and PNG alike.
"""

from __future__ import annotations

import math
import subprocess
from collections.abc import Mapping
from typing import NamedTuple


class Box(NamedTuple):
    """A node as the spring layout placed it, in points."""

    x: float
    y: float
    width: float
    height: float


#: Points per inch: graphviz's plain format gives inches, ``pos`` takes points here.
_POINTS = 72

#: The graph attributes of the spring layout, and of the picture drawn from it.
SPRING = "layout=sfdp; overlap=true;"
PINNED = "layout=neato; inputscale=72; overlap=true;"


def drawn_in_place(spring: str, command: str, arguments: list[str]) -> str:
    """The dot source of the picture of *spring*: every node pinned where the grid put it.

    *spring* is a graph with the attributes :data:`SPRING`.  If graphviz
    cannot lay it out, it is returned as it is, for sphinx.ext.graphviz to
    draw and to say what went wrong, in its own words.
    """
    boxes = spring_boxes(spring, command, arguments)
    if boxes is None:
        return spring
    places = grid_positions(boxes)
    head, _brace, _tail = spring.rpartition("}")
    pins = [pinned(name, places[name]) for name in boxes]
    return "\n".join([head.replace(SPRING, PINNED, 1).rstrip(), *pins, "}"])


def spring_boxes(source: str, command: str, arguments: list[str]) -> dict[str, Box] | None:
    """Each node of *source* where graphviz's layout put it, or ``None`` if graphviz failed."""
    try:
        done = subprocess.run(
            [command, *arguments, "-Tplain"],
            input=source.encode(),
            capture_output=True,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    boxes: dict[str, Box] = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("node "):
            _node, name, x, y, width, height, *_rest = line.split(maxsplit=6)
            boxes[name] = Box(*(float(v) * _POINTS for v in (x, y, width, height)))
    return boxes or None


def grid_positions(
    boxes: Mapping[str, Box],
    room: float = 1.6,
    aspect: float = 1.5,
    gap: tuple[float, float] = (8.0, 24.0),
    step: float = 18.0,
) -> dict[str, tuple[float, float]]:
    """A place on a grid for every node, near its place in the spring layout; no overlaps.

    The grid's rows are as high as the highest node plus the vertical *gap*
    (points), its columns *step* points wide; a node takes as many columns,
    side by side, as its width and the horizontal *gap* need.  So no two
    nodes overlap, short ones take less room than long ones, and nodes do
    not line up in columns, where a line between two of them would run
    through a third.

    Each node's place is first given by its rank along x and along y: the
    spring layout's order is kept, its empty stretches (between the
    clusters, around an isolated pair) are not, and the grid has *room*
    times the cells its nodes take, *aspect* times wider than high.  Then, in
    the order the graph names them, each node takes the free span of columns
    nearest its place; ties go to the lower, then the left one.
    """
    if not boxes:
        return {}
    pitch = max(b.height for b in boxes.values()) + gap[1]
    spans = {name: max(1, math.ceil((b.width + gap[0]) / step)) for name, b in boxes.items()}
    count = len(boxes)
    area = room * sum(spans.values())
    columns = math.sqrt(area * aspect * pitch / step)
    rows = area / columns
    rank_x = {n: r for r, n in enumerate(sorted(boxes, key=lambda n: (boxes[n].x, n)))}
    rank_y = {n: r for r, n in enumerate(sorted(boxes, key=lambda n: (boxes[n].y, n)))}
    taken: set[tuple[int, int]] = set()
    places: dict[str, tuple[float, float]] = {}
    for name in boxes:
        span = spans[name]
        # where the node's centre would be, in columns and rows
        x = (rank_x[name] + 0.5) / count * columns
        y = (rank_y[name] + 0.5) / count * rows
        home = (round(x - span / 2), round(y))
        best: tuple[float, int, int] | None = None
        ring = 0
        # a place on ring r is at least r - 1 steps away: stop once none can be nearer
        while best is None or ((ring - 1) * step) ** 2 <= best[0]:
            for left, line in _ring(home, ring):
                if any((left + i, line) in taken for i in range(span)):
                    continue
                centre = left + span / 2
                key = (((centre - x) * step) ** 2 + ((line - y) * pitch) ** 2, line, left)
                if best is None or key < best:
                    best = key
            ring += 1
        _distance, line, left = best
        taken.update((left + i, line) for i in range(span))
        places[name] = ((left + span / 2) * step, line * pitch)
    return places


def _ring(home: tuple[int, int], ring: int) -> list[tuple[int, int]]:
    """The cells at Chebyshev distance *ring* from *home*."""
    cx, cy = home
    if ring == 0:
        return [home]
    cells = [(gx, gy) for gx in (cx - ring, cx + ring) for gy in range(cy - ring, cy + ring + 1)]
    cells += [(gx, gy) for gy in (cy - ring, cy + ring) for gx in range(cx - ring + 1, cx + ring)]
    return cells


def pinned(name: str, position: tuple[float, float]) -> str:
    """A dot statement that fixes node *name* at *position* (points)."""
    x, y = position
    return f'  {name} [pos="{x:.2f},{y:.2f}!"];'
