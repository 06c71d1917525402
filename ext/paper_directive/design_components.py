"""sphinx-design's HTML transforms run only on the pages that hold their components.

sphinx-design gives its tab sets, dropdowns and asides their HTML form in three
post-transforms.  Each walks every node of every page, calling a Python
function on each to ask whether it is the component it transforms: three walks
of every page, though a paper page holds one tab set (its cite block) and no
dropdown or aside, and the generated index pages hold none at all.  At 2,000
notes that was 1.2 s of the build, all of it in the main process of a parallel
build, which resolves every page alone (``-j 2`` waits on it).

Here one walk per page, at the priority just before sphinx-design's, notes
which components the page holds; each of the three transforms then runs as
before on a page that holds its component and is skipped on one that does
not.  The walk is made after every transform that could add a component
(this extension's header adds the cite tabs at priority 7), on the tree that
is about to be written, so it is right for any builder: also for the single
page one, whose tree holds every page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: sphinx-design's transforms by class name, with the component each transforms.
TRANSFORMED_COMPONENT = {
    "TabSetHtmlTransform": "tab-set",
    "DropdownHtmlTransform": "dropdown",
    "AsideHtmlTransform": "aside",
}

_components: WeakKeyDictionary[nodes.document, frozenset[str]] = WeakKeyDictionary()


def design_components(tree: nodes.Node) -> frozenset[str]:
    """The names of the sphinx-design components in *tree*.

    A loop over a stack, not ``findall``: docutils' generators cost more than
    the question asked of each node.
    """
    found: set[str] = set()
    stack: list[nodes.Node] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, nodes.Element):
            name = node.attributes.get("design_component")
            if name is not None:
                found.add(str(name))
            stack.extend(node.children)
    return frozenset(found)


class NoteDesignComponents(SphinxPostTransform):
    """Note which sphinx-design components the page holds, for the transforms below."""

    # after every transform that adds content, just before sphinx-design's (199, 200)
    default_priority = 198
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        _components[self.document] = design_components(self.document)


def holds(document: nodes.document, component: str) -> bool:
    """Whether the page holds *component*; a page not walked above is taken to."""
    found = _components.get(document)
    return found is None or component in found


def only_where_held(
    transform: type[SphinxPostTransform], component: str
) -> type[SphinxPostTransform]:
    """*transform*, skipped on a page that does not hold *component*."""

    def run(self: SphinxPostTransform, **kwargs: Any) -> None:
        if holds(self.document, component):
            transform.run(self, **kwargs)

    return type(transform.__name__, (transform,), {"run": run, "__doc__": transform.__doc__})


def skip_pages_without_components(app: Sphinx) -> None:
    """``builder-inited``: every extension has registered its transforms by now."""
    registered = app.registry.post_transforms
    for index, transform in enumerate(registered):
        component = TRANSFORMED_COMPONENT.get(transform.__name__)
        if (
            component is not None
            and transform.__module__.startswith("sphinx_design.")
            and issubclass(transform, SphinxPostTransform)
        ):
            registered[index] = only_where_held(transform, component)


def register(app: Sphinx) -> None:
    app.add_post_transform(NoteDesignComponents)
    app.connect("builder-inited", skip_pages_without_components)
