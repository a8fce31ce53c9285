"""The web edition's fonts: real faces cut to the issue's characters, renamed, reproducible, cached."""

from __future__ import annotations

import dataclasses
import io
import posixpath
import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from paperpress.cache import Caches, Learnt, cache_folder
from paperpress.editions.site import ASSETS
from paperpress.editions.web import fonts as webfonts
from paperpress.editions.web.fonts import (
    ALWAYS,
    BODY_FAMILY,
    SANS_FAMILY,
    STYLESHEET,
    WebFonts,
    issue_characters,
    web_fonts,
)
from paperpress.model import Issue
from paperpress.run.issue import check_issue, open_publication
from paperpress.typeset import fonts as font_files
from paperpress.typeset.fonts import FONT_TABLES, packaged_faces
from tests.support import REPO, require_tool

#: The records the OFL asks to travel with the font: copyright, trademark, licence and its URL.
LICENCE_RECORDS = (0, 7, 13, 14)


@pytest.fixture(scope="module")
def issue() -> Issue:
    checked = check_issue(open_publication(REPO), "issue-1142")
    assert checked.value is not None, [str(p) for p in checked.problems]
    return checked.value


@pytest.fixture(scope="module")
def fonts(issue: Issue) -> WebFonts:
    return web_fonts(issue, None)


def decoded(data: bytes) -> TTFont:
    return TTFont(io.BytesIO(data))


def names(font: TTFont) -> dict[int, str]:
    return {r.nameID: str(r) for r in font["name"].names if r.platformID == 3}


def test_every_face_is_woff2_and_covers_the_issues_characters(issue: Issue, fonts: WebFonts) -> None:
    wanted = issue_characters(issue)
    assert {ord(c) for c in issue.lead_article.title} <= wanted
    assert {ord(c) for c in "Ñ ñ £ € – — ‘ ’ “ ” … → ←"} <= wanted  # the templates' own punctuation, and Spanish
    sources = {(f.weight, f.style, f.family): f.path for f in packaged_faces()}
    assert len(fonts.files) == len(sources)
    for (path, data), face in zip(fonts.files, fonts.faces, strict=True):
        assert path == face.file and path.startswith(f"{ASSETS}/") and path.endswith(".woff2")
        assert data[:4] == b"wOF2"
        font = decoded(data)
        source = sources[(face.weight, face.style, "Source Serif Pro" if face.family == BODY_FAMILY else "Source Sans Pro")]
        original = TTFont(source)
        has = set(original.getBestCmap())
        cmap = set(font.getBestCmap())
        assert cmap == wanted & has, path  # every character the face can draw, and no other
        assert len(font.getGlyphOrder()) < len(original.getGlyphOrder())
        assert len(data) < source.stat().st_size / 3
        assert font["head"].modified == original["head"].modified  # no build time inside


def test_faces_are_renamed_and_keep_their_licence(fonts: WebFonts) -> None:
    original = TTFont(packaged_faces()[0].path)
    for _, data in fonts.files:
        found = names(decoded(data))
        for record in (1, 4, 6, 16):
            assert "Source" not in found.get(record, ""), found  # the Reserved Font Name stays with the original
        assert set(LICENCE_RECORDS) <= found.keys()
    regular = names(decoded(dict(fonts.files)[f"{ASSETS}/serif-regular.woff2"]))
    assert (regular[1], regular[2], regular[6]) == (BODY_FAMILY, "Regular", "PaperpressSerif-Regular")
    assert all(regular[r] == names(original)[r] for r in LICENCE_RECORDS)
    semibold = names(decoded(dict(fonts.files)[f"{ASSETS}/sans-semibold.woff2"]))
    assert (semibold[16], semibold[17]) == (SANS_FAMILY, "Semibold")


def test_the_rules_name_each_file_relative_to_the_stylesheet(fonts: WebFonts) -> None:
    rules = re.findall(r"@font-face \{([^}]*)\}", fonts.css)
    assert len(rules) == len(fonts.files)
    files = {path for path, _ in fonts.files}
    described = set()
    for rule in rules:
        assert "font-display: swap" in rule
        url = re.search(r'src: url\("([^"]+)"\) format\("woff2"\)', rule)
        assert url is not None and "/" not in url.group(1)
        assert posixpath.normpath(posixpath.join(posixpath.dirname(STYLESHEET), url.group(1))) in files
        family = re.search(r'font-family: "([^"]+)"', rule)
        weight = re.search(r"font-weight: (\d+)", rule)
        style = re.search(r"font-style: (\w+)", rule)
        assert family and weight and style
        described.add((family.group(1), int(weight.group(1)), style.group(1)))
    for weight, style in ((400, "normal"), (700, "normal"), (400, "italic"), (700, "italic")):
        assert (BODY_FAMILY, weight, style) in described
    assert (SANS_FAMILY, 400, "normal") in described and (SANS_FAMILY, 700, "normal") in described
    assert fonts.body_stack == f'"{BODY_FAMILY}", serif' and fonts.sans_stack == f'"{SANS_FAMILY}", sans-serif'


@pytest.mark.slow  # whole editions built more than once
def test_two_builds_give_the_same_bytes(issue: Issue, fonts: WebFonts) -> None:
    assert web_fonts(issue, None) == fonts


def test_the_issues_own_letters_are_kept_and_the_templates_words_always(issue: Issue) -> None:
    greek = dataclasses.replace(issue.lead_article, title="Ωmega")
    lead = dataclasses.replace(issue.sections[0], articles=(greek, *issue.sections[0].articles[1:]))
    with_greek = dataclasses.replace(issue, sections=(lead, *issue.sections[1:]))
    assert {ord("Ω"), ord("ω")} <= issue_characters(with_greek)  # in either case: a stylesheet may change it
    assert {ord(c) for c in "Śś"} <= issue_characters(issue)  # from an article of issue 1142
    bare = dataclasses.replace(issue, sections=(), cover_line=None)
    assert issue_characters(bare) >= ALWAYS
    assert not {ord("Ω"), ord("ω")} & (issue_characters(bare) | issue_characters(issue))


def test_a_second_build_reads_the_cache_and_new_words_miss_it(
    issue: Issue, fonts: WebFonts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(font_files, "packaged_faces", lambda *cache: packaged_faces()[:1])
    made: list[bytes] = []
    real = webfonts.subset

    def counting(*args: object) -> bytes:
        made.append(real(*args))  # type: ignore[arg-type]
        return made[-1]

    monkeypatch.setattr(webfonts, "subset", counting)
    session = Caches(tmp_path)
    first = web_fonts(issue, tmp_path, session)
    session.commit()
    assert len(made) == 1 and len(list((tmp_path / ".paperpress-cache" / "webfonts").glob("*.woff2"))) == 1
    session = Caches(tmp_path)  # the next build
    assert web_fonts(issue, tmp_path, session) == first and len(made) == 1
    assert first.files[0] == fonts.files[0]  # the cached bytes are the uncached ones
    renamed = dataclasses.replace(issue.publication, title="Łódź Weekly 🎉")
    web_fonts(dataclasses.replace(issue, publication=renamed), tmp_path, session)
    assert len(made) == 1  # always kept, or not in the face: nothing new to cut
    related = web_fonts(issue, tmp_path, session, also=["Αθήνα"])  # text from another issue's pages
    assert len(made) == 2 and {ord("Α"), ord("θ")} <= set(decoded(related.files[0][1]).getBestCmap())


def test_a_publication_font_adds_a_family_and_can_replace_a_packaged_face(
    issue: Issue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(font_files, "packaged_faces", lambda *cache: packaged_faces()[:1])
    (tmp_path / "fonts").mkdir()
    _renamed_copy(packaged_faces()[6].path, "House Grotesk", tmp_path / "fonts" / "house.ttf")
    _renamed_copy(packaged_faces()[6].path, "Source Serif Pro", tmp_path / "fonts" / "serif.ttf")
    made = web_fonts(issue, tmp_path)
    assert [(f.family, f.file) for f in made.faces] == [
        ("Paperpress Extra 1", f"{ASSETS}/extra-1-regular.woff2"),
        (BODY_FAMILY, f"{ASSETS}/serif-regular.woff2"),
    ]
    serif = decoded(dict(made.files)[f"{ASSETS}/serif-regular.woff2"])
    assert "fpgm" in serif  # the hinted Source Sans outlines of the replacement, not Source Serif's
    assert made.body_stack == f'"{BODY_FAMILY}", "Paperpress Extra 1", serif'
    assert '"Paperpress Extra 1"' in made.css


def _renamed_copy(source: Path, family: str, dest: Path) -> None:
    font = TTFont(source)
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = family
    font.save(dest)


@pytest.mark.tool("chromium")
def test_chromium_accepts_every_face(issue: Issue, fonts: WebFonts, tmp_path: Path) -> None:
    """Browsers check web fonts before they use them (Chromium's OpenType Sanitizer) and drop any they refuse."""
    driver_path = require_tool("chromedriver", "/usr/bin/chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for path, data in fonts.files:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    (tmp_path / STYLESHEET).write_text(fonts.css, encoding="utf-8")
    lines = "".join(f'<p style="font: {f.style} {f.weight} 16px &quot;{f.family}&quot;">{issue.lead_article.title}</p>'
                    for f in fonts.faces)
    page = tmp_path / "web" / "index.html"
    page.write_text(f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fonts</title>'
                    f'<link rel="stylesheet" href="assets/site.css"></head><body>{lines}</body></html>', encoding="utf-8")
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        driver.set_script_timeout(60)
        driver.get(page.as_uri())
        statuses = driver.execute_async_script(
            "const done = arguments[0];"
            "document.fonts.ready.then(() => done([...document.fonts].map(f => [f.family, f.weight, f.style, f.status])))"
        )
    finally:
        driver.quit()
    assert sorted(tuple(s) for s in statuses) == sorted((f.family, str(f.weight), f.style, "loaded") for f in fonts.faces)


@pytest.mark.slow  # whole editions built more than once
def test_the_fonts_tables_are_read_from_the_cache_loading_keeps(issue: Issue, tmp_path: Path) -> None:
    """What each font file says of itself is asked for as loading asks (load/glyphs.py), so a build parses no font
    twice, and the cache it fills is the one the next process reads instead of parsing them."""
    web_fonts(issue, tmp_path)
    assert not (tmp_path / ".paperpress-cache" / FONT_TABLES).exists()  # nothing learnt is kept by the edition
    learnt = Learnt()
    packaged_faces(cache_folder(tmp_path, FONT_TABLES), learnt)
    learnt.keep()
    font_files._read.cache_clear()
    parsed: list[int] = []
    real = font_files._parse
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(font_files, "_parse", lambda data, size: parsed.append(size) or real(data, size))
        assert web_fonts(issue, tmp_path).files and parsed == []
