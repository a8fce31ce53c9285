"""What a build records for the catalog: enough to list the issue and feed its articles without loading it."""

from __future__ import annotations

import datetime as dt

from paperpress.catalog.entry import article_identifier, catalog_entry
from paperpress.editions.frame import issue_identifier
from paperpress.editions.site import share_photo, site_map
from paperpress.load import load_config, load_issue
from tests.support import FIXTURES


def _minimal():
    root = FIXTURES / "minimal"
    config = load_config(root).value
    assert config is not None
    issue = load_issue(root, config, root / "issues" / "issue-7.yaml").value
    assert issue is not None
    return issue


def test_catalog_entry_holds_what_the_feed_needs_of_each_article() -> None:
    issue = _minimal()
    stored = catalog_entry(issue, dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC))
    pages = site_map(issue)
    first, second = issue.articles
    assert stored["articles"] == [
        {"id": stored["articles"][0]["id"], "title": "The first article", "standfirst": "What happened, in one sentence.",
         "byline": "Staff reporter", "section": "News", "page": pages.article_page(first),
         "photo": share_photo(first.lead_image)},
        {"id": stored["articles"][1]["id"], "title": "The second article", "standfirst": None, "byline": None,
         "section": "Letters", "page": pages.article_page(second), "photo": None},
    ]


def test_the_entry_names_the_issue_as_its_epub_does_and_dates_it_by_the_build() -> None:
    issue = _minimal()
    stored = catalog_entry(issue, dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC))
    assert stored["identifier"] == issue_identifier(issue)
    assert stored["updated"] == "2026-03-06T12:00:00Z"
    assert (stored["label"], stored["date_text"], stored["cover_line"]) == ("Issue 7", "Friday 6 March 2026", "A small issue")


def test_an_articles_id_survives_a_correction_and_differs_between_articles() -> None:
    issue = _minimal()
    first, second = (article_identifier(issue_identifier(issue), a.source) for a in issue.articles)
    assert first.startswith("urn:uuid:") and first != second
    assert first == article_identifier(issue_identifier(issue), issue.articles[0].source)
