"""The web edition's photo variants: the right widths and formats, upright, clean, reproducible, encoded once."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image as PILImage
from PIL import ImageDraw

from paperpress.cache import Caches
from paperpress.editions.site import share_photo
from paperpress.editions.web import photos as webphotos
from paperpress.editions.web.photos import (
    JPEG,
    LADDERS,
    SIZES,
    THUMBNAIL_LADDER,
    THUMBNAIL_SIZES,
    WEBP,
    Picture,
    photo_variants,
    thumbnail,
)
from paperpress.model import Image
from paperpress.typeset.geometry import Role
from paperpress.typeset.pixels import BUDGET
from tests.support import REPO

_ORIENTATION = 0x0112
_GPS_IFD = 0x8825


def scene(size: tuple[int, int]) -> PILImage.Image:
    """A photo-like picture with a red block at the top left, so rotation can be seen in the pixels."""
    img = PILImage.blend(PILImage.new("RGB", size, (70, 130, 180)), PILImage.effect_noise(size, 40).convert("RGB"), 0.3)
    ImageDraw.Draw(img).rectangle((0, 0, size[0] // 4, size[1] // 4), fill=(220, 30, 30))
    return img


def saved(img: PILImage.Image, fmt: str, **options: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **options)
    return buf.getvalue()


def photo(data: bytes, id: str = "a1-img1") -> Image:
    """The model's Image for `data`, sized upright as the loader sizes it."""
    with PILImage.open(io.BytesIO(data)) as img:
        width, height = img.size
        if img.getexif().get(_ORIENTATION, 1) in (5, 6, 7, 8):
            width, height = height, width
        kind = img.format
    media = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}[kind or ""]
    return Image(id=id, source=f"photos/{id}", data=data, media_type=media, width=width, height=height, alt="A photo")


def opened(data: bytes) -> PILImage.Image:
    img = PILImage.open(io.BytesIO(data))
    img.load()
    return img


def widths(picture: Picture, media_type: str) -> list[int]:
    return [v.width for s in picture.sources if s.media_type == media_type for v in s.variants]


def test_a_wide_photo_gets_every_width_of_its_role_in_webp_and_jpeg_with_the_share_photo() -> None:
    image = photo(saved(scene((1800, 1200)), "JPEG", quality=90))
    picture = photo_variants(image, Role.LEAD)
    assert [s.media_type for s in picture.sources] == [WEBP, JPEG]  # modern first, the <img>'s own last
    assert widths(picture, WEBP) == [320, 640, 960, 1200, 1600] == list(LADDERS[Role.LEAD])
    assert widths(picture, JPEG) == [320, 640, 960, 1200]
    assert share_photo(image) in {v.file for v in picture.sources[-1].variants}
    assert (picture.width, picture.height, picture.sizes) == (1800, 1200, SIZES[Role.LEAD])
    assert picture.fallback.file == "web/photos/a1-img1-960.jpg" and picture.fallback.media_type == JPEG
    for source in picture.sources:
        for v in source.variants:
            img = opened(v.data)
            assert img.format == {WEBP: "WEBP", JPEG: "JPEG"}[source.media_type]
            assert img.size == (v.width, v.height) == (v.width, round(v.width * 1200 / 1800))
            assert v.file == f"web/photos/a1-img1-{v.width}{'.webp' if source.media_type == WEBP else '.jpg'}"
    assert len(picture.files) == 9 and len({f for f, _ in picture.files}) == 9


def test_no_variant_is_wider_than_the_photo_and_its_own_width_is_the_widest() -> None:
    image = photo(saved(scene((500, 300)), "JPEG"))
    picture = photo_variants(image, Role.INLINE)
    assert widths(picture, WEBP) == [320, 500] and widths(picture, JPEG) == [320, 500]
    assert share_photo(image) == "web/photos/a1-img1-500.jpg" == picture.fallback.file
    assert opened(picture.fallback.data).size == (500, 300)
    tiny = photo_variants(photo(saved(scene((90, 60)), "PNG")), Role.TABLE)
    assert widths(tiny, WEBP) == [90] and widths(tiny, JPEG) == [90]


def test_table_photos_and_thumbnails_stay_small_but_the_share_photo_is_still_made() -> None:
    image = photo(saved(scene((1600, 1000)), "JPEG"))
    table = photo_variants(image, Role.TABLE)
    assert widths(table, WEBP) == [160, 320] and widths(table, JPEG) == [160, 320, 1200]
    assert (table.sizes, table.fallback.width) == ("160px", 160)
    small = thumbnail(image)
    assert widths(small, WEBP) == list(THUMBNAIL_LADDER) and widths(small, JPEG) == [*THUMBNAIL_LADDER, 1200]
    assert (small.sizes, small.fallback.width) == (THUMBNAIL_SIZES, 160)


def test_every_role_has_sizes_a_ladder_and_a_srcset_relative_to_the_page() -> None:
    image = photo(saved(scene((1000, 800)), "JPEG"))
    for role in Role:
        picture = photo_variants(image, role)
        assert picture.sizes == SIZES[role] and picture.sizes.split(", ")[-1]  # a default size comes last
    webp = photo_variants(image, Role.LEAD).sources[0]
    assert webp.srcset("web/city/tram.html") == (
        "../photos/a1-img1-320.webp 320w, ../photos/a1-img1-640.webp 640w, "
        "../photos/a1-img1-960.webp 960w, ../photos/a1-img1-1000.webp 1000w"
    )


def test_transparency_stays_in_webp_and_is_white_in_jpeg() -> None:
    png = PILImage.new("RGBA", (700, 400), (0, 0, 0, 0))
    ImageDraw.Draw(png).ellipse((100, 50, 600, 350), fill=(200, 0, 0, 255))
    gif = png.convert("P", palette=PILImage.Palette.ADAPTIVE, colors=8)
    gif.info["transparency"] = gif.getpixel((0, 0))
    for data in (saved(png, "PNG"), saved(gif, "GIF", transparency=gif.getpixel((0, 0)))):
        picture = photo_variants(photo(data), Role.INLINE)
        for source in picture.sources:
            for v in source.variants:
                img = opened(v.data)
                if source.media_type == WEBP:
                    assert img.mode == "RGBA" and img.getpixel((0, 0))[3] == 0
                    assert img.getpixel((v.width // 2, v.height // 2))[3] == 255
                else:
                    assert img.mode == "RGB" and all(c > 245 for c in img.getpixel((0, 0)))
                    red = img.getpixel((v.width // 2, v.height // 2))
                    assert red[0] > 150 and red[1] < 60


def test_photos_come_out_upright_with_no_metadata() -> None:
    exif = PILImage.Exif()
    exif[_ORIENTATION] = 6
    exif[_GPS_IFD] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    data = saved(scene((800, 600)), "JPEG", exif=exif.tobytes(), quality=90, comment=b"shot at home")
    image = photo(data)
    assert (image.width, image.height) == (600, 800)
    picture = photo_variants(image, Role.LEAD)
    for source in picture.sources:
        for v in source.variants:
            img = opened(v.data)
            assert img.size == (v.width, v.height) and v.height > v.width
            top_right = img.getpixel((v.width - 3, 3))
            assert top_right[0] > 150 and top_right[1] < 90  # the red block: turned as the camera said
            assert not {"exif", "icc_profile", "xmp", "comment"} & img.info.keys()
            assert b"Exif" not in v.data and b"ICCP" not in v.data and b"shot at home" not in v.data


def test_the_same_inputs_give_the_same_bytes() -> None:
    image = photo(saved(scene((1300, 900)), "PNG"))
    first = photo_variants(image, Role.FRONT_LEAD)
    assert photo_variants(image, Role.FRONT_LEAD) == first  # made again: no session keeps them


@contextmanager
def counted_encodes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    made: list[str] = []
    webp, jpeg = webphotos.encode_webp, webphotos.encode_jpeg
    monkeypatch.setattr(webphotos, "encode_webp", lambda img, q: made.append(WEBP) or webp(img, q))
    monkeypatch.setattr(webphotos, "encode_jpeg", lambda img: made.append(JPEG) or jpeg(img))
    yield made


def test_a_second_build_reads_every_variant_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    image = photo(saved(scene((1000, 700)), "JPEG"))
    cache = tmp_path / ".paperpress-cache" / "webphotos"
    with counted_encodes(monkeypatch) as made:
        session = Caches(tmp_path)
        first = photo_variants(image, Role.LEAD, session)
        assert len(made) == 8  # 4 widths, 2 formats
        assert not cache.exists()  # kept only once the issue is written
        session.commit()
        assert len(list(cache.iterdir())) == 8
        assert photo_variants(image, Role.LEAD, Caches(tmp_path)) == first  # a new session, in a new process
        assert len(made) == 8
        assert photo_variants(image, Role.LEAD) == first  # without the cache: the same bytes, made again
        assert len(made) == 16


def test_a_failed_build_keeps_nothing_it_made(tmp_path: Path) -> None:
    session = Caches(tmp_path)
    photo_variants(photo(saved(scene((700, 500)), "JPEG")), Role.INLINE, session)
    session.discard()
    session.commit()
    assert not (tmp_path / ".paperpress-cache").exists()


def test_a_photo_placed_twice_is_encoded_once_and_its_files_are_the_same_in_every_role(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = saved(scene((1400, 900)), "JPEG")
    session = Caches(None)
    with counted_encodes(monkeypatch) as made:
        lead = photo_variants(photo(data, "a1-img1"), Role.LEAD, session)
        encoded = len(made)
        again = photo_variants(photo(data, "a7-img2"), Role.INLINE, session)
        small = thumbnail(photo(data, "a1-img1"), session)
        assert len(made) == encoded + 4  # only the thumbnail's 160 and 400 px WebPs and JPEGs are new
    assert [v.file for v in again.sources[0].variants][0] == "web/photos/a7-img2-320.webp"
    assert [v.data for v in again.sources[0].variants] == [v.data for v in lead.sources[0].variants[:4]]
    files = dict(lead.files)
    assert all(files[name] == data for name, data in small.files if name in files)


@pytest.mark.slow  # photos of 12 megapixels decoded
def test_decoding_takes_its_memory_from_the_pixel_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    held: list[int] = []
    real = BUDGET.hold

    @contextmanager
    def recording(size: int) -> Iterator[None]:
        held.append(size)
        with real(size):
            yield

    monkeypatch.setattr(BUDGET, "hold", recording)
    photo_variants(photo(saved(scene((2000, 1500)), "PNG")), Role.LEAD)
    transparent = PILImage.new("RGBA", (2000, 1500), (0, 0, 0, 0))
    photo_variants(photo(saved(transparent, "PNG"), "a2-img1"), Role.LEAD)
    assert len(held) == 2 and all(size >= 2000 * 1500 * 4 for size in held)


def test_a_sample_graphic_and_photo_make_valid_variants() -> None:
    for name in ("ballot-chart.png", "picket-line.jpg"):
        image = photo((REPO / "issues" / "issue-1142" / "photos" / name).read_bytes())
        picture = photo_variants(image, Role.INLINE)
        for source in picture.sources:
            for v in source.variants:
                assert opened(v.data).size == (v.width, v.height)
        assert sum(len(v.data) for v in picture.sources[0].variants) < sum(len(v.data) for v in picture.sources[1].variants)
