"""House panels closing the gap a section leaves on its last page, placed in the one layout of the issue.

The issue is laid out once with a panel per section on pages after it (the template's `.panel-store`). Where
a section's end mark leaves room for its panel, the panel's laid-out boxes are moved there and grown to the
page's foot; the store's pages are then dropped. Nothing else on any page moves, and no second layout is
needed (one cost as much as WeasyPrint's whole render). Works on WeasyPrint's laid-out boxes, so it is
imported only by the PDF edition, after WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .boxes import body_level, children, has_class

#: The class of the block after the last section that holds the panels, and of each panel.
STORE_CLASS = "panel-store"
PANEL_CLASS = "house-panel"


def place_panels(document: Any, sections: Iterable[str]) -> list[str]:
    """Moves each section's panel into the gap on its last page where it fits whole, drops the store's pages.

    `sections` are the sections' ids, in order; returns those that got a panel. A panel keeps its margins free above and below it (from
    the style sheet), and one whose lines need more room than the gap is left out: the gap stays white, as
    does a gap on the page after one that has a panel (the same notice twice running). Where the next
    section runs on under a section (print.css), there is no gap and no panel.
    """
    from . import engine

    pages = document.pages
    first = next((n for n, page in enumerate(pages) if _has_store(engine.page_box(page))), None)
    if first is None:
        return []
    panels = {engine.attribute(box, "data-section"): box for page in pages[first:] for box in _panels(engine.page_box(page))}
    del pages[first:]
    placed = []
    last = -2  # the page the last panel went on
    order = list(sections)
    for section, after in zip(order, [*order[1:], None], strict=True):
        panel = panels.get(section)
        mark = f"{section}-end"
        number = next((n for n, page in enumerate(pages) if mark in page.anchors), None)
        if number is None:
            continue
        page_box = engine.page_box(pages[number])
        if after is not None and _starts_on(page_box, after):
            continue  # the next section runs on under this one: no gap
        if number == last + 1:
            continue  # the same panel on facing pages reads as a mistake: this gap stays white
        found = _find(page_box, mark)
        if panel is None or found is None:
            continue
        end, parent = found
        above, below = (engine.margin(panel, side) for side in ("top", "bottom"))
        x, y, _, _ = engine.border_box(end)
        engine.move(panel, x, y + above)
        _, top, _, height = engine.border_box(panel)
        room = engine.content_foot(page_box) - below - (top + height)
        if room < 0:
            continue  # the panel's lines do not fit under the section
        engine.grow(panel, room)
        engine.place_after(page_box, parent, end, panel)  # its tint, laid out on the store's page, follows it
        placed.append(section)
        last = number
    return placed


#: The class of a section's title, which shows where the section starts.
TITLE_CLASS = "section-title"


def _starts_on(page_box: Any, section: str) -> bool:
    """Whether the section's title is on the page: the block holding room for it (print.css) may be there
    while the section itself starts on the next page."""
    found = _find(page_box, section)
    return found is not None and any(has_class(child, TITLE_CLASS) for child in children(found[0]))


def _has_store(page_box: Any) -> bool:
    """Whether a page holds the store, a child of the body."""
    return any(True for _ in body_level(page_box, STORE_CLASS))


def _panels(box: Any) -> Iterator[Any]:
    """The panels' own boxes under `box` (not the anonymous boxes inside them, which share their element)."""
    for child in children(box):
        if has_class(child, PANEL_CLASS):
            yield child
        else:
            yield from _panels(child)


def _find(box: Any, anchor: str) -> tuple[Any, Any] | None:
    """The first box under `box` of the element with that id, and its parent box."""
    from .engine import attribute

    for child in children(box):
        if attribute(child, "id") == anchor:
            return child, box
        found = _find(child, anchor)
        if found is not None:
            return found
    return None

