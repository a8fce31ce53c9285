"""Photos made fit for a reading system or a press: upright, RGB, no hidden metadata, no bigger than needed.

Pure bytes in, bytes out, and deterministic, so that two builds give the same file (and a result kept in the
publication's cache is the one a build would make). Shared by the editions that embed images; knows nothing
of the model, templates or packaging.
"""

from __future__ import annotations

import io
import math
import struct
from dataclasses import dataclass

import PIL
from PIL import Image, ImageCms, ImageOps

from ..cache import Caches, key_of
from ..typeset.pixels import BUDGET, decoded_bytes

#: JPEG quality for re-encoded photos: indistinguishable from the original on an e-reader or a screen.
JPEG_QUALITY = 85
_WHITE = (255, 255, 255)
_ORIENTATION = 0x0112
_SIXTEEN_BIT = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")


@dataclass(frozen=True, slots=True)
class Normalised:
    """An image ready to embed: its bytes, its media type and its size in pixels."""

    data: bytes
    media_type: str  # image/jpeg or image/png
    width: int
    height: int

    @property
    def extension(self) -> str:
        return extension(self.media_type)


def extension(media_type: str) -> str:
    """The file name ending of a normalised image of this type."""
    return ".png" if media_type == "image/png" else ".jpg"


#: The cache folder (`cache.cache_folder`) of normalised photos, shared by the editions that embed them.
CACHE = "normalised"
#: What `normalise` does, in the cache key: change it when its output would change.
_RECIPE = f"1; bicubic; jpeg q{JPEG_QUALITY}"


def normalise_kept(data: bytes, max_edge: int, caches: Caches) -> Normalised:
    """`normalise`, kept in the publication's cache: a photo is shrunk to one size once, not at every build
    (a template change rebuilds an archive's editions from the same photos)."""
    key = key_of("normalised", PIL.__version__, _RECIPE, str(max_edge), data)
    packed = caches.cached(CACHE, key, lambda: _packed(normalise(data, max_edge)))
    media_type, width, height, picture = packed.split(b"\n", 3)
    return Normalised(picture, media_type.decode(), int(width), int(height))


def _packed(fit: Normalised) -> bytes:
    return f"{fit.media_type}\n{fit.width}\n{fit.height}\n".encode() + fit.data


def normalise(data: bytes, max_edge: int) -> Normalised:
    """The image upright, in sRGB, at most `max_edge` pixels long, with EXIF, GPS, XMP and comments gone.

    Photos become baseline JPEG (every e-reader decodes it); graphics from lossless files stay PNG when
    that is smaller. A JPEG that is already baseline, RGB, upright, sRGB and small enough is not
    re-encoded: its metadata segments are dropped and the compressed picture is kept as it was.
    """
    with Image.open(io.BytesIO(data)) as src:
        if _is_fine_jpeg(src, max_edge):
            return Normalised(strip_jpeg_metadata(data), "image/jpeg", src.width, src.height)
        lossless = src.format != "JPEG"
        img = fitted(src, max_edge)
    jpeg = encode_jpeg(img)
    if lossless:
        png = _encode_png(img)
        if len(png) <= len(jpeg):
            return Normalised(png, "image/png", img.width, img.height)
    return Normalised(jpeg, "image/jpeg", img.width, img.height)


def fitted(src: Image.Image, max_edge: int, resample: Image.Resampling = Image.Resampling.BICUBIC) -> Image.Image:
    """`to_rgb` of an opened image, at most `max_edge` pixels long, decoded within the pixel budget.

    The full frame is shrunk by a whole factor as soon as it is decoded (JPEG while it is read), before
    any conversion copies it, so a 60-megapixel graphic costs one frame and a small working copy.
    """
    if src.format == "JPEG" and max(src.size) > max_edge:
        # Let the decoder scale by 1/2, 1/4 or 1/8 while it reads (never below the target size):
        # a camera's 6000-pixel photo then costs a fraction of a full decode.
        scale = max_edge / max(src.size)
        src.draft(src.mode, (math.ceil(src.width * scale), math.ceil(src.height * scale)))
    if getattr(src, "n_frames", 1) > 1:
        src.seek(0)  # an animated GIF or WebP is shown by its first frame
    with BUDGET.hold(decoded_bytes(src.mode, src.size) + decoded_bytes("RGBA", src.size)):
        src.load()
        img = _reduced(src, max_edge)
        img = to_rgb(img)
    if max(img.size) > max_edge:
        img.thumbnail((max_edge, max_edge), resample)
    return img


def _reduced(src: Image.Image, max_edge: int) -> Image.Image:
    """The frame shrunk by the whole factor that keeps it at least twice `max_edge` (what `thumbnail` does)."""
    factor = int(max(src.size) / max_edge / 2)
    if factor < 2:
        return src
    img = src
    if img.mode in ("1", "P"):
        img = img.convert("RGBA")  # palette and 1-bit frames cannot be averaged; transparency is kept
    elif img.mode in _SIXTEEN_BIT:
        img = img.convert("I")
    reduced = img.reduce(factor)
    reduced.info = dict(src.info)  # the orientation and colour profile still apply
    return reduced


def to_rgb(src: Image.Image) -> Image.Image:
    """An upright 8-bit sRGB copy of any image Pillow reads: CMYK, grey, palette, 16-bit, transparent."""
    icc = src.info.get("icc_profile")
    img = ImageOps.exif_transpose(src)
    if img.mode in _SIXTEEN_BIT:
        img = img.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    if img.mode == "P" or (img.mode in ("L", "RGB") and "transparency" in img.info):
        img = img.convert("RGBA")
    if img.mode in ("LA", "PA", "La", "RGBa", "RGBA"):
        rgba = img.convert("RGBA")
        img = Image.new("RGB", rgba.size, _WHITE)
        img.paste(rgba, mask=rgba.getchannel("A"))
    if icc and img.mode in ("RGB", "CMYK", "L"):
        img = _to_srgb(img, icc)
    return img if img.mode == "RGB" else img.convert("RGB")


def strip_jpeg_metadata(data: bytes) -> bytes:
    """The JPEG without APP1–APP13/APP15 (EXIF, GPS, XMP, IPTC, ICC) and comments; the picture is untouched.

    APP0 (JFIF) and APP14 (Adobe, which says how the colours were transformed) are kept: decoders need them.
    """
    out = bytearray(data[:2])
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ValueError("not a JPEG segment")
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1  # fill byte
            continue
        if marker == 0xDA:  # start of scan: the compressed picture follows to the end
            out += data[pos:]
            return bytes(out)
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if not (0xE1 <= marker <= 0xED or marker in (0xEF, 0xFE)):
            out += data[pos:end]
        pos = end
    raise ValueError("JPEG has no picture data")


def _is_fine_jpeg(img: Image.Image, max_edge: int) -> bool:
    if img.format != "JPEG" or img.mode != "RGB" or max(img.size) > max_edge:
        return False
    if img.info.get("progressive") or img.info.get("progression"):
        return False
    if img.getexif().get(_ORIENTATION, 1) != 1:
        return False
    icc = img.info.get("icc_profile")
    return not icc or _is_srgb(icc)


def _is_srgb(icc: bytes) -> bool:
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return "srgb" in ImageCms.getProfileDescription(profile).lower()
    except (ImageCms.PyCMSError, OSError):
        return False


def _to_srgb(img: Image.Image, icc: bytes) -> Image.Image:
    """Converts through the embedded profile, so CMYK and wide-gamut photos keep their colours."""
    if img.mode == "RGB" and _is_srgb(icc):
        return img
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(img, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError):
        return img.convert("RGB")  # a broken profile: the plain conversion is still a readable photo
    return converted if converted is not None else img.convert("RGB")


def encode_jpeg(img: Image.Image) -> bytes:
    """Baseline JPEG with no metadata: what every reading system decodes."""
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False, subsampling="4:2:0")
    return buf.getvalue()


def _encode_png(img: Image.Image) -> bytes:
    """PNG, as a palette image when the graphic has few enough colours to keep them all exactly."""
    colours: list[tuple[int, tuple[int, int, int]]] | None = img.getcolors(256)  # type: ignore[assignment]
    if colours:
        palette = Image.new("P", (1, 1))
        palette.putpalette([c for _, rgb in sorted(colours, key=lambda c: (-c[0], c[1])) for c in rgb])
        img = img.quantize(palette=palette, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()
