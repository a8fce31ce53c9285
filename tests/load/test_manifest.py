"""A manifest's number against its file name, padded or not."""

from __future__ import annotations

from pathlib import Path

from paperpress.errors import Problem
from paperpress.load.manifest import read_manifest

SECTIONS = "sections:\n  - title: News\n    articles: [first.md]\n"


def read(tmp_path: Path, name: str, number: str) -> tuple[int | None, list[str]]:
    path = tmp_path / "issues" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"date: 2026-03-06\nnumber: {number}\n{SECTIONS}")
    problems: list[Problem] = []
    read = read_manifest(tmp_path, path, problems)
    assert read is not None
    return (read.manifest.number if read.manifest else None), [str(p) for p in problems]


def test_an_octal_looking_number_in_a_padded_file_is_that_issue(tmp_path: Path) -> None:
    assert read(tmp_path, "issue-0010.yaml", "010") == (10, [])
    assert read(tmp_path, "issue-0901.yaml", "0901") == (901, [])
    assert read(tmp_path, "issue-0901.yaml", "901") == (901, [])


def test_a_number_that_is_not_the_files_is_located_and_the_fix_keeps_the_padding(tmp_path: Path) -> None:
    assert read(tmp_path, "issue-8.yaml", "010") == (None, [
        "issues/issue-8.yaml:2: number: the manifest says issue 10 but the file is named issue-8.yaml "
        "(rename the file to issue-10.yaml or correct the number)"
    ])
    assert read(tmp_path, "issue-0008.yaml", "010")[1] == [
        "issues/issue-0008.yaml:2: number: the manifest says issue 10 but the file is named issue-0008.yaml "
        "(rename the file to issue-0010.yaml or correct the number)"
    ]


def _read(tmp_path: Path, text: str | bytes, name: str = "issue-7.yaml"):
    path = tmp_path / "issues" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    problems: list[Problem] = []
    return read_manifest(tmp_path, path, problems), [str(p) for p in problems]


def test_a_manifest_reads_into_its_sections_number_date_title_and_cover(tmp_path: Path) -> None:
    import datetime as dt

    from paperpress.load.manifest import Manifest, SectionEntry

    read, problems = _read(tmp_path, "\ufeffnumber: 7\ndate: 2026-03-06\ntitle: Hello\ncover: c.jpg\nsections:\n"
                                     "  - title: News\n    articles: [a.md, b.md]\n  - title: Sport\n    articles: [c.md]\n")
    assert problems == [] and read is not None
    sections = (SectionEntry("News", ("a.md", "b.md")), SectionEntry("Sport", ("c.md",)))
    assert read.manifest == Manifest(7, dt.date(2026, 3, 6), sections, "Hello", "c.jpg")
    assert read.sections == sections and read.doc.line("sections[1].articles[0]") == 9


def test_a_manifest_with_a_wrong_field_still_gives_its_sections_to_check_their_articles(tmp_path: Path) -> None:
    from paperpress.load.manifest import SectionEntry

    read, problems = _read(tmp_path, "number: 0\ndate: 2026-13-01\nsections:\n  - title: News\n    articles: [a.md]\n")
    assert read is not None and read.manifest is None and read.sections == (SectionEntry("News", ("a.md",)),)
    assert [p.split(": ")[1] for p in problems] == ["number", "date"]
    read, problems = _read(tmp_path, "number: 7\nsections: 3\n")
    assert read is not None and read.manifest is None and read.sections == ()
    assert problems == [
        "issues/issue-7.yaml:1: date: required: add 'date:' (publication date as YYYY-MM-DD)",
        "issues/issue-7.yaml:2: sections: expected a list, found '3' (put each item on its own line starting with '- ')",
    ]


def test_a_manifest_that_cannot_be_read_says_why_and_how_to_fix_it(tmp_path: Path, monkeypatch) -> None:
    import paperpress.load.manifest as manifest

    assert _read(tmp_path, b"number: 7\ntitle: Caf\xe9\n") == (None, ["issues/issue-7.yaml: not UTF-8 text (save the file as UTF-8)"])
    assert _read(tmp_path, "number: [\n")[0] is None
    monkeypatch.setattr(manifest, "MAX_MANIFEST_BYTES", 10)
    assert _read(tmp_path, "number: 7\n" + "#" * 1) == (None, [
        "issues/issue-7.yaml: the manifest is over 256 KB (a manifest lists files; keep it short)"])
    assert not any("256 KB" in p for p in _read(tmp_path, "number: 7\n")[1])  # ten bytes, at the limit
    problems: list[Problem] = []
    assert read_manifest(tmp_path, tmp_path / "issues" / "gone.yaml", problems) is None
    assert [str(p) for p in problems] == ["issues/gone.yaml: no such file 'issues/gone.yaml'"]


def test_a_hidden_character_typed_in_a_manifest_is_warned_of(tmp_path: Path) -> None:
    read, problems = _read(tmp_path, "number: 7\ndate: 2026-03-06\ntitle: Ring\x07\nsections:\n  - title: N\n    articles: [a.md]\n")
    assert read is not None and read.manifest is not None and read.manifest.title == "Ring"
    assert len(problems) == 1 and problems[0].startswith("issues/issue-7.yaml:3: warning:")
