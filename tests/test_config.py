"""paperpress.yaml's audio options and `editions:` are checked like every other key."""

from __future__ import annotations

from pathlib import Path

from paperpress.config import DEFAULT_EDITIONS
from paperpress.load import load_config


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    (tmp_path / "paperpress.yaml").write_text("title: T\n" + text)
    return load_config(tmp_path)


def test_audio_is_not_a_default_edition(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "")
    assert loaded.value is not None and loaded.value.editions == DEFAULT_EDITIONS and "audio" not in DEFAULT_EDITIONS


def test_editions_and_audio_options_are_read(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "editions: [txt, audio]\naudio:\n  voice: en-gb\n  speed: 200\n  pitch: 40\n")
    assert loaded.problems == ()
    assert loaded.value is not None and loaded.value.editions == ("txt", "audio")
    assert (loaded.value.audio.voice, loaded.value.audio.speed, loaded.value.audio.pitch) == ("en-gb", 200, 40)


def test_an_unknown_edition_a_bad_speed_and_an_unknown_audio_key_are_errors(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "editions: [txt, mp3]\naudio:\n  speed: 2000\n  voise: en\n")
    messages = sorted(str(p) for p in loaded.problems)
    assert any("editions" in m and "unknown edition 'mp3'" in m and "choose from txt, epub, web, pdf, audio" in m for m in messages)
    assert any("audio.speed" in m and "too large" in m for m in messages)
    assert any("audio.voise" in m and "did you mean 'voice'" in m for m in messages)
