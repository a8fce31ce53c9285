"""Reads a photo the editor named, checks it is a real image of a kind newspapers use, returns model.Image.

The format is detected from the bytes, never the file name; decompression bombs and truncated files are
problems, not crashes. Normalising (rotation, colour, size) is left to the editions that need it.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path, PurePosixPath

from PIL import Image as PILImage
from PIL import ImageFile

from ..errors import Problem
from ..model import Image
from .paths import relative, resolve_inside

#: Pillow format name → media type. SVG is refused: it can carry scripts and remote references.
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
MAX_FILE_BYTES = 40 * 1024 * 1024
MAX_PIXELS = 60_000_000
_ORIENTATION = 0x0112
#: EXIF orientations that turn the photo a quarter: its shown width is its stored height.
_QUARTER_TURNS = {5, 6, 7, 8}


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
) -> Image | None:
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
    data = path.read_bytes()
    # WeasyPrint switches Pillow to accept truncated files when it is imported (by a PDF build in the same
    # process); a photo that is cut short must be reported all the same, so decode strictly here.
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data)) as img:
                kind = img.format or ""
                width, height = img.size
                if img.getexif().get(_ORIENTATION, 1) in _QUARTER_TURNS:
                    width, height = height, width  # the size as the photo is shown, upright
                if kind in FORMATS and width * height <= MAX_PIXELS:
                    # A JPEG decoded at an eighth of its size still reads every byte, so a cut-short
                    # file is caught at a fraction of the cost of a full decode.
                    img.draft("RGB", (max(1, img.width // 8), max(1, img.height // 8)))
                    img.load()
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        problems.append(Problem(file, line, field, f"'{src}' has too many pixels", "use a photo under 60 megapixels"))
        return None
    except PILImage.UnidentifiedImageError:
        problems.append(
            Problem(file, line, field, f"'{src}' is not an image paperpress can read", "use JPEG, PNG, WebP or GIF")
        )
        return None
    except (OSError, ValueError, SyntaxError) as err:
        problems.append(
            Problem(file, line, field, f"'{src}' is damaged: {err}", "export the photo again from the original")
        )
        return None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    if kind not in FORMATS:
        problems.append(
            Problem(file, line, field, f"'{src}' is a {kind or 'unknown'} file", "use JPEG, PNG, WebP or GIF")
        )
        return None
    if width * height > MAX_PIXELS:
        problems.append(Problem(file, line, field, f"'{src}' has too many pixels", "use a photo under 60 megapixels"))
        return None
    return Image(
        id=id,
        source=str(where),
        data=data,
        media_type=FORMATS[kind],
        width=width,
        height=height,
        alt=alt,
        caption=caption,
        credit=credit,
    )
