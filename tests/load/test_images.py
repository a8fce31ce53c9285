"""Photos are checked from their bytes at load time, and sized as they are shown."""

from __future__ import annotations

import io
from pathlib import Path, PurePosixPath

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
    found = decode_problems(photos)
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
        found = decode_problems(photos)
        learnt.keep()
        assert [p.line for p in found] == [3] and "damaged" in found[0].message
    assert not cache.exists() or not list(cache.iterdir())
