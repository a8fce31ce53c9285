from __future__ import annotations

from pathlib import Path

from paperpress.output.lengths import mp3_seconds, narrated_seconds, running_seconds
from tests.fakes import narrated_epub, timed_mp3


def test_an_mp3_lasts_what_its_tlen_frame_says_rounded_and_nothing_without_one(tmp_path: Path) -> None:
    assert [mp3_seconds(timed_mp3(millis)) for millis in ("125400", "125600")] == [125, 126]
    (tmp_path / "tagged.mp3").write_bytes(timed_mp3("61000"))
    assert mp3_seconds(tmp_path / "tagged.mp3") == 61
    bare = b"\xff\xfb\x90\x00" + bytes(400)
    assert (mp3_seconds(timed_mp3(None)), mp3_seconds(bare), mp3_seconds(tmp_path / "gone.mp3")) == (0, 0, 0)


def test_an_epub_lasts_its_package_s_total_narration_not_one_overlay_s(tmp_path: Path) -> None:
    assert narrated_seconds(narrated_epub("0:48:21.400")) == 2901
    assert narrated_seconds(narrated_epub("1:02:05.600")) == 3726
    (tmp_path / "book.epub").write_bytes(narrated_epub("0:00:40.000"))
    assert narrated_seconds(tmp_path / "book.epub") == 40
    for silent in (narrated_epub(None), narrated_epub("forty minutes"), b"not a zip"):
        assert narrated_seconds(silent) == 0
    assert narrated_seconds(tmp_path / "missing.epub") == 0


def test_what_plays_is_read_by_its_media_type_and_nothing_else_plays() -> None:
    assert running_seconds("audio/mpeg", timed_mp3("90000")) == 90
    assert running_seconds("application/epub+zip", narrated_epub("0:01:30.000")) == 90
    assert running_seconds("application/pdf", narrated_epub("0:01:30.000")) == 0
    assert running_seconds("text/plain; charset=utf-8", timed_mp3("90000")) == 0
