"""The audio edition: the issue read aloud, in dist/issue-N/audio/.

One MP3 per article, one whole-issue MP3 with a chapter per section and per article (ID3v2 CHAP and CTOC
frames, and a Podcasting 2.0 chapters file), and an M3U playlist of the articles. Synthesis is the slow
step, so each part's encoded sound is cached in .paperpress-cache/audio/ under the hash of its spoken text,
its voice and the encoder: a correction to one article synthesises that article alone. Parts synthesise in
parallel, one per core. The bytes depend only on the issue and the settings, so two builds are identical.

What an article may cost is bounded: one that would be read for longer than `audio.max_minutes` is refused
at its file before anything is said (its words counted at the voice's speed), and again if its sound
passes the cap while it is made. Each utterance is encoded to MP3 as the voice makes it, so a part's raw
sound is never held whole: memory follows the MP3 (6 KB a second), not the samples (44 KB a second).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import PurePosixPath
from typing import Any

from mutagen.id3 import APIC, CHAP, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLAN, TLEN, TPE1, TPE2, TPUB, TRCK, CTOCFlags
from PIL import Image as PILImage

from ...cache import Caches
from ...characters import refuse_forbidden
from ...config import AudioOptions
from ...errors import PaperpressError, Problem
from ...model import Article, Block, Issue
from ...model.walk import texts
from ...registry import AUDIO, CHAPTERS_TYPE, PLAYLIST_TYPE
from ...templates import Layouts
from ..base import BuildInfo, Edition, Output
from ..frame import issue_label, issue_title
from . import mp3
from .script import Utterance, article_script, opening_script, section_script
from .speakable import speakable
from .voices import Voice, make_voice

FOLDER = "audio"
#: The cover art inside each file: podcast apps show it small, so a thumbnail keeps every file light.
ART_BOX = (600, 600)
_REFUSED = "the audio edition cannot be made; nothing was written."


@dataclass(frozen=True, slots=True)
class Part:
    """A stretch of the whole-issue file: what it says, and (for an article) its number and file name."""

    title: str
    script: tuple[Utterance, ...]
    article: int | None = None  # 1-based place of the article in the issue
    file: str | None = None
    source: str | None = None  # the article's file, relative to the publication root


@dataclass(frozen=True, slots=True)
class Chapter:
    title: str
    start: float  # seconds
    end: float


def parts(issue: Issue) -> list[Part]:
    """The issue in listening order: its opening, then each section's announcement and its articles."""
    language = issue.publication.language
    found = [Part(issue.publication.title, opening_script(issue))]
    number = 0
    for section in issue.sections:
        found.append(Part(section.title, section_script(section, language)))
        for article in section.articles:
            number += 1
            file = f"{issue.name}-{number:02d}-{article.slug}.mp3"
            found.append(Part(article.title, article_script(article, language), number, file, article.source))
    return found


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
        options = info.config.audio
        # Counted twice before any voice is made, so a refused article costs the time to count its words: as
        # written (a lower bound: speech only adds words), before it is made speakable, which takes a second
        # for 5,000 numbers; then as it will be said.
        language = issue.publication.language
        too_long = [problem for article in issue.articles
                    if (problem := _over_the_cap(article, _written_seconds(article, options), options, "at least"))]
        if too_long:
            raise PaperpressError(too_long, _REFUSED)
        listed = parts(issue)
        by_source = {article.source: article for article in issue.articles}
        too_long = [problem for part in listed if part.source is not None
                    if (problem := _over_the_cap(by_source[part.source], _estimate(part.script, options), options,
                                                 spoken=language))]
        if too_long:
            raise PaperpressError(too_long, _REFUSED)
        voice = make_voice(options, issue.publication.language, layouts.root)
        cache = info.caches
        workers = max(1, min(len(listed), len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))
        stop = threading.Event()
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            streams = list(pool.map(
                lambda part: _sound(part, by_source.get(part.source or ""), voice, cache, stop, options), listed
            ))
        finally:  # a time limit or Ctrl-C: parts not started are dropped, parts under way stop at their next utterance
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
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


def _estimate(script: Sequence[Utterance], options: AudioOptions) -> float:
    """Seconds a script takes to say: its words at the voice's speed, and its pauses."""
    spoken = sum(len(u.text.split()) for u in script)
    return spoken * 60 / options.speed + sum(u.pause_ms for u in script) / 1000


def _written_seconds(article: Article, options: AudioOptions) -> float:
    """Seconds the article's written words take to say at the voice's speed: less than its speech takes."""
    return sum(_written_words(block) for block in article.blocks) * 60 / options.speed


def _written_words(block: Block) -> int:
    return sum(len(text.split()) for text in texts(block))


def _over_the_cap(
    article: Article, seconds: float, options: AudioOptions, how: str = "about", spoken: str | None = None
) -> Problem | None:
    """The error for an article read for longer than audio.max_minutes, at its file and the line of the
    block where the cap is passed (its words counted as written, or as said in the language `spoken`);
    None within the cap."""
    if seconds <= options.max_minutes * 60:
        return None
    minutes = options.max_minutes if how == "over" else math.ceil(seconds / 60)
    return Problem(
        PurePosixPath(article.source), _line_past_the_cap(article, options, spoken), "body",
        f"read aloud, the article would last {how} {_minutes(minutes)}",
        f"at most {options.max_minutes} (audio.max_minutes in paperpress.yaml); split the article, or raise the cap",
    )


def _line_past_the_cap(article: Article, options: AudioOptions, spoken: str | None) -> int | None:
    """The line of the block whose words, added to those before it, pass the cap; None if none does."""
    limit, count = options.max_minutes * options.speed, 0
    for block, line in zip(article.blocks, article.block_lines, strict=False):
        count += len(speakable(" ".join(texts(block)), spoken).split()) if spoken else _written_words(block)
        if count > limit:
            return line
    return None


def _minutes(count: int) -> str:
    return f"{count:,} minute{'' if count == 1 else 's'}"


def _sound(
    part: Part, article: Article | None, voice: Voice, cache: Caches, stop: threading.Event, options: AudioOptions
) -> bytes:
    """A part's MP3 frames: from the cache when this text was said by this voice before, else synthesised.

    Each utterance is encoded as the voice makes it; the part of an `article` whose sound passes the cap
    stops there.
    """

    def synthesised() -> bytes:
        frames = bytearray()
        encoder: Any = None  # made with the first sound, once the voice knows its sample rate
        samples = 0

        def add(pcm: bytes) -> None:
            nonlocal encoder, samples
            if encoder is None:
                encoder = mp3.encoder(voice.sample_rate)
            samples += len(pcm) // 2
            if article is not None and samples > options.max_minutes * 60 * voice.sample_rate:
                problem = _over_the_cap(article, samples / voice.sample_rate, options, "over")
                assert problem is not None
                raise PaperpressError([problem], _REFUSED)
            frames.extend(encoder.encode(pcm))

        for utterance in part.script:
            if stop.is_set():
                raise RuntimeError("synthesis was stopped")  # never seen: the build that stopped it is unwinding
            if utterance.text:
                with contextlib.closing(voice.stream(utterance.text)) as sound:  # closed early: the engine stops
                    for pcm in sound:
                        add(pcm)
                        if stop.is_set():
                            break
            add(bytes(2 * (voice.sample_rate * utterance.pause_ms // 1000)))
        if encoder is None:
            encoder = mp3.encoder(voice.sample_rate)
        return bytes(frames + encoder.flush())

    return cache.cached(FOLDER, f"{_key(part.script, voice)}.mp3", synthesised)


def _key(script: Sequence[Utterance], voice: Voice) -> str:
    spoken = json.dumps([[u.text, u.pause_ms] for u in script], ensure_ascii=False)
    encoder = f"lameenc {metadata.version('lameenc')} {mp3.BIT_RATE}/{mp3.LOW_RATE_BIT_RATE} q{mp3.QUALITY}"
    return hashlib.sha256(f"{voice.identity()}\n{encoder}\n{spoken}".encode()).hexdigest()


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
