"""A cover drawn from the issue's own data (masthead, issue number, date, cover line, lead photo) with Pillow.

Used when the manifest names no cover image. 1600 × 2560 pixels, the 1:1.6 ratio Kindle asks for; the
fonts are the PDF's own (fonts.packaged_font), so no font file lives in this repository.
Deterministic: the same issue always draws the same pixels. `render_art` gives the catalog its cover and thumbnail.
Both are kept in the publication's cache (`CACHE`), under everything they are made from: a rebuild of an
issue (a template change, `--force`) draws nothing again, where drawing took 0.1-0.15 s of the build.
"""

from __future__ import annotations

import functools
import io
import math

import PIL
from PIL import Image, ImageDraw, ImageFont, ImageOps

from ..cache import Caches, key_of
from ..model import Image as Photo
from ..model import Issue
from ..typeset.fonts import packaged_font
from .base import Output
from .frame import masthead
from .images import Normalised, encode_jpeg, fitted, normalise_kept, to_rgb

WIDTH, HEIGHT = 1600, 2560
#: What a drawn cover is encoded as.
DRAWN_TYPE = "image/jpeg"
_MARGIN = 100
_PAPER = (250, 248, 243)
_INK = (17, 17, 17)
_FAMILIES = {"serif": "Source Serif Pro", "sans": "Source Sans Pro"}
#: The cover's styles as (weight, italic).
_STYLES = {"Regular": (400, False), "It": (400, True), "Semibold": (600, False), "Bold": (700, False)}
#: The publication's cache kind for drawn covers and thumbnails.
CACHE = "covers"
#: Changed with any change to how a cover or a thumbnail is drawn, so that none kept from before is used.
_RECIPE = "1"


def cover_photo(issue: Issue) -> Photo | None:
    """The lead article's photo, else the first photo any article leads with."""
    return next((a.lead_image for a in issue.articles if a.lead_image is not None), None)


def cover_image(issue: Issue, caches: Caches | None = None) -> Normalised:
    """The issue's cover, for the EPUB and the catalog alike: the manifest's, normalised like every photo, or
    one drawn as a baseline JPEG. Made once per issue in a build though both ask for it, from two threads at
    once (the second waits for the first); the build's `caches` hold it while the issue is alive, and keep it
    in the publication's cache for the next build."""
    if caches is None:
        return _made(issue, Caches(None))
    return caches.per_issue(issue, "cover", lambda: _made(issue, caches))


def _made(issue: Issue, caches: Caches) -> Normalised:
    """The cover, from the publication's cache when it was made before from the same things."""
    if issue.cover is not None:
        return normalise_kept(issue.cover.data, HEIGHT, caches)
    key = key_of("drawn cover", PIL.__version__, _RECIPE, *drawn_from(issue))
    return Normalised(caches.cached(CACHE, key, lambda: _draw(issue)), DRAWN_TYPE, WIDTH, HEIGHT)


def drawn_from(issue: Issue) -> list[str | bytes]:
    """Everything `_draw` draws a cover from, as the key it is kept under: the masthead, the photo, the
    headlines and sections it may show, and the font files it sets them in."""
    head = masthead(issue)
    photo = cover_photo(issue)
    fonts = [packaged_font(_FAMILIES[family], *_STYLES[style]) for family in _FAMILIES for style in _STYLES]
    return [
        head.title, head.subtitle or "", head.issue_label, head.date_text, head.cover_line or "",
        photo.data if photo is not None else b"",
        "\n".join(article.title for article in issue.articles),
        "\n".join(section.title for section in issue.sections),
        *(f"{font}:{font.stat().st_size}" for font in fonts),
    ]


def _draw(issue: Issue) -> bytes:
    page = Image.new("RGB", (WIDTH, HEIGHT), _PAPER)
    draw = ImageDraw.Draw(page)
    inner = WIDTH - 2 * _MARGIN
    head = masthead(issue)

    y = 110
    if _drawable(head.title):
        y = _centred(draw, head.title, _fit(draw, head.title, "serif", "Bold", inner, 210), y)
    if head.subtitle and _drawable(head.subtitle):
        y = _centred(draw, head.subtitle, _font("serif", "It", 54), y + 30)
    y += 50
    draw.rectangle((_MARGIN, y, WIDTH - _MARGIN, y + 8), fill=_INK)
    y += 30
    strip = _font("sans", "Semibold", 50)
    draw.text((_MARGIN, y), head.issue_label.upper(), font=strip, fill=_INK)
    date = head.date_text
    draw.text((WIDTH - _MARGIN - draw.textlength(date, font=strip), y), date, font=strip, fill=_INK)
    y += 80
    draw.rectangle((_MARGIN, y, WIDTH - _MARGIN, y + 3), fill=_INK)
    y += 60

    photo = cover_photo(issue)
    if photo is not None:
        with Image.open(io.BytesIO(photo.data)) as src:
            # Shrunk only as far as the crop allows: the shorter side must still cover the frame.
            scale = max(inner / src.width, 1180 / src.height)
            edge = math.ceil(max(src.size) * min(scale, 1.0))
            picture = ImageOps.fit(fitted(src, edge), (inner, 1180), Image.Resampling.BICUBIC)
        page.paste(picture, (_MARGIN, y))
        y += picture.height + 70
    if head.cover_line and _drawable(head.cover_line):
        headline = _font("serif", "Bold", 128 if photo is not None else 160)
        for line in _wrap(draw, head.cover_line, headline, inner)[:4]:
            y = _left(draw, line, headline, y)
        y += 40
    if photo is None:
        y = _headlines(draw, issue, y)
    _inside(draw, issue)
    return encode_jpeg(page)


def _headlines(draw: ImageDraw.ImageDraw, issue: Issue, y: int) -> int:
    """Without a photo, the first headlines fill the space the photo would have taken."""
    font = _font("serif", "Regular", 64)
    for article in [a for a in issue.articles if _drawable(a.title)][:6]:
        for n, line in enumerate(_wrap(draw, article.title, font, WIDTH - 2 * _MARGIN - 60)[:2]):
            if n == 0:
                draw.text((_MARGIN, y), "■", font=_font("sans", "Regular", 40), fill=_INK)
            y = _left(draw, line, font, y, indent=60) + 10
        y += 30
        if y > HEIGHT - 500:
            break
    return y


def _inside(draw: ImageDraw.ImageDraw, issue: Issue) -> None:
    """The sections, above a closing rule at the foot of the page."""
    font = _font("sans", "Regular", 46)
    names = " · ".join(s.title for s in issue.sections if _drawable(s.title))
    lines = _wrap(draw, "Inside: " + names, font, WIDTH - 2 * _MARGIN)[:2]
    y = HEIGHT - 120 - 64 * len(lines)
    draw.rectangle((_MARGIN, y - 40, WIDTH - _MARGIN, y - 37), fill=_INK)
    for line in lines:
        y = _left(draw, line, font, y) + 8


def _drawable(text: str) -> bool:
    """Whether the Source fonts have every letter (Latin, Greek, Cyrillic): a cover leaves out what would
    show as empty boxes, such as Arabic or Chinese; the cover's alt text still says it."""
    return all(ch.isspace() or _has_glyph(ch) for ch in set(text))


@functools.lru_cache(maxsize=4096)
def _has_glyph(ch: str) -> bool:
    font = _font("serif", "Bold", 24)
    return bytes(font.getmask(ch)) != bytes(font.getmask("\uffff"))  # U+FFFF draws the "missing" box


@functools.lru_cache(maxsize=32)
def _font(family: str, style: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(packaged_font(_FAMILIES[family], *_STYLES[style])), size)


def _fit(draw: ImageDraw.ImageDraw, text: str, family: str, style: str, width: int, size: int) -> ImageFont.FreeTypeFont:
    """The largest size up to `size` at which the text fits on one line (a long masthead gets smaller)."""
    font = _font(family, style, size)
    while size > 40 and draw.textlength(text, font=font) > width:
        size -= 6
        font = _font(family, style, size)
    return font


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _centred(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, y: int) -> int:
    """Draws one centred line with its top at y; returns the y below it."""
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((WIDTH - (right - left)) / 2 - left, y - top), text, font=font, fill=_INK)
    return y + round(bottom - top)


def _left(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, y: int, indent: int = 0) -> int:
    """Draws one line from the left margin; returns the y of the next line (leading of 1.15)."""
    draw.text((_MARGIN + indent, y), text, font=font, fill=_INK)
    return y + round(font.size * 1.15)


#: The catalog's thumbnail of a cover: twice the size the index shows, for sharp phone screens.
THUMBNAIL_BOX = (320, 512)


def render_art(issue: Issue, caches: Caches | None = None) -> dict[str, Output]:
    """The issue's cover (the EPUB's own cover) and a small thumbnail for the catalog, by kind."""
    caches = caches if caches is not None else Caches(None)  # one that keeps nothing
    fit = cover_image(issue, caches)
    cover = fit.data if fit.media_type == "image/jpeg" else encode_jpeg(_decoded(fit.data))
    thumbnail = caches.cached(CACHE, key_of("thumbnail", PIL.__version__, _RECIPE, fit.data), lambda: _thumbnail(fit.data))
    return {
        "cover": Output(f"{issue.name}-cover.jpg", "image/jpeg", cover),
        "thumbnail": Output(f"{issue.name}-thumbnail.jpg", "image/jpeg", thumbnail),
    }


def _thumbnail(data: bytes) -> bytes:
    picture = _decoded(data)
    picture.thumbnail(THUMBNAIL_BOX, Image.Resampling.LANCZOS)
    return encode_jpeg(picture)


def _decoded(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as src:
        return to_rgb(src)
