"""Reading WeasyPrint's laid-out boxes, for the steps that work on the one layout of the issue.

House panels (panels.py) and the contents' page numbers (contents_pages.py) find their boxes the same
way: by the class of the element a box was made for, among the body's children on a page. The boxes
themselves are read through engine.py, imported when these run: only by the PDF edition, after
WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any


def children(box: Any) -> Sequence[Any]:
    """A box's children; none for a text box."""
    from . import engine

    return engine.children(box)


def has_class(box: Any, name: str) -> bool:
    """Whether the box was made for an element of class `name` (an anonymous box is made for none)."""
    from .engine import attribute

    return name in (attribute(box, "class") or "").split()


def body_level(page_box: Any, name: str) -> Iterator[Any]:
    """The boxes on a page that are the body's children of class `name`: only those are read."""
    for html in children(page_box):
        for body in children(html):
            for child in children(body):
                if has_class(child, name):
                    yield child
