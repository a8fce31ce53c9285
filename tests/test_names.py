"""Issue names as editors write them: typed names, padded and unpadded manifests, clashes, the slug rule."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from paperpress.errors import PaperpressError, UsageError
from paperpress.names import find_manifest, issue_name, list_manifests, names_one_issue, padded, slug, typed_number


def publication(tmp_path: Path, *files: str) -> Path:
    (tmp_path / "issues").mkdir()
    for name in files:
        (tmp_path / "issues" / name).write_text("number: 1\n")
    return tmp_path


@pytest.mark.parametrize(
    "typed", ["issue-0901", "0901", "901", "issue-0901.yaml", "issue-901", " 901 ", "issues/issue-0901.yaml", "Issue-0901",
              "issues/issue-0901/"]
)
def test_every_way_of_naming_an_issue_gives_its_number(typed: str) -> None:
    assert typed_number(typed) == 901


@pytest.mark.parametrize("typed", ["", "issue-", "nine", "issue-9a", "901.yml", "-901", "9" * 19, "../issue-901.yaml"])
def test_what_names_no_issue_is_a_usage_error(typed: str) -> None:
    with pytest.raises(UsageError) as err:
        typed_number(typed)
    assert str(err.value) == f"'{typed}' is not an issue (name an issue as issue-1142, 1142 or issue-1142.yaml)"


def test_manifests_are_listed_by_number_under_their_own_names(tmp_path: Path) -> None:
    root = publication(tmp_path, "issue-0901.yaml", "issue-1142.yaml", "issue-0899.yaml", "notes.yaml", "issue-7.yml")
    (root / "issues" / "issue-0901").mkdir()  # the articles' folder is not a manifest
    manifests = list_manifests(root)
    assert manifests.numbers == [899, 901, 1142]
    assert [manifests.name(n) for n in manifests.numbers] == ["issue-0899", "issue-0901", "issue-1142"]
    assert manifests.width == 4
    assert manifests.clash(901) == ()


def test_every_name_finds_a_padded_manifest(tmp_path: Path) -> None:
    root = publication(tmp_path, "issue-0901.yaml")
    for typed in ("issue-0901", "0901", "901", "issue-0901.yaml"):
        assert find_manifest(root, typed) == root / "issues" / "issue-0901.yaml"


def test_an_issue_that_does_not_exist_is_named_as_the_publication_would_name_it(tmp_path: Path) -> None:
    root = publication(tmp_path, "issue-0901.yaml", "issue-0902.yaml")
    with pytest.raises(UsageError) as err:
        find_manifest(root, "903")
    assert str(err.value) == "no issue 903: issues/issue-0903.yaml does not exist (issues here: 901, 902)"


def test_two_manifests_for_one_number_are_an_error_in_each_file(tmp_path: Path) -> None:
    root = publication(tmp_path, "issue-901.yaml", "issue-0901.yaml", "issue-902.yaml")
    manifests = list_manifests(root)
    assert [str(p) for p in manifests.clash(901)] == [
        "issues/issue-0901.yaml: another manifest is also issue 901: issues/issue-901.yaml "
        "(keep one manifest per issue: remove the other, or change its number and its file name)",
        "issues/issue-901.yaml: another manifest is also issue 901: issues/issue-0901.yaml "
        "(keep one manifest per issue: remove the other, or change its number and its file name)",
    ]
    with pytest.raises(PaperpressError) as err:
        find_manifest(root, "issue-901")
    assert err.value.exit_code == 1 and [p.file for p in err.value.problems] == [
        PurePosixPath("issues/issue-0901.yaml"), PurePosixPath("issues/issue-901.yaml")
    ]
    assert err.value.summary == "2 manifests for issue 901; nothing was written."
    assert find_manifest(root, "902") == root / "issues" / "issue-902.yaml"


def test_no_issues_folder_is_no_issues(tmp_path: Path) -> None:
    assert list_manifests(tmp_path).numbers == []
    with pytest.raises(UsageError, match="create issues/issue-NNNN.yaml"):
        find_manifest(tmp_path, "1")


@pytest.mark.parametrize(
    ("stems", "width", "next_name"),
    [
        (["issue-0901.yaml"], 4, "issue-0902"),
        (["issue-1141.yaml", "issue-1142.yaml"], 1, "issue-1143"),
        (["issue-0999.yaml", "issue-1000.yaml"], 4, "issue-1001"),
        (["issue-9.yaml"], 1, "issue-10"),
        (["issue-007.yaml", "issue-8.yaml"], 3, "issue-009"),
    ],
)
def test_a_new_issue_keeps_the_publications_padding(tmp_path: Path, stems: list[str], width: int, next_name: str) -> None:
    manifests = list_manifests(publication(tmp_path, *stems))
    assert manifests.width == width
    assert manifests.name(manifests.numbers[-1] + 1) == padded(manifests.numbers[-1] + 1, width) == next_name


def test_an_issues_name_is_its_manifests_stem() -> None:
    assert issue_name(Path("/pub/issues/issue-0901.yaml")) == "issue-0901"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("News", "news"), ("Q&A: what's next?", "q-a-what-s-next"), ("Nature \\ Wildlife", "nature-wildlife"),
     ("Письма", "section"), ("  --  ", "section")],
)
def test_slugs_are_lower_case_ascii_words(text: str, expected: str) -> None:
    assert slug(text, "section") == expected


@pytest.mark.parametrize(("typed", "one"), [
    (["1142"], True), (["issue-1142.yaml"], True), ([], False), (["1140", "1142"], False), (["1140,1142"], False),
    (["1100..1142"], False),
])
def test_what_can_only_name_one_issue_is_known_before_any_manifest_is_read(typed: list[str], one: bool) -> None:
    assert names_one_issue(typed) is one
