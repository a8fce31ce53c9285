"""Photos are checked from their bytes at load time, and sized as they are shown."""

from __future__ import annotations

import io
from pathlib import Path, PurePosixPath

from PIL import Image

from paperpress.errors import Problem
from paperpress.load.images import load_image


def load(folder: Path, name: str) -> tuple[object, list[Problem]]:
    problems: list[Problem] = []
    image = load_image(folder, folder, name, id="i", alt="a", caption=None, credit=None,
                       file=PurePosixPath("a.md"), line=3, field="images[0].src", problems=problems)
    return image, problems


def test_exif_rotated_photo_is_sized_upright(tmp_path: Path) -> None:
    buf = io.BytesIO()
    photo = Image.new("RGB", (300, 200))
    exif = photo.getexif()
    exif[0x0112] = 6  # stored landscape, shown portrait
    photo.save(buf, "JPEG", exif=exif)
    (tmp_path / "rot.jpg").write_bytes(buf.getvalue())
    image, problems = load(tmp_path, "rot.jpg")
    assert problems == [] and (image.width, image.height) == (200, 300)  # type: ignore[attr-defined]


def test_format_comes_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    Image.new("RGB", (20, 10)).save(tmp_path / "photo.png", "JPEG")
    image, problems = load(tmp_path, "photo.png")
    assert problems == [] and image.media_type == "image/jpeg"  # type: ignore[attr-defined]


def test_a_cut_short_jpeg_is_damaged_even_after_weasyprint_relaxed_pillow(tmp_path: Path) -> None:
    import weasyprint  # noqa: F401  (its import switches Pillow to accept truncated files)

    buf = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(buf, "JPEG")
    (tmp_path / "cut.jpg").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    image, problems = load(tmp_path, "cut.jpg")
    assert image is None and "is damaged" in problems[0].message
