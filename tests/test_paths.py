"""The one path resolver: every file paperpress reads is found inside the publication, or refused with a reason."""

from __future__ import annotations

import unicodedata
from pathlib import Path, PurePosixPath

import pytest

from paperpress.paths import relative, resolve_inside


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "issues").mkdir()
    (tmp_path / "issues" / "photo.jpg").write_bytes(b"x")
    (tmp_path / "issues" / unicodedata.normalize("NFD", "café.jpg")).write_bytes(b"x")
    return tmp_path


def test_a_file_inside_is_found_relative_to_its_folder(root: Path) -> None:
    assert resolve_inside(root, root / "issues", "photo.jpg") == ((root / "issues" / "photo.jpg").resolve(), None, None)


def test_a_name_typed_composed_finds_the_file_stored_decomposed(root: Path) -> None:
    found, message, _ = resolve_inside(root, root / "issues", unicodedata.normalize("NFC", "café.jpg"))
    assert found is not None and message is None


@pytest.mark.parametrize(("written", "says"), [
    ("", "empty path"),
    ("../../etc/passwd", "is outside the publication"),
    ("/etc/passwd", "is an absolute path"),
    ("https://example.org/a.jpg", "is a URL"),
    ("pho\x07to.jpg", "holds a control character"),
    ("issues", "no such file"),
])
def test_what_is_refused_says_why(root: Path, written: str, says: str) -> None:
    found, message, _ = resolve_inside(root, root / "issues", written)
    assert found is None and message is not None and says in message


def test_a_near_miss_is_suggested(root: Path) -> None:
    assert resolve_inside(root, root / "issues", "phot.jpg")[2] == "did you mean 'photo.jpg'?"


def test_a_symbolic_link_out_of_the_publication_is_refused(root: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.txt"
    outside.write_text("secret")
    (root / "issues" / "link.txt").symlink_to(outside)
    found, message, _ = resolve_inside(root, root / "issues", "link.txt")
    assert found is None and message is not None and "symbolic link" in message


def test_relative_paths_are_written_as_the_editor_sees_them(root: Path) -> None:
    assert relative(root, root / "issues" / "photo.jpg") == PurePosixPath("issues/photo.jpg")
