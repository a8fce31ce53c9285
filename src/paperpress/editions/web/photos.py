"""Each photo of the web edition as responsive variants: WebP at a ladder of widths, with JPEG fallbacks.

A page names every variant in `srcset` and says in `sizes` how wide its role draws the photo, so a phone
loads a 640-pixel WebP where a wide screen loads the 1600-pixel one. `sizes` is the one statement of the web
layout's photo widths; the page templates and their stylesheet follow it (the widths are below, by role).
WebP keeps transparency; the JPEGs are flattened on white, like every other edition's. AVIF was measured
and left out: at the settings that keep it as fast as WebP it saved about 5 % on the sample photos, for a
third file per width.

A variant's bytes depend only on the photo's bytes, its width and its format, never on the role that asks
for it, so one file name (`site.photo_file`) always holds the same bytes, and the same photo placed twice,
or asked for again by a later build, is encoded once: variants are kept in the build's memory and, with a
publication root, in `<root>/.paperpress-cache/webphotos/` (`cache.Caches`), keyed by a digest of those
inputs and the Pillow version. Photos are untrusted: decoding takes its memory from the process's pixel budget.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import PIL
from PIL import Image as PILImage
from PIL import ImageOps

from ...cache import Caches
from ...model import Image
from ...typeset.geometry import Role
from ...typeset.pixels import BUDGET, decoded_bytes
from ..images import JPEG_QUALITY, encode_jpeg, fitted, to_rgb
from ..site import SHARE_WIDTH, photo_file, relative

WEBP = "image/webp"
JPEG = "image/jpeg"
_SUFFIXES = {WEBP: ".webp", JPEG: ".jpg"}
#: WebP quality for photos, and for graphics from lossless files (charts and maps keep their lettering crisp).
WEBP_QUALITY = 80
WEBP_GRAPHIC_QUALITY = 90
#: libwebp's effort (0–6): 2 encodes the sample photos in 40 % of the time 4 takes, for files 3 % larger.
WEBP_METHOD = 2
#: The widest variant of any photo: 2× the widest a layout draws one (a lead photo, 960 CSS px at most).
MAX_WIDTH = 1600
CACHE = "webphotos"
_LOSSLESS = ("image/png", "image/gif")
_ALPHA_MODES = ("RGBA", "LA", "PA", "La", "RGBa")
#: Resizing first shrinks by a whole factor while the photo stays at least this many times the target, then
#: resamples: several times faster than resampling the whole way, and no different to see.
_REDUCING_GAP = 3.0
#: Part of the cache key: change it whenever how a variant is made changes.
_RECIPE = f"1; base {MAX_WIDTH}; lanczos gap {_REDUCING_GAP}; webp q{WEBP_QUALITY}/{WEBP_GRAPHIC_QUALITY} m{WEBP_METHOD}; jpeg q{JPEG_QUALITY}"

#: The layout these `sizes` describe. Pages have 16 px of margin on each side (so a photo across the page
#: is `calc(100vw - 32px)` wide) until the content reaches its widest: the article's text column is at
#: most 680 px, an article's lead photo (above the text, across the article's header) at most 960 px, the
#: front page at most 1200 px, its lead story's photo across it. Thumbnails in the front page's section
#: lists are 120 px wide, 200 px from 640 px up; photos among words (table cells) at most 160 px.
SIZES = {
    Role.LEAD: "(min-width: 992px) 960px, calc(100vw - 32px)",
    Role.FRONT_LEAD: "(min-width: 1232px) 1200px, calc(100vw - 32px)",
    Role.FURTHER: "(min-width: 712px) 680px, calc(100vw - 32px)",
    Role.INLINE: "(min-width: 712px) 680px, calc(100vw - 32px)",
    Role.TABLE: "160px",
}
THUMBNAIL_SIZES = "(min-width: 640px) 200px, 120px"
#: The widths made for each role (never wider than the photo): enough that 1× and 2× screens both find one
#: close above what `sizes` asks.
LADDERS = {
    Role.LEAD: (320, 640, 960, 1200, 1600),
    Role.FRONT_LEAD: (320, 640, 960, 1200, 1600),
    Role.FURTHER: (320, 640, 960, 1200),
    Role.INLINE: (320, 640, 960, 1200),
    Role.TABLE: (160, 320),
}
THUMBNAIL_LADDER = (160, 320, 400)
#: The <img src> for a browser that reads no srcset: the widest JPEG no wider than this.
_FALLBACK_WIDTH = {Role.LEAD: 960, Role.FRONT_LEAD: 1200, Role.FURTHER: 640, Role.INLINE: 640, Role.TABLE: 160}
_THUMBNAIL_FALLBACK = 200


@dataclass(frozen=True, slots=True)
class Variant:
    """One file of a photo: where it goes in the issue's output folder, what it is, and its bytes."""

    file: str  # "web/photos/a3-img1-640.webp"
    media_type: str
    width: int
    height: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Source:
    """The variants of one format, narrowest first: a `<source>` element, or the `<img>`'s own srcset."""

    media_type: str
    variants: tuple[Variant, ...]

    def srcset(self, page: str) -> str:
        """The `srcset` value for `page` (a path in the issue's output folder): "../photos/a3-img1-320.webp 320w, …"."""
        return ", ".join(f"{relative(page, v.file)} {v.width}w" for v in self.variants)


@dataclass(frozen=True, slots=True)
class Picture:
    """What a page needs to show one photo in one role: `<picture>` with a `<source>` per modern format.

    `sources` is best first, the JPEGs last: each but the last becomes a `<source type=… srcset=… sizes=…>`,
    and the last is the `<img>`'s own `srcset`, with `fallback` as its `src`, `width` and `height` as its
    attributes (the photo's shape, so nothing moves while it loads) and `sizes` as its `sizes`. The JPEGs
    always include `site.share_photo(image)`, so the file social cards and feeds point to is written.
    """

    sources: tuple[Source, ...]
    width: int
    height: int
    sizes: str
    fallback: Variant

    @property
    def files(self) -> tuple[tuple[str, bytes], ...]:
        """Every variant as (path in the issue's output folder, bytes), each once."""
        return tuple({v.file: (v.file, v.data) for s in self.sources for v in s.variants}.values())


def photo_variants(image: Image, role: Role, caches: Caches | None = None) -> Picture:
    """`image` drawn in `role`: WebP at the role's widths, JPEG at those up to `SHARE_WIDTH` and the share photo.

    `caches` are the build's: they keep each variant in memory for the session and, with a publication
    root, on disk across builds; without them every variant is made.
    """
    return _picture(image, LADDERS[role], SIZES[role], _FALLBACK_WIDTH[role], caches or Caches(None, 0))


def thumbnail(image: Image, caches: Caches | None = None) -> Picture:
    """`image` as a thumbnail beside a headline in the front page's section lists (`THUMBNAIL_SIZES`)."""
    return _picture(image, THUMBNAIL_LADDER, THUMBNAIL_SIZES, _THUMBNAIL_FALLBACK, caches or Caches(None, 0))


def _picture(image: Image, ladder: tuple[int, ...], sizes: str, fallback_width: int, caches: Caches) -> Picture:
    top = min(image.width, MAX_WIDTH, ladder[-1])
    widths = sorted({w for w in ladder if w < top} | {top})
    jpeg_widths = sorted({w for w in widths if w <= SHARE_WIDTH} | {min(image.width, SHARE_WIDTH)})
    maker = _Maker(image, caches)
    made = {(w, kind): maker.variant(w, kind) for w in sorted(set(widths) | set(jpeg_widths))  # each width once
            for kind, listed in ((WEBP, widths), (JPEG, jpeg_widths)) if w in listed}
    webp = Source(WEBP, tuple(made[w, WEBP] for w in widths))
    jpeg = Source(JPEG, tuple(made[w, JPEG] for w in jpeg_widths))
    fallback = max((v for v in jpeg.variants if v.width <= fallback_width), key=lambda v: v.width,
                   default=jpeg.variants[0])
    return Picture((webp, jpeg), image.width, image.height, sizes, fallback)


def _height(image: Image, width: int) -> int:
    """The height of the photo drawn `width` pixels wide, its shape kept (at least one pixel)."""
    return max(1, round(width * image.height / image.width))


class _Maker:
    """The variants of one photo; decodes it (once) only when a variant is neither in memory nor cached."""

    def __init__(self, image: Image, caches: Caches) -> None:
        self.image = image
        self.digest = hashlib.sha256(image.data).hexdigest()
        self.caches = caches
        self._base: tuple[PILImage.Image, bool] | None = None
        self._last: tuple[int, PILImage.Image] | None = None  # the last width resized: both formats use it

    def variant(self, width: int, media_type: str) -> Variant:
        key = _key(self.digest, width, media_type)
        # On disk first: a variant held in memory since an issue that was not written must still be kept.
        data = self.caches.cached(CACHE, key + _SUFFIXES[media_type],
                                  lambda: self.caches.remembered(key, lambda: self._encode(width, media_type)))
        height = _height(self.image, width)
        return Variant(photo_file(self.image, width, _SUFFIXES[media_type]), media_type, width, height, data)

    def _encode(self, width: int, media_type: str) -> bytes:
        if self._base is None:
            self._base = _decoded(self.image)
        base, alpha = self._base
        if self._last is None or self._last[0] != width:
            size = (width, _height(self.image, width))
            self._last = (width, base if base.size == size else base.resize(size, PILImage.Resampling.LANCZOS,
                                                                            reducing_gap=_REDUCING_GAP))
        img = self._last[1]
        if media_type == JPEG:
            return encode_jpeg(to_rgb(img) if alpha else img)
        return encode_webp(img, WEBP_GRAPHIC_QUALITY if self.image.media_type in _LOSSLESS else WEBP_QUALITY)


def encode_webp(img: PILImage.Image, quality: int) -> bytes:
    """Lossy WebP (its transparency kept) with no metadata: what every current browser shows."""
    buf = io.BytesIO()
    img.save(buf, "WEBP", quality=quality, method=WEBP_METHOD)
    return buf.getvalue()


def _decoded(image: Image) -> tuple[PILImage.Image, bool]:
    """The photo upright, in sRGB, `MAX_WIDTH` wide at most (RGBA if it has transparency), and whether it has.

    The base of every variant, the same whichever variants are asked for, so a file's bytes never depend on
    which role was first to ask.
    """
    top = min(image.width, MAX_WIDTH)
    edge = max(top, _height(image, top))
    with PILImage.open(io.BytesIO(image.data)) as src:
        if src.mode in _ALPHA_MODES or "transparency" in src.info:
            base, alpha = _with_alpha(src, edge), True
        else:
            base, alpha = fitted(src, edge), False
    base.info.clear()  # no profile, EXIF or comment follows into the variants
    return base, alpha


def _with_alpha(src: PILImage.Image, max_edge: int) -> PILImage.Image:
    """`to_rgb` keeping the transparency: an upright sRGB RGBA copy, within the pixel budget."""
    if getattr(src, "n_frames", 1) > 1:
        src.seek(0)  # an animated GIF or WebP is shown by its first frame
    with BUDGET.hold(decoded_bytes(src.mode, src.size) + 2 * decoded_bytes("RGBA", src.size)):
        src.load()
        icc = src.info.get("icc_profile")
        rgba = ImageOps.exif_transpose(src).convert("RGBA")
        rgba.thumbnail((max_edge, max_edge), PILImage.Resampling.LANCZOS)  # shrunk before any further copy
    if not icc:
        return rgba
    colour = rgba.convert("RGB")
    colour.info["icc_profile"] = icc
    colour = to_rgb(colour)
    colour.putalpha(rgba.getchannel("A"))
    return colour


def _key(digest: str, width: int, media_type: str) -> str:
    version = PIL.__version__
    return hashlib.sha256(f"{digest}\n{width}\n{media_type}\nPillow {version}\n{_RECIPE}".encode()).hexdigest()
