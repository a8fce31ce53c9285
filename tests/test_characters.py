"""Control characters and noncharacters are taken out of every text as it is loaded, with a warning at the line."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path, PurePosixPath

import pytest
from PIL import Image

from paperpress import characters as text_module
from paperpress.characters import (
    clean_field,
    clean_file_text,
    clean_string,
    has_forbidden,
    refuse_forbidden,
    removed_message,
    without_controls,
)
from paperpress.errors import Problem, Severity
from paperpress.load import load_config, load_issue
from paperpress.model import Paragraph, Text
from paperpress.run.issue import open_publication
from tests.support import FIXTURES, copy_publication

FORBIDDEN = ["\x00", "\x07", "\x08", "\x1b", "\x7f", "\x80", "\x9f", "\ufdd0", "\ufdef", "\ufffe", "\uffff",
             "\U0001fffe", "\U0010ffff"]


@pytest.mark.parametrize("char", FORBIDDEN, ids=[f"U+{ord(c):04X}" for c in FORBIDDEN])
def test_each_forbidden_character_is_removed(char: str) -> None:
    assert without_controls(f"ab{char}cd") == ("abcd", [char])


@pytest.mark.parametrize("text", ["plain words", "café ’quoted’ 中文", "an emoji 🎉 and \U0001fffd", "\U00010000\ufffd"])
@pytest.mark.parametrize("char", ["", *FORBIDDEN], ids=["none", *(f"U+{ord(c):04X}" for c in FORBIDDEN)])
def test_the_quick_check_finds_what_the_pattern_finds(text: str, char: str) -> None:
    for placed in (char + text, text + char):
        assert has_forbidden(placed) == (char != "") == bool(text_module.FORBIDDEN.search(placed))


def test_separators_become_spaces_and_tabs_and_new_lines_stay() -> None:
    assert without_controls("one\x0btwo\x0cthree\x85four\x1ffive") == ("one two three four five", list("\x0b\x0c\x85\x1f"))
    assert without_controls("a\tb\nc é 中 \u200d") == ("a\tb\nc é 中 \u200d", [])


def load(pub: Path):
    pub_config = open_publication(pub).config
    return load_issue(pub, pub_config, pub / "issues" / "issue-7.yaml")


def test_an_article_full_of_control_characters_loads_clean_with_warnings_at_its_lines(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    (pub / "issues/issue-7/second.md").write_text(
        '---\ntitle: "Bell\\u0007 headline"\nbyline: Our\x1b[2J reporter\nimages:\n  - src: photos/square.png\n'
        '    alt: "A\\x85square"\n    caption: Cap\x9btion\n    credit: Desk\n---\nA body\x07 with a\x0cbreak.\n'
    )
    loaded = load(pub)
    assert loaded.ok, [str(p) for p in loaded.problems]
    article = loaded.value.sections[1].articles[0]
    assert (article.title, article.byline) == ("Bell headline", "Our[2J reporter")
    assert (article.images[0].alt, article.images[0].caption) == ("A square", "Caption")
    assert article.blocks == (Paragraph((Text("A body with a break."),)),)
    assert [str(p) for p in loaded.problems if p.severity is Severity.WARNING] == [
        "issues/issue-7/second.md:2: warning: title: removed 1 invisible control character (U+0007) "
        "(readers cannot see them and some readers reject them; check the text was pasted correctly)",
        "issues/issue-7/second.md:3: warning: removed 4 invisible control characters (U+0007, U+000C, U+001B, "
        "U+009B) on lines 3, 7, 10 (readers cannot see them and some readers reject them; check the text was "
        "pasted correctly)",
        "issues/issue-7/second.md:6: warning: images[0].alt: removed 1 invisible control character (U+0085) "
        "(readers cannot see them and some readers reject them; check the text was pasted correctly)",
    ]


def test_manifest_and_configuration_strings_are_cleaned_too(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    manifest = pub / "issues/issue-7.yaml"
    manifest.write_text(manifest.read_text().replace("title: News", 'title: "Ne\\u001bws"').replace("A small", "A\x07 small"))
    config = pub / "paperpress.yaml"
    config.write_text(config.read_text() + 'subtitle: "Sub\\uFFFEtitle"\n')
    loaded = load(pub)
    assert loaded.ok
    assert (loaded.value.cover_line, loaded.value.sections[0].title) == ("A small issue", "News")
    assert [(str(p.file), p.line, p.field) for p in loaded.problems] == [
        ("issues/issue-7.yaml", 3, None), ("issues/issue-7.yaml", 5, "sections[0].title")
    ]
    configured = load_config(pub)
    assert configured.value.subtitle == "Subtitle"
    assert [(str(p.file), p.field, p.severity) for p in configured.problems] == [
        ("paperpress.yaml", "subtitle", Severity.WARNING)
    ]


def test_a_photo_name_with_a_control_character_is_refused(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    (pub / "issues/issue-7/second.md").write_text("---\ntitle: T\n---\n![a square](photos/squ%07are.png)\n")
    loaded = load(pub)
    assert [str(p) for p in loaded.problems] == [
        "issues/issue-7/second.md:4: body: 'photos/squ\\x07are.png' holds a control character "
        "(rename the file to plain letters, digits and dashes)"
    ]


@pytest.mark.parametrize("on_disk", ["NFC", "NFD"])
@pytest.mark.parametrize("written", ["NFC", "NFD"])
def test_a_non_ascii_photo_name_is_found_in_either_unicode_form(on_disk: str, written: str, tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buf, "PNG")
    name = "café-façade.png"
    (pub / "issues/issue-7/photos" / unicodedata.normalize(on_disk, name)).write_bytes(buf.getvalue())
    (pub / "issues/issue-7/second.md").write_text(
        f"---\ntitle: T\n---\n![A café front](photos/{unicodedata.normalize(written, name)})\n"
    )
    loaded = load(pub)
    assert loaded.ok, [str(p) for p in loaded.problems]
    assert loaded.value.sections[1].articles[0].blocks[0].image.width == 40


def test_a_single_line_field_is_cleaned_joined_and_trimmed_with_a_warning_at_its_place() -> None:
    problems: list[Problem] = []
    file = PurePosixPath("issues/issue-1/one.md")
    assert clean_field("  Rain \t\n  and\u2028sun\x07 ", file, 3, "title", problems) == "Rain and sun"
    assert [(p.file, p.line, p.field, p.message, p.severity) for p in problems] == [
        (file, 3, "title", "removed 1 invisible control character (U+0007)", Severity.WARNING)]
    assert clean_field("Clean", file, 4, "byline", problems) == "Clean" and len(problems) == 1


def test_a_body_string_keeps_its_lines() -> None:
    assert clean_string("one\ntwo\x0c", single_line=False) == ("one\ntwo ", ["\x0c"])
    assert clean_string(" one\ntwo ", single_line=True) == ("one two", [])


def test_a_writer_refuses_a_forbidden_character_naming_it_and_passes_clean_text_through() -> None:
    assert refuse_forbidden("clean \U0001f389 text", "the feed") == "clean \U0001f389 text"
    with pytest.raises(ValueError) as raised:
        refuse_forbidden("bad \x1b[31m", "the feed")
    assert str(raised.value) == "internal error: the feed would hold U+001B, which its format forbids"
    with pytest.raises(ValueError, match="U\\+10FFFF"):
        refuse_forbidden("astral \U0010ffff", "the feed")


def test_the_warning_names_five_characters_then_says_there_are_more() -> None:
    assert removed_message(list("\x01\x02")) == "removed 2 invisible control characters (U+0001, U+0002)"
    assert removed_message(["\x07"]) == "removed 1 invisible control character (U+0007)"
    assert removed_message(list("\x06\x05\x04\x03\x02\x01\x01")) == (
        "removed 7 invisible control characters (U+0001, U+0002, U+0003, U+0004, U+0005, …)")
    assert removed_message(list("\x05\x04\x03\x02\x01")) == (
        "removed 5 invisible control characters (U+0001, U+0002, U+0003, U+0004, U+0005)")


def test_a_files_line_ends_are_made_new_lines_before_the_lines_of_the_warning_are_counted() -> None:
    problems: list[Problem] = []
    file = PurePosixPath("issues/issue-1/one.md")
    assert clean_file_text("one\r\ntwo\rthree\n", file, problems) == "one\ntwo\nthree\n" and problems == []
    assert clean_file_text("one\r\ntwo\r\nthr\x1bee\rfour\x1b", file, problems) == "one\ntwo\nthree\nfour"
    assert [(p.line, p.message) for p in problems] == [
        (3, "removed 2 invisible control characters (U+001B) on lines 3, 4")]


def test_the_warning_names_the_line_or_the_first_five_lines_and_how_many_more() -> None:
    file = PurePosixPath("one.md")

    def where(text: str) -> str:
        problems: list[Problem] = []
        clean_file_text(text, file, problems)
        return problems[0].message.split(" on ")[1]

    assert where("a\n\x01") == "line 2"
    assert where("\x01\n\x01") == "lines 1, 2"
    assert where("\x01\n" * 5) == "lines 1, 2, 3, 4, 5"
    assert where("\x01\n" * 8) == "lines 1, 2, 3, 4, 5 and 3 more"
