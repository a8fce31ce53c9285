"""Photos are checked from their bytes at load time, and sized as they are shown."""

from __future__ import annotations

import io
from pathlib import Path, PurePosixPath

import pytest
from PIL import Image

from paperpress.cache import Learnt
from paperpress.errors import Problem
from paperpress.load.images import load_image
from paperpress.model import walk


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


def test_a_photo_placed_many_times_is_read_and_decoded_once(tmp_path: Path, monkeypatch) -> None:
    from paperpress.load import images
    from paperpress.run.issue import check_issue, open_publication
    from tests.support import FIXTURES, copy_publication

    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    places = "".join(f"![Square {i}](photos/square.png)\n\n" for i in range(30))
    front = "title: Squares\nimages:\n  - src: photos/square.png\n    alt: Square\n    credit: Desk\n"
    (pub / "issues/issue-7/second.md").write_text(f"---\n{front}---\n{places}")
    reads, decodes = [], []
    read_header, decode_error = images._read_header, images._decode_error
    monkeypatch.setattr(images, "_read_header", lambda data: reads.append(1) or read_header(data))
    monkeypatch.setattr(images, "_decode_error", lambda data: decodes.append(1) or decode_error(data))
    issue = check_issue(open_publication(pub), "7").value
    assert issue is not None
    photos = [photo for article in issue.articles for photo in walk.images(article)]
    assert len(photos) == 32  # the first article shows it too
    assert len({id(photo.data) for photo in photos}) == 1  # one copy of the bytes, shared
    assert (len(reads), len(decodes)) == (1, 1)


def test_damage_is_reported_at_every_place_from_one_decode(tmp_path: Path) -> None:
    from paperpress.load.images import PhotoFiles, decode_problems

    buf = io.BytesIO()
    Image.new("RGB", (64, 64)).save(buf, "PNG")
    (tmp_path / "cut.png").write_bytes(buf.getvalue()[:-40])  # header whole, picture cut short
    photos, problems = PhotoFiles(), []
    for line in (3, 9):
        load_image(tmp_path, tmp_path, "cut.png", id=f"i{line}", alt="a", caption=None, credit=None,
                   file=PurePosixPath("a.md"), line=line, field="body", problems=problems, pending=photos)
    # Pillow may see the damage in the header already (or, made lenient by WeasyPrint, only in the decode).
    found = problems + decode_problems(photos)
    assert [p.line for p in found] == [3, 9] and all("damaged" in p.message for p in found)
    assert photos.reads == 1


def test_full_decodes_take_their_size_from_the_pixel_budget(tmp_path: Path, monkeypatch) -> None:
    from paperpress.load import images
    from paperpress.typeset import pixels

    frame = pixels.decoded_bytes("RGBA", (500, 400))
    budget = pixels.Budget(frame)  # room for one frame: the threads must take turns
    monkeypatch.setattr(images, "BUDGET", budget)
    photos, problems = images.PhotoFiles(), []
    for i in range(4):
        buf = io.BytesIO()
        Image.new("RGBA", (500, 400), (i, 0, 0, 9)).save(buf, "PNG")
        (tmp_path / f"p{i}.png").write_bytes(buf.getvalue())
        load_image(tmp_path, tmp_path, f"p{i}.png", id=f"i{i}", alt="a", caption=None, credit=None,
                   file=PurePosixPath("a.md"), line=i, field="body", problems=problems, pending=photos)
    assert images.decode_problems(photos) == [] and problems == []
    assert budget.peak == frame and budget.held == 0


def _placed(folder: Path, name: str, photos: object, problems: list[Problem]) -> None:
    load_image(folder, folder, name, id="i", alt="a", caption=None, credit=None, file=PurePosixPath("a.md"), line=3,
               field="body", problems=problems, pending=photos)  # type: ignore[arg-type]


def test_a_photo_whose_bytes_decoded_cleanly_before_is_not_decoded_again(tmp_path: Path, monkeypatch) -> None:
    from paperpress.load import images

    decodes: list[bytes] = []
    decode_error = images._decode_error
    monkeypatch.setattr(images, "_decode_error", lambda data: decodes.append(data) or decode_error(data))
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 10, 10)).save(buf, "JPEG")
    (tmp_path / "a.jpg").write_bytes(buf.getvalue())
    (tmp_path / "copy.jpg").write_bytes(buf.getvalue())  # the same bytes under another name
    cache = tmp_path / "cache"
    for name in ("a.jpg", "a.jpg", "copy.jpg"):
        learnt = Learnt()
        photos, problems = images.PhotoFiles(cache, learnt), []
        _placed(tmp_path, name, photos, problems)
        assert images.decode_problems(photos) == [] and problems == []
        learnt.keep()  # as a build that wrote its editions does
    assert len(decodes) == 1
    Image.new("RGB", (64, 48), (10, 200, 10)).save(tmp_path / "a.jpg", "JPEG")  # new bytes: decoded again
    photos = images.PhotoFiles(cache, Learnt())
    _placed(tmp_path, "a.jpg", photos, [])
    assert images.decode_problems(photos) == [] and len(decodes) == 2


def test_what_a_check_learns_is_not_kept(tmp_path: Path) -> None:
    from paperpress.load.images import PhotoFiles, decode_problems

    Image.new("RGB", (64, 48)).save(tmp_path / "a.jpg", "JPEG")
    photos = PhotoFiles(tmp_path / "cache")  # nothing to keep it in
    _placed(tmp_path, "a.jpg", photos, [])
    assert decode_problems(photos) == [] and not (tmp_path / "cache").exists()


def test_a_damaged_photo_is_never_kept_as_good_so_it_is_reported_every_time(tmp_path: Path) -> None:
    from paperpress.load.images import PhotoFiles, decode_problems

    buf = io.BytesIO()
    Image.new("RGB", (64, 64)).save(buf, "PNG")
    (tmp_path / "cut.png").write_bytes(buf.getvalue()[:-40])
    cache = tmp_path / "cache"
    for _ in range(2):
        learnt = Learnt()
        photos, problems = PhotoFiles(cache, learnt), []
        _placed(tmp_path, "cut.png", photos, problems)
        found = problems + decode_problems(photos)  # in the header or in the decode, as above
        learnt.keep()
        assert [p.line for p in found] == [3] and "damaged" in found[0].message
    assert not cache.exists() or not list(cache.iterdir())


def _saved(folder: Path, name: str, fmt: str, size: tuple[int, int] = (20, 10), **options: object) -> None:
    Image.new("RGB", size, (90, 120, 30)).save(folder / name, fmt, **options)


def test_a_good_photo_becomes_an_image_with_everything_the_editor_gave(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    _saved(tmp_path / "photos", "shed.webp", "WEBP", (30, 12))
    problems: list[Problem] = []
    image = load_image(tmp_path, tmp_path / "photos", "shed.webp", id="a1-img1", alt="The shed", caption="In 1987",
                       credit="Desk", file=PurePosixPath("a.md"), line=3, field="images[0].src", problems=problems)
    assert problems == [] and image is not None
    assert (image.id, image.source, image.media_type, image.width, image.height) == (
        "a1-img1", "photos/shed.webp", "image/webp", 30, 12)
    assert (image.alt, image.caption, image.credit) == ("The shed", "In 1987", "Desk")
    assert image.data == (tmp_path / "photos" / "shed.webp").read_bytes()


def test_every_kind_newspapers_use_has_its_media_type(tmp_path: Path) -> None:
    for name, fmt, media in [("a.jpg", "JPEG", "image/jpeg"), ("a.png", "PNG", "image/png"), ("a.gif", "GIF", "image/gif")]:
        _saved(tmp_path, name, fmt)
        image, problems = load(tmp_path, name)
        assert problems == [] and image.media_type == media  # type: ignore[attr-defined]


def test_only_quarter_turns_swap_width_and_height(tmp_path: Path) -> None:
    for orientation, size in [(1, (30, 20)), (3, (30, 20)), (4, (30, 20)), (5, (20, 30)), (7, (20, 30)), (8, (20, 30))]:
        photo = Image.new("RGB", (30, 20))
        exif = photo.getexif()
        exif[0x0112] = orientation
        photo.save(tmp_path / "o.jpg", "JPEG", exif=exif)
        image, problems = load(tmp_path, "o.jpg")
        assert problems == [] and (image.width, image.height) == size, orientation  # type: ignore[attr-defined]


def test_a_file_of_another_kind_is_named_by_its_kind(tmp_path: Path) -> None:
    _saved(tmp_path, "scan.bmp", "BMP")
    (tmp_path / "notes.png").write_text("not a photo at all\n")
    assert [str(p) for p in load(tmp_path, "scan.bmp")[1]] == [
        "a.md:3: images[0].src: 'scan.bmp' is a BMP file (use JPEG, PNG, WebP or GIF)"]
    assert [str(p) for p in load(tmp_path, "notes.png")[1]] == [
        "a.md:3: images[0].src: 'notes.png' is not an image paperpress can read (use JPEG, PNG, WebP or GIF)"]


def test_a_missing_or_outside_photo_is_named_with_the_path_rule_it_breaks(tmp_path: Path) -> None:
    (tmp_path / "pub").mkdir()
    _saved(tmp_path, "outside.png", "PNG")
    image, problems = load(tmp_path / "pub", "../outside.png")
    assert image is None and [(p.line, p.field, p.message) for p in problems] == [
        (3, "images[0].src", "'../outside.png' is outside the publication")]
    assert load(tmp_path / "pub", "gone.png")[1][0].message == "no such file 'gone.png'"


def test_too_large_a_file_and_too_many_pixels_are_refused_before_decoding(tmp_path: Path, monkeypatch) -> None:
    from paperpress.load import images

    _saved(tmp_path, "big.png", "PNG", (100, 60))
    size = (tmp_path / "big.png").stat().st_size
    monkeypatch.setattr(images, "MAX_FILE_BYTES", size - 1)
    monkeypatch.setattr(images, "_read_header", lambda data: pytest.fail("a file too large was read"))
    assert [str(p) for p in load(tmp_path, "big.png")[1]] == [
        "a.md:3: images[0].src: 'big.png' is 0 MB (photos must be under 40 MB; export a smaller file)"]
    monkeypatch.undo()
    monkeypatch.setattr(images, "MAX_FILE_BYTES", size)
    monkeypatch.setattr(images, "MAX_PIXELS", 100 * 60)
    assert load(tmp_path, "big.png")[1] == []  # at the limits exactly
    monkeypatch.setattr(images, "MAX_PIXELS", 100 * 60 - 1)
    assert [str(p) for p in load(tmp_path, "big.png")[1]] == [
        "a.md:3: images[0].src: 'big.png' has too many pixels (use a photo under 60 megapixels)"]


def test_a_decompression_bomb_is_too_many_pixels_not_a_crash(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    _saved(tmp_path, "bomb.png", "PNG", (40, 40))
    image, problems = load(tmp_path, "bomb.png")
    assert image is None and [p.message for p in problems] == ["'bomb.png' has too many pixels"]


def test_a_photo_damaged_in_its_header_is_named_with_what_pillow_said(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (64, 64)).save(buf, "PNG")
    (tmp_path / "bad.png").write_bytes(buf.getvalue()[:20])  # cut inside the header itself
    image, problems = load(tmp_path, "bad.png")
    assert image is None and [str(p) for p in problems] == [
        "a.md:3: images[0].src: 'bad.png' is damaged: Truncated File Read (export the photo again from the original)"]


def test_what_was_learnt_of_a_photo_holds_for_one_version_of_pillow(tmp_path: Path, monkeypatch) -> None:
    import PIL

    from paperpress.load import images

    decodes: list[bytes] = []
    decode_error = images._decode_error
    monkeypatch.setattr(images, "_decode_error", lambda data: decodes.append(data) or decode_error(data))
    Image.new("RGB", (64, 48)).save(tmp_path / "a.jpg", "JPEG")
    for version in ("1.0", "1.0", "2.0"):
        monkeypatch.setattr(PIL, "__version__", version)
        learnt = Learnt()
        photos = images.PhotoFiles(tmp_path / "cache", learnt)
        _placed(tmp_path, "a.jpg", photos, [])
        assert images.decode_problems(photos) == []
        learnt.keep()
    assert len(decodes) == 2  # once, then again under another Pillow


def test_every_damaged_photo_is_reported_and_pillow_is_left_as_it_was_found(tmp_path: Path, monkeypatch) -> None:
    from PIL import ImageFile

    from paperpress.load.images import PhotoFiles, decode_problems

    photos, problems = PhotoFiles(), []
    for n in (1, 2, 3):
        buf = io.BytesIO()
        Image.effect_noise((200 + n, 150), 60).convert("RGB").save(buf, "JPEG")
        (tmp_path / f"cut{n}.jpg").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])  # the header whole
        load_image(tmp_path, tmp_path, f"cut{n}.jpg", id=f"i{n}", alt="a", caption=None, credit=None,
                   file=PurePosixPath("a.md"), line=n, field="body", problems=problems, pending=photos)
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint leaves it for a PDF build
    found = problems + decode_problems(photos)
    assert [p.line for p in found] == [1, 2, 3] and all("is damaged" in p.message for p in found)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
