"""How long a spoken download plays, read from the file itself: what a page or a feed says beside its link.

The audio edition's MP3 carries its length in the TLEN frame it writes; the read-aloud EPUB declares its
narration's total `media:duration` in its package. Both are read from bytes just made (a build hands them to
the pages that list them) or from a file in dist/ (the catalog, the podcast feed), and never estimated.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

_MP3 = "audio/mpeg"
_EPUB = "application/epub+zip"
_OPF = "{http://www.idpf.org/2007/opf}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"


def running_seconds(media_type: str, source: Path | bytes) -> int:
    """Whole seconds the file plays (0 when it does not say, is not spoken, or cannot be read)."""
    if media_type == _MP3:
        return mp3_seconds(source)
    if media_type == _EPUB:
        return narrated_seconds(source)
    return 0


def mp3_seconds(source: Path | bytes) -> int:
    """An MP3's length from its TLEN frame (0 without one, or when the file is gone: mutagen says so with its
    own error, not an OSError)."""
    from mutagen import MutagenError  # only builds and catalogs with audio pay for the import
    from mutagen.id3 import ID3

    try:
        frames = ID3(_opened(source)).getall("TLEN")
    except (OSError, MutagenError):  # ID3NoHeaderError, a file with no tag, is one too
        return 0
    return round(int(frames[0].text[0]) / 1000) if frames else 0


def narrated_seconds(source: Path | bytes) -> int:
    """The length of an EPUB's narration: its package's total `media:duration` (0 when it has none)."""
    try:
        with zipfile.ZipFile(_opened(source)) as book:
            container = ElementTree.fromstring(book.read("META-INF/container.xml"))
            rootfile = container.find(f".//{_CONTAINER}rootfile")
            package = ElementTree.fromstring(book.read(rootfile.get("full-path", "") if rootfile is not None else ""))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return 0
    for meta in package.iter(f"{_OPF}meta"):
        if meta.get("property") == "media:duration" and meta.get("refines") is None:
            try:
                hours, minutes, secs = (meta.text or "").strip().split(":")
                return round(int(hours) * 3600 + int(minutes) * 60 + float(secs))
            except ValueError:
                return 0
    return 0


def _opened(source: Path | bytes) -> Path | BinaryIO:
    return io.BytesIO(source) if isinstance(source, bytes) else source
