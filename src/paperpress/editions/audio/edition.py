"""The audio edition: the issue read aloud, in dist/issue-N/audio/.

One MP3 per article, one whole-issue MP3 with a chapter per section and per article (ID3v2 CHAP and CTOC
frames, and a Podcasting 2.0 chapters file), and an M3U playlist of the articles. The speech itself, its
cache and its limits are the shared `speech.sound` (the read-aloud EPUB plays the same parts); this module
tags and lays out the files. The bytes depend only on the issue and the settings, so two builds are identical.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

from mutagen.id3 import APIC, CHAP, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLAN, TLEN, TPE1, TPE2, TPUB, TRCK, CTOCFlags
from PIL import Image as PILImage

from ...cache import Caches
from ...characters import refuse_forbidden
from ...model import Issue
from ...registry import AUDIO, CHAPTERS_TYPE, PLAYLIST_TYPE
from ...templates import Layouts
from ..base import BuildInfo, Edition, Output
from ..frame import issue_label, issue_title
from ..speech import mp3
from ..speech.sound import FOLDER, Part, issue_speech, parts

#: The cover art inside each file: podcast apps show it small, so a thumbnail keeps every file light.
ART_BOX = (600, 600)


@dataclass(frozen=True, slots=True)
class Chapter:
    title: str
    start: float  # seconds
    end: float


def chapters(issue: Issue, durations: Sequence[float]) -> list[Chapter]:
    """A chapter per section (its announcement, with the opening before the first) and per article."""
    found: list[Chapter] = []
    start = 0.0
    for index, (part, length) in enumerate(zip(parts(issue), durations, strict=True)):
        if index > 0:
            found.append(Chapter(part.title, 0.0 if index == 1 else start, start + length))
        start += length
    return found


class AudioEdition(Edition):
    spec = AUDIO

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> list[Output]:
        """The whole-issue MP3 first, then one per article, the playlist and the chapters file."""
        listed = parts(issue)
        spoken = issue_speech(issue, info.config.audio, layouts.root, info.caches)
        streams = [part.frames for part in spoken]
        durations = [mp3.duration(stream) for stream in streams]
        marks = chapters(issue, durations)
        art = _art(issue, info.caches)
        total = len(issue.articles)
        whole = mp3.tagged(b"".join(streams), _whole_tags(issue, art, marks, sum(durations)), _chapter_frames(marks))
        files = [self.main(issue, whole)]
        for part, stream, length in zip(listed, streams, durations, strict=True):
            if part.article is not None and part.file is not None:
                tags = _tags(issue, art, part.title, length)
                tags.add(TRCK(encoding=3, text=[f"{part.article}/{total}"]))
                files.append(Output(f"{FOLDER}/{part.file}", self.spec.media_type, mp3.tagged(stream, tags)))
        files.append(Output(f"{FOLDER}/{issue.name}.m3u", PLAYLIST_TYPE, _playlist(issue, listed, durations)))
        files.append(Output(f"{FOLDER}/{issue.name}.chapters.json", CHAPTERS_TYPE, _chapters_json(issue, marks)))
        return files


def _art(issue: Issue, caches: Caches) -> bytes:
    """The issue's cover (the manifest's or the generated one), small, as JPEG."""
    from ..cover import cover_image
    from ..images import encode_jpeg, to_rgb

    data = issue.cover.data if issue.cover is not None else cover_image(issue, caches).data
    with PILImage.open(io.BytesIO(data)) as src:
        picture = to_rgb(src)
    picture.thumbnail(ART_BOX, PILImage.Resampling.LANCZOS)
    return encode_jpeg(picture)


def _tags(issue: Issue, art: bytes, title: str, seconds: float) -> ID3:
    pub = issue.publication
    tags = ID3()
    tags.add(TIT2(encoding=3, text=[_one_line(title, "an ID3 title")]))
    tags.add(TPE1(encoding=3, text=[pub.title]))
    tags.add(TPE2(encoding=3, text=[pub.title]))
    tags.add(TALB(encoding=3, text=[f"{pub.title}, {issue_label(issue)}"]))
    tags.add(TDRC(encoding=3, text=[issue.date.isoformat()]))
    tags.add(TCON(encoding=3, text=["Speech"]))
    tags.add(TLEN(encoding=3, text=[str(round(seconds * 1000))]))
    if pub.publisher:
        tags.add(TPUB(encoding=3, text=[pub.publisher]))
    tags.add(TLAN(encoding=3, text=[pub.language]))
    tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="Cover", data=art))
    return tags


def _whole_tags(issue: Issue, art: bytes, marks: Sequence[Chapter], seconds: float) -> ID3:
    tags = _tags(issue, art, issue_title(issue), seconds)
    ids = _chapter_ids(marks)
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                  sub_frames=[TIT2(encoding=3, text=[issue_title(issue)])]))
    return tags


def _chapter_frames(marks: Sequence[Chapter]) -> list[CHAP]:
    """A CHAP frame per chapter, in order: the frames `_whole_tags`' table of contents names."""
    return [
        CHAP(element_id=element, start_time=round(mark.start * 1000), end_time=round(mark.end * 1000),
             start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF,
             sub_frames=[TIT2(encoding=3, text=[_one_line(mark.title, "a chapter's title")])])
        for element, mark in zip(_chapter_ids(marks), marks, strict=True)
    ]


def _chapter_ids(marks: Sequence[Chapter]) -> list[str]:
    return [f"chp{n:03d}" for n in range(len(marks))]


def _one_line(text: str, what: str) -> str:
    """`text`, or a ValueError for a line break or a forbidden character: an M3U entry or an ID3 title is one
    line, and the loader made every title one line, so reaching this is a bug (see text.refuse_forbidden)."""
    if any(char in text for char in "\n\r\u2028\u2029"):
        raise ValueError(f"internal error: {what} would hold a line break")
    return refuse_forbidden(text, what)


def _playlist(issue: Issue, listed: Sequence[Part], durations: Sequence[float]) -> bytes:
    """An extended M3U of the articles in reading order, each as its length, title and file."""
    lines = ["#EXTM3U", _one_line(f"#PLAYLIST:{issue_title(issue)}", "the playlist's title")]
    for part, length in zip(listed, durations, strict=True):
        if part.file is not None:
            entry = f"#EXTINF:{round(length)},{issue.publication.title} - {part.title}"
            lines += [_one_line(entry, "a playlist entry"), _one_line(part.file, "a playlist entry")]
    return ("\n".join(lines) + "\n").encode()


def _chapters_json(issue: Issue, marks: Sequence[Chapter]) -> bytes:
    """The Podcasting 2.0 chapters file (version 1.2.0) that the feed links."""
    body = {
        "version": "1.2.0",
        "title": issue_title(issue),
        "podcastName": issue.publication.title,
        "chapters": [{"startTime": round(m.start, 3), "endTime": round(m.end, 3), "title": m.title} for m in marks],
    }
    return (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode()
