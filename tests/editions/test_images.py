"""Image normalisation: every kind of file a photo desk sends comes out upright, RGB, small and clean."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image, ImageDraw

from paperpress.cache import Caches
from paperpress.editions import images as images_module
from paperpress.editions.images import normalise, normalise_kept, strip_jpeg_metadata

MAX_EDGE = 1600
_GPS_IFD = 0x8825
_ORIENTATION = 0x0112


def _scene(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """A flat-colour picture with a red block at the top left, so rotation can be seen in the pixels."""
    img = Image.new("RGB", size, (70, 130, 180))
    draw = ImageDraw.Draw(img)
    w, h = size
    draw.rectangle((0, h * 2 // 3, w, h), fill=(90, 160, 60))
    draw.rectangle((0, 0, w // 4, h // 4), fill=(220, 30, 30))
    return img.convert(mode) if mode != "RGB" else img


def _noisy(size: tuple[int, int]) -> Image.Image:
    """A photo-like picture: many colours, which JPEG compresses far better than PNG."""
    noise = Image.effect_noise(size, 40).convert("RGB")
    return Image.blend(_scene(size), noise, 0.3)


def _save(img: Image.Image, fmt: str, **options: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **options)
    return buf.getvalue()


def _exif_rotated_with_gps() -> bytes:
    """Stored landscape with orientation 6: a camera held upright; the red block ends up top right."""
    exif = Image.Exif()
    exif[_ORIENTATION] = 6
    exif[_GPS_IFD] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    return _save(_scene((400, 300)), "JPEG", exif=exif.tobytes(), quality=90)


def _transparent_png() -> bytes:
    img = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((50, 50, 250, 150), fill=(200, 0, 0, 255))
    return _save(img, "PNG")


def _sixteen_bit() -> bytes:
    return _save(Image.new("I;16", (300, 200), 0x8080), "PNG")


def _chart() -> bytes:
    img = Image.new("RGB", (800, 500), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    for n, height in enumerate((300, 120, 420, 60)):
        draw.rectangle((80 + n * 170, 480 - height, 200 + n * 170, 480), fill=((200, 40, 40), (80, 90, 100))[n % 2])
    return _save(img, "PNG")


def _palette_with_transparency(fmt: str) -> bytes:
    """A palette image whose red corner's colour is the transparent one."""
    img = _scene((300, 200)).convert("P", palette=Image.Palette.ADAPTIVE, colors=8)
    return _save(img, fmt, transparency=img.getpixel((2, 2)))


def _la_png() -> bytes:
    img = Image.new("LA", (300, 200), (0, 0))
    ImageDraw.Draw(img).rectangle((100, 50, 200, 150), fill=(40, 255))
    return _save(img, "PNG")


#: file name in the edge fixture → how to make it. One of each kind of image the issue names.
PHOTOS: dict[str, Callable[[], bytes]] = {
    "p01.jpg": lambda: _save(_noisy((1200, 800)), "JPEG", quality=85),
    "p02.jpg": lambda: _save(_noisy((1000, 700)), "JPEG", progressive=True),
    "p03.jpg": lambda: _save(_scene((600, 400), "CMYK"), "JPEG"),
    "p04.jpg": lambda: _save(_scene((600, 400), "L"), "JPEG"),
    "p05.jpg": _exif_rotated_with_gps,
    "p06.png": lambda: _save(_scene((500, 300)).convert("P", palette=Image.Palette.ADAPTIVE, colors=16), "PNG"),
    "p07.png": _transparent_png,
    "p08.png": _sixteen_bit,
    "p09.png": _chart,
    "p10.webp": lambda: _save(_noisy((640, 480)), "WEBP", quality=80),
    "p11.gif": lambda: _palette_with_transparency("GIF"),
    "p12.jpg": lambda: _save(_noisy((3200, 2400)), "JPEG", quality=80),
    "p13.jpg": lambda: _save(_noisy((700, 2400)), "JPEG", quality=80),
    "p14.jpg": lambda: _save(_noisy((4000, 900)), "JPEG", quality=80),
    "p15.png": lambda: _save(_scene((400, 300), "L"), "PNG"),
    "p16.png": _la_png,
    "p17.png": lambda: _palette_with_transparency("PNG"),
    "p18.png": lambda: _save(_noisy((900, 600)), "PNG"),
    "p19.jpg": lambda: _save(_scene((40, 30)), "JPEG"),
    "p20.png": lambda: _save(_scene((500, 500)), "PNG"),
}


def _open(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


@pytest.mark.parametrize("name", sorted(PHOTOS))
def test_every_kind_comes_out_rgb_small_clean_and_in_a_kindle_format(name: str) -> None:
    fit = normalise(PHOTOS[name](), MAX_EDGE)
    img = _open(fit.data)
    assert img.format == {"image/jpeg": "JPEG", "image/png": "PNG"}[fit.media_type]
    assert img.mode in ("RGB", "P")
    assert (img.width, img.height) == (fit.width, fit.height)
    assert max(img.size) <= MAX_EDGE
    assert not img.getexif(), "EXIF (and with it GPS) must be gone"
    assert "icc_profile" not in img.info
    if img.format == "JPEG":
        assert not img.info.get("progressive") and not img.info.get("progression"), "photos must be baseline JPEG"


def test_the_same_input_gives_the_same_bytes() -> None:
    for make in (PHOTOS["p12.jpg"], PHOTOS["p07.png"], PHOTOS["p03.jpg"]):
        data = make()
        assert normalise(data, MAX_EDGE) == normalise(data, MAX_EDGE)


def test_exif_orientation_is_applied_and_gps_dropped() -> None:
    fit = normalise(_exif_rotated_with_gps(), MAX_EDGE)
    img = _open(fit.data)
    assert img.size == (300, 400), "a portrait photo must come out portrait"
    red = img.getpixel((img.width - 20, 20))
    assert red[0] > 180 and red[1] < 90, f"orientation 6 puts the top-left corner at the top right, got {red}"
    assert _GPS_IFD not in img.getexif() and b"Exif" not in fit.data


def test_cmyk_keeps_its_colours() -> None:
    img = _open(normalise(PHOTOS["p03.jpg"](), MAX_EDGE).data)
    r, g, b = img.getpixel((20, 20))
    assert r > 180 and g < 80 and b < 80, f"the red block must stay red, got {(r, g, b)}"


def test_greyscale_becomes_rgb() -> None:
    img = _open(normalise(PHOTOS["p04.jpg"](), MAX_EDGE).data)
    assert img.mode == "RGB"
    r, g, b = img.getpixel((300, 100))
    assert abs(r - g) <= 2 and abs(g - b) <= 2


def test_sixteen_bit_is_scaled_not_clipped() -> None:
    img = _open(normalise(_sixteen_bit(), MAX_EDGE).data).convert("RGB")
    assert img.getpixel((10, 10)) == (128, 128, 128), "0x8080 of 0xFFFF is mid grey, not white"


@pytest.mark.parametrize("name", ["p07.png", "p11.gif", "p16.png", "p17.png"])
def test_transparency_is_flattened_on_white(name: str) -> None:
    img = _open(normalise(PHOTOS[name](), MAX_EDGE).data).convert("RGB")
    corner = img.getpixel((2, 2))
    assert corner == (255, 255, 255), f"a transparent corner must become white, got {corner}"


def test_longest_edge_is_limited_and_the_shape_kept() -> None:
    fit = normalise(PHOTOS["p14.jpg"](), 1000)
    assert (fit.width, fit.height) == (1000, 225)
    fit = normalise(PHOTOS["p13.jpg"](), 1200)
    assert (fit.width, fit.height) == (350, 1200)


def test_graphics_stay_png_when_smaller_and_photos_become_jpeg() -> None:
    assert normalise(_chart(), MAX_EDGE).media_type == "image/png"
    assert normalise(PHOTOS["p06.png"](), MAX_EDGE).media_type == "image/png"
    assert normalise(PHOTOS["p18.png"](), MAX_EDGE).media_type == "image/jpeg"
    assert normalise(PHOTOS["p10.webp"](), MAX_EDGE).media_type == "image/jpeg"


def test_a_fine_jpeg_keeps_its_picture_data_and_loses_only_metadata() -> None:
    plain = _save(_noisy((800, 600)), "JPEG", quality=80)
    exif = Image.Exif()
    exif[_GPS_IFD] = {1: "N", 2: (51.0, 30.0, 0.0)}
    tagged = _save(_open(plain), "JPEG", quality=80, exif=exif.tobytes(), comment=b"shot on a phone")
    fit = normalise(tagged, MAX_EDGE)
    assert fit.media_type == "image/jpeg"
    scan = tagged.index(b"\xff\xda")
    assert fit.data.endswith(tagged[scan:]), "the compressed picture must be kept byte for byte"
    assert b"Exif" not in fit.data and b"shot on a phone" not in fit.data


def test_strip_jpeg_metadata_keeps_jfif_and_refuses_other_data() -> None:
    data = _save(_scene((100, 80)), "JPEG")
    assert strip_jpeg_metadata(data).startswith(b"\xff\xd8\xff\xe0")
    with pytest.raises(ValueError):
        strip_jpeg_metadata(b"\xff\xd8not a jpeg at all")


@pytest.mark.parametrize("mode", ["P", "RGBA", "I;16"])
def test_a_large_frame_is_shrunk_before_any_conversion_copies_it(mode: str, monkeypatch) -> None:
    from paperpress.editions import images
    from paperpress.typeset import pixels

    budget = pixels.Budget(pixels.MAX_DECODED_BYTES)
    monkeypatch.setattr(images, "BUDGET", budget)
    converted = []
    to_rgb = images.to_rgb
    monkeypatch.setattr(images, "to_rgb", lambda img: converted.append(img.size) or to_rgb(img))
    fit = normalise(_save(Image.new(mode, (4000, 3000)), "PNG"), 400)
    assert converted == [(800, 600)]  # reduced by 5 straight from the decoder: twice the target, as thumbnail does
    assert (fit.width, fit.height) == (400, 300)
    assert budget.peak == pixels.decoded_bytes(mode, (4000, 3000)) + pixels.decoded_bytes("RGBA", (4000, 3000))


@pytest.mark.parametrize("make", [_chart, lambda: _save(_noisy((900, 600)), "JPEG", quality=95)], ids=["png", "jpeg"])
def test_a_kept_photo_is_what_normalise_makes_and_is_made_once_per_size(make, tmp_path, monkeypatch) -> None:
    data = make()
    made: list[int] = []
    real = images_module.normalise
    monkeypatch.setattr(images_module, "normalise", lambda d, edge: made.append(edge) or real(d, edge))
    session = Caches(tmp_path)
    first = normalise_kept(data, 300, session)
    assert first == real(data, 300)
    assert normalise_kept(data, 300, session) == first and made == [300]  # the second from the session
    assert normalise_kept(data, 200, session).width == 200 and made == [300, 200]  # another size, made
    session.commit()
    assert len(list((tmp_path / ".paperpress-cache" / images_module.CACHE).iterdir())) == 2
    assert normalise_kept(data, 300, Caches(tmp_path)) == first and made == [300, 200]  # the next build's, from disk
    assert normalise_kept(data, 300, Caches(None)) == first and made == [300, 200, 300]  # no publication: no cache
