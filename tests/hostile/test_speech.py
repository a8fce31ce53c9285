"""The audio edition against hostile copy (issue 26, findings 3 and 4): any number can be said, and what an
article may cost to say is bounded, refused at its file when it would be read for longer than the cap."""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperpress.cache import Caches
from paperpress.cli import app
from paperpress.config import AudioOptions
from paperpress.editions.speech import mp3, sound
from paperpress.editions.speech.script import Utterance
from paperpress.editions.speech.speakable import speakable
from paperpress.errors import PaperpressError
from paperpress.model import Article, Paragraph, Text
from tests.support import FIXTURES, copy_publication

ARTICLE = "issues/issue-7/second.md"

LONG = {
    "400 digits": "1" * 400,
    "5,000 digits": "9" * 5000,
    "grouped": "1," + ",".join(["000"] * 200),
    "money": "£" + "7" * 600 + ".5" + "0" * 300,
    "money range": "£" + "2" * 500 + "-" + "3" * 500 + "m",
    "ordinal": "4" * 500 + "th",
    "percent": "5" * 500 + "%",
    "decimals": "6" * 500 + "." + "7" * 5000,
    "range": "1" * 500 + "–" + "2" * 500,
    "unit": "8" * 500 + " km",
    "scaled": "9" * 500 + "bn",
}


@pytest.mark.parametrize("language", ["en-GB", "fr", "de", "ja"])
@pytest.mark.parametrize("name", sorted(LONG))
def test_a_number_too_long_for_words_is_read_digit_by_digit(name: str, language: str) -> None:
    said = speakable(f"It was {LONG[name]} in all.", language)
    assert not any(char.isdigit() for char in said), said[:200]
    assert len(said.split()) > 300  # every digit is said, none dropped


def test_the_digits_read_one_by_one_are_the_digits_written() -> None:
    assert speakable("Code 1234567890123456789.") == (
        "Code one two three four five six seven eight nine zero one two three four five six seven eight nine."
    )
    assert speakable("£" + "1" * 20) == " ".join(["one"] * 20) + " pounds"
    assert speakable("123456789012345").startswith("one hundred and twenty-three trillion")  # 15 digits: words


def publication(tmp_path: Path, body: str, max_minutes: int) -> Path:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    (pub / "paperpress.yaml").write_text((pub / "paperpress.yaml").read_text() + f"  max_minutes: {max_minutes}\n")  # under the fixture's audio:
    (pub / ARTICLE).write_text(f"---\ntitle: Figures\n---\n{body}\n")
    return pub


@pytest.mark.parametrize(
    ("body", "line", "said"),
    [
        ("The total was " + "9" * 5000 + ".", 4, "about 31 minutes"),  # said digit by digit: 5,000 words
        ("A first paragraph.\n\nThe total was " + "1" * 400 + ".", 6, "about 3 minutes"),
        # Counted as written, before any number is made speakable: 7 words a paragraph, 330 words in 2 minutes.
        ("A plain sentence of an ordinary article.\n\n" * 2000, 98, "at least 85 minutes"),
    ],
    ids=["5,000 digits", "400 digits", "prose"],
)
@pytest.mark.parametrize("edition", ["audio", "read-aloud"])
def test_an_article_read_for_longer_than_the_cap_is_refused_at_its_line(
    tmp_path: Path, body: str, line: int, said: str, edition: str
) -> None:
    pub = publication(tmp_path, body, max_minutes=2)
    result = CliRunner().invoke(app, ["build", "7", "--root", str(pub), "-f", edition, "-j", "1"])
    assert result.exit_code == 1, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    assert (f"{ARTICLE}:{line}: body: read aloud, the article would last {said} (at most 2 (audio.max_minutes"
            in result.stderr), result.stderr
    assert not (pub / "dist" / "issue-7" / "audio").exists()
    assert not (pub / "dist" / "issue-7" / "issue-7-read-aloud.epub").exists()


FIGURES = Article("a2", "second", ARTICLE, "Figures", None, None, (), (Paragraph((Text("words without end"),)),), (), (),
                  block_lines=(4,))


class Endless:
    """A voice that never stops talking (one second of silence at a time) and notes when it is stopped."""

    sample_rate = 22050

    def __init__(self) -> None:
        self.closed = False
        self.chunks = 0

    def identity(self) -> str:
        return "endless"

    def stream(self, text: str) -> Iterator[bytes]:
        try:
            while True:
                self.chunks += 1
                yield bytes(2 * self.sample_rate)
        finally:
            self.closed = True


def test_sound_past_the_cap_stops_the_voice_and_refuses_the_article() -> None:
    voice = Endless()
    part = sound.Part("Figures", (Utterance("words without end", 0),), 1, "x.mp3", ARTICLE)
    options = AudioOptions(max_minutes=1)
    with pytest.raises(PaperpressError) as caught:
        sound.sound(part, FIGURES, voice, Caches(None), threading.Event(), options)  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    assert str(problem.file) == ARTICLE and problem.message == "read aloud, the article would last over 1 minute"
    assert voice.closed and voice.chunks == 61


def test_a_part_is_encoded_as_it_is_said_never_held_whole() -> None:
    """59 seconds of sound are 2.6 MB of samples and 0.35 MB of MP3: the peak stays near the MP3's size."""

    class Talker(Endless):
        def stream(self, text: str) -> Iterator[bytes]:
            for _ in range(59):
                yield bytes(2 * self.sample_rate)

    part = sound.Part("Figures", (Utterance("words", 0),), 1, "x.mp3", ARTICLE)
    tracemalloc.start()
    try:
        frames = sound.sound(part, FIGURES, Talker(), Caches(None), threading.Event(), AudioOptions(max_minutes=1)).frames  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert 58 < mp3.duration(frames) < 60
    assert peak < 1_500_000, peak
