"""What a build records for the catalog: enough to list the issue and feed its articles without loading it."""

from __future__ import annotations

import dataclasses
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
        {"id": article_identifier(issue_identifier(issue), first.source), "title": "The first article", "standfirst": "What happened, in one sentence.",
         "byline": "Staff reporter", "section": "News", "page": pages.article_page(first),
         "photo": share_photo(first.lead_image)},
        {"id": article_identifier(issue_identifier(issue), second.source), "title": "The second article", "standfirst": None, "byline": None,
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


def test_with_a_cover_line_the_entry_leaves_out_the_leads_standfirst_and_keeps_the_publication() -> None:
    stored = catalog_entry(_minimal(), dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC))
    assert stored["cover_line"] == "A small issue" and stored["standfirst"] is None
    assert stored["headlines"] == ["The first article", "The second article"]
    assert stored["publication"] == {
        "title": "The Minimal Bulletin", "subtitle": None, "publisher": None, "language": "en",
        "identifier": "urn:uuid:7d0a3c1e-2f61-4b8e-9a53-0c9d1e2f3a41", "website": None}


def test_without_a_cover_line_the_lead_headline_and_standfirst_stand_in_and_six_headlines_are_listed() -> None:
    issue = _minimal()
    first, second = issue.articles
    more = tuple(dataclasses.replace(second, id=f"a{n}", title=f"Letter {n}") for n in range(3, 9))
    news, letters = issue.sections
    issue = dataclasses.replace(issue, cover_line=None, sections=(news, dataclasses.replace(letters, articles=(second, *more))))
    stored = catalog_entry(issue, dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC))
    assert (stored["cover_line"], stored["standfirst"]) == ("The first article", "What happened, in one sentence.")
    assert stored["headlines"] == ["The first article", "The second article", "Letter 3", "Letter 4", "Letter 5", "Letter 6"]
    assert len(stored["articles"]) == 8


def test_an_articles_id_is_a_name_based_uuid_of_the_issues_id_and_its_file() -> None:
    """Pinned: a feed reader that saw the old id would list the article again as new."""
    assert article_identifier("urn:uuid:0000", "issues/issue-1/one.md") == "urn:uuid:7174f31b-4c0b-5150-8e73-85e0fd577acd"
