"""The page numbers of the front page's contents box, written into the one layout of the issue.

With `target-counter()`, WeasyPrint lays the contents' page out again once the pages of its targets are
known, and again once they are known twice: three layouts of the front page, 0.6 s of the 40-article
issue's 6.6 s. The style sheet sets a placeholder as wide as any page number instead (`PLACEHOLDER`, after
each title, kept to its last word), and the numbers are written over it once the issue is laid out, from
the pages that hold the articles' anchors. A shorter number leaves the rest of the placeholder's width
white after it, at the end of its line. Works on WeasyPrint's laid-out boxes, so it is imported only by the
PDF edition, after WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .boxes import body_level, children, has_class

#: The class of the contents box, a child of the body.
CONTENTS_CLASS = "contents"
#: The class of a contents entry's link, whose `::after` box holds the placeholder.
LINK_CLASS = "contents-link"
#: What a page number is laid out as: three figures. A fourth, on page 1000 or later, reaches a figure's
#: width into the gap beside its column.
PLACEHOLDER = "000"


def number_contents(document: Any) -> int:
    """Writes the page of each contents link's target over its placeholder; returns how many it wrote.

    A link whose target is on no page keeps its placeholder (the build's checks would not let that be).
    """
    from . import engine

    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    written = 0
    for page in document.pages:
        for box in (found for contents in body_level(engine.page_box(page), CONTENTS_CLASS) for found in _placeholders(contents)):
            target = pages.get((engine.attribute(box, "href") or "").removeprefix("#"))
            for text in children(box):
                if target is not None and PLACEHOLDER in engine.text_of(text):
                    engine.rewrite_text(text, engine.text_of(text).replace(PLACEHOLDER, str(target)))
                    written += 1
    return written


def _placeholders(box: Any) -> Iterator[Any]:
    """The `::after` boxes of the contents links under `box`."""
    from .engine import is_pseudo

    for child in children(box):
        if is_pseudo(child, "after") and has_class(child, LINK_CLASS):
            yield child
        else:
            yield from _placeholders(child)
