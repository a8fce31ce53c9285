"""The preview's own pages: its index (every edition of the issue, linked) and the problems' page that stands
in for every page while the issue has errors. Plain HTML, everything from the copy escaped; the server adds
the reload script. Knows the session's state and where the web edition's pages live, nothing else.
"""

from __future__ import annotations

from html import escape

from ..editions.site import FRONT, site_map
from ..errors import Problem, count_problems, errors_in
from ..registry import EditionSpec, downloads
from .session import Session

#: Its own style sheet, served at STYLESHEET (the preview's policy allows no inline style).
STYLESHEET = "/_preview/preview.css"
CSS = b"""\
body { font: 1rem/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 48rem; padding: 1rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.5rem; }
ul { padding-left: 1.2rem; } li { margin: .2rem 0; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #fdecea; color: #611a15; padding: .75rem;
      border-left: 4px solid #b3261e; font-size: .9rem; }
.state { color: #555; }
@media (prefers-color-scheme: dark) { body { background: #111; color: #eee; } a { color: #9cf; }
  .state { color: #aaa; } pre { background: #3a1512; color: #fdd; } }
"""


def _page(title: str, body: str) -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<title>{escape(title)}</title>\n<link rel="stylesheet" href="{STYLESHEET}">\n</head>\n<body>\n{body}\n</body>\n</html>\n'
    ).encode()


def problems_page(session: Session) -> bytes | None:
    """The problems, one line each exactly as the command line prints them; None while the issue has none."""
    problems = session.problems
    if not errors_in(problems):
        return None
    return _page(
        f"Problems in {session.name}",
        f"<h1>{escape(count_problems(problems))} in {escape(session.name)}</h1>\n"
        "<p>Fix the file and save it: this page turns back into the preview by itself.</p>\n"
        f'<pre id="problems">{escape(_lines(problems))}</pre>\n'
        + ('<p><a href="?last-good">The last good preview of this page</a> · <a href="/?last-good">every edition</a></p>'
           if session.issue is not None else "<p>Nothing has been previewed yet.</p>"),
    )


def index_page(session: Session) -> bytes:
    """Every edition of the issue: the web pages one by one, the PDF at the article last saved, the EPUB, the text."""
    issue = session.issue
    if issue is None:
        return problems_page(session) or _page("Preview", "<p>Loading…</p>")
    formats = session.formats()
    parts = [f"<h1>Preview of {escape(issue.name)}: {escape(issue.publication.title)}</h1>"]
    if session.failing:
        parts.append(f'<p><strong>The issue has problems:</strong></p>\n<pre id="problems">{escape(_lines(session.problems))}</pre>'
                     "<p>What follows is the last good preview.</p>")
    elif session.problems:
        parts.append(f"<h2>Warnings</h2>\n<pre>{escape(_lines(session.problems))}</pre>")
    files = [_download(session, spec) for spec in downloads(formats, session.registry)]  # e-book first
    if files:
        parts.append("<h2>Downloads</h2>\n<ul>" + "\n".join(files) + "</ul>")
    if "web" in formats:
        site = site_map(issue)
        items = [f'<li><a href="/{issue.name}/{FRONT}">Front page</a></li>']
        for section in issue.sections:
            items.append(f'<li><a href="/{issue.name}/{site.section_page(section)}">{escape(section.title)}</a><ul>')
            items += [f'<li><a href="/{issue.name}/{site.article_page(a)}">{escape(a.title)}</a></li>' for a in section.articles]
            items.append("</ul></li>")
        parts.append("<h2>Online</h2>\n<ul>" + "\n".join(items) + "</ul>")
    return _page(f"Preview of {issue.name}", "\n".join(parts))


def _download(session: Session, spec: EditionSpec) -> str:
    issue = session.issue
    assert issue is not None
    href = f"/{issue.name}/{spec.main_file(issue.name)}"
    note = ""
    if spec.heavy:
        state = {"making": "being made again…", "failed": "could not be made", "none": "not made yet"}.get(session.pdf_state)
        if session.saved_article:
            article = next((a for a in issue.articles if a.id == session.saved_article), None)
            if article is not None:
                href += f"#{article.id}"
                note = f", at “{escape(article.title)}”"
        if state:
            note += f' <span class="state">({state})</span>'
        if session.pdf_problems:
            note += f"<pre>{escape(_lines(session.pdf_problems))}</pre>"
    return f'<li><a href="{escape(href)}">{escape(spec.label)}</a>{note}</li>'


def _lines(problems: tuple[Problem, ...]) -> str:
    return "\n".join(str(problem) for problem in problems)
