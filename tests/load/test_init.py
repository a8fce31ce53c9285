"""Loading a publication and an issue: the root, the configuration, every problem of an issue at once, the caps."""

from __future__ import annotations

from pathlib import Path

import pytest

import paperpress.load as load
from paperpress.config import Config
from paperpress.errors import errors_in
from paperpress.load import CONFIG_NAME, find_root, load_config, load_issue
from paperpress.model import Publication
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
    assert [(p.message, p.hint) for p in loaded.problems] == [(
        f"'{CONFIG_NAME}' leads outside the publication (a symbolic link)",
        "copy the file into the publication instead of linking to it")]


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


def test_the_publication_is_shown_with_smart_punctuation_and_always_has_an_identifier(pub: Path) -> None:
    (pub / CONFIG_NAME).write_text("title: The Valley's \"Bulletin\"\nsubtitle: News -- and views\npublisher: The Press\n"
                                   "language: fr\nwebsite: https://example.org/b\n")
    config = _config(pub)
    assert load.publication(config) == Publication(
        "The Valley\u2019s \u201cBulletin\u201d", "News \u2013 and views", "The Press", "fr",
        "urn:paperpress:the-valley-s-bulletin", "https://example.org/b")
    (pub / CONFIG_NAME).write_text("title: Plain\nidentifier: urn:uuid:1\n")
    assert load.publication(_config(pub)) == Publication("Plain", None, None, "en", "urn:uuid:1", None)


def test_a_control_character_in_the_publication_s_name_is_a_warning_at_its_line(pub: Path) -> None:
    # YAML takes out a control character typed as "\u0007"; "&#12;" is one only once Markdown decodes it.
    (pub / CONFIG_NAME).write_text('\ufefflanguage: en\ntitle: "The&#12; Bulletin"\nsubtitle: "Week\\u0007ly"\n')
    loaded = load_config(pub)
    assert loaded.value is not None and errors_in(loaded.problems) == ()
    assert [(p.line, p.field, p.severity.name) for p in loaded.problems] == [
        (2, "title", "WARNING"), (3, "subtitle", "WARNING")]
    shown = load.publication(loaded.value)
    assert (shown.title.split(), shown.subtitle) == (["The", "Bulletin"], "Weekly") and "\x0c" not in shown.title


def test_the_issue_carries_its_cover_line_cover_sections_and_articles_numbered_across_sections(pub: Path) -> None:
    (pub / "issues/issue-7/third.md").write_text("---\ntitle: Third\n---\n\nWords.\n")
    (pub / "issues/issue-7.yaml").write_text(
        "number: 7\ndate: 2026-03-06\ntitle: It's here -- at last\ncover: issue-7/photos/square.png\nsections:\n"
        "  - title: Town & Country\n    articles:\n      - issue-7/first.md\n      - issue-7/third.md\n"
        "  - title: \"Readers' letters\"\n    articles:\n      - issue-7/second.md\n")
    loaded = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml")
    issue = loaded.value
    assert issue is not None, loaded.problems
    assert (issue.number, issue.date.isoformat(), issue.cover_line, issue.name) == (
        7, "2026-03-06", "It\u2019s here \u2013 at last", "issue-7")
    assert issue.publication == load.publication(_config(pub))
    assert issue.cover is not None
    assert (issue.cover.id, issue.cover.source, issue.cover.alt) == (
        "cover", "issues/issue-7/photos/square.png", "Cover of The Minimal Bulletin, issue 7")
    assert [(s.id, s.slug, s.title, [a.id for a in s.articles]) for s in issue.sections] == [
        ("s1", "town-country", "Town & Country", ["a1", "a2"]),
        ("s2", "readers-letters", "Readers\u2019 letters", ["a3"]),
    ]
    assert [a.source for a in issue.articles] == [
        "issues/issue-7/first.md", "issues/issue-7/third.md", "issues/issue-7/second.md"]


def test_a_cover_that_is_missing_is_named_at_its_manifest_line(pub: Path) -> None:
    (pub / "issues/issue-7.yaml").write_text(
        "number: 7\ndate: 2026-03-06\ncover: issue-7/none.png\nsections:\n  - title: News\n    articles:\n"
        "      - issue-7/first.md\n")
    loaded = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml")
    assert loaded.value is None
    assert [(str(p.file), p.line, p.field, p.message) for p in errors_in(loaded.problems)] == [
        ("issues/issue-7.yaml", 3, "cover", "no such file 'issue-7/none.png'")]


def test_an_issue_without_a_cover_line_or_cover_has_neither(pub: Path) -> None:
    (pub / "issues/issue-7.yaml").write_text(
        "number: 7\ndate: 2026-03-06\nsections:\n  - title: News\n    articles:\n      - issue-7/first.md\n")
    issue = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml").value
    assert issue is not None and (issue.cover_line, issue.cover) == (None, None)


def test_an_article_in_upper_case_md_is_markdown_and_a_bad_section_title_is_a_warning(pub: Path) -> None:
    (pub / "issues/issue-7/first.md").rename(pub / "issues/issue-7/FIRST.MD")
    (pub / "issues/issue-7.yaml").write_text(
        "number: 7\ndate: 2026-03-06\nsections:\n  - title: \"Ne&#12;ws\"\n    articles:\n      - issue-7/FIRST.MD\n")
    loaded = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml")
    assert loaded.value is not None and loaded.value.sections[0].title == "Ne ws"
    assert [(p.line, p.field) for p in loaded.problems if p.field and p.field.startswith("sections")] == [
        (4, "sections[0].title")]


def test_a_manifest_that_cannot_be_read_is_reported_and_nothing_is_returned(pub: Path) -> None:
    (pub / "issues/issue-7.yaml").write_text("number: [\n")
    loaded = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml")
    assert loaded.value is None and [(str(p.file), p.line) for p in loaded.problems] == [("issues/issue-7.yaml", 1)]


def test_the_article_cap_is_named_at_the_sections_with_its_fix(pub: Path, monkeypatch) -> None:
    monkeypatch.setattr(load, "MAX_ARTICLES", 1)
    loaded = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml")
    assert [str(p) for p in loaded.problems] == [
        "issues/issue-7.yaml:4: sections: 2 articles in one issue (an issue may hold at most 1; split it)"]


def test_a_missing_article_s_hint_names_the_nearest_file(pub: Path) -> None:
    text = (pub / "issues/issue-7.yaml").read_text().replace("issue-7/first.md", "issue-7/frist.md")
    (pub / "issues/issue-7.yaml").write_text(text)
    loaded = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml")
    assert [(p.message, p.hint) for p in errors_in(loaded.problems)] == [
        ("no such file 'issue-7/frist.md'", "did you mean 'first.md'?")]


def test_a_photo_shown_as_cover_and_in_an_article_is_decoded_once_and_remembered(pub: Path, monkeypatch) -> None:
    from paperpress.cache import Learnt
    from paperpress.load import images

    decodes: list[bytes] = []
    decode_error = images._decode_error
    monkeypatch.setattr(images, "_decode_error", lambda data: decodes.append(data) or decode_error(data))
    text = (pub / "issues/issue-7.yaml").read_text().replace("sections:", "cover: issue-7/photos/square.png\nsections:")
    (pub / "issues/issue-7.yaml").write_text(text)
    for _ in range(2):
        learnt = Learnt()
        loaded = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml", learnt)
        assert loaded.value is not None and loaded.value.cover is not None
        learnt.keep()
    assert len(decodes) == 1
    assert list((pub / ".paperpress-cache" / "photos").iterdir())


def test_with_a_memo_an_unchanged_article_is_not_read_again(pub: Path, monkeypatch) -> None:
    from paperpress.load.memo import ArticleMemo

    memo = ArticleMemo()
    first = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml", memo=memo)
    loads: list[object] = []
    load_article = load.load_article
    monkeypatch.setattr(load, "load_article", lambda *a, **k: loads.append(a) or load_article(*a, **k))
    again = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml", memo=memo)
    assert loads == [] and again.value == first.value


def test_a_publication_named_without_letters_or_across_lines_still_reads_well() -> None:
    assert load.publication(Config(title="!!!")).identifier == "urn:paperpress:publication"
    assert load.publication(Config(title="The&#10;Bulletin", subtitle="Week&#10;ly")).title == "The Bulletin"
    assert load.publication(Config(title="T", subtitle="Week&#10;ly")).subtitle == "Week ly"


def test_links_between_articles_are_resolved_and_checked_across_the_issue(pub: Path) -> None:
    first = pub / "issues/issue-7/first.md"
    first.write_text(first.read_text() + "\nSee [the letters](second.md) and [a subhead](second.md#nowhere).\n")
    loaded = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml")
    assert loaded.value is None
    assert [(str(p.file), p.line, p.message) for p in errors_in(loaded.problems)] == [
        ("issues/issue-7/first.md", 19, "link to 'second.md#nowhere': 'The second article' has no subhead 'nowhere'")]
    first.write_text(first.read_text().replace(" and [a subhead](second.md#nowhere)", ""))
    issue = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml").value
    assert issue is not None
    from paperpress.model import Link, Paragraph, Target

    last = issue.articles[0].blocks[-1]
    assert isinstance(last, Paragraph)
    assert [node.target for node in last.children if isinstance(node, Link)] == [Target("a2", None, False)]


def test_an_article_listed_twice_is_named_with_its_fix_and_a_section_title_without_letters_has_a_slug(pub: Path) -> None:
    (pub / "issues/issue-7.yaml").write_text(
        "number: 7\ndate: 2026-03-06\nsections:\n  - title: \"!!!\"\n    articles:\n      - issue-7/first.md\n"
        "      - issue-7/first.md\n")
    loaded = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml")
    assert [str(p) for p in errors_in(loaded.problems)] == [
        "issues/issue-7.yaml:7: sections[0].articles[1]: 'issue-7/first.md' is already listed as sections[0].articles[0]"
        " (list each article once per issue)"]
    (pub / "issues/issue-7.yaml").write_text(
        "number: 7\ndate: 2026-03-06\nsections:\n  - title: \"!!!\"\n    articles:\n      - issue-7/first.md\n"
        "  - title: \"A&#12;B\"\n    articles:\n      - issue-7/second.md\n")
    loaded = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml")
    assert loaded.value is not None and loaded.value.sections[0].slug == "section"
    assert [(str(p.file), p.field) for p in loaded.problems] == [("issues/issue-7.yaml", "sections[1].title")]


def test_a_configuration_is_said_to_be_one_where_it_is_wrong_as_a_whole_and_its_hidden_characters_go(pub: Path) -> None:
    (pub / CONFIG_NAME).write_text("- title: A list\n")
    assert [str(p) for p in load_config(pub).problems] == [
        "paperpress.yaml:1: the configuration must be a mapping of keys to values"]
    (pub / CONFIG_NAME).write_text("title: Ring\x07ing\n")
    loaded = load_config(pub)
    assert loaded.value is not None and loaded.value.title == "Ringing"
    assert [(str(p.file), p.line) for p in loaded.problems] == [("paperpress.yaml", 1)]


def test_a_cover_line_s_hidden_character_is_warned_of_at_its_line_in_the_manifest(pub: Path) -> None:
    text = (pub / "issues/issue-7.yaml").read_text().replace("title: A small issue", 'title: "A&#12;B"')
    (pub / "issues/issue-7.yaml").write_text(text)
    loaded = load_issue(pub, _config(pub), pub / "issues/issue-7.yaml")
    assert loaded.value is not None and loaded.value.cover_line == "A B"
    assert [(str(p.file), p.line, p.field) for p in loaded.problems] == [("issues/issue-7.yaml", 3, "title")]
