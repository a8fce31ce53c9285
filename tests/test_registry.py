"""The registry: every edition described as data, read by config, the catalog and the other editions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from paperpress import registry
from paperpress.registry import EDITIONS, EditionSpec, default_editions, downloads, followers, heavy_editions, spec_of
from paperpress.templates import DEFAULTS


def test_readers_are_offered_the_downloads_e_book_first_and_never_the_web_pages() -> None:
    assert [s.name for s in downloads(["audio", "web", "txt", "pdf", "epub"])] == ["epub", "pdf", "txt", "audio"]
    assert [s.label for s in downloads(["read-aloud", "audio", "epub"])] == ["EPUB", "Audio (MP3)", "EPUB read aloud"]
    assert [s.label for s in downloads(["txt", "epub"])] == ["EPUB", "Plain text"]


def test_an_edition_the_registry_does_not_know_is_a_download_by_its_name() -> None:
    zine = spec_of("zine")
    assert (zine.label, zine.online, zine.heavy) == ("ZINE", False, False)
    assert spec_of("epub") is EDITIONS["epub"]


def test_a_main_file_is_named_for_the_issue_in_the_editions_own_place() -> None:
    assert [EDITIONS[n].main_file("issue-0901") for n in ("txt", "epub", "pdf", "web", "audio")] == [
        "issue-0901.txt", "issue-0901.epub", "issue-0901.pdf", "web/index.html", "audio/issue-0901.mp3"]


def test_a_plain_build_leaves_out_the_opt_in_audio_and_read_aloud_alone() -> None:
    assert default_editions() == ("txt", "epub", "web", "pdf")
    custom = {"a": EditionSpec("a", "A", "a", "x/a", "{issue}.a", "m:A", None, default=False)}
    assert default_editions(custom) == ()


@pytest.mark.parametrize("name", list(EDITIONS))
def test_every_edition_that_reads_layouts_has_its_own_folder(name: str) -> None:
    spec = EDITIONS[name]
    assert spec.name == name
    assert spec.layouts is None or (DEFAULTS / spec.layouts).is_dir()


def test_no_two_editions_share_a_layouts_folder_but_the_read_aloud_epub_reads_the_epub_s() -> None:
    """The read-aloud EPUB is the EPUB's pages with speech: a change to them must rebuild both."""
    folders = [s.layouts for s in EDITIONS.values() if s.layouts and s.name != "read-aloud"]
    assert len(folders) == len(set(folders)) and "catalog" not in folders
    assert EDITIONS["read-aloud"].layouts == EDITIONS["epub"].layouts == "epub"


def test_the_registry_imports_nothing_of_paperpress() -> None:
    """A leaf, so that config.py, the lowest floor, can read it without a circle."""
    tree = ast.parse(Path(registry.__file__).read_text())
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert [m for m in imported if m.startswith("paperpress") or not m] == []


def test_the_web_pages_follow_what_plays_and_nothing_follows_the_rest() -> None:
    assert followers(["audio"]) == followers(["read-aloud", "txt"]) == {"web"}
    assert followers(["txt", "epub", "pdf", "web"]) == set()
    custom = {"a": EditionSpec("a", "A", "a", "x/a", "{issue}.a", "m:A", None),
              "b": EditionSpec("b", "B", "b", "x/b", "{issue}.b", "m:B", None, follows=("a",))}
    assert (followers(["a"], custom), followers(["b"], custom)) == ({"b"}, set())


def test_the_pdf_alone_is_heavy_and_a_name_the_registry_lacks_is_passed_over() -> None:
    assert heavy_editions(["txt", "pdf", "epub", "web", "audio", "nowhere"]) == ["pdf"]
