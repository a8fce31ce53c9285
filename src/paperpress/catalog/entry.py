"""What the catalog and the feeds show of an issue, made once when the issue is built and kept in its state.

The catalog is made from the states alone, never by loading an issue again: so the entry carries the issue's
identifier, its cover line and headlines, and each article's id, words and web page, as the issue frame and
the web edition's site map decide them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

from ..editions.frame import iso_timestamp, issue_identifier, masthead
from ..editions.site import share_photo, site_map
from ..model import Issue


def catalog_entry(issue: Issue, updated: dt.datetime) -> dict[str, Any]:
    """What the catalog shows for an issue built at `updated`, stored in its state so the catalog never reloads it."""
    head = masthead(issue)
    lead = issue.lead_article
    identifier = issue_identifier(issue)
    pages = site_map(issue)
    return {
        "label": head.issue_label,
        "date_text": head.date_text,
        "cover_line": head.cover_line or lead.title,
        # A cover line may announce another story than the lead's, whose standfirst would then mislead.
        "standfirst": None if issue.cover_line else lead.standfirst,
        "headlines": [a.title for a in issue.articles[:6]],
        "identifier": identifier,  # the EPUB's own id, so a reader matches entry and book
        "updated": iso_timestamp(updated),
        "publication": dataclasses.asdict(issue.publication),
        # What the feed says of each article and where its web page and shared photo are, should the issue
        # have a web edition on disk (the catalog checks that; the pages' paths are decided by editions/site.py).
        "articles": [
            {
                "id": article_identifier(identifier, article.source),
                "title": article.title,
                "standfirst": article.standfirst,
                "byline": article.byline,
                "section": section.title,
                "page": pages.article_page(article),
                "photo": share_photo(article.lead_image) if article.lead_image else None,
            }
            for section in issue.sections for article in section.articles
        ],
    }


def article_identifier(issue_identifier: str, source: str) -> str:
    """An article's id in feeds: from the issue's id and its file, so it survives corrections and reordering."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{issue_identifier}/{source}"))
