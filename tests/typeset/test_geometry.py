"""Photo placement by role: the sizes geometry.py defines are the sizes the PDF draws, and the ones
preflight and the screen profile's downsampling use.

The PDF test builds a small issue with a photo in every role, then measures each photo's box in the PDF
with PyMuPDF and compares it with `PageSetup.drawn_width` / `drawn_height`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from PIL import Image as PILImage

from paperpress.config import PdfOptions
from paperpress.editions.base import BuildInfo
from paperpress.load import load_config, load_issue
from paperpress.model import Image
from paperpress.templates import Layouts
from paperpress.typeset.geometry import PageSetup, Role, placements
from tests.support import FIXTURES, copy_publication

_MM = 72 / 25.4

#: Each role's photo, with a size of its own so it can be told apart in the PDF (width, height in px).
#: Portrait photos are drawn at their role's tallest; the landscape one is held by the text width.
_PHOTOS = {
    "front-lead.png": (600, 1000),
    "further.png": (610, 1000),
    "lead.png": (620, 1000),
    "inline.png": (630, 1000),
    "wide.png": (3000, 1000),
    "cell.png": (640, 1000),
}


def _photo(name: str) -> bytes:
    width, height = _PHOTOS[name]
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), (120, 130, 140)).save(out, "PNG")
    return out.getvalue()


def _front(src: str) -> str:
    return f"  - src: photos/{src}\n    alt: A grey photo\n    credit: Desk\n"


@pytest.fixture(scope="module")
def every_role(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal publication with a photo in each role: front-page lead, further, lead, inline, table."""
    root = copy_publication(FIXTURES / "minimal", tmp_path_factory.mktemp("roles") / "pub")
    folder = root / "issues" / "issue-7"
    for name in _PHOTOS:
        (folder / "photos" / name).write_bytes(_photo(name))
    (folder / "first.md").write_text(
        "---\ntitle: The front page\nimages:\n" + _front("front-lead.png") + _front("further.png")
        + "---\nWords.\n", encoding="utf-8")
    (folder / "second.md").write_text(
        "---\ntitle: Another story\nimages:\n" + _front("lead.png") + "---\nWords.\n\n"
        "![A grey photo](photos/inline.png \"In the body\")\n\nMore words.\n\n"
        "![A wide photo](photos/wide.png \"Wide\")\n\n"
        "| Who | Face |\n|---|---|\n| Ann | ![A face](photos/cell.png) |\n", encoding="utf-8")
    return root


def _load(root: Path):  # type: ignore[no-untyped-def]
    config = load_config(root).value
    assert config is not None
    loaded = load_issue(root, config, root / "issues" / "issue-7.yaml")
    assert loaded.value is not None, loaded.problems
    return config, loaded.value


def _image(width: int, height: int) -> Image:
    return Image("a1-img1", "photo.jpg", b"", "image/jpeg", width, height, "alt")


A4 = PageSetup.from_options(PdfOptions())


def test_every_role_has_a_size_and_the_page_margins_leave_room_for_head_and_folio() -> None:
    assert set(A4.tallest) == set(Role)
    assert A4.tallest[Role.TABLE] < A4.tallest[Role.FRONT_LEAD] <= A4.tallest[Role.LEAD]
    assert A4.margin_top == A4.margin + 4 and A4.margin_bottom == A4.margin + 2


def test_a_section_needs_a_third_of_the_text_area_to_run_on_under_the_one_before() -> None:
    a4, a3 = PageSetup.from_options(PdfOptions()), PageSetup.from_options(PdfOptions(page_size="A3"))
    assert a4.section_room == pytest.approx((297 - a4.margin_top - a4.margin_bottom) / 3, abs=0.05) == 87.7
    assert a3.section_room == 128.7


def test_a_photo_is_drawn_across_the_text_unless_its_role_would_make_it_too_tall() -> None:
    wide, tall = _image(3000, 1000), _image(500, 1000)
    assert A4.drawn_width(wide, Role.LEAD) == A4.text_width
    assert A4.drawn_height(tall, Role.LEAD) == pytest.approx(A4.tallest[Role.LEAD])
    assert A4.drawn_height(tall, Role.TABLE) == pytest.approx(15.0)


def test_pixels_needed_follow_the_role() -> None:
    tall = _image(500, 1000)
    assert A4.photo_pixels(tall, Role.TABLE, 150) < A4.photo_pixels(tall, Role.FURTHER, 150) < A4.photo_pixels(
        tall, Role.LEAD, 150)
    assert A4.photo_pixels(tall, Role.LEAD, 150) == round(100 / 25.4 * 150 + 0.5)


def test_body_text_keeps_whole_only_stretches_its_column_holds_in_the_widest_letters() -> None:
    from paperpress.typeset.breaks import LONGEST_RUN

    for page in (A4, dataclasses.replace(A4, width=297.0, height=420.0), dataclasses.replace(A4, columns=6)):
        column_pt = page.column_width * 72 / 25.4
        assert page.longest_run * page.font_size <= column_pt * 0.85  # an em a letter, a nested list's indent left
        assert page.longest_run <= LONGEST_RUN
    assert A4.longest_run == 14


def test_the_contents_box_has_a_column_a_section_as_many_as_fit() -> None:
    a3 = dataclasses.replace(A4, width=297.0, height=420.0)
    assert [a3.contents_columns(n) for n in (1, 6, 9)] == [1, 6, 6]  # 269 mm of text: six of 44 mm
    assert A4.contents_columns(9) == A4.columns + 2  # 182 mm: four would fit, the text columns and two do


def test_placements_give_each_photo_its_role(every_role: Path) -> None:
    _, issue = _load(every_role)
    roles = {image.source.rsplit("/", 1)[-1]: role for _, _, image, role in placements(issue)}
    assert roles == {
        "front-lead.png": Role.FRONT_LEAD, "further.png": Role.FURTHER, "lead.png": Role.LEAD,
        "inline.png": Role.INLINE, "wide.png": Role.INLINE, "cell.png": Role.TABLE,
    }


@pytest.mark.slow
def test_the_pdf_draws_each_photo_at_the_size_its_role_defines(every_role: Path) -> None:
    import pymupdf

    from paperpress.editions.pdf.edition import PdfEdition, _photos_across

    config, issue = _load(every_role)
    info = BuildInfo(dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC), config, options={"pdf_profile": "archive"})
    data = PdfEdition().render(issue, Layouts.for_publication(every_role), info)[0].data
    page = PageSetup.from_options(config.pdf)
    drawn: dict[tuple[int, int], tuple[float, float]] = {}
    with pymupdf.open(stream=data, filetype="pdf") as pdf:
        for pdf_page in pdf:
            for found in pdf_page.get_image_info():
                box = found["bbox"]
                drawn[(found["width"], found["height"])] = ((box[2] - box[0]) / _MM, (box[3] - box[1]) / _MM)
    across = {image.id for image in _photos_across(issue, config.pdf.article_break == "page")}
    measured = 0
    for _, _, image, role in placements(issue):
        width, height = drawn[(image.width, image.height)]
        wide = image.id in across  # across the page, or in the column of a section's shared column set
        assert width == pytest.approx(page.drawn_width(image, role, wide), abs=0.3), (image.source, role, wide)
        assert height == pytest.approx(page.drawn_height(image, role, wide), abs=0.3), (image.source, role, wide)
        measured += 1
    assert measured == len(_PHOTOS)


def test_a_changed_page_changes_every_size_together() -> None:
    a5 = PageSetup.from_options(dataclasses.replace(PdfOptions(), page_size="A5"))
    assert all(a5.tallest[role] <= A4.tallest[role] for role in Role)
    assert a5.tallest[Role.LEAD] < A4.tallest[Role.LEAD]
