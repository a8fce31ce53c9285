"""The EPUB container: a zip whose bytes depend only on its contents, and the size limit readers' inboxes set.

`mimetype` comes first and stored, then the container file and the package files in a fixed order, every
entry with the same timestamp and permissions; JPEG and PNG files are stored, since deflating them saves
about 1 % and costs most of the build time. Knows bytes and names, not the model or templates.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from ...errors import PaperpressError, Problem, nothing_written

MEDIA_TYPE = "application/epub+zip"
#: The Send to Kindle e-mail limit; a bigger EPUB cannot reach a Kindle that way.
MAX_EPUB_BYTES = 50 * 1024 * 1024
ROOT = "EPUB"  # the folder that holds the package document and everything it lists

CONTAINER_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="EPUB/content.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
"""
_STORED_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "audio/mpeg")
#: The times a zip entry can hold (DOS dates, two-second steps); an issue's own date stays in its metadata.
_EARLIEST = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
_LATEST = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Item:
    """One file of the publication, as the package document lists it (href relative to the package)."""

    id: str
    href: str
    media_type: str
    data: bytes
    properties: str = ""
    source: str | None = None  # the editor's file it came from, for messages
    overlay: str = ""  # the id of its Media Overlay (SMIL) item, in the read-aloud EPUB


def assemble(opf: bytes, items: Sequence[Item], timestamp: dt.datetime) -> bytes:
    """The EPUB's bytes: mimetype, container, package document, then the items in the order given."""
    when = min(max(timestamp.astimezone(dt.UTC), _EARLIEST), _LATEST).timetuple()[:6]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        _add(zf, "mimetype", MEDIA_TYPE.encode("ascii"), when, compress=False)
        _add(zf, "META-INF/container.xml", CONTAINER_XML, when, compress=True)
        _add(zf, f"{ROOT}/content.opf", opf, when, compress=True)
        for item in items:
            _add(zf, f"{ROOT}/{item.href}", item.data, when, compress=item.media_type not in _STORED_TYPES)
    return buf.getvalue()


def check_size(size: int, items: Iterable[Item], name: str, limit: int = MAX_EPUB_BYTES) -> None:
    """Refuses an EPUB over the limit, naming the images that weigh most so the editor knows what to shrink."""
    if size <= limit:
        return
    images = sorted((i for i in items if i.media_type.startswith("image/")), key=lambda i: (-len(i.data), i.href))
    summary = f"{name} would be {_mb(size)}; Send to Kindle accepts at most {_mb(limit)}"
    problems = [Problem(None, None, None, summary, "these images weigh most")] + [
        Problem(
            PurePosixPath(i.source) if i.source else None,
            None,
            None,
            f"{_mb(len(i.data))} in the EPUB",
            "export a smaller photo or lower epub.image_max_edge in paperpress.yaml",
        )
        for i in images[:5]
    ]
    raise PaperpressError(problems, nothing_written(summary))


def _add(zf: zipfile.ZipFile, name: str, data: bytes, when: tuple[int, ...], compress: bool) -> None:
    info = zipfile.ZipInfo(name, date_time=when)  # type: ignore[arg-type]
    info.create_system = 3  # the same "made by" on every platform
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    zf.writestr(info, data, compresslevel=6 if compress else None)


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"
