"""The catalog's pages at an archive's size: bounded, linked to each other, every issue three links away."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from paperpress.catalog.index import write_catalog
from paperpress.catalog.pages import FRONT_ISSUES, YEAR_ISSUES, shelves
from paperpress.output.state import STATE_NAME
from paperpress.run.issue import open_publication
from tests.checkers import axe_violations, html_errors, overflow
from tests.fakes import add_fabricated_issue, fabricate_archive
from tests.support import shared_unless_mutating

#: 120 issues five days apart: 2024 holds 73 (more than YEAR_ISSUES, so by month), 2025 the other 47.
ISSUES = 120


@pytest.fixture(scope=shared_unless_mutating)
def pub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return fabricate_archive(tmp_path_factory.mktemp("pages") / "pub", monkeypatch, ISSUES)


def _links(page: Path) -> list[str]:
    return [a.get("href") for a in html.parse(str(page)).getroot().iter("a") if a.get("href")]


def crawl(dist: Path, clicks: int) -> dict[str, int]:
    """Each issue folder a reader reaches from the front page, with the fewest links followed to get there."""
    reached: dict[str, int] = {}
    seen = {"index.html"}
    frontier = ["index.html"]
    for depth in range(1, clicks + 1):
        following = []
        for page in frontier:
            for href in _links(dist / page):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("#")[0]))
                top = target.split("/")[0]
                if top.startswith("issue-"):
                    reached.setdefault(top, depth)
                elif target.endswith(".html") and target not in seen and (dist / target).is_file():
                    seen.add(target)
                    following.append(target)
        frontier = following
    return reached


def test_every_issue_is_within_three_links_of_the_front_page(pub: Path) -> None:
    reached = crawl(pub / "dist", 3)
    assert sorted(reached) == sorted(f"issue-{n}" for n in range(1, ISSUES + 1))
    assert max(reached.values()) == 3  # a month of a large year: front page → 2024 → January 2024 → the issue
    assert len(crawl(pub / "dist", 2)) < ISSUES  # so the crawl does stop at its depth


def test_every_page_is_bounded_and_a_large_year_is_split_by_month(pub: Path) -> None:
    dist = pub / "dist"
    front = html.parse(str(dist / "index.html")).getroot()
    assert front.find_class("feeds")[0].text_content().startswith(f"{ISSUES} issues ·")
    assert [a.get("id") for a in front.iter("article")] == [f"issue-{n}" for n in range(ISSUES, ISSUES - FRONT_ISSUES, -1)]
    assert [a.get("href") for a in front.find_class("years")[0].iter("a")] == ["archive/2025.html", "archive/2024.html"]
    year = html.parse(str(dist / "archive/2024.html")).getroot()
    assert list(year.iter("article")) == []  # 73 issues: the year lists its months instead
    months = [a.get("href") for a in year.find_class("years")[0].iter("a")]
    assert months == [f"2024-{m:02d}.html" for m in range(12, 0, -1)]
    march = html.parse(str(dist / "archive/2024-03.html")).getroot()
    assert march.findtext(".//h1") == "Back issues: March 2024"
    listed = [a.get("id") for m in months for a in html.parse(str(dist / "archive" / m)).getroot().iter("article")]
    assert len(listed) == len(set(listed)) == 73
    pages = [dist / "index.html", *sorted((dist / "archive").glob("*.html"))]
    for page in pages:
        assert len(html.parse(str(page)).getroot().findall(".//article")) <= max(FRONT_ISSUES, YEAR_ISSUES), page
        assert "<script" not in page.read_text()


def test_the_archive_pages_link_each_other(pub: Path) -> None:
    dist = pub / "dist"
    pager = {a.get("rel"): a.get("href") for a in html.parse(str(dist / "archive/2024-03.html")).getroot().iter("a")
             if a.get("rel")}
    assert pager == {"up": "2024.html", "prev": "2024-04.html", "next": "2024-02.html"}
    def pager(name: str) -> dict[str, str]:
        return {a.get("rel"): a.get("href") for a in html.parse(str(dist / "archive" / name)).getroot().iter("a")
                if a.get("rel")}

    assert pager("2025.html") == {"next": "2024.html"}
    assert pager("2024.html") == {"prev": "2025.html"}  # a year split by month is under no other page
    assert pager("2024-12.html") == {"up": "2024.html", "next": "2024-11.html"}  # its newest month
    assert pager("2024-02.html") == {"up": "2024.html", "prev": "2024-03.html", "next": "2024-01.html"}
    assert pager("2024-01.html") == {"up": "2024.html", "prev": "2024-02.html"}  # its oldest
    for page in (dist / "archive").glob("*.html"):
        for href in _links(page):
            assert (page.parent / href.split("#")[0]).exists(), (page.name, href)


def test_a_year_of_year_issues_is_one_page_and_one_more_lists_it_by_month() -> None:
    def issues(year: int, count: int) -> list[dict[str, Any]]:
        return [{"date": f"{year}-{n % 12 + 1:02d}-{n // 12 + 1:02d}"} for n in range(count)]

    found = shelves(issues(2023, YEAR_ISSUES) + issues(2024, YEAR_ISSUES + 1))
    assert [shelf["title"] for shelf in found] == ["2024", "2023"]  # newest first
    split, whole = found
    assert (whole["href"], whole["count"], len(whole["entries"]), whole["parts"]) == ("archive/2023.html", 60, 60, [])
    assert {entry["page"] for entry in whole["entries"]} == {"archive/2023.html"}
    assert (split["count"], split["entries"]) == (YEAR_ISSUES + 1, [])
    assert [part["title"] for part in split["parts"]] == [f"{month} 2024" for month in (
        "December", "November", "October", "September", "August", "July", "June", "May", "April", "March",
        "February", "January")]
    assert [part["href"] for part in split["parts"]][:2] == ["archive/2024-12.html", "archive/2024-11.html"]
    for part in split["parts"]:
        assert {entry["page"] for entry in part["entries"]} == {part["href"]}
        assert part["count"] == len(part["entries"]) and all(e["date"][:7] == part["href"][8:15] for e in part["entries"])
    assert sum(part["count"] for part in split["parts"]) == YEAR_ISSUES + 1


def test_a_middle_year_links_the_years_on_either_side(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pub = fabricate_archive(tmp_path / "pub", monkeypatch, 3, days=400)  # 2024, 2025 and 2026
    pager = {a.get("rel"): a.get("href") for a in html.parse(str(pub / "dist/archive/2025.html")).getroot().iter("a")
             if a.get("rel")}
    assert pager == {"prev": "2026.html", "next": "2024.html"}


def _snapshot(dist: Path) -> dict[str, bytes]:
    return {p.relative_to(dist).as_posix(): p.read_bytes() for p in dist.rglob("*")
            if p.is_file() and not p.relative_to(dist).parts[0].startswith("issue-")}


def test_a_new_issue_rewrites_only_the_pages_it_appears_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pub = fabricate_archive(tmp_path / "pub", monkeypatch, 80, days=7)  # 2024: 52 issues, 2025: 28
    dist = pub / "dist"
    before = _snapshot(dist)
    times = {name: (dist / name).stat().st_mtime_ns for name in before}
    raw = json.loads((dist / "issue-1" / STATE_NAME).read_text())
    add_fabricated_issue(dist, raw, 81, dt.date(2025, 7, 18))
    opened = open_publication(pub)
    write_catalog(dist, opened.layouts, opened.config)
    after = _snapshot(dist)
    changed = {name for name in after if before.get(name) != after[name]}
    # Pagefind makes its index whole again (it has no other way), but only because an issue changed.
    rewritten = {name for name in before if name in after and (dist / name).stat().st_mtime_ns != times[name]
                 and not name.startswith("pagefind/")}
    assert rewritten <= changed  # what is unchanged is not written again
    catalog = {name for name in changed if not name.startswith(("pagefind/", "."))}
    assert catalog == {"index.html", "archive/2025.html", "opds.xml", "opds/2025.xml", "feed.xml", "SHA256SUMS"}
    assert "archive/2024.html" in after and "opds/2024-2.xml" in after  # the older pages stay as they were


@pytest.mark.tool("vnu")
def test_the_catalog_pages_validate(pub: Path) -> None:
    dist = pub / "dist"
    assert html_errors([dist / "index.html", dist / "archive/2024.html", dist / "archive/2024-03.html",
                        dist / "archive/2025.html", dist / "search.html"]) == []


@pytest.mark.slow
@pytest.mark.tool("axe-core")
@pytest.mark.parametrize("width", [375, 1280])
def test_the_catalog_pages_are_accessible_and_never_scroll_sideways(pub: Path, browser: Any, width: int) -> None:
    dist = pub / "dist"
    for page in (dist / "index.html", dist / "archive/2024.html", dist / "archive/2024-03.html"):
        assert axe_violations(page, width, browser) == []
        assert overflow(page, width, browser) == []
