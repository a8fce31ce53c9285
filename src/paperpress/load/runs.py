"""The cap on text with nowhere to break (`[[[[…`, `aaaa…`), said at the line where it starts.

The print edition breaks such stretches every few characters (breaks.py), yet laying them out still costs
about ten times what prose does: an article of nothing else would take minutes. Real copy holds a few long
web addresses and codes, far below the cap.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from ..errors import Problem
from ..model import Code, CodeBlock, Issue, Text
from ..model.walk import walk
from ..typeset.breaks import MAX_UNBREAKABLE, Breaks


def unbreakable_text(root: Path, issue: Issue) -> list[Problem]:
    """An error for each article holding more than MAX_UNBREAKABLE characters with nowhere to break."""
    breaks = Breaks(issue.publication.language)
    problems = []
    for article in issue.articles:
        found = sum(breaks.unbreakable(node.text) for node in walk(article) if isinstance(node, (Text, Code, CodeBlock)))
        if found > MAX_UNBREAKABLE:
            file = PurePosixPath(article.source)
            problems.append(Problem(
                file, _first_line(root / file, breaks), "body",
                f"{found:,} characters stand in runs with no space or place to break",
                f"at most {MAX_UNBREAKABLE:,} in one article; put spaces between the words",
            ))
    return problems


def _first_line(path: Path, breaks: Breaks) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):  # read once already; gone or changed since: report without a line
        return None
    return next((n for n, line in enumerate(lines, start=1) if breaks.unbreakable(line)), None)
