"""One article file: its front matter fences, encoding and size caps, and problems at the editor's lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperpress.errors import Problem, errors_in
from paperpress.load.article import MAX_ARTICLE_BYTES, MAX_FRONT_MATTER_BYTES, MAX_QUOTE_MARKS, load_article
from paperpress.load.images import PhotoFiles
from paperpress.load.links import IssueLinks
from paperpress.model import Article
from tests.support import FIXTURES, copy_publication


@pytest.fixture
def pub(tmp_path: Path) -> Path:
    return copy_publication(FIXTURES / "minimal", tmp_path / "pub")


def _load(pub: Path, text: str | bytes, name: str = "note.md") -> tuple[Article | None, list[Problem]]:
    path = pub / "issues/issue-7" / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    problems: list[Problem] = []
    article = load_article(pub, path, "a9", problems, PhotoFiles(), links=IssueLinks(pub, {path.resolve(): "a9"}))
    return article, problems


def _where(problems: list[Problem]) -> list[tuple[str, int | None, str]]:
    return [(str(p.file), p.line, p.message) for p in problems]


def test_the_fixture_article_loads_with_its_front_matter_and_photo(pub: Path) -> None:
    article, problems = _load(pub, (pub / "issues/issue-7/first.md").read_text(), "first.md")
    assert errors_in(problems) == ()
    assert article is not None
    assert (article.id, article.slug, article.source) == ("a9", "first", "issues/issue-7/first.md")
    assert (article.title, article.byline) == ("The first article", "Staff reporter")
    assert [image.alt for image in article.images] == ["A grey square"]
    assert article.blocks


def test_a_file_without_front_matter_is_refused_at_line_1(pub: Path) -> None:
    article, problems = _load(pub, "Just a paragraph.\n")
    assert article is None
    assert _where(problems) == [("issues/issue-7/note.md", 1, "no front matter")]
    assert problems[0].hint == "start the file with a line '---', then 'title: …', then '---'"


def test_front_matter_that_is_never_closed_is_refused(pub: Path) -> None:
    article, problems = _load(pub, "---\ntitle: Open\nThe body, with no closing fence.\n")
    assert article is None
    assert _where(problems) == [("issues/issue-7/note.md", 1, "the front matter is never closed")]


@pytest.mark.parametrize("closing", ["---", "...", "---  ", "...\t"])
def test_the_front_matter_closes_with_either_yaml_fence(pub: Path, closing: str) -> None:
    article, problems = _load(pub, f"---\ntitle: Fenced\n{closing}\nThe body.\n")
    assert errors_in(problems) == ()
    assert article is not None and article.title == "Fenced"


def test_a_byte_order_mark_before_the_fence_is_accepted(pub: Path) -> None:
    article, problems = _load(pub, "\ufeff---\ntitle: Marked\n---\nThe body.\n".encode())
    assert errors_in(problems) == ()
    assert article is not None and article.title == "Marked"


def test_text_that_is_not_utf8_is_refused_at_the_line_of_the_first_bad_byte(pub: Path) -> None:
    article, problems = _load(pub, b"---\ntitle: Caf\xc3\xa9\n---\nfirst line\nna\xefve in Latin-1\n")
    assert article is None
    assert _where(problems) == [("issues/issue-7/note.md", 5, "not UTF-8 text")]
    assert "UTF-8" in (problems[0].hint or "")


def test_an_article_over_the_size_cap_is_refused_before_it_is_read(pub: Path, monkeypatch) -> None:
    big = "---\ntitle: Long\n---\n" + "x" * MAX_ARTICLE_BYTES
    reads = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or b"")
    article, problems = _load(pub, big)
    assert article is None and reads == []
    assert _where(problems) == [("issues/issue-7/note.md", None, f"the article is {(len(big)) // 1024} KB")]


def test_front_matter_over_its_cap_is_refused(pub: Path) -> None:
    article, problems = _load(pub, "---\ntitle: Big\n" + "# padding\n" * (MAX_FRONT_MATTER_BYTES // 10 + 1) + "---\nBody.\n")
    assert article is None
    assert _where(problems) == [("issues/issue-7/note.md", 1, "the front matter is over 64 KB")]


def test_too_many_quotation_marks_are_refused_at_the_first_body_line(pub: Path) -> None:
    article, problems = _load(pub, "---\ntitle: Quotes\n---\n" + '"' * (MAX_QUOTE_MARKS + 1) + "\n")
    assert article is None
    assert _where(problems) == [("issues/issue-7/note.md", 4, f"{MAX_QUOTE_MARKS + 1} quotation marks in one article")]


def test_a_front_matter_problem_is_at_its_line_in_the_file(pub: Path) -> None:
    article, problems = _load(pub, "---\ntitle: Fine\nbyline: Desk\nsubtitle: unknown key\n---\nBody.\n")
    assert article is None
    assert [str(p) for p in problems] == [
        "issues/issue-7/note.md:4: subtitle: unknown key 'subtitle' (did you mean 'title'?)"
    ]


def test_a_missing_title_is_an_error(pub: Path) -> None:
    article, problems = _load(pub, "---\nbyline: Someone\n---\nBody.\n")
    assert article is None
    assert [str(p) for p in problems] == ["issues/issue-7/note.md:2: title: required: add 'title:' (the headline)"]


def test_a_body_problem_is_at_its_line_in_the_file_not_the_body(pub: Path) -> None:
    text = "---\ntitle: Photos\nbyline: Desk\n---\nFirst paragraph.\n\n![](photos/square.png)\n"
    article, problems = _load(pub, text)
    assert article is None
    assert [(p.line, p.field, p.message) for p in problems] == [(7, "body", "photo 'photos/square.png' has no alt text")]


def test_a_missing_body_photo_is_at_its_line_in_the_file(pub: Path) -> None:
    text = "---\ntitle: Photos\n---\n\nIntro.\n\n![A photo](photos/missing.png)\n"
    article, problems = _load(pub, text)
    assert article is None
    assert [p.line for p in errors_in(problems)] == [7], _where(problems)


def test_an_inline_photo_with_alt_text_loads(pub: Path) -> None:
    article, problems = _load(pub, "---\ntitle: Photos\n---\n![A grey square](photos/square.png)\n")
    assert errors_in(problems) == ()
    assert article is not None


def test_front_matter_text_reaches_readers_with_smart_punctuation_and_each_photo_its_own_id(pub: Path) -> None:
    (pub / "issues/issue-7/photos/caf\u00e9.png").write_bytes((pub / "issues/issue-7/photos/square.png").read_bytes())
    article, problems = _load(pub, (
        "---\ntitle: It's \"here\"\nbyline: Desk -- night\nstandfirst: What's new\nimages:\n"
        "  - src: photos/square.png\n    alt: The 'square'\n    caption: Grey -- mostly\n    credit: Desk's\n"
        "  - src: photos/square.png\n    alt: Again\n---\n"
        "Intro.\n\n![First in the body](photos/square.png \"A 'title'\")\n\n![Second](photos/caf\u00e9.png)\n"))
    assert errors_in(problems) == () and article is not None
    assert (article.title, article.byline, article.standfirst) == (
        "It\u2019s \u201chere\u201d", "Desk \u2013 night", "What\u2019s new")
    assert [(i.id, i.alt, i.caption, i.credit) for i in article.images] == [
        ("a9-img1", "The \u2018square\u2019", "Grey \u2013 mostly", "Desk\u2019s"), ("a9-img2", "Again", None, None)]
    figures = [b.image for b in article.blocks if hasattr(b, "image")]
    assert [(i.id, i.source, i.caption, i.credit) for i in figures] == [
        ("a9-fig1", "issues/issue-7/photos/square.png", "A \u2018title\u2019", None),
        ("a9-fig2", "issues/issue-7/photos/caf\u00e9.png", None, None)]
    assert article.block_lines == (13, 15, 17)


def test_a_front_matter_photo_s_problem_is_at_its_own_line_and_field(pub: Path) -> None:
    article, problems = _load(pub, "---\ntitle: T\nimages:\n  - src: photos/square.png\n    alt: Fine\n"
                                   "  - src: photos/gone.png\n    alt: Gone\n---\nBody.\n")
    assert article is None
    assert [(p.line, p.field, p.message) for p in errors_in(problems)] == [(6, "images[1].src", "no such file 'photos/gone.png'")]


def test_an_alt_text_or_headline_of_nothing_visible_is_an_error_at_its_line(pub: Path) -> None:
    article, problems = _load(pub, "---\ntitle: '&#12;'\nimages:\n  - src: photos/square.png\n    alt: '&#12;'\n---\nBody.\n")
    assert article is None
    assert [(p.line, p.field, p.message, p.hint) for p in errors_in(problems)] == [
        (5, "images[0].alt", "the alt text has no visible words", "describe the photo for readers who cannot see it"),
        (2, "title", "the headline has no visible words", "write the headline"),
    ]


def test_a_warning_in_the_body_is_kept_at_its_file_line_and_the_article_still_loads(pub: Path) -> None:
    article, problems = _load(pub, "---\ntitle: T\n---\n\nSee [this](#).\n")
    assert article is not None
    assert [(p.line, p.field, p.severity.name) for p in problems] == [(5, "body", "WARNING")]


def test_the_size_caps_are_inclusive(pub: Path) -> None:
    head = "---\ntitle: Long\n---\n"
    article, problems = _load(pub, head + "x" * (MAX_ARTICLE_BYTES - len(head) - 1) + "\n")
    assert article is not None and errors_in(problems) == ()
    front = "title: Big\n" + "#" * (MAX_FRONT_MATTER_BYTES - len("title: Big\n"))
    article, problems = _load(pub, f"---\n{front}\n---\nBody.\n")
    assert article is not None and errors_in(problems) == ()
    article, problems = _load(pub, "---\ntitle: Quotes\n---\n" + ('"' * (MAX_QUOTE_MARKS // 20) + "\n\n") * 20)
    assert article is not None and errors_in(problems) == ()


def test_an_error_found_before_this_article_does_not_refuse_it(pub: Path) -> None:
    path = pub / "issues/issue-7/note.md"
    path.write_text("---\ntitle: Fine\n---\nBody.\n")
    problems = [Problem(None, None, None, "an earlier article's error")]
    article = load_article(pub, path, "a9", problems, PhotoFiles(), links=IssueLinks(pub, {path.resolve(): "a9"}))
    assert article is not None and len(problems) == 1


def test_the_caps_and_the_encoding_say_how_to_fix_them(pub: Path, monkeypatch) -> None:
    import paperpress.load.article as article_module

    monkeypatch.setattr(article_module, "MAX_ARTICLE_BYTES", 10)
    assert [p.hint for p in _load(pub, "---\ntitle: Long\n---\n")[1]] == ["articles must be under 512 KB; split it"]
    monkeypatch.undo()
    assert [p.hint for p in _load(pub, b"---\ntitle: Caf\xe9\n---\n")[1]] == [
        "save the file as UTF-8; most editors offer it under 'Encoding'"]


def test_a_control_character_typed_in_the_file_is_taken_out_with_a_warning_at_its_line(pub: Path) -> None:
    article, problems = _load(pub, "---\ntitle: Bell\n---\nRing \x07 now.\n")
    assert article is not None and article.blocks[0].children[0].text.split() == ["Ring", "now."]  # type: ignore[attr-defined]
    assert [(str(p.file), p.line, p.severity.name) for p in problems] == [("issues/issue-7/note.md", 4, "WARNING")]


def test_an_opening_fence_may_end_in_spaces_and_an_empty_front_matter_is_closed(pub: Path) -> None:
    article, problems = _load(pub, "---  \ntitle: Spaced\n---\nBody.\n")
    assert article is not None and article.title == "Spaced"
    article, problems = _load(pub, "---\n---\nBody.\n")
    assert article is None and [p.message for p in problems] == ["required: add 'title:' (the headline)"]


def test_every_front_matter_field_s_hidden_character_is_warned_of_at_its_own_line_and_field(pub: Path) -> None:
    article, problems = _load(pub, (
        "---\ntitle: T&#12;x\nbyline: B&#12;x\nstandfirst: S&#12;x\nimages:\n  - src: photos/square.png\n"
        "    alt: A&#12;x\n    caption: C&#12;x\n    credit: D&#12;x\n---\nBody.\n"))
    assert article is not None
    assert [(str(p.file), p.line, p.field, p.severity.name) for p in problems] == [
        ("issues/issue-7/note.md", line, field, "WARNING") for line, field in
        [(7, "images[0].alt"), (8, "images[0].caption"), (9, "images[0].credit"), (2, "title"), (3, "byline"), (4, "standfirst")]]


def test_what_is_wrong_in_the_body_is_said_in_full_at_the_file_s_lines(pub: Path) -> None:
    other = pub / "issues/issue-7/other.md"
    other.write_text("---\ntitle: Other\n---\n\n## Known\n")
    path = pub / "issues/issue-7/note.md"
    path.write_text("---\ntitle: T\n---\n\n![](photos/square.png)\n\n[a](ftp://x.example) [b](other.md#known) [c](#)\n")
    problems: list[Problem] = []
    links = IssueLinks(pub, {path.resolve(): "a9", other.resolve(): "a10"})
    assert load_article(pub, path, "a9", problems, PhotoFiles(), links=links) is None
    assert [str(p) for p in problems] == [
        "issues/issue-7/note.md:5: body: photo 'photos/square.png' has no alt text (write it as ![what the photo shows](file))",
        "issues/issue-7/note.md:7: body: link to 'ftp://x.example' is not allowed (links must start with https://, http:// or"
        " mailto:)",
        "issues/issue-7/note.md:7: warning: body: the link 'c' goes nowhere ('#'), so it is printed as plain words (give a web"
        " address, an article or a '#subhead')",
    ]
    assert [(c.file.name, c.line, c.target.article) for c in links.claims] == [("note.md", 7, "a10")]


def test_the_fences_and_caps_say_how_to_fix_them_in_full(pub: Path) -> None:
    assert [str(p) for p in _load(pub, "---\ntitle: Open\n")[1]] == [
        "issues/issue-7/note.md:1: the front matter is never closed (add a line '---' after it)"]
    big = "---\ntitle: Big\n" + "# padding\n" * (MAX_FRONT_MATTER_BYTES // 10 + 1) + "---\nBody.\n"
    assert [str(p) for p in _load(pub, big)[1]] == [
        "issues/issue-7/note.md:1: the front matter is over 64 KB (keep the body below the '---' line)"]
    marks = "'" * (MAX_QUOTE_MARKS // 2) + '"' * (MAX_QUOTE_MARKS // 2 + 1)
    assert [str(p) for p in _load(pub, f"---\ntitle: Q\n---\n{marks}\n")[1]] == [
        f"issues/issue-7/note.md:4: body: {MAX_QUOTE_MARKS + 1} quotation marks in one article"
        f" (at most {MAX_QUOTE_MARKS}; is this really an article?)"]
    assert [p.message for p in _load(pub, "---\ntitle: [\n---\nBody.\n")[1]][0].startswith("YAML syntax")
    assert [str(p.file) for p in _load(pub, "---\ntitle: [\n---\nBody.\n")[1]] == ["issues/issue-7/note.md"]
    assert [p.message for p in _load(pub, "---\n- a\n---\nBody.\n")[1]] == ["the front matter must be a mapping of keys to values"]
