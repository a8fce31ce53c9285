"""Links into the issue: resolved to an article and a subhead, or reported at their file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperpress.errors import Severity
from paperpress.model import Article, Link, Target
from paperpress.run.issue import check_issue, open_publication
from tests.support import FIXTURES, copy_publication

LETTER = "issues/issue-7/second.md"


def inner_links(article: Article) -> list[tuple[str, Target | None]]:
    """(href, target) of every link in the article's paragraphs, list items and notes."""
    found: list[tuple[str, Target | None]] = []

    def walk(nodes: tuple) -> None:
        for node in nodes:
            if isinstance(node, Link):
                found.append((node.href, node.target))
            if isinstance(node, tuple):
                walk(node)
            else:
                walk(getattr(node, "children", ()) or getattr(node, "items", ()))

    walk(article.blocks)
    for note in article.footnotes:
        walk(note.children)
    return found


def test_the_unusual_issue_resolves_every_kind_of_link() -> None:
    checked = check_issue(open_publication(FIXTURES / "unusual"), "30")
    issue, problems = checked.value, checked.problems
    assert issue is not None, [str(p) for p in problems]
    ferry, wall, diary = issue.articles
    assert inner_links(ferry) == [
        ("#what-changes", Target("a1", "a1-h-what-changes", True)),
        ("harbour-wall.md", Target("a2", None, False)),
        ("harbour-wall.md#what-the-engineers-found", Target("a2", "a2-h-what-the-engineers-found", False)),
        ("#what-changes", Target("a1", "a1-h-what-changes", True)),
    ]
    assert inner_links(wall) == [
        ("ferry-timetable.md#what-changes", Target("a1", "a1-h-what-changes", False)),
        ("../issue-30/ferry-timetable.md", Target("a1", None, False)),
        ("./allotment-diary.md", Target("a3", None, False)),
    ]
    assert inner_links(diary)[0] == ("#tomatoes-2", Target("a3", "a3-h-tomatoes-2", True))
    assert {p.severity for p in problems} == {Severity.WARNING}  # the placeholders, nothing else


def test_placeholder_links_are_warnings_at_their_line() -> None:
    problems = check_issue(open_publication(FIXTURES / "unusual"), "30").problems
    assert [str(p) for p in problems] == [
        "issues/issue-30/allotment-diary.md:25: warning: body: the link 'seed list' goes nowhere ('#'), so it is"
        " printed as plain words (give a web address, an article or a '#subhead')",
        "issues/issue-30/allotment-diary.md:25: warning: body: the link 'the prices' goes nowhere (''), so it is"
        " printed as plain words (give a web address, an article or a '#subhead')",
        "issues/issue-30/ferry-timetable.md:8: warning: body: the link 'our last report' goes nowhere ('#'), so it"
        " is printed as plain words (give a web address, an article or a '#subhead')",
    ]


@pytest.fixture
def pub(tmp_path: Path) -> Path:
    root = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    (root / "issues/issue-6").mkdir()
    (root / "issues/issue-6/older.md").write_text("---\ntitle: Last week\n---\nOld news.\n")
    return root


def problems_for(pub: Path, body: str) -> list[str]:
    (pub / LETTER).write_text(f"---\ntitle: The second article\n---\n{body}\n")
    checked = check_issue(open_publication(pub), "7")
    issue, problems = checked.value, checked.problems
    assert issue is None
    return [str(p) for p in problems]


def test_a_link_to_a_missing_file_suggests_an_article_of_the_issue(pub: Path) -> None:
    assert problems_for(pub, "See [the first](frist.md).") == [
        f"{LETTER}:4: body: link to 'frist.md': no such file 'frist.md' (did you mean 'first.md'?)"
    ]


def test_a_link_to_an_article_of_another_issue_is_an_error(pub: Path) -> None:
    assert problems_for(pub, "Intro.\n\nAs [last week](../issue-6/older.md).") == [
        f"{LETTER}:6: body: link to '../issue-6/older.md': that file is not an article of this issue"
        " (link to an article this issue lists, or give a web address)"
    ]


def test_a_link_to_a_photo_is_not_a_link_to_an_article(pub: Path) -> None:
    assert problems_for(pub, "[square](photos/square.png)") == [
        f"{LETTER}:4: body: link to 'photos/square.png': that file is not an article of this issue"
        " (link to an article this issue lists, or give a web address)"
    ]


def test_a_link_out_of_the_publication_is_refused(pub: Path) -> None:
    assert problems_for(pub, "[secret](../../../../etc/passwd)") == [
        f"{LETTER}:4: body: link to '../../../../etc/passwd': '../../../../etc/passwd' is outside the publication"
        " (keep every file inside the publication folder)"
    ]


def test_an_unknown_subhead_in_another_article_suggests_the_nearest(pub: Path) -> None:
    assert problems_for(pub, "See [it](first.md#a-subheed).") == [
        f"{LETTER}:4: body: link to 'first.md#a-subheed': 'The first article' has no subhead 'a-subheed'"
        " (did you mean '#a-subhead'?)"
    ]


def test_an_unknown_subhead_in_the_same_article_lists_those_it_has(pub: Path) -> None:
    assert problems_for(pub, "## Details\n\n## Background\n\nSee [this](#elsewhere).") == [
        f"{LETTER}:8: body: link to '#elsewhere': this article has no subhead 'elsewhere'"
        " (its subheads: #details, #background)"
    ]


def test_an_anchor_in_an_article_without_subheads_says_so(pub: Path) -> None:
    assert problems_for(pub, "[below](#details)") == [
        f"{LETTER}:4: body: link to '#details': this article has no subhead 'details'"
        " (it has no subheads; link to the article itself)"
    ]


def test_a_link_to_a_later_article_and_its_subhead_resolves(pub: Path) -> None:
    first = pub / "issues/issue-7/first.md"
    first.write_text(first.read_text().replace("The second paragraph.", "Read [the letter](second.md)."))
    checked = check_issue(open_publication(pub), "7")
    issue, problems = checked.value, checked.problems
    assert issue is not None, [str(p) for p in problems]
    assert inner_links(issue.articles[0])[-1] == ("second.md", Target("a2", None, False))
