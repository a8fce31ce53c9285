"""The issue's speech, made once per build whichever editions ask: each part's MP3 and where each utterance is.

The audio edition plays the parts; the read-aloud EPUB plays the same parts and points at each utterance's
words. Both ask `issue_speech`, which synthesises an issue once per build (`Caches.per_issue`, whichever
edition asks first; the other waits) and each part once ever (the disk cache, under the hash of its spoken
text, its voice and the encoder). Each utterance is synthesised on its own, so where it starts and ends is
counted in samples as the voice makes them: exact, not estimated.

What an article may cost is bounded: one that would be read for longer than `audio.max_minutes` is refused
at its file before anything is said (its words counted at the voice's speed), and again if its sound passes
the cap while it is made. Each utterance is encoded to MP3 as the voice makes it, so a part's raw sound is
never held whole: memory follows the MP3 (6 KB a second), not the samples (44 KB a second).
It knows the model, the configuration and the cache; never an edition.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from ...cache import Caches
from ...config import AudioOptions
from ...errors import PaperpressError, Problem
from ...model import Article, Block, Issue
from ...model.walk import texts
from . import mp3
from .script import Utterance, article_script, opening_script, section_script
from .speakable import speakable
from .voices import Voice, make_voice

FOLDER = "audio"
REFUSED = "the audio edition cannot be made; nothing was written."
#: The samples LAME puts before the first sound it was given (its encoder delay plus the decoder's): a
#: player starts each utterance this much later than its first sample, so every clip is shifted by it.
ENCODER_DELAY = 576 + 529


@dataclass(frozen=True, slots=True)
class Part:
    """A stretch of the whole-issue file: what it says, and (for an article) its number and file name."""

    title: str
    script: tuple[Utterance, ...]
    article: int | None = None  # 1-based place of the article in the issue
    file: str | None = None
    source: str | None = None  # the article's file, relative to the publication root
    section: int | None = None  # 0-based place of the section a section's announcement opens


@dataclass(frozen=True, slots=True)
class Spoken:
    """A part's MP3 frames and, per utterance of its script, where its words start and end in them."""

    frames: bytes
    clips: tuple[tuple[float, float], ...]  # seconds from the start of the frames; (start, start) for silence

    @property
    def duration(self) -> float:
        return mp3.duration(self.frames)


def parts(issue: Issue) -> list[Part]:
    """The issue in listening order: its opening, then each section's announcement and its articles."""
    language = issue.publication.language
    found = [Part(issue.publication.title, opening_script(issue))]
    number = 0
    for index, section in enumerate(issue.sections):
        found.append(Part(section.title, section_script(section, language), section=index))
        for article in section.articles:
            number += 1
            file = f"{issue.name}-{number:02d}-{article.slug}.mp3"
            found.append(Part(article.title, article_script(article, language), number, file, article.source))
    return found


def issue_speech(issue: Issue, options: AudioOptions, root: Path | None, caches: Caches) -> list[Spoken]:
    """Every part of `parts(issue)` spoken, in order: made once per build, refused whole if an article is
    too long to read."""
    return caches.per_issue(issue, f"speech {options}", lambda: _speak(issue, options, root, caches))


def _speak(issue: Issue, options: AudioOptions, root: Path | None, caches: Caches) -> list[Spoken]:
    # Counted twice before any voice is made, so a refused article costs the time to count its words: as
    # written (a lower bound: speech only adds words), before it is made speakable, which takes a second
    # for 5,000 numbers; then as it will be said.
    language = issue.publication.language
    too_long = [problem for article in issue.articles
                if (problem := over_the_cap(article, _written_seconds(article, options), options, "at least"))]
    if too_long:
        raise PaperpressError(too_long, REFUSED)
    listed = parts(issue)
    by_source = {article.source: article for article in issue.articles}
    too_long = [problem for part in listed if part.source is not None
                if (problem := over_the_cap(by_source[part.source], _estimate(part.script, options), options,
                                            spoken=language))]
    if too_long:
        raise PaperpressError(too_long, REFUSED)
    voice = make_voice(options, language, root)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    workers = max(1, min(len(listed), cores if getattr(voice, "concurrent", True) else 1))
    stop = threading.Event()
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        return list(pool.map(lambda part: sound(part, by_source.get(part.source or ""), voice, caches, stop, options),
                             listed))
    finally:  # a time limit or Ctrl-C: parts not started are dropped, parts under way stop at their next utterance
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)


def _estimate(script: Sequence[Utterance], options: AudioOptions) -> float:
    """Seconds a script takes to say: its words at the voice's speed, and its pauses."""
    spoken = sum(len(u.text.split()) for u in script)
    return spoken * 60 / options.speed + sum(u.pause_ms for u in script) / 1000


def _written_seconds(article: Article, options: AudioOptions) -> float:
    """Seconds the article's written words take to say at the voice's speed: less than its speech takes."""
    return sum(_written_words(block) for block in article.blocks) * 60 / options.speed


def _written_words(block: Block) -> int:
    return sum(len(text.split()) for text in texts(block))


def over_the_cap(
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


def sound(
    part: Part, article: Article | None, voice: Voice, cache: Caches, stop: threading.Event, options: AudioOptions
) -> Spoken:
    """A part spoken: from the cache when this text was said by this voice before, else synthesised.

    Each utterance is encoded as the voice makes it, and its first and last sample counted; the part of an
    `article` whose sound passes the cap stops there.
    """

    def synthesised() -> bytes:
        frames = bytearray()
        encoder: Any = None  # made with the first sound, once the voice knows its sample rate
        samples = 0
        clips: list[tuple[int, int]] = []

        def add(pcm: bytes) -> None:
            nonlocal encoder, samples
            if encoder is None:
                encoder = mp3.encoder(voice.sample_rate)
            samples += len(pcm) // 2
            if article is not None and samples > options.max_minutes * 60 * voice.sample_rate:
                problem = over_the_cap(article, samples / voice.sample_rate, options, "over")
                assert problem is not None
                raise PaperpressError([problem], REFUSED)
            frames.extend(encoder.encode(pcm))

        for utterance in part.script:
            if stop.is_set():
                raise RuntimeError("synthesis was stopped")  # never seen: the build that stopped it is unwinding
            start = samples
            if utterance.text:
                with contextlib.closing(voice.stream(utterance.text)) as said:  # closed early: the engine stops
                    for pcm in said:
                        add(pcm)
                        if stop.is_set():
                            break
            clips.append((start, samples))
            add(bytes(2 * (voice.sample_rate * utterance.pause_ms // 1000)))
        if encoder is None:
            encoder = mp3.encoder(voice.sample_rate)
        frames.extend(encoder.flush())
        return _pack(voice.sample_rate, clips, bytes(frames))

    return _unpack(cache.cached(FOLDER, f"{key(part.script, voice)}.part", synthesised))


def _pack(rate: int, clips: Sequence[tuple[int, int]], frames: bytes) -> bytes:
    """One cache entry: a line of JSON (the sample rate and each utterance's samples), then the MP3 frames."""
    head = json.dumps({"rate": rate, "clips": [list(clip) for clip in clips]}, separators=(",", ":")).encode()
    return head + b"\n" + frames


def _unpack(entry: bytes) -> Spoken:
    head, _, frames = entry.partition(b"\n")
    found = json.loads(head)
    rate = found["rate"]
    clips = tuple(((start + ENCODER_DELAY) / rate, (end + ENCODER_DELAY) / rate) for start, end in found["clips"])
    return Spoken(frames, clips)


def key(script: Sequence[Utterance], voice: Voice) -> str:
    """The cache key of a part: its words and pauses, the voice's identity and the encoder's."""
    spoken = json.dumps([[u.text, u.pause_ms] for u in script], ensure_ascii=False)
    encoder = f"lameenc {metadata.version('lameenc')} {mp3.BIT_RATE}/{mp3.LOW_RATE_BIT_RATE} q{mp3.QUALITY}"
    return hashlib.sha256(f"{voice.identity()}\n{encoder}\n{spoken}".encode()).hexdigest()
