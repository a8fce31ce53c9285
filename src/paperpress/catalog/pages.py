"""The catalog's HTML pages: the front page with the newest issues, and the back issues by year and month.

Every page is bounded whatever the archive's size: the front page shows FRONT_ISSUES issues and a line per
year; a year's page lists its issues, or, past YEAR_ISSUES, its months, each a page. So every issue is
three links from the front page at most (year, month, issue), and adding an issue changes the front page
and its own year's pages only. Made from the catalog's entries, never from an issue.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..names import ARCHIVE_FOLDER, CATALOG_NAME
from ..templates import Layouts

#: The newest issues the front page shows whole: two months of a weekly, two weeks of a daily.
FRONT_ISSUES = 10
#: Month names as the pages give them, whatever the machine's locale (the catalog is reproducible).
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
#: A year with more issues than this (a daily's) is listed by month, so no page grows past about 100 KB.
YEAR_ISSUES = 60


def shelves(entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The archive's pages by year, newest first; a large year's `parts` are its months' pages, newest first.

    Each shelf: `href` (from dist/), `title`, `count`, `entries` (newest first; none for a split year) and
    `parts`. Each entry gets `page`, the archive page that lists it, for the feeds' links.
    """
    years: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        years.setdefault(entry["date"][:4], []).append(entry)
    found = []
    for year in sorted(years, reverse=True):
        listed = years[year]
        shelf = _shelf(year, year, listed)
        if len(listed) > YEAR_ISSUES:
            months: dict[str, list[dict[str, Any]]] = {}
            for entry in listed:
                months.setdefault(entry["date"][:7], []).append(entry)
            shelf["parts"] = [
                _shelf(month, f"{_MONTHS[int(month[5:7]) - 1]} {year}", months[month])
                for month in sorted(months, reverse=True)
            ]
            shelf["entries"] = []
        found.append(shelf)
    return found


def page_bytes(
    entries: Sequence[dict[str, Any]], found: list[dict[str, Any]], context: dict[str, Any], layouts: Layouts
) -> dict[str, bytes]:
    """index.html and every archive page, by path in dist/."""
    pages = {
        CATALOG_NAME: layouts.render("html", "catalog/index.html", dict(
            context, latest=entries[:FRONT_ISSUES], shelves=found, total=len(entries)
        )).encode()
    }
    for i, shelf in enumerate(found):
        near = {"newer": found[i - 1] if i else None, "older": found[i + 1] if i + 1 < len(found) else None}
        pages[shelf["href"]] = _render(layouts, context, shelf, up=None, **near)
        parts = shelf["parts"]
        for j, part in enumerate(parts):
            pages[part["href"]] = _render(
                layouts, context, part, up=shelf,
                newer=parts[j - 1] if j else None, older=parts[j + 1] if j + 1 < len(parts) else None,
            )
    return pages


def _shelf(key: str, title: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    href = f"{ARCHIVE_FOLDER}/{key}.html"
    for entry in entries:
        entry["page"] = href
    return {"href": href, "title": title, "count": len(entries), "entries": entries, "parts": []}


def _render(layouts: Layouts, context: dict[str, Any], shelf: dict[str, Any], **near: Any) -> bytes:
    return layouts.render("html", "catalog/archive.html", dict(context, shelf=shelf, folder=ARCHIVE_FOLDER, **near)).encode()
