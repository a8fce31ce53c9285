"""Characters the PDF's fonts cannot draw are refused with their file, line and field; alt text is not printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperpress.errors import Severity
from paperpress.run.issue import build_info, check_issue, open_publication
from tests.support import FIXTURES, copy_publication
from tests.typeset.test_fonts import house_font


def _problems(pub: Path) -> list[str]:
    checked = check_issue(open_publication(pub), "7")
    issue, problems = checked.value, checked.problems
    assert issue is not None or problems
    return [str(p) for p in problems]


def _publication(tmp_path: Path, body: str, front: str = "") -> Path:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    (pub / "issues/issue-7/second.md").write_text(f"---\ntitle: A letter\n{front}---\n{body}\n", encoding="utf-8")
    return pub


def test_the_manifest_and_the_configuration_are_located_too(tmp_path: Path) -> None:
    pub = _publication(tmp_path, "A letter.")
    manifest = pub / "issues/issue-7.yaml"
    manifest.write_text(manifest.read_text().replace("title: Letters", "title: Letters ✉︎"), encoding="utf-8")
    config = pub / "paperpress.yaml"
    config.write_text(config.read_text().replace("title: ", "title: ☙ ", 1), encoding="utf-8")
    found = _problems(pub)
    assert found[0].startswith("issues/issue-7.yaml:8: sections[1].title: the PDF's fonts cannot draw U+2709 ✉ ("), found
    assert found[1].startswith("paperpress.yaml:1: title: the PDF's fonts cannot draw U+2619 ☙ ("), found


def test_alt_text_is_not_checked_because_it_is_never_drawn(tmp_path: Path) -> None:
    front = "images:\n  - src: ../issue-7/photos/square.png\n    alt: Bunting 🎊 across the lane\n    credit: Desk\n"
    assert _problems(_publication(tmp_path, "A letter.", front)) == []


def test_many_lines_are_summed_up_after_the_first_few(tmp_path: Path) -> None:
    found = _problems(_publication(tmp_path, "\n\n".join(f"Line {n} 🎉" for n in range(9))))
    assert len(found) == 6
    assert found[-1].startswith("issues/issue-7/second.md:14: body: and on 4 more lines")


def test_a_font_in_fonts_that_has_them_lets_the_issue_through(tmp_path: Path) -> None:
    pub = _publication(tmp_path, "They sang ሰላም.")
    assert "cannot draw U+1230 ሰ, U+120B ላ and U+121D ም" in _problems(pub)[0]
    house_font(pub / "fonts" / "house-ethiopic.ttf")
    assert _problems(pub) == []


def test_an_unreadable_font_file_is_a_warning_and_the_check_passes(tmp_path: Path) -> None:
    pub = _publication(tmp_path, "A letter.")
    (pub / "fonts").mkdir()
    (pub / "fonts" / "house.ttf").write_bytes(b"not a font")
    checked = check_issue(open_publication(pub), "7")
    issue, problems = checked.value, checked.problems
    assert issue is not None
    assert [(str(p.file), p.severity) for p in problems] == [("fonts/house.ttf", Severity.WARNING)]


def test_a_letter_and_accent_typed_as_one_character_no_face_has_is_refused_with_its_spelling_in_parts(
    tmp_path: Path,
) -> None:
    """Every face has O and U+0307 but none has U+022E: the layout engine, which picks a font per character,
    would set it in a system font, so preflight refuses it and says how to type it."""
    found = _problems(_publication(tmp_path, "Both \u022e and \u01e0 here.", front="byline: \u022e\n"))
    assert found == [
        "issues/issue-7/second.md:3: byline: the PDF's fonts cannot draw U+022E Ȯ (type it as U+004F U+0307, the "
        "letter then its accent, which the fonts draw; or put a font that has it in fonts/)",
        "issues/issue-7/second.md:5: body: the PDF's fonts cannot draw U+022E Ȯ and U+01E0 Ǡ (type each as its "
        "letter then its accent, which the fonts draw (U+022E as U+004F U+0307); or put a font that has them in "
        "fonts/)",
    ]


def test_the_same_letter_typed_as_letter_and_accent_passes(tmp_path: Path) -> None:
    assert _problems(_titled(tmp_path, "O\u0307")) == []


def test_a_code_point_unicode_assigns_no_character_to_is_refused_as_a_bad_paste(tmp_path: Path) -> None:
    assert _problems(_titled(tmp_path, "\U000126dc")) == [
        "issues/issue-7/second.md:2: title: the PDF's fonts cannot draw U+126DC (Unicode assigns no character to "
        "it: check the text was pasted correctly, and leave it out)"]


def test_a_mix_of_such_characters_gets_the_general_advice(tmp_path: Path) -> None:
    assert _problems(_titled(tmp_path, "\u022e\U000126dc")) == [
        "issues/issue-7/second.md:2: title: the PDF's fonts cannot draw U+022E Ȯ and U+126DC (put a font file "
        "that has them in fonts/, or leave them out)"]


def _titled(tmp_path: Path, title: str) -> Path:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    (pub / "issues/issue-7/second.md").write_text(f'---\ntitle: "{title}"\n---\naaa\n', encoding="utf-8")
    return pub


@pytest.mark.slow
@pytest.mark.parametrize("title", ["\u022e", "\U000126dc", "O\u0307"],
                         ids=["U+022E-O-with-dot-above", "U+126DC-unassigned", "O-then-U+0307"])
def test_a_headline_that_passes_preflight_is_drawn_in_our_fonts(tmp_path: Path, title: str) -> None:
    """Preflight and the PDF agree: what preflight lets through the PDF draws in our faces, and what the PDF
    would refuse (without a file or line) preflight refuses first, with them."""
    from paperpress.editions.pdf.edition import PdfEdition
    from paperpress.errors import PaperpressError, errors_in

    pub = _titled(tmp_path, title)
    opened = open_publication(pub)
    checked = check_issue(opened, "7")
    if not checked.ok:
        errors = errors_in(checked.problems)
        assert errors and all(e.file is not None and e.line is not None for e in errors), checked.problems
        return
    assert checked.value is not None
    try:
        PdfEdition().render(checked.value, opened.layouts, build_info(opened, checked.value))
    except PaperpressError as err:
        raise AssertionError(f"passed preflight, refused by the PDF: {[str(p) for p in err.problems]}") from err


def test_every_printed_field_is_checked_and_located(tmp_path: Path) -> None:
    """The configuration's subtitle and website, the cover line, and an article's byline, standfirst, and each
    photo's caption and credit: each said at its own line and field."""
    front = ("byline: Desk 🎉\nstandfirst: A standfirst 🎉\nimages:\n  - src: ../issue-7/photos/square.png\n"
             "    alt: A grey square\n    caption: A caption 🎉\n    credit: A credit 🎉\n")
    pub = _publication(tmp_path, "A letter.", front)
    manifest = pub / "issues/issue-7.yaml"
    manifest.write_text(manifest.read_text().replace("title: A small issue", "title: A small issue 🎉"), encoding="utf-8")
    with open(pub / "paperpress.yaml", "a", encoding="utf-8") as config:
        config.write("subtitle: Weekly 🎉\nwebsite: https://🎉.example/\n")
    found = [p.split(": the PDF's")[0] for p in _problems(pub)]
    assert found == [
        "issues/issue-7.yaml:3: title", "issues/issue-7/second.md:3: byline", "issues/issue-7/second.md:4: standfirst",
        "issues/issue-7/second.md:8: images[0].caption", "issues/issue-7/second.md:9: images[0].credit",
        "paperpress.yaml:7: subtitle", "paperpress.yaml:8: website",
    ]


def test_code_a_table_and_a_photo_in_the_body_are_checked_at_their_lines_after_the_front_matter(tmp_path: Path) -> None:
    body = ("Plain first line.\n\nSome `code 🎉` here.\n\n```\nblock 🎊\n```\n\n| A | B |\n|---|---|\n| cell 🎈 | x |\n\n"
            '![A square](../issue-7/photos/square.png "A caption 🎁")\n')
    found = _problems(_publication(tmp_path, body))
    assert [p.split(": the PDF's")[0] for p in found] == [f"issues/issue-7/second.md:{n}: body" for n in (6, 9, 14, 16)]
    assert "U+1F389 🎉" in found[0] and "U+1F38A 🎊" in found[1] and "U+1F388 🎈" in found[2] and "U+1F381 🎁" in found[3]


def test_a_character_written_as_an_entity_is_refused_without_a_line_for_no_line_shows_it(tmp_path: Path) -> None:
    found = _problems(_publication(tmp_path, "A party &#x1F389; tonight.\n\nAnd 🎊 here."))
    assert found[0].startswith("issues/issue-7/second.md: body: the PDF's fonts cannot draw U+1F389 🎉 ("), found
    assert found[1].startswith("issues/issue-7/second.md:6: body: the PDF's fonts cannot draw U+1F38A 🎊 ("), found
    assert len(found) == 2


def test_one_line_past_the_first_few_is_said_as_one_more_line(tmp_path: Path) -> None:
    found = _problems(_publication(tmp_path, "\n\n".join(f"Line {n} 🎉" for n in range(6))))
    assert len(found) == 6 and found[-1].startswith("issues/issue-7/second.md:14: body: and on 1 more line (")


def test_lines_are_counted_alike_in_a_file_with_windows_line_ends_and_a_byte_order_mark(tmp_path: Path) -> None:
    pub = _publication(tmp_path, "")
    text = "\ufeff---\r\ntitle: A letter\r\nbyline: Desk 🎉\r\n---\r\nFirst.\r\n\r\nSecond 🎊.\r\n"
    (pub / "issues/issue-7/second.md").write_bytes(text.encode("utf-8"))
    assert [p.split(": the PDF's")[0] for p in _problems(pub)] == [
        "issues/issue-7/second.md:3: byline", "issues/issue-7/second.md:7: body"]
