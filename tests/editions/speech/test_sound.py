"""The shared speech: each utterance's place counted in samples, parts cached, an issue spoken once per build."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from paperpress.cache import Caches
from paperpress.config import AudioOptions
from paperpress.editions.speech import mp3, sound
from paperpress.editions.speech.script import Utterance

RATE = 22050


class Counted:
    """A voice that says each utterance for a tenth of a second per letter, and counts what it is asked."""

    sample_rate = RATE

    def __init__(self) -> None:
        self.said: list[str] = []

    def identity(self) -> str:
        return "counted"

    def stream(self, text: str) -> Iterator[bytes]:
        self.said.append(text)
        yield b"\x10\x00" * (RATE // 10 * len(text))


def _part(*script: Utterance) -> sound.Part:
    return sound.Part("A part", tuple(script))


def test_each_utterance_s_clip_starts_and_ends_where_its_samples_do() -> None:
    spoken = sound.sound(_part(Utterance("ab", 500), Utterance("", 300), Utterance("abcd", 0)), None, Counted(),
                         Caches(None), threading.Event(), AudioOptions())
    delay = sound.ENCODER_DELAY / RATE
    # "ab": 0.2 s of speech, then 0.5 s of pause; the silence of a rule is an empty clip; "abcd": 0.4 s.
    expected = [(0.0, 0.2), (0.7, 0.7), (1.0, 1.4)]
    assert [(round(a - delay, 3), round(b - delay, 3)) for a, b in spoken.clips] == expected
    assert spoken.duration >= 1.4 + delay and spoken.duration == mp3.duration(spoken.frames)


def test_a_part_said_before_by_the_same_voice_comes_from_the_cache(tmp_path) -> None:  # type: ignore[no-untyped-def]
    voice, caches = Counted(), Caches(tmp_path)
    part = _part(Utterance("hello", 100))
    first = sound.sound(part, None, voice, caches, threading.Event(), AudioOptions())
    again = sound.sound(part, None, voice, caches, threading.Event(), AudioOptions())
    assert voice.said == ["hello"] and again == first
    caches.commit()
    fresh = sound.sound(part, None, voice, Caches(tmp_path), threading.Event(), AudioOptions())
    assert voice.said == ["hello"] and fresh == first


def test_the_key_changes_with_the_voice_the_words_and_the_pauses() -> None:
    class Other(Counted):
        def identity(self) -> str:
            return "another voice"

    script = (Utterance("hello", 100),)
    keys = {sound.key(script, Counted()), sound.key(script, Other()), sound.key((Utterance("hullo", 100),), Counted()),
            sound.key((Utterance("hello", 200),), Counted())}
    assert len(keys) == 4


def _minimal_issue():  # type: ignore[no-untyped-def]
    from paperpress.load import load_config, load_issue
    from tests.support import FIXTURES

    root = FIXTURES / "minimal"
    config = load_config(root).value
    assert config is not None
    issue = load_issue(root, config, root / "issues" / "issue-7.yaml").value
    assert issue is not None
    return issue


def test_an_issue_is_spoken_once_per_build_whoever_asks_and_a_neural_voice_one_part_at_a_time(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    class Neural(Counted):
        concurrent = False

        def __init__(self) -> None:
            super().__init__()
            self.threads: set[int] = set()

        def stream(self, text: str) -> Iterator[bytes]:
            self.threads.add(threading.get_ident())
            yield from super().stream(text)

    voice = Neural()
    monkeypatch.setattr(sound, "make_voice", lambda *args: voice)
    issue, caches = _minimal_issue(), Caches(None)
    first = sound.issue_speech(issue, AudioOptions(), None, caches)
    again = sound.issue_speech(issue, AudioOptions(), None, caches)  # the other edition of the same build
    assert again is first and len(first) == len(sound.parts(issue))
    assert len(voice.said) == sum(1 for part in sound.parts(issue) for u in part.script if u.text)
    assert len(voice.threads) == 1
