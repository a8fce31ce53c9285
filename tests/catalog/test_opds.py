"""The OPDS catalog as e-reader apps walk it: a navigation root, acquisition pages by year, RFC 5005 paging."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from lxml import etree, html

from paperpress.catalog.opds import ACQUISITION, NAVIGATION, PAGE_ENTRIES, feed_id
from tests.fakes import fabricate_archive
from tests.support import shared_unless_mutating

ATOM = "{http://www.w3.org/2005/Atom}"
#: 120 issues five days apart: 73 in 2024 (two pages), 47 in 2025 (one).
ISSUES = 120


@pytest.fixture(scope=shared_unless_mutating)
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return fabricate_archive(tmp_path_factory.mktemp("opds") / "pub", monkeypatch, ISSUES) / "dist"


def _link(entry_or_feed: feedparser.FeedParserDict, rel: str) -> str | None:
    return next((link.href for link in entry_or_feed.get("links", []) if link.rel == rel), None)


def _feed(dist: Path, href: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((dist / href).read_bytes())
    assert not parsed.bozo, (href, parsed.bozo_exception)
    return parsed


def test_the_root_is_a_navigation_feed_to_every_issue_and_each_year(dist: Path) -> None:
    root = _feed(dist, "opds.xml")
    assert _link(root.feed, "self") == "opds.xml"
    assert [link.type for link in root.feed.links if link.rel in ("self", "start")] == [NAVIGATION] * 2
    assert [(e.title, e.links[0].rel, e.links[0].href, e.links[0].type) for e in root.entries] == [
        ("Every issue, newest first", "http://opds-spec.org/sort/new", "opds/2025.xml", ACQUISITION),
        ("2025", "subsection", "opds/2025.xml", ACQUISITION),
        ("2024", "subsection", "opds/2024.xml", ACQUISITION),
    ]
    assert [e.content[0].value for e in root.entries] == ["120 issues", "47 issues", "73 issues"]


def test_following_next_from_the_root_reaches_every_issue_once(dist: Path) -> None:
    """What an app does: open the root, take every issue, follow `next` to the end; then `previous` back."""
    root = _feed(dist, "opds.xml")
    href: str | None = urljoin("opds.xml", root.entries[0].links[0].href)
    seen, pages = [], []
    while href is not None:
        page = _feed(dist, href)
        assert len(page.entries) <= PAGE_ENTRIES
        assert urljoin(href, _link(page.feed, "first") or "") == "opds/2025.xml"
        assert urljoin(href, _link(page.feed, "last") or "") == "opds/2024-2.xml"
        for entry in page.entries:
            acquisition = [link.href for link in entry.links if link.rel == "http://opds-spec.org/acquisition"]
            assert acquisition and all((dist / urljoin(href, a)).is_file() for a in acquisition)
            seen.append(entry.title.split(":")[0])
        pages.append(href)
        assert len(pages) <= 3, pages  # a `next` back to a page already read would never end
        following = _link(page.feed, "next")
        href = urljoin(href, following) if following else None
    assert pages == ["opds/2025.xml", "opds/2024.xml", "opds/2024-2.xml"]
    assert seen == [f"Issue {n}" for n in range(ISSUES, 0, -1)]  # each once, newest first
    back, href = [], pages[-1]
    while href:
        back.append(href)
        assert len(back) <= len(pages), back  # nor would a `previous` back to one
        previous = _link(_feed(dist, href).feed, "previous")
        href = urljoin(href, previous) if previous else None
    assert back == pages[::-1]


def test_every_entry_links_its_place_in_the_catalog_pages(dist: Path) -> None:
    root = etree.parse(str(dist / "opds/2024-2.xml")).getroot()
    alternates = [e.find(f"{ATOM}link[@rel='alternate']").get("href") for e in root.iter(f"{ATOM}entry")]
    assert alternates[-1] == "../archive/2024-01.html#issue-1"
    for href in alternates:
        page, anchor = href.split("#")
        assert html.parse(str(dist / "opds" / page)).getroot().xpath(f"//article[@id='{anchor}']"), href


def test_each_feed_has_its_own_lasting_id_its_newest_entry_s_time_and_a_link_to_the_catalog_pages(dist: Path) -> None:
    root = _feed(dist, "opds.xml")
    assert _link(root.feed, "alternate") == "index.html"
    pages = {href: _feed(dist, href) for href in ("opds/2025.xml", "opds/2024.xml", "opds/2024-2.xml")}
    ids = [page.feed.id for page in pages.values()]
    assert len(set(ids)) == 3 and all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", i) for i in ids), ids
    for href, page in pages.items():
        assert page.feed.updated == max(entry.updated for entry in page.entries)
        assert page.feed.id == feed_id(root.feed.id, href)  # the publication's (the root's id) and the page's
    assert feed_id("urn:uuid:another-publication", "opds/2024.xml") not in ids
