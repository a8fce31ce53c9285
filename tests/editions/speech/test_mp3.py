"""MP3 made in-process: mono speech at its bit rate, durations counted from the frames, ID3 tags players read."""

from __future__ import annotations

import io
import json
import math
import struct
import subprocess
from pathlib import Path

import pytest
from mutagen.id3 import APIC, CHAP, CTOC, ID3, TALB, TDRC, TIT2, TPE1, TRCK, CTOCFlags
from mutagen.mp3 import MP3
from PIL import Image

from paperpress.editions.speech import mp3
from tests.support import require_tool


def _tone(seconds: float, rate: int, hz: float = 440.0) -> bytes:
    """16-bit little-endian mono PCM: a sine at `hz`, loud enough that the encoder keeps it."""
    n = int(seconds * rate)
    return struct.pack(f"<{n}h", *(int(12000 * math.sin(2 * math.pi * hz * i / rate)) for i in range(n)))


@pytest.fixture(scope="module")
def speech() -> bytes:
    """Two seconds at eSpeak NG's rate."""
    return mp3.encode(_tone(2.0, 22050), 22050)


def _probe(path: Path, *entries: str) -> dict:
    ffprobe = require_tool("ffprobe")
    out = subprocess.run([ffprobe, "-v", "error", *entries, "-of", "json", str(path)],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    return json.loads(out)


# --- encoding -------------------------------------------------------------------------------------------


def test_speech_is_encoded_mono_at_the_speech_bit_rate(speech: bytes, tmp_path: Path) -> None:
    path = tmp_path / "a.mp3"
    path.write_bytes(speech)
    info = MP3(path).info
    assert (info.channels, info.sample_rate, info.bitrate) == (1, 22050, mp3.BIT_RATE * 1000)
    probed = _probe(path, "-show_entries", "stream=channels,sample_rate,codec_name")["streams"][0]
    assert probed == {"codec_name": "mp3", "channels": 1, "sample_rate": "22050"}


@pytest.mark.parametrize(("rate", "kbps"), [(16000, mp3.LOW_RATE_BIT_RATE), (22050, mp3.BIT_RATE), (24000, mp3.BIT_RATE)])
def test_below_22_khz_the_bit_rate_is_lower(rate: int, kbps: int, tmp_path: Path) -> None:
    assert mp3.bit_rate(rate) == kbps
    path = tmp_path / "a.mp3"
    path.write_bytes(mp3.encode(_tone(0.5, rate), rate))
    assert (MP3(path).info.sample_rate, MP3(path).info.bitrate) == (rate, kbps * 1000)


def test_the_stream_is_bare_frames_with_no_header_of_its_own(speech: bytes) -> None:
    assert speech[:2] == b"\xff\xf3" or speech[:2] == b"\xff\xf2"  # an MPEG-2 layer III frame sync, no ID3, no Xing
    assert b"Xing" not in speech[:200] and b"Info" not in speech[:200] and b"ID3" not in speech


def test_the_same_samples_encode_to_the_same_bytes(speech: bytes) -> None:
    assert mp3.encode(_tone(2.0, 22050), 22050) == speech
    assert mp3.encode(_tone(2.0, 22050, hz=330.0), 22050) != speech


# --- counting frames ------------------------------------------------------------------------------------


def test_the_duration_is_counted_from_the_frames_and_matches_ffprobe(speech: bytes, tmp_path: Path) -> None:
    seconds = mp3.duration(speech)
    frames = round(seconds * 22050 / 576)
    assert seconds == frames * 576 / 22050  # whole MPEG-2 frames of 576 samples
    assert 2.0 <= seconds < 2.0 + 4 * 576 / 22050  # the samples, plus the encoder's delay and last frame
    path = tmp_path / "a.mp3"
    path.write_bytes(speech)
    assert abs(float(_probe(path, "-show_entries", "format=duration")["format"]["duration"]) - seconds) < 0.06


def test_streams_joined_end_to_end_last_as_long_as_their_parts(speech: bytes, tmp_path: Path) -> None:
    short = mp3.encode(_tone(0.7, 22050, hz=220.0), 22050)
    joined = speech + short + speech
    assert mp3.duration(joined) == pytest.approx(2 * mp3.duration(speech) + mp3.duration(short), abs=1e-9)
    path = tmp_path / "joined.mp3"
    path.write_bytes(joined)
    ffmpeg = require_tool("ffmpeg")
    done = subprocess.run([ffmpeg, "-v", "error", "-i", str(path), "-f", "null", "-"],
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 0 and done.stderr == b""  # one valid MP3


def test_a_44_khz_stream_counts_the_frames_the_encoder_chose(tmp_path: Path) -> None:
    """At 48 kbit/s LAME resamples 44.1 kHz speech; the count follows the rate and frame size in each header."""
    path = tmp_path / "a.mp3"
    path.write_bytes(mp3.encode(_tone(1.0, 44100), 44100))
    rate = MP3(path).info.sample_rate
    per_frame = 1152 if rate >= 32000 else 576
    seconds = mp3.duration(path.read_bytes())
    assert seconds == round(seconds * rate / per_frame) * per_frame / rate and 1.0 <= seconds < 1.2
    assert abs(float(_probe(path, "-show_entries", "format=duration")["format"]["duration"]) - seconds) < 0.08


def test_no_frames_last_no_time_and_bytes_that_are_not_frames_are_refused(speech: bytes) -> None:
    assert mp3.duration(b"") == 0.0
    with pytest.raises(ValueError, match="no MP3 frame at byte 0"):
        mp3.duration(b"ID3\x03\x00\x00\x00\x00\x00\x00" + speech)
    with pytest.raises(ValueError, match="no MP3 frame at byte"):
        mp3.duration(speech + b"garbage!")


# --- tags -----------------------------------------------------------------------------------------------


def _cover() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def _tags() -> ID3:
    tags = ID3()
    for frame in (TIT2(encoding=3, text="The second article"), TPE1(encoding=3, text="The Minimal Bulletin"),
                  TALB(encoding=3, text="The Minimal Bulletin, Issue 7"), TRCK(encoding=3, text="2/2"),
                  TDRC(encoding=3, text="2026-03-06"),
                  APIC(encoding=3, mime="image/jpeg", type=3, desc="Cover", data=_cover())):
        tags.add(frame)
    return tags


def _chapters(ms: int) -> list[CHAP | CTOC]:
    """A table of contents and three chapters, whose titles' lengths do not follow their order."""
    titles = ["A long opening chapter title that outweighs the others", "News", "Letters to the editor"]
    ids = [f"ch{n}" for n in range(len(titles))]
    bounds = [0, ms // 3, 2 * ms // 3, ms]
    toc = CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
               sub_frames=[TIT2(encoding=3, text="Contents")])
    return [toc] + [
        CHAP(element_id=i, start_time=bounds[n], end_time=bounds[n + 1], start_offset=0xFFFFFFFF,
             end_offset=0xFFFFFFFF, sub_frames=[TIT2(encoding=3, text=titles[n])])
        for n, i in enumerate(ids)
    ]


@pytest.fixture(scope="module")
def tagged_file(speech: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mp3") / "tagged.mp3"
    path.write_bytes(mp3.tagged(speech, _tags(), _chapters(round(mp3.duration(speech) * 1000))))
    return path


def test_the_file_is_an_id3v2_3_tag_then_the_frames_untouched(tagged_file: Path, speech: bytes) -> None:
    data = tagged_file.read_bytes()
    assert data[:5] == b"ID3\x03\x00"
    size = sum(b << (7 * (3 - n)) for n, b in enumerate(data[6:10]))
    assert all(b < 0x80 for b in data[6:10])  # syncsafe
    assert data[10 + size:] == speech  # the tag's size covers the chapters and no padding
    assert MP3(tagged_file).info.channels == 1


def test_mutagen_reads_title_artist_album_track_date_and_cover(tagged_file: Path) -> None:
    tags = ID3(tagged_file)
    assert tags.version == (2, 3, 0)
    assert tags["TIT2"].text == ["The second article"] and tags["TPE1"].text == ["The Minimal Bulletin"]
    assert tags["TALB"].text == ["The Minimal Bulletin, Issue 7"] and tags["TRCK"].text == ["2/2"]
    assert str(tags["TDRC"].text[0]) == "2026-03-06"
    (cover,) = tags.getall("APIC")
    assert (cover.type, cover.mime, cover.data) == (3, "image/jpeg", _cover())


def test_mutagen_reads_the_chapters_and_their_table_of_contents(tagged_file: Path, speech: bytes) -> None:
    tags = ID3(tagged_file)
    (toc,) = tags.getall("CTOC")
    assert toc.child_element_ids == ["ch0", "ch1", "ch2"]
    chapters = {c.element_id: c for c in tags.getall("CHAP")}
    assert chapters["ch1"].sub_frames["TIT2"].text == ["News"]
    assert chapters["ch2"].end_time == round(mp3.duration(speech) * 1000)


def test_ffprobe_reads_the_tags_and_lists_the_chapters_in_the_order_given(tagged_file: Path) -> None:
    probed = _probe(tagged_file, "-show_chapters", "-show_entries", "format_tags")
    assert [c["tags"]["title"] for c in probed["chapters"]] == [
        "A long opening chapter title that outweighs the others", "News", "Letters to the editor",
    ]
    assert [c["start_time"] for c in probed["chapters"]][0] == "0.000000"
    tags = {k.lower(): v for k, v in probed["format"]["tags"].items()}
    assert tags["title"] == "The second article" and tags["artist"] == "The Minimal Bulletin"
    assert tags["album"] == "The Minimal Bulletin, Issue 7" and tags["track"] == "2/2" and tags["date"] == "2026-03-06"


def test_ffprobe_sees_the_cover_as_an_attached_picture(tagged_file: Path) -> None:
    streams = _probe(tagged_file, "-show_entries", "stream=codec_type,codec_name:stream_disposition=attached_pic")
    pictures = [s for s in streams["streams"] if s["codec_type"] == "video"]
    assert [(s["codec_name"], s["disposition"]["attached_pic"]) for s in pictures] == [("mjpeg", 1)]


def test_the_tagged_bytes_depend_on_the_tags_alone(speech: bytes, tagged_file: Path) -> None:
    ms = round(mp3.duration(speech) * 1000)
    assert mp3.tagged(speech, _tags(), _chapters(ms)) == tagged_file.read_bytes()
    other = _tags()
    other.add(TIT2(encoding=3, text="Another title"))
    assert mp3.tagged(speech, other, _chapters(ms)) != tagged_file.read_bytes()
