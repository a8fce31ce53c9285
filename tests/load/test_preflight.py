"""Preflight warnings: what a print shop or e-book store would flag, reported without failing the build."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from paperpress.cli import app
from paperpress.errors import Severity
from paperpress.load.preflight import MAX_ALT, MAX_HEADLINE, _unlisted_articles
from paperpress.run.issue import check_issue, open_publication
from tests.support import FIXTURES, copy_publication

LETTER = "issues/issue-7/second.md"


def publication_with_warnings(tmp_path: Path) -> Path:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    Image.new("RGB", (300, 200), (90, 90, 90)).save(pub / "issues/issue-7/photos/small.jpg")
    (pub / LETTER).write_text(
        "---\n"
        f"title: {'A very long headline that goes on ' * 4}\n"
        "images:\n"
        "  - src: photos/small.jpg\n"
        f"    alt: {'a photo described at far too great a length ' * 4}\n"
        "---\n"
        "A letter that cites a note that does not exist.[^missing]\n"
    )
    (pub / "issues/issue-7/forgotten.md").write_text("---\ntitle: Forgotten\n---\nNobody listed me.\n")
    return pub


def test_warnings_are_listed_and_the_check_passes(tmp_path: Path) -> None:
    pub = publication_with_warnings(tmp_path)
    result = CliRunner().invoke(app, ["check", "7", "--root", str(pub)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "issue-7: 2 articles in 2 sections, ok (6 warnings)\n"
    assert result.stderr.splitlines() == [
        "issues/issue-7.yaml: warning: 'issues/issue-7/forgotten.md' is in no section"
        " (list it under a section, or move it out of the issue's folder)",
        f"{LETTER}: warning: body: a footnote mark has no note (add '[^label]: text' at the end of the article)",
        f"{LETTER}: warning: images[0]: 'issues/issue-7/photos/small.jpg' is 300 px wide: 51 dpi when printed"
        " 150 mm wide (use a photo at least 886 px wide for print)",
        f"{LETTER}: warning: images[0]: alt text of 'issues/issue-7/photos/small.jpg' has 175 characters"
        " (keep it under 140; put detail in the caption)",
        f"{LETTER}: warning: images[0]: 'issues/issue-7/photos/small.jpg' has no credit"
        " (add 'credit:' with who took it)",
        f"{LETTER}: warning: title: the headline has 135 characters and may not fit (keep it under 110)",
    ]


def test_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    pub = publication_with_warnings(tmp_path)
    result = CliRunner().invoke(app, ["build", "7", "-f", "txt", "--strict", "--root", str(pub)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "6 problems in issue-7; nothing was written."
    assert "warning" not in result.stderr  # under --strict they are problems
    assert not (pub / "dist").exists()


def test_photos_in_notes_lists_quotes_and_table_cells_are_checked_too(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    for name in ("note", "item", "quote", "cell"):
        Image.new("RGB", (60, 40), (90, 90, 90)).save(pub / f"issues/issue-7/photos/{name}.png")
    long_alt = "a photo described at far too great a length " * 4
    (pub / LETTER).write_text(
        "---\ntitle: Photos everywhere\n---\n"
        "Text.[^1]\n\n- An item.\n\n  ![An item](photos/item.png)\n\n> Said.\n>\n> ![A quote](photos/quote.png)\n\n"
        f"| Prize | Photo |\n|---|---|\n| First | ![{long_alt}](photos/cell.png) |\n\n"
        "[^1]: A note.\n\n    ![A note](photos/note.png)\n"
    )
    result = CliRunner().invoke(app, ["check", "7", "--root", str(pub)])
    assert result.exit_code == 0, result.output
    soft = [line for line in result.stderr.splitlines() if "dpi when printed" in line]
    assert [line.split("'")[1] for line in soft] == [
        f"issues/issue-7/photos/{name}.png" for name in ("item", "quote", "cell", "note")
    ]
    assert f"{LETTER}: warning: body: 'issues/issue-7/photos/cell.png' is 60 px wide: 68 dpi when printed 22 mm wide" in result.stderr
    assert f"{LETTER}: warning: body: alt text of 'issues/issue-7/photos/cell.png' has 175 characters" in result.stderr


def _warnings(pub: Path) -> list[str]:
    checked = check_issue(open_publication(pub), "7")
    assert checked.value is not None, checked.problems
    return [f"{p.file}: {p.field}: {p.message}" for p in checked.problems if p.severity is Severity.WARNING]


def _letter(tmp_path: Path, front: str, body: str = "A letter.") -> Path:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    (pub / LETTER).write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
    return pub


def test_a_headline_or_alt_text_at_the_limit_passes_and_one_character_more_is_named(tmp_path: Path) -> None:
    Image.new("RGB", (2000, 1000), (90, 90, 90)).save(
        (pub := _letter(tmp_path, f"title: {'h' * MAX_HEADLINE}\nimages:\n  - src: photos/big.png\n"
                                  f"    alt: {'a' * MAX_ALT}\n    credit: Desk\n")) / "issues/issue-7/photos/big.png")
    assert _warnings(pub) == []
    (pub / LETTER).write_text((pub / LETTER).read_text().replace("hh", "hhh", 1).replace("aa", "aaa", 1))
    assert _warnings(pub) == [
        f"{LETTER}: images[0]: alt text of 'issues/issue-7/photos/big.png' has {MAX_ALT + 1} characters",
        f"{LETTER}: title: the headline has {MAX_HEADLINE + 1} characters and may not fit",
    ]


def test_a_photo_in_the_body_needs_no_credit_and_a_note_mark_with_its_note_is_fine(tmp_path: Path) -> None:
    pub = _letter(tmp_path, "title: Letter\n", "A photo.[^1]\n\n![Alt](photos/big.png)\n\n[^1]: The note.")
    Image.new("RGB", (2000, 1000), (90, 90, 90)).save(pub / "issues/issue-7/photos/big.png")
    assert _warnings(pub) == []


def test_articles_in_no_section_are_each_named_in_order_and_an_issue_without_a_folder_has_none(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    for name in ("b-late.md", "a-early.md"):
        (pub / "issues/issue-7" / name).write_text("---\ntitle: Forgotten\n---\nNobody listed me.\n")
    (pub / "issues/issue-7/notes.txt").write_text("not an article")
    assert _warnings(pub) == [
        "issues/issue-7.yaml: None: 'issues/issue-7/a-early.md' is in no section",
        "issues/issue-7.yaml: None: 'issues/issue-7/b-late.md' is in no section",
    ]
    issue = check_issue(open_publication(pub), "7").value
    assert issue is not None
    assert _unlisted_articles(tmp_path / "elsewhere", issue, set()) == []
