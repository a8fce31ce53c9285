"""dist/opds.xml and dist/opds/: the OPDS 1.2 catalog, a navigation feed over acquisition feeds by year.

The root is a navigation feed: one entry for every issue, newest first, and one per year. The acquisition
feeds are the pages of one list of every issue, newest first, cut by year and within a year every
PAGE_ENTRIES issues (`opds/2026.xml`, `opds/2026-2.xml`), linked by RFC 5005 paging (`first`, `previous`,
`next`, `last`): a reader that follows `next` from the first page sees each issue once, and adding an issue
rewrites its own year's pages only (and, once a year, the pages' `first` link). Made from the catalog's entries.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from ..names import CATALOG_NAME, OPDS_FOLDER, OPDS_NAME
from ..templates import Layouts

#: The most entries an acquisition page holds (the issue's bound; e-reader apps fetch a page at once).
PAGE_ENTRIES = 50
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"


def opds_bytes(entries: Sequence[dict[str, Any]], context: dict[str, Any], layouts: Layouts) -> dict[str, bytes]:
    """The navigation feed and every acquisition page, by path in dist/ (`entries` newest first)."""
    pages = _pages(entries)
    identifier = context["publication"]["identifier"]
    years: dict[str, dict[str, Any]] = {}
    for page in pages:
        years.setdefault(page["year"], dict(page, count=0))["count"] += len(page["entries"])
    shared = dict(context, navigation=NAVIGATION, acquisition_type=ACQUISITION, opds=OPDS_NAME, catalog=CATALOG_NAME)
    files = {
        OPDS_NAME: layouts.render("html", "catalog/opds.xml", dict(
            shared, first=pages[0] if pages else None, years=list(years.values()), total=len(entries),
        )).encode()
    }
    for i, page in enumerate(pages):
        paging = {
            "first": pages[0], "last": pages[-1],
            "previous": pages[i - 1] if i else None, "next": pages[i + 1] if i + 1 < len(pages) else None,
        }
        files[page["href"]] = layouts.render("html", "catalog/opds-page.xml", dict(
            shared, page=page, paging=paging, feed_id=feed_id(identifier, page["href"]),
            updated=max(e["updated"] for e in page["entries"]),
        )).encode()
    return files


def _pages(entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every issue, newest first, in pages of one year and PAGE_ENTRIES issues at most."""
    years: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        years.setdefault(entry["date"][:4], []).append(entry)
    pages = []
    for year in sorted(years, reverse=True):
        listed = years[year]
        for n, start in enumerate(range(0, len(listed), PAGE_ENTRIES), start=1):
            name = year if n == 1 else f"{year}-{n}"
            pages.append({"href": f"{OPDS_FOLDER}/{name}.xml", "name": name, "year": year,
                          "entries": listed[start:start + PAGE_ENTRIES]})
    return pages


def feed_id(identifier: str, href: str) -> str:
    """An acquisition page's lasting id: the publication's and the page's, so no two publications share one."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{identifier}#{href}"))
