"""A preview's memo of articles: a load with it gives the very issue and problems a whole load gives, parsing
only the articles whose file or photos changed; links into an unchanged article are checked again."""

from __future__ import annotations

import os
from pathlib import Path

from paperpress.load.memo import ArticleMemo
from paperpress.run.issue import check_issue, open_publication
from tests.support import FIXTURES, copy_publication


def test_only_what_changed_is_parsed_and_the_issue_is_the_same_as_a_whole_load(tmp_path: Path) -> None:
    root = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    pub, memo = open_publication(root), ArticleMemo()
    assert check_issue(pub, "7", memo=memo).ok
    assert (memo.parsed, memo.reused) == (2, 0)
    second = root / "issues" / "issue-7" / "second.md"
    second.write_text(second.read_text() + "\nA postscript.\n")

    kept = check_issue(pub, "7", memo=memo)
    assert (memo.parsed, memo.reused) == (1, 1)
    assert kept == check_issue(pub, "7")

    photo = root / "issues" / "issue-7" / "photos" / "square.png"
    os.utime(photo, ns=(photo.stat().st_atime_ns, photo.stat().st_mtime_ns + 10**9))  # a photo swapped
    assert check_issue(pub, "7", memo=memo).ok
    assert (memo.parsed, memo.reused) == (1, 1)  # first.md shows it: parsed again


def test_a_link_from_an_unchanged_article_to_a_subhead_taken_out_is_still_a_problem(tmp_path: Path) -> None:
    root = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    first, second = root / "issues" / "issue-7" / "first.md", root / "issues" / "issue-7" / "second.md"
    second.write_text(second.read_text() + "\nSee [the subhead](first.md#a-subhead).\n")
    pub, memo = open_publication(root), ArticleMemo()
    assert check_issue(pub, "7", memo=memo).ok
    first.write_text(first.read_text().replace("## A subhead", "## Another subhead"))

    kept = check_issue(pub, "7", memo=memo)
    assert memo.reused == 1
    assert kept == check_issue(pub, "7")
    assert [p.file.name for p in kept.problems if p.file] == ["second.md"]


def test_nothing_is_kept_from_a_load_with_errors(tmp_path: Path) -> None:
    root = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    second = root / "issues" / "issue-7" / "second.md"
    good = second.read_text()
    second.write_text("---\ntitle: [unclosed\n---\n")
    pub, memo = open_publication(root), ArticleMemo()
    assert not check_issue(pub, "7", memo=memo).ok
    second.write_text(good)
    assert check_issue(pub, "7", memo=memo).ok
    assert (memo.parsed, memo.reused) == (2, 0)


def test_an_unchanged_issue_is_taken_whole_from_the_memo_and_each_article_is_counted(tmp_path: Path) -> None:
    root = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    pub, memo = open_publication(root), ArticleMemo()
    first = check_issue(pub, "7", memo=memo)
    again = check_issue(pub, "7", memo=memo)
    assert (memo.parsed, memo.reused) == (0, 2) and again == first
