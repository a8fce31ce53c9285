"""The audio edition as a listener's player sees it: files ffmpeg decodes, chapters mutagen reads, tags, a playlist."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from PIL import Image

from paperpress.build import build_archive
from paperpress.editions.speech import voices
from paperpress.editions.speech.script import article_script
from paperpress.options import BuildOptions
from paperpress.run.issue import check_issue, open_publication
from tests.support import FIXTURES, copy_publication, require_tool

AUDIO = "dist/issue-7/audio"
STORY = """The council met on Thursday evening to discuss the budget for next year. Members heard from residents who
said the plans would close two libraries and cut the hours of three more. The leader of the council said the
savings were needed to balance the books, and that no decision had yet been taken. Campaigners gathered outside
the town hall before the meeting with a petition signed by more than two thousand people. They asked the council
to look again at the figures and to consult the people who use the branches every week. A final vote is expected
next month, after a public consultation that opens on Monday and runs for six weeks.
"""


def _build(pub: Path, *, force: bool = False) -> None:
    result = build_archive(open_publication(pub), ["issue-7"], pub / "dist", BuildOptions(("audio",)), force=force)
    assert not result.failed, [str(p) for r in result.failed for p in r.problems]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal issue (two articles in two sections, the second of news-story length) at the default speed."""
    require_tool("espeak-ng")
    pub = copy_publication(FIXTURES / "minimal", tmp_path_factory.mktemp("audio") / "pub")
    with open(pub / "issues/issue-7/second.md", "a") as second:
        second.write("\n" + STORY)
    _build(pub)
    return pub


def test_the_folder_holds_an_mp3_per_article_the_whole_issue_a_playlist_and_chapters(built: Path) -> None:
    assert sorted(p.name for p in (built / AUDIO).iterdir()) == [
        "issue-7-01-first.mp3", "issue-7-02-second.mp3", "issue-7.chapters.json", "issue-7.m3u", "issue-7.mp3",
    ]


def test_ffmpeg_decodes_every_file_without_an_error(built: Path) -> None:
    ffmpeg = require_tool("ffmpeg")
    for path in sorted((built / AUDIO).glob("*.mp3")):
        done = subprocess.run([ffmpeg, "-v", "error", "-i", str(path), "-f", "null", "-"],
                              check=False, capture_output=True, timeout=120)
        assert done.returncode == 0 and done.stderr == b"", (path.name, done.stderr[:500])


def test_ffprobe_sees_mono_speech_of_a_sane_length(built: Path) -> None:
    ffprobe = require_tool("ffprobe")
    out = subprocess.run(
        [ffprobe, "-v", "error", "-select_streams", "a", "-show_entries", "stream=channels,sample_rate:format=duration,bit_rate",
         "-of", "json", str(built / AUDIO / "issue-7.mp3")], capture_output=True, text=True, timeout=60, check=True,
    ).stdout
    probed = json.loads(out)
    assert probed["streams"][0]["channels"] == 1
    assert 20 < float(probed["format"]["duration"]) < 120
    assert int(probed["format"]["bit_rate"]) < 64_000


def test_the_whole_issue_has_a_chapter_per_section_and_article_in_order(built: Path) -> None:
    tags = ID3(built / AUDIO / "issue-7.mp3")
    length = MP3(built / AUDIO / "issue-7.mp3").info.length
    (toc,) = tags.getall("CTOC")
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert toc.child_element_ids == [c.element_id for c in chapters]
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == ["News", "The first article", "Letters", "The second article"]
    starts = [c.start_time for c in chapters]
    assert starts[0] == 0 and starts == sorted(set(starts)) and starts[-1] < length * 1000
    assert all(a.end_time == b.start_time for a, b in zip(chapters, chapters[1:], strict=False))
    assert abs(chapters[-1].end_time - length * 1000) < 100
    # the Podcasting 2.0 chapters file says the same
    listed = json.loads((built / AUDIO / "issue-7.chapters.json").read_text())
    assert [(round(c["startTime"] * 1000), c["title"]) for c in listed["chapters"]] == [
        (c.start_time, c.sub_frames["TIT2"].text[0]) for c in chapters
    ]


def test_ffprobe_reads_the_same_chapters(built: Path) -> None:
    ffprobe = require_tool("ffprobe")
    out = subprocess.run([ffprobe, "-v", "error", "-show_chapters", "-of", "json", str(built / AUDIO / "issue-7.mp3")],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    titles = [c["tags"]["title"] for c in json.loads(out)["chapters"]]
    assert titles == ["News", "The first article", "Letters", "The second article"]


def test_article_files_carry_title_artist_album_track_date_and_the_cover(built: Path) -> None:
    tags = ID3(built / AUDIO / "issue-7-02-second.mp3")
    assert tags["TIT2"].text == ["The second article"]
    assert tags["TPE1"].text == ["The Minimal Bulletin"]
    assert tags["TALB"].text == ["The Minimal Bulletin, Issue 7"]
    assert tags["TRCK"].text == ["2/2"]
    assert str(tags["TDRC"].text[0]) == "2026-03-06"
    (cover,) = tags.getall("APIC")
    assert cover.type == 3 and cover.mime == "image/jpeg"
    with Image.open(io.BytesIO(cover.data)) as art:
        assert art.format == "JPEG" and max(art.size) <= 600


def test_an_article_is_read_at_a_natural_pace(built: Path) -> None:
    """120 to 220 words a minute at the default speed, pauses included, for an article of news-story length.

    (A headline-and-two-lines article is mostly its pauses; the sample issue's measure is in the README.)"""
    pub = open_publication(built)
    issue = check_issue(pub, "issue-7").value
    assert issue is not None
    for number, article in enumerate(issue.articles, 1):
        if number == 1:
            continue
        words = sum(len(u.text.split()) for u in article_script(article, "en"))
        seconds = MP3(built / AUDIO / f"issue-7-{number:02d}-{article.slug}.mp3").info.length
        assert 120 <= words / seconds * 60 <= 220, (article.slug, words, seconds)


def test_the_playlist_lists_the_articles_in_order(built: Path) -> None:
    lines = (built / AUDIO / "issue-7.m3u").read_text().splitlines()
    assert lines[0] == "#EXTM3U"
    files = [line for line in lines if not line.startswith("#")]
    assert files == ["issue-7-01-first.mp3", "issue-7-02-second.mp3"]
    assert all((built / AUDIO / f).is_file() for f in files)
    assert any(line.startswith("#EXTINF:") and line.endswith("The first article") for line in lines)


def test_pauses_separate_the_articles(built: Path) -> None:
    """A silence of over a second and a half stands at every chapter boundary (silencedetect finds it)."""
    ffmpeg = require_tool("ffmpeg")
    done = subprocess.run(
        [ffmpeg, "-v", "info", "-i", str(built / AUDIO / "issue-7.mp3"), "-af", "silencedetect=n=-45dB:d=1.5", "-f", "null", "-"],
        check=False, capture_output=True, text=True, timeout=120,
    )
    ends = [float(line.split("silence_end: ")[1].split()[0]) for line in done.stderr.splitlines() if "silence_end" in line]
    chapters = sorted(ID3(built / AUDIO / "issue-7.mp3").getall("CHAP"), key=lambda c: c.start_time)
    for chapter in chapters[1:]:
        assert any(abs(end - chapter.start_time / 1000) < 0.3 for end in ends), chapter.start_time


def test_two_builds_are_byte_for_byte_identical_and_a_change_resynthesises_one_article(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    again = copy_publication(built, tmp_path / "again")  # no dist/, no cache: everything synthesised anew
    _build(again)
    for path in sorted((built / AUDIO).iterdir()):
        assert (again / AUDIO / path.name).read_bytes() == path.read_bytes(), path.name

    said: list[str] = []
    real = voices.EspeakVoice.stream
    monkeypatch.setattr(voices.EspeakVoice, "stream", lambda self, text: said.append(text) or real(self, text))
    second = again / "issues/issue-7/second.md"
    second.write_text(second.read_text().replace("second", "corrected second"))
    _build(again)
    assert said and all("orrected" in text or "Letters" not in text for text in said)
    pub = open_publication(again)
    issue = check_issue(pub, "issue-7").value
    assert issue is not None
    first = {u.text for u in article_script(issue.articles[0], "en")}
    assert not first & set(said), "the unchanged article was synthesised again"


def test_a_deleted_article_file_is_rebuilt_by_the_next_run(built: Path, tmp_path: Path) -> None:
    pub = copy_publication(built, tmp_path / "pub")
    _build(pub)
    _build(pub)  # files copied a moment ago are recorded as unsettled; this build records their hashes
    result = build_archive(open_publication(pub), ["issue-7"], pub / "dist", BuildOptions(("audio",)))
    assert result.plan.jobs == ()  # up to date
    (pub / AUDIO / "issue-7-01-first.mp3").unlink()
    result = build_archive(open_publication(pub), ["issue-7"], pub / "dist", BuildOptions(("audio",)))
    assert [(job.formats, job.reason) for job in result.plan.jobs] == [(("audio",), "output missing or altered")]
    assert (pub / AUDIO / "issue-7-01-first.mp3").is_file()


def test_the_time_limit_stops_synthesis_and_writes_nothing(tmp_path: Path) -> None:
    require_tool("espeak-ng")
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    result = build_archive(open_publication(pub), ["issue-7"], pub / "dist", BuildOptions(("audio",), time_limit=0.05))
    (failed,) = result.failed
    assert "took longer than 0.05 seconds" in failed.problems[0].message
    assert not (pub / "dist/issue-7").exists()
