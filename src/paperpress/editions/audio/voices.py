"""The speech engines behind one small interface: text in, 16-bit mono PCM out, in chunks as it is made.

eSpeak NG (a Debian package, offline everywhere) is the default. A Piper neural voice is used instead when
paperpress.yaml names its `.onnx` model and the `piper-tts` package is installed. Another engine is one more
class with `sample_rate`, `identity`, `synthesise` and `stream`. A missing engine or voice is an error that
names what to install; nothing is ever downloaded. `stream` hands the sound over as the engine makes it, so
no utterance's whole sound (nor eSpeak NG's whole WAV) is ever held.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
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
#: How much of eSpeak NG's WAV is read at a time: about 1.5 s of sound.
_CHUNK_BYTES = 64 * 1024


class Voice(Protocol):
    sample_rate: int

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

    def __init__(self, model: Path, shown: str, speed: int) -> None:
        try:
            piper: Any = importlib.import_module("piper")
        except ImportError:
            raise _problem(
                "audio.model", f"the voice '{shown}' is a Piper model, and Piper is not installed",
                "install it with `pip install 'piper-tts'` (or remove audio.model to use eSpeak NG)",
            ) from None
        self.length_scale = round(PIPER_NATURAL_WPM / speed, 3)
        self.model_sha = hashlib.sha256(model.read_bytes()).hexdigest()
        self.voice = piper.PiperVoice.load(str(model))
        self.sample_rate = int(self.voice.config.sample_rate)
        self._piper = piper

    def identity(self) -> str:
        try:
            version = metadata.version("piper-tts")
        except metadata.PackageNotFoundError:
            version = "unknown"
        return f"piper {version} model={self.model_sha} length_scale={self.length_scale}"

    def synthesise(self, text: str) -> bytes:
        return b"".join(self.stream(text))

    def stream(self, text: str) -> Generator[bytes, None, None]:
        if hasattr(self.voice, "synthesize_stream_raw"):  # piper-tts 1.2
            yield from self.voice.synthesize_stream_raw(text, length_scale=self.length_scale)
            return
        config = self._piper.SynthesisConfig(length_scale=self.length_scale)  # piper-tts 1.3 and later
        for chunk in self.voice.synthesize(text, syn_config=config):
            yield chunk.audio_int16_bytes


def espeak_voice_for(language: str) -> str:
    """The eSpeak NG voice for a BCP 47 tag: 'en-GB' → 'en-gb'."""
    return language.lower()


def make_voice(options: AudioOptions, language: str, root: Path | None) -> Voice:
    """The voice paperpress.yaml asks for: its Piper model if it names one, else eSpeak NG."""
    if options.model:
        model = publication_file(root or Path.cwd(), options.model, CONFIG, "audio.model")  # the one resolver
        if not model.is_file() or not model.name.endswith(".onnx"):
            raise _problem(
                "audio.model", f"no voice model '{options.model}' in the publication",
                "give the path of a Piper '.onnx' voice file inside the publication (its '.onnx.json' beside it)",
            )
        return PiperVoice(model, options.model, options.speed)
    voice = options.voice or espeak_voice_for(language)
    if options.voice is None:
        try:
            return EspeakVoice(voice, options.speed, options.pitch)
        except PaperpressError:  # a regional tag with no voice of its own ('de-AT'): its language's voice
            voice = voice.split("-")[0]
    return EspeakVoice(voice, options.speed, options.pitch)
