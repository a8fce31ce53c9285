"""The EPUB container on its own: a zip whose bytes depend only on its contents, and the Send to Kindle size limit."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from paperpress.editions.epub.package import CONTAINER_XML, MEDIA_TYPE, Item, assemble, check_size
from paperpress.errors import PaperpressError

OPF = b"<package/>"
WHEN = dt.datetime(2026, 3, 6, 12, 0, 1, tzinfo=dt.UTC)
ITEMS = (
    Item("a1", "a1.xhtml", "application/xhtml+xml", b"<html>" + b"words " * 500 + b"</html>"),
    Item("css", "style.css", "text/css", b"body { margin: 0 }\n" * 50),
    Item("p1", "images/p1.jpg", "image/jpeg", b"\xff\xd8" + b"\0" * 4000),
    Item("p2", "images/p2.png", "image/png", b"\x89PNG" + b"\0" * 4000),
)


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_mimetype_comes_first_stored_and_without_extra_fields() -> None:
    book = _zip(assemble(OPF, ITEMS, WHEN))
    first = book.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED and first.extra == b""
    assert book.read("mimetype") == MEDIA_TYPE.encode()
    # readers sniff the type at a fixed offset: the name and the media type right after the first local header
    assert assemble(OPF, ITEMS, WHEN)[30:38 + len(MEDIA_TYPE)] == b"mimetype" + MEDIA_TYPE.encode()


def test_container_then_package_then_items_in_the_order_given() -> None:
    book = _zip(assemble(OPF, ITEMS, WHEN))
    assert book.namelist() == [
        "mimetype", "META-INF/container.xml", "EPUB/content.opf",
        "EPUB/a1.xhtml", "EPUB/style.css", "EPUB/images/p1.jpg", "EPUB/images/p2.png",
    ]
    assert book.read("META-INF/container.xml") == CONTAINER_XML and book.read("EPUB/content.opf") == OPF
    assert all(book.read(f"EPUB/{i.href}") == i.data for i in ITEMS)
    reversed_book = _zip(assemble(OPF, ITEMS[::-1], WHEN))
    assert reversed_book.namelist()[3:] == [f"EPUB/{i.href}" for i in ITEMS[::-1]]


def test_images_are_stored_and_text_is_deflated() -> None:
    kinds = {i.filename: i.compress_type for i in _zip(assemble(OPF, ITEMS, WHEN)).infolist()}
    assert kinds["EPUB/images/p1.jpg"] == kinds["EPUB/images/p2.png"] == zipfile.ZIP_STORED
    assert kinds["EPUB/a1.xhtml"] == kinds["EPUB/style.css"] == kinds["EPUB/content.opf"] == zipfile.ZIP_DEFLATED
    assert kinds["META-INF/container.xml"] == zipfile.ZIP_DEFLATED


def test_every_entry_has_the_same_time_permissions_and_maker() -> None:
    infos = _zip(assemble(OPF, ITEMS, WHEN)).infolist()
    assert {i.date_time for i in infos} == {(2026, 3, 6, 12, 0, 0)}  # DOS times: two-second steps
    assert {i.external_attr for i in infos} == {0o644 << 16}
    assert {i.create_system for i in infos} == {3}


def test_the_time_is_taken_in_utc_whatever_zone_it_is_given_in() -> None:
    auckland = WHEN.astimezone(dt.timezone(dt.timedelta(hours=13)))
    assert assemble(OPF, ITEMS, auckland) == assemble(OPF, ITEMS, WHEN)


@pytest.mark.parametrize(("when", "stamp"), [
    (dt.datetime(1970, 1, 1, tzinfo=dt.UTC), (1980, 1, 1, 0, 0, 0)),
    (dt.datetime(2200, 6, 1, tzinfo=dt.UTC), (2107, 12, 31, 23, 59, 58)),
])
def test_a_time_a_zip_cannot_hold_is_clamped_to_its_range(when: dt.datetime, stamp: tuple[int, ...]) -> None:
    assert {i.date_time for i in _zip(assemble(OPF, ITEMS, when)).infolist()} == {stamp}


def test_the_same_contents_give_the_same_bytes_and_any_change_other_bytes() -> None:
    data = assemble(OPF, ITEMS, WHEN)
    assert assemble(OPF, list(ITEMS), WHEN) == data
    assert assemble(OPF, ITEMS, WHEN + dt.timedelta(days=1)) != data
    assert assemble(b"<package />", ITEMS, WHEN) != data


def test_an_epub_within_the_limit_passes() -> None:
    check_size(9000, ITEMS, "issue-9.epub", limit=9000)


def test_an_epub_over_the_limit_names_its_largest_images() -> None:
    items = [
        Item("a", "images/a.jpg", "image/jpeg", b"x" * 300, source="issues/photos/small.jpg"),
        Item("b", "images/b.jpg", "image/jpeg", b"x" * 3000, source="issues/photos/huge.jpg"),
        Item("c", "a1.xhtml", "application/xhtml+xml", b"x" * 5000),
    ]
    check_size(9000, items, "issue-9.epub", limit=9000)
    with pytest.raises(PaperpressError) as err:
        check_size(9001, items, "issue-9.epub", limit=9000)
    text = str(err.value)
    assert "issue-9.epub would be 0.0 MB; Send to Kindle accepts at most 0.0 MB" in text
    assert "issues/photos/huge.jpg: 0.0 MB in the EPUB" in text and "small.jpg" in text and "a1.xhtml" not in text
    assert {str(p.file) for p in err.value.problems[1:]} == {"issues/photos/huge.jpg", "issues/photos/small.jpg"}
    assert "lower epub.image_max_edge" in (err.value.problems[1].hint or "")


def test_the_five_heaviest_images_are_named_with_their_sizes() -> None:
    items = [Item(f"p{n}", f"images/p{n}.jpg", "image/jpeg", b"x" * (n * 2**20), source=f"photos/p{n}.jpg")
             for n in range(1, 8)]
    with pytest.raises(PaperpressError) as err:
        check_size(60 * 2**20, items, "issue-9.epub")
    summary, *named = err.value.problems
    assert summary.message == "issue-9.epub would be 60.0 MB; Send to Kindle accepts at most 50.0 MB"
    # (the error lists problems by file, so the order shown is the files', not the weights')
    assert {str(p.file): p.message for p in named} == {f"photos/p{n}.jpg": f"{n}.0 MB in the EPUB" for n in (3, 4, 5, 6, 7)}
