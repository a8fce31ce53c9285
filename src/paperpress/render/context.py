"""Model → the template context every edition shares: labels, dates, contents, plain text of inlines.

Whatever two editions both show (how the date reads, what the contents list holds) is decided here once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import Code, Image, Inline, Issue, LineBreak, Text
from ..walk import walk
from . import BuildInfo

_MONTHS = (
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
)
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def long_date(issue: Issue) -> str:
    """"Friday 20 November 2026": how every edition prints the issue's date."""
    d = issue.date
    return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


def plain(children: Iterable[Inline]) -> str:
    """The words of inline content with no markup and no reference marks (bookmarks, alt text, titles)."""
    out: list[str] = []
    for node in walk(tuple(children)):
        if isinstance(node, (Text, Code)):
            out.append(node.text)
        elif isinstance(node, LineBreak):
            out.append(" ")
    return "".join(out)


def credit_line(image: Image) -> str:
    """How a photo credit reads in every edition."""
    return f"Photo: {image.credit}" if image.credit else ""


def issue_label(issue: Issue) -> str:
    return f"Issue {issue.number}"


def issue_title(issue: Issue) -> str:
    """The title a library shows: publication, issue number and date."""
    return f"{issue.publication.title}, {issue_label(issue)}, {long_date(issue)}"


def issue_context(issue: Issue, info: BuildInfo) -> dict[str, Any]:
    """The variables every edition's entry template starts from."""
    return {
        "issue": issue,
        "publication": issue.publication,
        "sections": issue.sections,
        "info": info,
        "date_text": long_date(issue),
        "issue_title": issue_title(issue),
        "issue_label": issue_label(issue),
        "credit_line": credit_line,
        "plain": plain,
    }
