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
