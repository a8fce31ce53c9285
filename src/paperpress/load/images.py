"""Reads a photo the editor named, checks it is a real image of a kind newspapers use, returns model.Image.

The format is detected from the bytes, never the file name; decompression bombs and truncated files are
problems, not crashes. Normalising (rotation, colour, size) is left to the editions that need it.
"""

from __future__ import annotations

import io
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import PIL
from PIL import Image as PILImage
from PIL import ImageFile

from ..cache import Learnt, has_entry, key_of
from ..errors import Problem
from ..model import Image
from ..paths import relative, resolve_inside
from ..typeset.pixels import BUDGET, decoded_bytes

#: Pillow format name → media type. SVG is refused: it can carry scripts and remote references.
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
MAX_FILE_BYTES = 40 * 1024 * 1024
MAX_PIXELS = 60_000_000
_ORIENTATION = 0x0112
#: EXIF orientations that turn the photo a quarter: its shown width is its stored height.
_QUARTER_TURNS = {5, 6, 7, 8}


@dataclass(frozen=True, slots=True)
class PendingDecode:
    """A place that shows a photo whose header was fine, still to be decoded in full to prove it is not damaged."""

    data: bytes
    src: str
    file: PurePosixPath
    line: int | None
    field: str


@dataclass(frozen=True, slots=True)
class _Header:
    """What one photo file's header said: its format and upright size, or why it cannot be used."""

    data: bytes
    kind: str = ""
    width: int = 0
    height: int = 0
    refused: str | None = None  # "pixels", "unreadable" or "damaged"; a kind not in FORMATS is refused too
    error: Exception | None = None


class PhotoFiles:
    """One issue's photo files, each read, identified and decoded once however many places show it.

    Places that show the same file share one bytes object, so a photo placed a thousand times costs one
    copy; the full decodes wait in `pending` (one per file) for the caller to run together. With a
    `cache` folder, a file whose very bytes decoded cleanly before (with this Pillow) is not decoded again;
    those that decode cleanly now join `learnt`, to be kept if the build succeeds.
    """

    def __init__(self, cache: Path | None = None, learnt: Learnt | None = None) -> None:
        self.cache = cache
        self.learnt = learnt
        self._headers: dict[Path, _Header] = {}
        self.pending: dict[Path, list[PendingDecode]] = {}
        self.reads = 0  # files read from disk

    def header(self, path: Path) -> _Header:
        found = self._headers.get(path)
        if found is None:
            self.reads += 1
            found = self._headers[path] = _read_header(path.read_bytes())
        return found


def load_image(
    root: Path,
    base_dir: Path,
    src: str,
    *,
    id: str,
    alt: str,
    caption: str | None,
    credit: str | None,
    file: PurePosixPath,
    line: int | None,
    field: str,
    problems: list[Problem],
    pending: PhotoFiles | None = None,
) -> Image | None:
    """Checks the file and its header now; the full decode joins `pending` (or runs at once without it)."""
    path, message, hint = resolve_inside(root, base_dir, src)
    if path is None:
        problems.append(Problem(file, line, field, message or "cannot use this path", hint))
        return None
    where = relative(root, path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.append(
            Problem(file, line, field, f"'{src}' is {size // 2**20} MB", "photos must be under 40 MB; export a smaller file")
        )
        return None
    photos = pending if pending is not None else PhotoFiles()
    head = photos.header(path)
    check = PendingDecode(head.data, src, file, line, field)
    if head.refused == "pixels":
        problems.append(Problem(file, line, field, f"'{src}' has too many pixels", "use a photo under 60 megapixels"))
        return None
    if head.refused == "unreadable":
        problems.append(
            Problem(file, line, field, f"'{src}' is not an image paperpress can read", "use JPEG, PNG, WebP or GIF")
        )
        return None
    if head.refused == "damaged" and head.error is not None:
        problems.append(_damaged(check, head.error))
        return None
    if head.kind not in FORMATS:
        problems.append(
            Problem(file, line, field, f"'{src}' is a {head.kind or 'unknown'} file", "use JPEG, PNG, WebP or GIF")
        )
        return None
    photos.pending.setdefault(path, []).append(check)
    if pending is None:
        found = decode_problems(photos)
        problems.extend(found)
        if found:
            return None
    return Image(
        id=id,
        source=str(where),
        data=head.data,
        media_type=FORMATS[head.kind],
        width=head.width,
        height=head.height,
        alt=alt,
        caption=caption,
        credit=credit,
    )


def _read_header(data: bytes) -> _Header:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data)) as img:
                kind = img.format or ""
                width, height = img.size
                if img.getexif().get(_ORIENTATION, 1) in _QUARTER_TURNS:
                    width, height = height, width  # the size as the photo is shown, upright
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        return _Header(data, refused="pixels")
    except PILImage.UnidentifiedImageError:
        return _Header(data, refused="unreadable")
    except (OSError, ValueError, SyntaxError) as err:
        return _Header(data, refused="damaged", error=err)
    if kind in FORMATS and width * height > MAX_PIXELS:
        return _Header(data, kind, refused="pixels")
    return _Header(data, kind, width, height)


def decode_problems(photos: PhotoFiles) -> list[Problem]:
    """Decodes each photo file once (in threads: Pillow decodes outside the GIL) and reports every place that
    shows a damaged one; a file the cache knows decodes cleanly is passed."""
    cache = photos.cache
    places = [(checks, _decoded_key(checks[0].data) if cache is not None else "") for checks in photos.pending.values()]
    photos.pending.clear()
    if cache is not None:
        places = [(checks, key) for checks, key in places if not has_entry(cache, key)]
    if not places:
        return []
    # WeasyPrint switches Pillow to accept truncated files when it is imported (by a PDF build in the same
    # process); a photo that is cut short must be reported all the same, so decode strictly here.
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        if len(places) == 1:
            errors = [_decode_error(places[0][0][0].data)]
        else:
            with ThreadPoolExecutor(max_workers=min(len(places), os.cpu_count() or 1)) as pool:
                errors = list(pool.map(_decode_error, (checks[0].data for checks, _ in places)))
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    found = []
    for (checks, key), err in zip(places, errors, strict=True):
        if err is not None:
            found += [_damaged(check, err) for check in checks]
        elif cache is not None and photos.learnt is not None:
            photos.learnt.add(cache, key)
    return found


def _decoded_key(data: bytes) -> str:
    """The cache entry that says these bytes decode cleanly (kept only for those that do)."""
    return key_of("decodes", PIL.__version__, data)


def _decode_error(data: bytes) -> Exception | None:
    try:
        with PILImage.open(io.BytesIO(data)) as img:
            # A JPEG decoded at an eighth of its size still reads every byte, so a cut-short file is caught
            # at a fraction of the cost of a full decode.
            img.draft("RGB", (max(1, img.width // 8), max(1, img.height // 8)))
            with BUDGET.hold(decoded_bytes(img.mode, img.size)):
                img.load()
    except (OSError, ValueError, SyntaxError) as err:
        return err
    return None


def _damaged(check: PendingDecode, err: Exception) -> Problem:
    return Problem(
        check.file, check.line, check.field, f"'{check.src}' is damaged: {err}", "export the photo again from the original"
    )
