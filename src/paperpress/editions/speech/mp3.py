"""MP3 made in-process: PCM encoded with LAME (lameenc), frames counted for exact chapter times, ID3 tags.

Each part of an issue (the opening, a section's announcement, an article) is encoded once into a stream of
whole MP3 frames. Streams joined end to end are one valid MP3, so the whole-issue file reuses the articles'
encodings, and a chapter starts exactly where its frames start.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import lameenc
from mutagen.id3 import ID3, Frame

#: Speech needs little: mono at 48 kbit/s (32 below 22 kHz), LAME's good-and-fast quality.
BIT_RATE = 48
LOW_RATE_BIT_RATE = 32
QUALITY = 5

# MPEG audio header tables: version bits → (version name, samples per layer III frame); bit rates per index.
_VERSIONS = {0b11: ("1", 1152), 0b10: ("2", 576), 0b00: ("2.5", 576)}
_BIT_RATES = {
    "1": (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    "2": (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {"1": (44100, 48000, 32000), "2": (22050, 24000, 16000), "2.5": (11025, 12000, 8000)}


def bit_rate(sample_rate: int) -> int:
    return BIT_RATE if sample_rate >= 22050 else LOW_RATE_BIT_RATE


def encoder(sample_rate: int) -> lameenc.Encoder:
    """A LAME encoder for 16-bit mono PCM: `encode` each chunk as it is made, then `flush`.

    The frames do not depend on how the samples were cut into chunks (each chunk an even number of bytes),
    so a part encoded utterance by utterance is byte for byte the part encoded whole.
    """
    made = lameenc.Encoder()
    made.set_bit_rate(bit_rate(sample_rate))
    made.set_in_sample_rate(sample_rate)
    made.set_channels(1)
    made.set_quality(QUALITY)
    return made


def encode(pcm: bytes, sample_rate: int) -> bytes:
    """16-bit mono PCM as whole MP3 frames, with no header of its own (so streams can be joined)."""
    made = encoder(sample_rate)
    return bytes(made.encode(pcm) + made.flush())


def duration(frames: bytes) -> float:
    """Seconds of sound in a stream of MP3 frames, counted frame by frame from their headers."""
    pos, samples, rate = 0, 0, 0
    while pos + 4 <= len(frames):
        header = int.from_bytes(frames[pos:pos + 4], "big")
        if header >> 21 != 0x7FF:
            raise ValueError(f"no MP3 frame at byte {pos}")
        version, spf = _VERSIONS[(header >> 19) & 0b11]
        kbps = _BIT_RATES["1" if version == "1" else "2"][(header >> 12) & 0xF]
        rate = _SAMPLE_RATES[version][(header >> 10) & 0b11]
        padding = (header >> 9) & 1
        pos += (spf // 8) * kbps * 1000 // rate + padding
        samples += spf
    return samples / rate if rate else 0.0


def tagged(frames: bytes, tags: ID3, in_order: Sequence[Frame] = ()) -> bytes:
    """An MP3 file: the ID3v2.3 tag (no padding, so the bytes depend on the tags alone), then the frames.

    mutagen orders a tag's frames by size; `in_order` (the chapters) are written after them as given,
    because some players (ffmpeg among them) list chapters in the order the tag holds them.
    """
    tag = _tag_bytes(tags)
    body = tag[10:] + b"".join(_tag_bytes(_alone(frame))[10:] for frame in in_order)
    return tag[:6] + _syncsafe(len(body)) + body + frames


def _tag_bytes(tags: ID3) -> bytes:
    buffer = io.BytesIO()
    tags.save(buffer, v2_version=3, padding=lambda info: 0)
    return buffer.getvalue()


def _alone(frame: Frame) -> ID3:
    tags = ID3()
    tags.add(frame)
    return tags


def _syncsafe(n: int) -> bytes:
    """An ID3v2 tag size: 28 bits, seven to a byte."""
    return bytes(((n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F))
