"""The sample publication loads into the model the editions rely on."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from paperpress.model import Figure, FootnoteRef, Heading, Issue, Link, ListBlock, Paragraph, Quote, Table
from paperpress.model.walk import images
from paperpress.run.issue import check_issue, open_publication
from tests.support import REPO


@pytest.fixture(scope="module")
def issue() -> Issue:
    checked = check_issue(open_publication(REPO), "issue-1142")
    found, problems = checked.value, checked.problems
    assert found is not None, [str(p) for p in problems]
    return found


def walk(blocks):
    for block in blocks:
        yield block
        if isinstance(block, Quote):
            yield from walk(block.children)
        if isinstance(block, ListBlock):
            for item in block.items:
                yield from walk(item)


def test_sample_issue_has_what_the_format_promises(issue: Issue) -> None:
    assert issue.number == 1142
    assert issue.date == dt.date(2026, 11, 20)
    assert [s.title for s in issue.sections] == ["News", "Workplace", "International", "Culture", "Letters"]
    assert len(issue.articles) >= 12
    assert len(images(issue.sections)) >= 6
    blocks = [b for a in issue.articles for b in walk(a.blocks)]
    kinds = {type(b) for b in blocks}
    assert {Paragraph, Heading, Quote, ListBlock, Table, Figure} <= kinds
    assert any(a.footnotes for a in issue.articles)
    assert sum(len(a.links) for a in issue.articles) >= 6
    assert all(img.alt for img in images(issue.sections))


def test_ids_are_unique_and_stable(issue: Issue) -> None:
    ids = [a.id for a in issue.articles] + [i.id for i in images(issue.sections)]
    assert len(ids) == len(set(ids))
    assert [a.id for a in issue.articles][:3] == ["a1", "a2", "a3"]
    again = check_issue(open_publication(REPO), "1142").value
    assert again == issue  # loading is deterministic


def test_model_is_frozen(issue: Issue) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        issue.number = 1  # type: ignore[misc]
    assert isinstance(issue.sections, tuple) and isinstance(issue.articles[0].blocks, tuple)


def test_smart_punctuation_reaches_headlines_and_body(issue: Issue) -> None:
    text = repr([a.blocks for a in issue.articles])
    assert "\u2019" in text and "\u201c" in text  # curly quotes
    assert "--" not in "".join(a.title for a in issue.articles)


def test_links_and_footnotes_are_numbered_per_article(issue: Issue) -> None:
    for article in issue.articles:
        assert [link.number for link in article.links] == list(range(1, len(article.links) + 1))
        refs = [n for b in walk(article.blocks) if isinstance(b, Paragraph) for n in b.children if isinstance(n, FootnoteRef)]
        assert sorted({r.number for r in refs}) == [f.number for f in article.footnotes]
        for block in walk(article.blocks):
            if isinstance(block, Paragraph):
                for node in block.children:
                    if isinstance(node, Link):
                        assert node.href.startswith(("https://", "http://", "mailto:"))
