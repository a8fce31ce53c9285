"""Model → the issue frame: the template context every edition renders from (see README, "Template context").

Whatever two editions both show is decided here once: how the date and the issue read, what the masthead
holds, what the contents list holds and in which order, and the order of an article's header (headline,
standfirst, byline). Editions add only what is theirs (links, file names, page setup) on top.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from ..model import Article, Image, Issue, Section
from .base import BuildInfo

_MONTHS = (
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
)
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

#: The order of an article's header in every edition; the headline always comes first.
HEADER_ORDER = ("headline", "standfirst", "byline")


@dataclass(frozen=True, slots=True)
class Masthead:
    """What every masthead shows: the publication, the issue and its date, the website and the cover line.

    The catalog's masthead is the publication's alone: its issue label and date are empty, its cover line None.
    """

    title: str
    subtitle: str | None
    issue_label: str  # "Issue 1142"; empty on the catalog's
    date_text: str  # "Friday 20 November 2026"; empty on the catalog's
    website: str | None  # as written: "https://example.org"
    website_text: str | None  # as printed: "example.org"
    cover_line: str | None


@dataclass(frozen=True, slots=True)
class HeaderPart:
    """One line of an article's header: `kind` is one of HEADER_ORDER, and also its class in HTML."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class ContentsArticle:
    article: Article  # the target an edition links to (its href_of)
    title: str
    byline: str | None
    standfirst: str | None


@dataclass(frozen=True, slots=True)
class ContentsSection:
    section: Section
    title: str
    articles: tuple[ContentsArticle, ...]


def issue_identifier(issue: Issue) -> str:
    """A UUID that is the same every time this issue is built, and different for every other issue: the EPUB's
    own identifier, and the catalog's and the feeds' id of the issue, so a reader matches entry and book."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{issue.publication.identifier}#issue-{issue.number}"))


def long_date(issue: Issue) -> str:
    """"Friday 20 November 2026": how every edition prints the issue's date."""
    d = issue.date
    return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


def iso_timestamp(moment: dt.datetime) -> str:
    """"2026-11-20T12:00:00Z": how a build time is written in metadata and feeds."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def credit_line(image: Image) -> str:
    """How a photo credit reads in every edition."""
    return f"Photo: {image.credit}" if image.credit else ""


def size_text(n: int) -> str:
    """How big a download is, as every page that offers one says it: '812 bytes', '46 KB', '13.6 MB'."""
    if n < 1000:
        return f"{n} bytes"
    if n < 1_000_000:
        return f"{n / 1000:.0f} KB"
    return f"{n / 1_000_000:.1f} MB"


def duration_text(total: int) -> str:
    """How long a spoken download plays, as every page that offers one says it: '40 s', '48 min', '1 h 05 min'."""
    if total < 60:
        return f"{total} s"
    minutes = round(total / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def issue_label(issue: Issue) -> str:
    return f"Issue {issue.number}"


def issue_title(issue: Issue) -> str:
    """The title a library shows: publication, issue number and date."""
    return f"{issue.publication.title}, {issue_label(issue)}, {long_date(issue)}"


def masthead(issue: Issue) -> Masthead:
    pub = issue.publication
    return Masthead(pub.title, pub.subtitle, issue_label(issue), long_date(issue), pub.website, _shown(pub.website),
                    issue.cover_line)


def publication_masthead(title: str, subtitle: str | None, website: str | None) -> Masthead:
    """The masthead of a page about the publication rather than one issue (the catalog of back issues)."""
    return Masthead(title, subtitle, "", "", website, _shown(website), None)


def _shown(website: str | None) -> str | None:
    return website.removeprefix("https://").removeprefix("http://") if website else None


def header(article: Article) -> tuple[HeaderPart, ...]:
    """An article's header lines in HEADER_ORDER, leaving out those it does not have."""
    values = {"headline": article.title, "standfirst": article.standfirst, "byline": article.byline}
    return tuple(HeaderPart(kind, values[kind] or "") for kind in HEADER_ORDER if values[kind])


def neighbours(issue: Issue, article: Article) -> dict[str, Article | None]:
    """The articles before and after `article` in reading order, across sections (`previous`, `next`):
    where the web pages and the EPUB's articles lead on to."""
    every = issue.articles
    at = every.index(article)
    return {"previous": every[at - 1] if at > 0 else None, "next": every[at + 1] if at + 1 < len(every) else None}


def contents(issue: Issue) -> tuple[ContentsSection, ...]:
    """The contents tree: every section in reading order, then its articles."""
    return tuple(
        ContentsSection(s, s.title, tuple(ContentsArticle(a, a.title, a.byline, a.standfirst) for a in s.articles))
        for s in issue.sections
    )


def issue_context(issue: Issue, info: BuildInfo) -> dict[str, Any]:
    """The variables every edition's entry template starts from: the issue frame."""
    return {
        "issue": issue,
        "publication": issue.publication,
        "sections": issue.sections,
        "info": info,
        "masthead": masthead(issue),
        "contents": contents(issue),
        "header": header,
        "date_text": long_date(issue),
        "issue_title": issue_title(issue),
        "issue_label": issue_label(issue),
        "credit_line": credit_line,
    }
