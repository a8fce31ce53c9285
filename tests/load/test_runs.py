"""The cap on text with nowhere to break: at the cap an article loads, one character over it is refused at its line."""

from __future__ import annotations

from pathlib import Path

from paperpress.errors import errors_in
from paperpress.load.runs import _first_line
from paperpress.run.issue import check_issue, open_publication
from paperpress.typeset.breaks import MAX_UNBREAKABLE, Breaks
from tests.support import FIXTURES, copy_publication


def _check(tmp_path: Path, body: str) -> list[str]:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    (pub / "issues/issue-7/second.md").write_text(f"---\ntitle: A long run\n---\nFirst line.\n\n{body}\n")
    problems = check_issue(open_publication(pub), "7").problems
    return [str(p) for p in problems if errors_in((p,))]


def test_an_article_at_the_cap_loads(tmp_path: Path) -> None:
    assert _check(tmp_path, "[" * MAX_UNBREAKABLE) == []


def test_one_character_over_the_cap_is_refused_at_the_line_where_it_stands(tmp_path: Path) -> None:
    half = MAX_UNBREAKABLE // 2 + 1
    assert _check(tmp_path, f"{'[' * half}\n\nwords between\n\n{'q' * half}") == [
        f"issues/issue-7/second.md:6: body: {2 * half:,} characters stand in runs with no space or place to break"
        f" (at most {MAX_UNBREAKABLE:,} in one article; put spaces between the words)"
    ]


def test_long_addresses_and_compounds_do_not_count(tmp_path: Path) -> None:
    words = "Nordstadthaltestellenwartehäuschenbeleuchtungsinstandsetzung https://example.org/a/b/c/d/e/f/g/h "
    assert _check(tmp_path, words * 400) == []


def test_with_no_such_line_in_the_file_as_it_is_now_the_error_has_no_line(tmp_path: Path) -> None:
    """The file was read once already: edited or gone since, the error is still given, without a line."""
    (tmp_path / "now.md").write_text("---\ntitle: Prose\n---\nOnly words now.\n")
    assert _first_line(tmp_path / "now.md", Breaks("en")) is None
    assert _first_line(tmp_path / "gone.md", Breaks("en")) is None
    (tmp_path / "run.md").write_text(f"Words.\n\n{'[' * 200}\n", encoding="utf-8")
    assert _first_line(tmp_path / "run.md", Breaks("en")) == 3
