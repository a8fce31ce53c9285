"""The press's colours (editions/pdf/inks.py): greys in black ink, colours through its profile, photos under its ink limit."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from paperpress.editions.images import Normalised
from paperpress.editions.pdf.inks import Inks, cmyk_photo, is_cmyk_profile, limit_ink, packaged_profile, profile_name
from tests.support import REPO


@pytest.fixture(scope="module")
def inks() -> Inks:
    path = packaged_profile()
    if path is None:
        pytest.skip("no CMYK profile installed (Ghostscript ships one; scripts/setup.sh --tools installs it)")
    return Inks(path.read_bytes(), 240)


def test_the_packaged_profile_is_ghostscript_s_cmyk_one(inks: Inks) -> None:
    assert is_cmyk_profile(inks.profile) and profile_name(inks.profile) == "Artifex CMYK SWOP Profile"
    assert not is_cmyk_profile(b"not a profile")


@pytest.mark.parametrize("grey", [0.0, 0.067, 0.5, 0.733, 1.0])
def test_a_grey_is_black_ink_alone(inks: Inks, grey: float) -> None:
    assert inks.colour(grey, grey, grey) == (0, 0, 0, pytest.approx(1 - grey, abs=0.003))


def test_a_colour_goes_through_the_profile_under_the_limit(inks: Inks) -> None:
    c, m, y, k = inks.colour(0.549, 0.110, 0.075)  # the house red
    assert m > 0.8 and y > 0.8 and c < 0.3  # a red on the press
    dark = inks.colour(0.2, 0.1, 0.05)
    assert sum(dark) <= 2.40 + 0.004 and dark[3] > 0.9  # a deep brown: black kept, colour thinned


def test_limit_ink_keeps_every_pixel_under_the_limit_and_moves_grey_into_black() -> None:
    rng = random.Random(1142)
    pixels = [tuple(rng.randrange(256) for _ in range(4)) for _ in range(5000)] + [(255, 255, 255, 255), (200, 180, 170, 100)]
    image = Image.new("CMYK", (len(pixels), 1))
    image.putdata(pixels)
    limited = list(limit_ink(image, 240).get_flattened_data())
    assert max(sum(p) for p in limited) <= 612  # 240 % of 255
    assert all(a == b for a, b in zip(pixels, limited, strict=True) if sum(a) <= 612)  # untouched under it
    assert limited[-1] == (181, 161, 151, 119)  # 650 → 612: 19 of grey moved into black
    assert limited[-2][3] == 255 and limited[-2][0] == limited[-2][1] == limited[-2][2]


def test_a_photo_becomes_a_cmyk_jpeg_of_its_size_under_the_limit(inks: Inks) -> None:
    data = (REPO / "issues/issue-1142/photos/depot-night.jpg").read_bytes()
    photo = cmyk_photo(data, inks)
    assert isinstance(photo, Normalised) and photo.media_type == "image/jpeg" and (photo.width, photo.height) == (1600, 1067)
    with Image.open(io.BytesIO(photo.data)) as image:
        assert image.mode == "CMYK" and "APP14" in image.app  # Adobe's marker: WeasyPrint sets the Decode it needs
        small = image.reduce(8)
        assert max(sum(p) for p in small.get_flattened_data()) <= 612


def test_a_photo_for_the_press_is_shrunk_to_its_longest_edge_before_it_is_converted(inks: Inks) -> None:
    data = (REPO / "issues/issue-1142/photos/depot-night.jpg").read_bytes()
    photo = cmyk_photo(data, inks, 800)
    assert (photo.width, photo.height) == (800, 534)
    with Image.open(io.BytesIO(photo.data)) as image:
        assert image.mode == "CMYK" and image.size == (800, 534)
    assert cmyk_photo(data, inks, 4000).width == 1600  # never enlarged
