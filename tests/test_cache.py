"""The publication's cache folder: entries named by what they depend on, written whole, never required."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from paperpress.cache import CACHE_FOLDER, Caches, cache_folder, has_entry, keep_entry, key_of, read_entry


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


def test_a_session_makes_once_and_keeps_on_disk_only_what_it_commits(tmp_path: Path) -> None:
    made: list[int] = []

    def make() -> bytes:
        made.append(1)
        return b"made"

    folder = cache_folder(tmp_path, "webphotos")
    session = Caches(tmp_path)
    assert session.cached("webphotos", "a.webp", make) == b"made"
    assert session.cached("webphotos", "a.webp", make) == b"made"  # waiting to be kept, and found there
    assert len(made) == 1 and read_entry(folder, "a.webp") is None  # nothing on disk before the issue is written
    session.commit()
    assert read_entry(folder, "a.webp") == b"made"
    assert Caches(tmp_path).cached("webphotos", "a.webp", make) == b"made" and len(made) == 1  # the next build's
    assert Caches(None).cached("webphotos", "a.webp", make) == b"made" and len(made) == 2  # no folder: always made


def test_a_discarded_session_keeps_nothing_and_travels_as_a_fresh_one(tmp_path: Path) -> None:
    session = Caches(tmp_path)
    session.cached("audio", "a.mp3", lambda: b"speech")
    session.discard()
    session.commit()
    assert not (tmp_path / CACHE_FOLDER).exists()
    session.cached("normalised", "p", lambda: b"photo")
    elsewhere = pickle.loads(pickle.dumps(session))  # how a Dask worker gets its session: nothing pending
    assert elsewhere.cached("normalised", "p", lambda: b"made again") == b"made again"
    elsewhere.commit()
    assert read_entry(cache_folder(tmp_path, "normalised"), "p") == b"made again"


def test_the_memory_keeps_the_most_recently_used_within_its_bytes() -> None:
    session = Caches(None, memory_bytes=10)
    made: list[str] = []
    for key in ("a", "b", "a", "c"):
        session.remembered(key, lambda key=key: made.append(key) or key.encode() * 4)
    assert made == ["a", "b", "c"]  # "a" asked again while held
    session.remembered("b", lambda: made.append("b") or b"bbbb")
    assert made == ["a", "b", "c", "b"]  # "b" was the least recently used, dropped for "c"


class _Issue:
    """Stands for an issue: what can be weakly referenced."""


def test_what_several_editions_ask_for_an_issue_is_made_once() -> None:
    session = Caches(None)
    issue = _Issue()
    made: list[int] = []
    first = session.per_issue(issue, "cover", lambda: made.append(1) or object())
    assert session.per_issue(issue, "cover", lambda: made.append(1) or object()) is first and made == [1]
