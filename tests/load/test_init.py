"""Loading a publication and an issue: the root, the configuration, every problem of an issue at once, the caps."""

from __future__ import annotations

from pathlib import Path

import pytest

import paperpress.load as load
from paperpress.config import Config
from paperpress.errors import errors_in
from paperpress.load import CONFIG_NAME, find_root, load_config, load_issue
from paperpress.run.issue import check_issue, open_publication
from tests.support import FIXTURES, copy_publication


@pytest.fixture
def pub(tmp_path: Path) -> Path:
    return copy_publication(FIXTURES / "minimal", tmp_path / "pub")


def _config(pub: Path) -> Config:
    loaded = load_config(pub)
    assert loaded.value is not None, loaded.problems
    return loaded.value


def test_find_root_walks_up_to_the_folder_with_the_configuration(pub: Path) -> None:
    assert find_root(pub) == pub
    assert find_root(pub / "issues/issue-7/photos") == pub


def test_find_root_is_none_without_a_configuration(tmp_path: Path) -> None:
    (tmp_path / "a/b").mkdir(parents=True)
    (tmp_path / "a" / CONFIG_NAME).mkdir()  # a folder of that name is not a configuration
    assert find_root(tmp_path / "a/b") is None


def test_find_root_takes_the_nearest_configuration(pub: Path) -> None:
    inner = pub / "issues/nested"
    inner.mkdir()
    (inner / CONFIG_NAME).write_text("title: Inner\n")
    assert find_root(inner) == inner


def test_the_fixture_configuration_loads(pub: Path) -> None:
    loaded = load_config(pub)
    assert loaded.problems == ()
    assert loaded.value is not None and loaded.value.title == "The Minimal Bulletin"


def test_a_missing_configuration_is_one_problem(tmp_path: Path) -> None:
    loaded = load_config(tmp_path)
    assert loaded.value is None
    assert [(str(p.file), p.message) for p in loaded.problems] == [(CONFIG_NAME, f"no such file '{CONFIG_NAME}'")]


def test_a_configuration_that_is_not_utf8_is_refused(pub: Path) -> None:
    (pub / CONFIG_NAME).write_bytes(b"title: Le Caf\xe9\n")
    loaded = load_config(pub)
    assert loaded.value is None
    assert [(str(p.file), p.message, p.hint) for p in loaded.problems] == [
        (CONFIG_NAME, "not UTF-8 text", "save the file as UTF-8")
    ]


def test_a_configuration_linked_from_outside_the_publication_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("title: Elsewhere\n")
    root = tmp_path / "pub"
    root.mkdir()
    (root / CONFIG_NAME).symlink_to(outside)
    loaded = load_config(root)
    assert loaded.value is None
    assert [p.message for p in loaded.problems] == [f"'{CONFIG_NAME}' leads outside the publication (a symbolic link)"]


def test_every_configuration_problem_is_reported_in_line_order(pub: Path) -> None:
    (pub / CONFIG_NAME).write_text("language: English\ntitle: T\ncolour: red\n")
    loaded = load_config(pub)
    assert loaded.value is None
    assert [(p.line, p.field) for p in errors_in(loaded.problems)] == [(1, "language"), (3, "colour")]


def test_the_fixture_issue_loads(pub: Path) -> None:
    loaded = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml")
    assert errors_in(loaded.problems) == ()
    issue = loaded.value
    assert issue is not None
    assert (issue.name, issue.number, issue.source) == ("issue-7", 7, "issues/issue-7.yaml")
    assert [(s.id, s.title, [a.id for a in s.articles]) for s in issue.sections] == [
        ("s1", "News", ["a1"]),
        ("s2", "Letters", ["a2"]),
    ]


def test_problems_in_several_articles_are_reported_together_and_nothing_is_returned(pub: Path) -> None:
    (pub / "issues/issue-7/first.md").write_text("no front matter\n")
    (pub / "issues/issue-7/second.md").write_text("---\ntitle: Letters\n---\n\n![](photos/square.png)\n")
    loaded = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml")
    assert loaded.value is None
    assert [(str(p.file), p.line, p.message) for p in errors_in(loaded.problems)] == [
        ("issues/issue-7/first.md", 1, "no front matter"),
        ("issues/issue-7/second.md", 5, "photo 'photos/square.png' has no alt text"),
    ]


def test_manifest_entries_are_checked_before_and_alongside_the_articles(pub: Path) -> None:
    (pub / "issues/issue-7/notes.txt").write_text("not markdown\n")
    (pub / "issues/issue-7/second.md").write_text("no front matter\n")
    (pub / "issues/issue-7.yaml").write_text(
        "number: 7\ndate: 2026-03-06\nsections:\n  - title: News\n    articles:\n"
        "      - issue-7/first.md\n      - issue-7/notes.txt\n      - issue-7/gone.md\n"
        "      - issue-7/first.md\n      - issue-7/second.md\n"
    )
    loaded = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml")
    assert loaded.value is None
    assert [(str(p.file), p.line, p.field, p.message) for p in errors_in(loaded.problems)] == [
        ("issues/issue-7.yaml", 7, "sections[0].articles[1]", "'issue-7/notes.txt' is not a Markdown (.md) file"),
        ("issues/issue-7.yaml", 8, "sections[0].articles[2]", "no such file 'issue-7/gone.md'"),
        ("issues/issue-7.yaml", 9, "sections[0].articles[3]", "'issue-7/first.md' is already listed as sections[0].articles[0]"),
        ("issues/issue-7/second.md", 1, None, "no front matter"),
    ]


def test_an_issue_over_the_article_cap_is_refused_before_any_article_is_read(tmp_path: Path, monkeypatch) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    listed = "".join(f"      - issue-7/n{i}.md\n" for i in range(load.MAX_ARTICLES + 1))
    (pub / "issues/issue-7.yaml").write_text(f"number: 7\ndate: 2026-03-06\nsections:\n  - title: All\n    articles:\n{listed}")
    loads = []
    monkeypatch.setattr(load, "load_article", lambda *args: loads.append(args))
    checked = check_issue(open_publication(pub), "7")
    issue, problems = checked.value, checked.problems
    assert issue is None and loads == []
    assert [(p.line, p.message) for p in problems] == [(3, f"{load.MAX_ARTICLES + 1} articles in one issue")]


def test_an_issue_at_the_article_cap_is_read(pub: Path, monkeypatch) -> None:
    (pub / "issues/issue-7.yaml").write_text(
        "number: 7\ndate: 2026-03-06\nsections:\n  - title: All\n    articles:\n      - issue-7/first.md\n"
    )
    monkeypatch.setattr(load, "MAX_ARTICLES", 1)
    loaded = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml")
    assert loaded.value is not None and errors_in(loaded.problems) == ()
