"""The field graphs: laid out once by graphviz's spring layout, drawn from fixed positions.

graphviz 2.43's overlap removal gives one of two SVGs for the same source;
drawing from the positions it computed, read back at a precision every run
agrees on, gives one.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from paper_directive.graph_layout import LAYOUTS

pytestmark = pytest.mark.skipif(
    subprocess.run(["which", "dot"], capture_output=True).returncode != 0,
    reason="graphviz's dot is not installed (apt-get install graphviz)",
)


def field_graph_code(app) -> str:
    """The dot source of the Base Model field's graph, as sphinx.ext.graphviz drew it."""
    from sphinx.ext.graphviz import graphviz

    doctree = app.env.get_and_resolve_doctree(
        "browse/fields/base-model", app.builder, tags=app.tags
    )
    (picture,) = [n for n in doctree.findall(graphviz) if "paper-graph" in n["classes"]]
    return str(picture["code"])


def test_every_node_of_a_field_graph_is_pinned_where_the_spring_layout_put_it(project):
    app = project("basic").build("html")
    code = field_graph_code(app)
    assert "layout=neato" in code and "overlap=true" in code
    assert "sfdp" not in code and "prism" not in code
    nodes = set(re.findall(r"^  (n\d+) \[label=", code, re.M))
    pinned = set(re.findall(r'^  (n\d+) \[pos="-?[\d.]+,-?[\d.]+!"\];', code, re.M))
    assert len(nodes) >= 2 and pinned == nodes


def test_graphviz_draws_each_node_where_it_is_pinned(project):
    app = project("basic").build("html")
    code = field_graph_code(app)
    pins = {
        name: (float(x), float(y))
        for name, x, y in re.findall(r'^  (n\d+) \[pos="(-?[\d.]+),(-?[\d.]+)!"\];', code, re.M)
    }
    svg = subprocess.run(
        ["dot", "-Tsvg"], input=code.encode(), capture_output=True, check=True
    ).stdout.decode()
    drawn = {
        name: (float(x), -float(y))  # SVG's y grows downwards
        for name, x, y in re.findall(
            r"<title>(n\d+)</title>.*?<text [^>]*x=\"(-?[\d.]+)\" y=\"(-?[\d.]+)\"", svg, re.S
        )
    }
    assert set(drawn) == set(pins)
    # the same picture up to a shift: every node keeps its place relative to the first
    first = min(pins)
    for name in pins:
        for axis in (0, 1):
            expected = pins[name][axis] - pins[first][axis]
            assert abs((drawn[name][axis] - drawn[first][axis]) - expected) < 0.5


def test_the_spring_layout_runs_again_only_when_the_graph_changed(project):
    basic = project("basic")
    basic.build("html")
    layouts = Path(basic.builddir, "doctrees", LAYOUTS)
    (kept,) = layouts.glob("*.plain")
    stamp = kept.stat().st_mtime_ns
    basic.build("html", fresh=True)  # every page read and written again
    assert [p.name for p in layouts.glob("*.plain")] == [kept.name]
    assert kept.stat().st_mtime_ns == stamp
    # a link from a Base Model note to a Video note: that field's graph
    # changes, the Video field gets one; both are laid out, the old one is kept
    acnet = basic.read("papers/acnet.md")
    basic.write(
        "papers/acnet.md",
        acnet.replace(":key: ding2019acnet", ":key: ding2019acnet\n:related: teed2020raft"),
    )
    basic.build("html")
    assert len(list(layouts.glob("*.plain"))) == 3
    assert kept.stat().st_mtime_ns == stamp
