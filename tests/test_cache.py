"""The publication's cache folder: entries named by what they depend on, written whole, never required."""

from __future__ import annotations

import os
from pathlib import Path

from paperpress.cache import CACHE_FOLDER, cache_folder, cached, has_entry, keep_entry, key_of, read_entry


def test_keys_differ_whenever_the_parts_do() -> None:
    assert key_of("ab", "c") != key_of("a", "bc")
    assert key_of("font", b"\x00") != key_of("font", b"\x00\x00")
    assert key_of("decodes", "11.0", b"x") == key_of("decodes", "11.0", b"x")


def test_an_entry_is_kept_and_read_back(tmp_path: Path) -> None:
    folder = cache_folder(tmp_path, "fonts")
    assert folder == tmp_path / CACHE_FOLDER / "fonts"
    key = key_of("something")
    assert read_entry(folder, key) is None and not has_entry(folder, key)
    keep_entry(folder, key, b"kept")
    assert read_entry(folder, key) == b"kept" and has_entry(folder, key)
    assert sorted(os.listdir(folder)) == [key]  # no temporary file left beside it


def test_a_cache_path_that_is_a_file_only_means_no_entry(tmp_path: Path) -> None:
    (tmp_path / CACHE_FOLDER).write_text("not a folder")
    keep_entry(cache_folder(tmp_path, "photos"), key_of("x"))
    assert read_entry(cache_folder(tmp_path, "photos"), key_of("x")) is None


def test_cached_makes_once_and_reads_back_after(tmp_path: Path) -> None:
    made: list[int] = []

    def make() -> bytes:
        made.append(1)
        return b"made"

    folder = cache_folder(tmp_path, "webphotos")
    assert cached(folder, "a.webp", make) == b"made"
    assert cached(folder, "a.webp", make) == b"made"
    assert len(made) == 1 and read_entry(folder, "a.webp") == b"made"
    assert cached(None, "a.webp", make) == b"made" and len(made) == 2  # no folder: always made
