"""The PDF's fonts: what their cmaps can draw, and font files in fonts/ that cannot be read."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from paperpress.cache import Learnt, cache_folder
from paperpress.errors import Severity
from paperpress.typeset import fonts
from paperpress.typeset.fonts import (
    FONT_TABLES,
    as_parts,
    describe,
    edition_faces,
    packaged_faces,
    publication_fonts,
    undrawable,
)


def house_font(path: Path, family: str = "House Ethiopic", extra: tuple[int, ...] = (0x1230, 0x120B, 0x121D)) -> Path:
    """A copy of Source Sans renamed to `family`, whose cmap also maps `extra` code points (to the letter O)."""
    import font_source_sans_pro
    from fontTools.ttLib import TTFont

    font = TTFont(font_source_sans_pro.font_files_ttf["SourceSansPro"])
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID == 6:
            record.string = family.replace(" ", "") + "-Regular"
    for table in font["cmap"].tables:
        if table.isUnicode():
            for code in extra:
                table.cmap[code] = "O"
    path.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(path))
    return path


def test_the_packaged_faces_draw_greek_cyrillic_and_vietnamese() -> None:
    assert undrawable("Καλή αντάμωση, добрый день, Chúc mừng số báo thứ bốn mươi, Ђорђевић", packaged_faces()) == []


def test_emoji_and_scripts_no_face_has_are_named_once_in_order() -> None:
    assert undrawable("🎉 ሰላም 🎉 ᏣᎳᎩ", packaged_faces()) == ["🎉", "ሰ", "ላ", "ም", "Ꮳ", "Ꮃ", "Ꭹ"]


def test_spaces_joiners_and_invisible_marks_need_no_glyph() -> None:
    text = "a\u00a0b\u2009c\u200bd\u200de\u00adf\u200fg\ufe0fh\u2028i\tj"
    assert undrawable(text, packaged_faces()) == []


def test_a_letter_and_its_accents_typed_apart_count_as_drawn_when_the_face_has_the_parts() -> None:
    assert undrawable("Hue\u0302\u0301", packaged_faces()) == []  # "Huế" typed as e + two combining accents
    assert undrawable("q\u0316", packaged_faces()) == ["\u0316"]  # a grave accent below, which no face has


def test_typed_as_one_character_it_must_be_in_a_face_as_one_because_the_layout_engine_picks_fonts_so() -> None:
    faces = packaged_faces()
    assert undrawable("O\u0307 \u022e", faces) == ["\u022e"]  # O with a dot above, as two and as one
    assert as_parts("\u022e", faces) == "O\u0307"
    assert as_parts("\u01e0", faces) == "A\u0307\u0304"
    assert as_parts("\u1ebf", faces) == "e\u0302\u0301"  # the faces have it whole, and its parts too
    assert as_parts("O", faces) is None  # no accent to take apart
    assert as_parts("\u1e09", []) is None  # ḉ: parts no face has


def test_a_face_in_fonts_adds_what_its_cmap_has(tmp_path: Path) -> None:
    house_font(tmp_path / "fonts" / "house.ttf")
    faces, problems = publication_fonts(tmp_path)
    assert problems == () and [face.family for face in faces] == ["House Ethiopic"]
    assert undrawable("ሰላም 🎉", packaged_faces() + faces) == ["🎉"]


def test_an_edition_sets_type_with_the_packaged_faces_then_the_publications_from_the_loaders_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    house_font(tmp_path / "fonts" / "house.ttf")
    learnt = Learnt()
    cache = cache_folder(tmp_path, FONT_TABLES)
    packaged_faces(cache, learnt), publication_fonts(tmp_path, cache, learnt)  # as loading the issue reads them
    learnt.keep()
    fonts._read.cache_clear()  # as in a new process

    def parse(data: bytes, size: int) -> None:
        raise AssertionError("parsed a font the cache knows")

    monkeypatch.setattr(fonts, "_parse", parse)
    faces = edition_faces(tmp_path)
    assert [f.family for f in faces] == [f.family for f in packaged_faces(cache)] + ["House Ethiopic"]


def test_code_points_are_named_with_the_character_beside_each() -> None:
    assert describe(["🎉"]) == "U+1F389 🎉"
    assert describe(["ሰ", "\u0316"]) == "U+1230 ሰ and U+0316"
    assert describe([chr(0x1200 + n) for n in range(10)], most=3) == "U+1200 ሀ, U+1201 ሁ, U+1202 ሂ and 7 more"


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("cut.ttf", None, "the file is cut short"),
        ("empty.otf", b"", "Not a TrueType or OpenType font"),
        ("renamed-photo.ttf", b"\x89PNG\r\n\x1a\n" + bytes(64), "Not a TrueType or OpenType font"),
        ("broken.woff2", b"wOF2" + bytes(100), "not a font that can be used"),
    ],
)
def test_a_font_file_that_cannot_be_read_is_a_warning_naming_it(tmp_path: Path, name: str, data: bytes | None,
                                                                   says: str) -> None:
    good = house_font(tmp_path / "fonts" / "house.ttf")
    whole = good.read_bytes()
    (tmp_path / "fonts" / name).write_bytes(whole[: len(whole) // 2] if data is None else data)
    faces, problems = publication_fonts(tmp_path)
    assert [face.path.name for face in faces] == ["house.ttf"]  # the readable one is still used
    assert [(p.file, p.severity) for p in problems] == [(PurePosixPath("fonts") / name, Severity.WARNING)]
    assert says in problems[0].message
    assert "replace it" in (problems[0].hint or "")


def test_files_that_are_not_named_as_fonts_are_passed_over(tmp_path: Path) -> None:
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "README.txt").write_text("Fonts for the bulletin, under the OFL.\n")
    (tmp_path / "fonts" / "OFL.txt").write_text("SIL Open Font License\n")
    assert publication_fonts(tmp_path) == ((), ())


def test_each_file_is_read_once_until_it_changes(tmp_path: Path) -> None:
    path = house_font(tmp_path / "fonts" / "house.ttf")
    publication_fonts(tmp_path)
    misses = fonts._read.cache_info().misses
    publication_fonts(tmp_path)
    assert fonts._read.cache_info().misses == misses
    house_font(path, extra=(0x13A0,))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    faces, _ = publication_fonts(tmp_path)
    assert fonts._read.cache_info().misses == misses + 1
    assert undrawable("Ꭰ", faces) == []


def test_a_new_process_takes_the_cmaps_from_the_cache_without_parsing_a_font(tmp_path: Path, monkeypatch) -> None:
    cache, learnt = tmp_path / "cache", Learnt()
    first = packaged_faces(cache, learnt)
    assert not cache.exists()  # kept only when the build succeeds
    learnt.keep()
    assert sorted(p.name for p in cache.iterdir())  # one entry per font file
    fonts._read.cache_clear()  # as in a new process

    def parse(data: bytes, size: int) -> None:
        raise AssertionError("parsed a font the cache knows")

    monkeypatch.setattr(fonts, "_parse", parse)
    again = packaged_faces(cache)
    assert [(f.family, f.weight, f.style, f.characters) for f in again] == [
        (f.family, f.weight, f.style, f.characters) for f in first
    ]
    assert undrawable("🎉 Ђорђевић", again) == ["🎉"]


def test_a_cache_entry_that_makes_no_sense_is_passed_over_and_the_font_read(tmp_path: Path) -> None:
    cache, learnt = tmp_path / "cache", Learnt()
    first = packaged_faces(cache, learnt)
    learnt.keep()
    for n, entry in enumerate(sorted(cache.iterdir())):
        entry.write_bytes([b"", b"{not json", b'{"family": 1}', b'{"family": "X", "weight": 400, "italic": false, '
                           b'"runs": [[0, 99999999]]}'][n % 4])
    fonts._read.cache_clear()
    assert [f.characters for f in packaged_faces(cache)] == [f.characters for f in first]


def test_a_font_file_that_cannot_be_read_is_never_kept_so_it_is_reported_every_time(tmp_path: Path) -> None:
    good = house_font(tmp_path / "fonts" / "house.ttf")
    (tmp_path / "fonts" / "cut.ttf").write_bytes(good.read_bytes()[:5000])
    cache = tmp_path / "cache"
    for _ in range(2):
        fonts._read.cache_clear()
        learnt = Learnt()
        faces, problems = publication_fonts(tmp_path, cache, learnt)
        learnt.keep()
        assert [face.path.name for face in faces] == ["house.ttf"]
        assert [str(p.file) for p in problems] == ["fonts/cut.ttf"]
    assert len(list(cache.iterdir())) == 1  # the readable one
