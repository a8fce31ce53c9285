"""Reading WeasyPrint's laid-out boxes, for the steps that work on the one layout of the issue.

House panels (panels.py) and the contents' page numbers (contents_pages.py) find their boxes the same
way: by the class of the element a box was made for, among the body's children on a page. Imported only by
the PDF edition, after WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def children(box: Any) -> tuple[Any, ...] | list[Any]:
    """A box's children; none for a text box."""
    return getattr(box, "children", ())


def has_class(box: Any, name: str) -> bool:
    """Whether the box was made for an element of class `name` (an anonymous box is made for none)."""
    return box.element is not None and name in (box.element.get("class") or "").split()


def body_level(page_box: Any, name: str) -> Iterator[Any]:
    """The boxes on a page that are the body's children of class `name`: only those are read."""
    for html in children(page_box):
        for body in children(html):
            for child in children(body):
                if has_class(child, name):
                    yield child
