"""The print profile's colours: sRGB made into the press's CMYK, under its total ink limit.

A press prints four inks, and newsprint takes only so much of them on one spot (the total area coverage,
`pdf.ink_limit`, 240 % by default) before it smears and shows through. So every colour of the print PDF is
CMYK from the press's ICC profile (`pdf.output_profile`, else a CMYK profile an installed package ships):
greys, black text and rules in black ink alone (the darkest printing over what is under them), other colours
through the profile, and photos converted pixel by pixel, their shadows moved into black (grey component
replacement) and then thinned until the four inks add up to the limit. Pure values and bytes; knows nothing of WeasyPrint, the model or templates.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import PIL
from PIL import Image, ImageCms, ImageFilter, ImageMath

from ...cache import Caches, key_of
from ..images import Normalised, fitted

#: CMYK profiles that installed packages ship, the first found used when the publication names none:
#: Ghostscript's SWOP profile (Debian's ghostscript package). Its ps_cmyk.icc is left out: littleCMS
#: cannot convert to it ("Could not determine profile size").
PACKAGED_PROFILES = (Path("/usr/share/color/icc/ghostscript/default_cmyk.icc"),)
#: JPEG quality of the converted photos: a press's screen hides less than a phone's.
JPEG_QUALITY = 92
#: The ink a pixel is limited to lies this far under the limit, so JPEG's rounding cannot lift it over.
_JPEG_ROOM = 4  # of 255 per pixel, 1.6 %
#: Black ink from this much up (black text, dark rules) prints over what is under it: on a tint or a photo, a
#: press's registration then leaves no white rim round a letter. Lighter greys knock out as colours do.
OVERPRINT_BLACK = 0.9
#: Grid points along each axis of the sRGB → CMYK table photos are converted with.
_GRID = 33
#: What `cmyk_photo` does, in the cache key: change it when its output would change.
_RECIPE = f"2; bicubic; lut {_GRID}; gcr then cmy scaled; jpeg q{JPEG_QUALITY} 4:4:4; room {_JPEG_ROOM}"


def packaged_profile() -> Path | None:
    """The first CMYK profile an installed package provides, or None."""
    return next((path for path in PACKAGED_PROFILES if path.is_file()), None)


def profile_name(data: bytes) -> str:
    """The profile's description, as a press names its output condition."""
    return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(data))).strip()


def is_cmyk_profile(data: bytes) -> bool:
    """Whether the bytes are an ICC profile of a CMYK output device that littleCMS can convert sRGB to."""
    try:
        press = ImageCms.ImageCmsProfile(io.BytesIO(data))
        if press.profile.xcolor_space.strip() != "CMYK":
            return False
        ImageCms.buildTransform(ImageCms.createProfile("sRGB"), press, "RGB", "CMYK").apply(Image.new("RGB", (1, 1)))
        return True
    except (ImageCms.PyCMSError, OSError):
        return False


@dataclass(frozen=True)
class Inks:
    """The press: its CMYK profile's bytes and its total ink limit in percent."""

    profile: bytes
    limit: int

    def __reduce__(self) -> tuple[Any, ...]:
        """The press alone: its transform and table are made again where they are needed (they do not pickle)."""
        return Inks, (self.profile, self.limit)

    @functools.cached_property
    def _transform(self) -> ImageCms.ImageCmsTransform:
        srgb = ImageCms.createProfile("sRGB")
        press = ImageCms.ImageCmsProfile(io.BytesIO(self.profile))
        return ImageCms.buildTransform(srgb, press, "RGB", "CMYK", ImageCms.Intent.RELATIVE_COLORIMETRIC)

    @functools.lru_cache(maxsize=1024)  # noqa: B019 - a handful of colours per issue, Inks lives for one PDF
    def colour(self, red: float, green: float, blue: float) -> tuple[float, float, float, float]:
        """An sRGB colour (0–1 each) as C, M, Y, K (0–1 each): a grey in black ink alone, any other colour
        through the press's profile, under the ink limit."""
        rgb = tuple(min(255, max(0, round(v * 255))) for v in (red, green, blue))
        if max(rgb) - min(rgb) <= 1:  # a grey, black included: black ink only, never four-colour black
            return 0.0, 0.0, 0.0, round(1 - sum(rgb) / 3 / 255, 4)
        pixel = self._transform.apply(Image.new("RGB", (1, 1), rgb))
        c, m, y, k = limit_ink(pixel, self.limit).getpixel((0, 0))  # type: ignore[misc]
        return round(c / 255, 4), round(m / 255, 4), round(y / 255, 4), round(k / 255, 4)

    @staticmethod
    def overprints(cmyk: tuple[float, float, float, float]) -> bool:
        """Whether a colour (C, M, Y, K, 0–1 each) prints over what is under it: black ink alone, dark enough."""
        c, m, y, k = cmyk
        return c == m == y == 0 and k >= OVERPRINT_BLACK

    @functools.cached_property
    def table(self) -> ImageFilter.Color3DLUT:
        """sRGB → the press's CMYK under the ink limit (less JPEG's room), as a table Pillow interpolates.

        The profile's conversion and the limit are worked out once, on the table's 33³ points; a photo is
        then converted in one pass in C, a tenth of the time of limiting each pixel. Between points the
        table mixes limited inks, so their sum stays under the limit too.
        """
        steps = [round(n * 255 / (_GRID - 1)) for n in range(_GRID)]
        grid = Image.new("RGB", (_GRID**3, 1))
        grid.putdata([(r, g, b) for b in steps for g in steps for r in steps])
        cmyk = limit_ink(self._transform.apply(grid), self.limit, room=_JPEG_ROOM)
        values = cmyk.tobytes()
        return ImageFilter.Color3DLUT(_GRID, [v / 255 for v in values], channels=4, target_mode="CMYK")

    def photo(self, data: bytes, max_edge: int, caches: Caches) -> Normalised:
        """`cmyk_photo`, kept in the publication's cache like the shrunk photos."""
        key = key_of("press", PIL.__version__, _RECIPE, str(self.limit), str(max_edge), self.profile, data)
        packed = caches.cached("press", key, lambda: _packed(cmyk_photo(data, self, max_edge)))
        width, height, picture = packed.split(b"\n", 2)
        return Normalised(picture, "image/jpeg", int(width), int(height))


def _packed(photo: Normalised) -> bytes:
    return f"{photo.width}\n{photo.height}\n".encode() + photo.data


def cmyk_photo(data: bytes, inks: Inks, max_edge: int = 0) -> Normalised:
    """The photo upright, at most `max_edge` pixels long (0: as it is), converted from its colours (sRGB unless
    it embeds a profile) to the press's CMYK, limited to its ink, as a JPEG with no chroma subsampling, so
    charts stay sharp. Shrunk before it is converted: each pixel is converted once, and fewer of them."""
    with Image.open(io.BytesIO(data)) as src:
        rgb = fitted(src, max_edge or max(src.size))
    cmyk = rgb.filter(inks.table)
    out = io.BytesIO()
    cmyk.save(out, "JPEG", quality=JPEG_QUALITY, subsampling=0)
    return Normalised(out.getvalue(), "image/jpeg", cmyk.width, cmyk.height)


def limit_ink(cmyk: Image.Image, limit: int, room: int = 0) -> Image.Image:
    """A CMYK image whose four inks add up to at most `limit` percent on every pixel (less `room`, in 255ths).

    Where a pixel carries too much, its grey component (the least of C, M and Y) first moves into black,
    which takes one part of black for three of colour; what is still over is taken from C, M and Y in
    proportion, black kept, so shadows keep their detail.
    """
    most = limit * 255 / 100 - room
    c, m, y, k = (band.convert("F") for band in cmyk.split())

    def limited(a: dict) -> tuple:
        lo, hi = a["min"], a["max"]
        excess = hi(a["c"] + a["m"] + a["y"] + a["k"] - most, 0)
        grey = lo(lo(lo(a["c"], a["m"]), a["y"]), lo(255 - a["k"], excess / 2))
        c2, m2, y2, k2 = a["c"] - grey, a["m"] - grey, a["y"] - grey, a["k"] + grey
        colour = hi(c2 + m2 + y2, 0.001)
        scale = lo(hi(most - k2, 0) / colour, 1)
        return c2 * scale, m2 * scale, y2 * scale, k2

    bands = ImageMath.lambda_eval(lambda a: limited(a), c=c, m=m, y=y, k=k)
    return Image.merge("CMYK", [_floor(band) for band in bands])


def _floor(band: object) -> Image.Image:
    """A float band as 8 bits, rounded down so rounding never adds ink."""
    image = band.im if hasattr(band, "im") else band
    return image.convert("L")  # type: ignore[union-attr]
