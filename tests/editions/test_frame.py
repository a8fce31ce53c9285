"""The issue frame: one masthead, one contents tree, one header order, and every edition agreeing on them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from paperpress.editions.base import BuildInfo, Edition, Output, edition
from paperpress.editions.frame import (
    HEADER_ORDER,
    contents,
    duration_text,
    header,
    iso_timestamp,
    masthead,
    neighbours,
    publication_masthead,
    size_text,
)
from paperpress.load import load_config, load_issue
from paperpress.model import Issue
from paperpress.registry import EditionSpec
from paperpress.templates import Layouts
from tests.support import FIXTURES, require_tool

MINIMAL = FIXTURES / "minimal"


def _issue(root: Path = MINIMAL) -> tuple[Issue, BuildInfo]:
    config = load_config(root).value
    assert config is not None
    loaded = load_issue(root, config, root / "issues" / "issue-7.yaml")
    assert loaded.value is not None, loaded.problems
    return loaded.value, BuildInfo(dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC), config)


def test_the_header_comes_in_one_order_and_leaves_out_what_an_article_lacks() -> None:
    issue, _ = _issue()
    first, second = issue.articles
    assert [p.kind for p in header(first)] == list(HEADER_ORDER) == ["headline", "standfirst", "byline"]
    assert [p.text for p in header(first)] == [first.title, first.standfirst, first.byline]
    assert [p.kind for p in header(second)] == ["headline"]


def test_the_contents_tree_holds_every_section_and_article_in_reading_order() -> None:
    issue, _ = _issue()
    tree = contents(issue)
    assert [s.title for s in tree] == [s.title for s in issue.sections]
    assert [a.article for s in tree for a in s.articles] == list(issue.articles)
    assert tree[0].articles[0].byline == issue.articles[0].byline


def test_neighbours_cross_sections_in_reading_order_and_stop_at_the_ends() -> None:
    issue, _ = _issue()
    first, second = issue.articles
    assert [len(section.articles) for section in issue.sections] == [1, 1]  # one article in each of two sections
    assert neighbours(issue, first) == {"previous": None, "next": second}
    assert neighbours(issue, second) == {"previous": first, "next": None}


def test_the_masthead_prints_the_website_without_its_scheme_and_carries_the_cover_line() -> None:
    issue, _ = _issue()
    pub = dataclasses.replace(issue.publication, website="https://example.org/news")
    head = masthead(dataclasses.replace(issue, publication=pub))
    assert (head.issue_label, head.date_text) == ("Issue 7", "Friday 6 March 2026")
    assert head.website_text == "example.org/news" and head.cover_line == issue.cover_line


def test_timestamps_are_utc_to_the_second() -> None:
    moment = dt.datetime(2026, 3, 6, 13, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert iso_timestamp(moment) == "2026-03-06T12:30:00Z"


def _words(text: str) -> str:
    return " ".join(text.split())


def _order(text: str, parts: list[str]) -> list[str]:
    """The header parts in the order they stand after the last headline before them."""
    text, parts = _words(text).casefold(), [p.casefold() for p in parts]
    start = text.rfind(parts[0], 0, min(text.index(p) for p in parts[1:]))
    assert start >= 0
    return sorted(parts, key=lambda p: text.index(p, start))


def _epub_article(data: bytes, article_id: str) -> str:
    """The words of one article's document in the EPUB."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        name = next(n for n in z.namelist() if n.rsplit("/", 1)[-1] == f"{article_id}.xhtml")
        return re.sub(r"<[^>]+>", " ", z.read(name).decode("utf-8"))


@pytest.mark.slow
def test_every_edition_gives_headline_standfirst_and_byline_in_the_same_order(tmp_path: Path) -> None:
    issue, info = _issue()
    layouts = Layouts.for_publication(MINIMAL)
    article = issue.articles[0]
    # tests/fixtures/minimal/issues/issue-7/first.md, in the order the README gives: headline, standfirst, byline.
    parts = ["The first article", "What happened, in one sentence.", "Staff reporter"]
    text = edition("txt").render(issue, layouts, info)[0].data.decode("utf-8")
    epub = _epub_article(edition("epub").render(issue, layouts, info)[0].data, article.id)
    pdf_file = tmp_path / "issue.pdf"
    pdf_file.write_bytes(edition("pdf").render(issue, layouts, info)[0].data)
    pdf = subprocess.run([require_tool("pdftotext"), str(pdf_file), "-"], capture_output=True, text=True,
                         check=True).stdout
    orders = {"text": _order(text, parts), "epub": _order(epub, parts), "pdf": _order(pdf, parts)}
    assert orders == {name: [p.casefold() for p in parts] for name in orders}


@pytest.mark.slow
def test_every_masthead_names_the_publication_the_issue_and_its_date(tmp_path: Path) -> None:
    issue, info = _issue()
    layouts = Layouts.for_publication(MINIMAL)
    head = masthead(issue)
    with zipfile.ZipFile(io.BytesIO(edition("epub").render(issue, layouts, info)[0].data)) as z:
        nav = next(z.read(n) for n in z.namelist() if n.endswith("nav.xhtml")).decode("utf-8")
    pdf_file = tmp_path / "issue.pdf"
    pdf_file.write_bytes(edition("pdf").render(issue, layouts, info)[0].data)
    pdf = subprocess.run([require_tool("pdftotext"), "-l", "1", str(pdf_file), "-"], capture_output=True,
                         text=True, check=True).stdout
    text = edition("txt").render(issue, layouts, info)[0].data.decode("utf-8")
    for shown in (_words(re.sub(r"<[^>]+>", " ", nav)), _words(pdf), _words(text)):
        for field in (head.title, head.issue_label, head.date_text):
            assert field.casefold() in shown.casefold(), field


class _FrameEdition(Edition):
    """A fourth edition as a newcomer would add it: the issue frame dumped as JSON by one template."""

    spec = EditionSpec("json", "JSON", "the issue frame as JSON", "application/json", "{issue}.json",
                       "tests.editions.test_frame:_FrameEdition", "json")

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> list[Output]:
        from paperpress.editions.frame import issue_context

        return [self.main(issue, layouts.render("text", "json/issue.json", issue_context(issue, info)).encode("utf-8"))]


_FRAME_TEMPLATE = """{
  "masthead": {"title": {{ masthead.title | tojson }}, "issue": {{ masthead.issue_label | tojson }},
               "date": {{ masthead.date_text | tojson }}, "cover_line": {{ masthead.cover_line | tojson }}},
  "contents": [{% for entry in contents %}{"section": {{ entry.title | tojson }}, "articles": [
    {%- for item in entry.articles %}{"header": [{% for part in header(item.article) %}[{{ part.kind | tojson }}, {{ part.text | tojson }}]{{ "," if not loop.last }}{% endfor %}]}{{ "," if not loop.last }}{% endfor %}]}{{ "," if not loop.last }}{% endfor %}]
}
"""


def test_a_new_edition_needs_only_its_module_and_a_template_over_the_frame(tmp_path: Path) -> None:
    import json

    from tests.support import copy_publication

    root = copy_publication(MINIMAL, tmp_path / "pub")
    (root / "layouts" / "json").mkdir(parents=True)
    (root / "layouts" / "json" / "issue.json").write_text(_FRAME_TEMPLATE, encoding="utf-8")
    issue, info = _issue(root)
    frame = json.loads(_FrameEdition().render(issue, Layouts.for_publication(root), info)[0].data)
    assert frame["masthead"] == {"title": "The Minimal Bulletin", "issue": "Issue 7", "date": "Friday 6 March 2026",
                                 "cover_line": "A small issue"}
    first = issue.articles[0]
    assert frame["contents"][0]["articles"][0]["header"] == [
        ["headline", first.title], ["standfirst", first.standfirst], ["byline", first.byline]]


def test_the_catalog_masthead_shares_the_partial_without_an_issue_line() -> None:
    layouts = Layouts.for_publication(None)
    issue, _ = _issue()
    of_issue = layouts.env("html").get_template("partials/masthead.html").render(masthead=masthead(issue))
    assert '<p class="dateline"><span class="issue-label">Issue 7</span>' in of_issue
    head = publication_masthead("The Courier", None, "https://example.org/courier")
    shown = layouts.env("html").get_template("partials/masthead.html").render(masthead=head, masthead_tag="h1")
    assert shown == ('<h1 class="masthead-title">The Courier</h1>\n'
                     '<p class="dateline"><span class="website">example.org/courier</span></p>\n')


def test_sizes_and_running_times_read_as_a_reader_reads_them() -> None:
    assert [size_text(n) for n in (0, 812, 999, 1000, 1499, 1500, 46_400, 999_499, 1_000_000, 2_345_678)] == [
        "0 bytes", "812 bytes", "999 bytes", "1 KB", "1 KB", "2 KB", "46 KB", "999 KB", "1.0 MB", "2.3 MB"]
    assert [duration_text(n) for n in (40, 59, 60, 89, 91, 3599, 3600, 3900)] == [
        "40 s", "59 s", "1 min", "1 min", "2 min", "1 h 00 min", "1 h 00 min", "1 h 05 min"]
