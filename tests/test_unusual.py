"""Valid but unusual copy builds every edition, and the checkers nobody here wrote find nothing wrong.

Each issue in tests/fixtures/unusual/ is one concern editors meet every week (padded file names, photos in
footnotes, links between articles, 60-letter words, control characters, far dates). Warnings are allowed;
a failed issue, an EPUBCheck message, an Ace violation or a failed PDF/UA-1 rule is not.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from paperpress.build import build_archive
from paperpress.characters import FORBIDDEN
from paperpress.editions.site import FRONT
from paperpress.errors import errors_in
from paperpress.options import BuildOptions
from paperpress.run.executor import ProcessPool
from paperpress.run.issue import open_publication
from tests.checkers import ace, broken_links, epubcheck, html_errors, overflow, pdf_failures
from tests.support import FIXTURES, copy_publication, require_module, require_tool

pytestmark = pytest.mark.slow

UNUSUAL = FIXTURES / "unusual"
NAMES = sorted(p.stem for p in (UNUSUAL / "issues").glob("issue-*.yaml"))
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
PHOTOS = UNUSUAL / "issues" / "issue-20" / "photos"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every unusual issue, every edition, built once into dist/."""
    root = copy_publication(UNUSUAL, tmp_path_factory.mktemp("unusual") / "pub")
    archive = build_archive(open_publication(root), NAMES, root / "dist", BuildOptions(("txt", "epub", "pdf", "web")),
                            executor=ProcessPool(2))
    failures = {r.name: [str(p) for p in r.problems if errors_in((p,))] for r in archive.failed}
    assert failures == {}
    return root / "dist"


def test_the_fixture_has_issues() -> None:
    assert len(NAMES) >= 1


def test_every_unusual_issue_builds_every_edition(built: Path) -> None:
    for name in NAMES:
        for suffix in (".txt", ".epub", ".pdf"):
            assert (built / name / f"{name}{suffix}").stat().st_size > 0, (name, suffix)
        assert (built / name / FRONT).stat().st_size > 0, name


def test_epubcheck_reports_nothing(built: Path, tmp_path: Path) -> None:
    epubs = {name: built / name / f"{name}.epub" for name in NAMES}
    assert epubcheck(epubs, tmp_path) == {name: [] for name in NAMES}


def test_ace_finds_no_violations(built: Path, tmp_path: Path) -> None:
    epubs = {name: built / name / f"{name}.epub" for name in NAMES}
    assert ace(epubs, tmp_path) == {name: [] for name in NAMES}


def test_every_web_page_validates_and_every_link_in_dist_leads_somewhere(built: Path) -> None:
    assert html_errors([page for name in NAMES for page in sorted((built / name / "web").rglob("*.html"))]) == []
    assert broken_links(built) == []


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_long_words_never_make_a_web_page_scroll_sideways(built: Path, browser: object, width: int) -> None:
    pages = sorted((built / "issue-40" / "web").rglob("*.html"))
    assert len(pages) > 3
    assert [f for page in pages for f in overflow(page, width, browser)] == []


def test_every_pdf_is_pdf_ua1(built: Path) -> None:
    found = pdf_failures(built / name / f"{name}.pdf" for name in NAMES)
    assert found == {name: [] for name in NAMES}


# --- issue 20: photos everywhere -----------------------------------------------------------------------

#: Where each photo of issue 20 stands, as the EPUB's XHTML shows it.
PLACES = {
    "front matter": "x:figure[contains(@class, 'lead')]//x:img",
    "body": "x:figure[contains(@class, 'inline')]//x:img",
    "list item": "x:ul/x:li//x:img",
    "quotation": "x:blockquote//x:img",
    "table cell": "x:div/x:table//x:td//x:img",
    "running text": "x:p/x:em/x:img",
    "footnote": "x:section/x:aside[@epub:type='footnote']//x:img",
}


def test_issue_20_epub_shows_and_packages_a_photo_in_every_place(built: Path) -> None:
    with zipfile.ZipFile(built / "issue-20" / "issue-20.epub") as book:
        article = etree.fromstring(book.read("EPUB/a1.xhtml"))
        body = article.find("x:body", NS)
        for place, path in PLACES.items():
            found = body.xpath(f".//{path}", namespaces=NS)
            assert found, f"no photo in the {place}"
            for img in found:
                assert img.get("alt"), place
                assert f"EPUB/{img.get('src')}" in book.namelist(), place


def test_issue_20_pdf_draws_and_tags_every_photo(built: Path) -> None:
    pdf = built / "issue-20" / "issue-20.pdf"
    listed = subprocess.run([require_tool("pdfimages"), "-list", str(pdf)], capture_output=True, text=True, check=True)
    assert len(listed.stdout.splitlines()[2:]) == 9  # 1 lead, 1 body, 2 in the list, 1 quoted, 3 inline, 1 noted
    tree = subprocess.run([require_tool("pdfinfo"), "-struct", str(pdf)], capture_output=True, text=True, check=True)
    assert re.findall(r"^\s*(\w+)", tree.stdout, re.MULTILINE).count("Figure") == 9


def test_issue_20_text_names_every_photo_where_it_stands(built: Path) -> None:
    text = (built / "issue-20" / "issue-20.txt").read_text()
    flat = " ".join(text.split())
    for words in (
        "[Photo: The show marquee on Saturday morning, before the judges arrived.] Photo: Priya Natarajan",
        "[Photo: The heaviest marrow, on the weighing bench.]",
        "[Photo: A long green marrow on a potting bench]",
        "[Photo: Biscuit, unimpressed by the judging.]",
        "[Photo: A small white goat surrounded by children on a grass field]",
        "[Photo: A red rosette]",
    ):
        assert words in flat
    assert re.search(r"^Vegetables +Ken Adeyemi +\[Photo: A red first-prize rosette\]$", text, re.MULTILINE)
    assert re.search(r"^Small animals +Biscuit the goat +\[Photo: Second prize\]$", text, re.MULTILINE)
    notes = text[text.index("\nNotes\n"):]
    assert "[Photo: The society\u2019s scales, bought in 1987.]" in " ".join(notes.split())


def test_issue_20_records_every_photo_it_was_made_from(built: Path) -> None:
    state = json.loads((built / "issue-20" / ".paperpress-state.json").read_text())
    photos = {f"issues/issue-20/photos/{p.name}" for p in PHOTOS.iterdir()}
    assert photos <= set(state["inputs"])


# --- issues 60 to 62: control characters, a non-ASCII photo name, dates a zip cannot hold ----------------


def test_no_control_character_reaches_any_edition_or_the_catalog(built: Path) -> None:
    found = []
    for path in sorted(built.rglob("*")):
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as epub:
                texts = {f"{path.name}!{n}": epub.read(n) for n in epub.namelist() if not n.startswith("EPUB/images/")}
        elif path.suffix in (".txt", ".xml", ".html"):
            texts = {path.name: path.read_bytes()}
        else:
            continue
        found += [name for name, data in texts.items() if FORBIDDEN.search(data.decode("utf-8"))]
    assert found == []
    text = (built / "issue-60/issue-60.txt").read_text()
    assert "The café on the corner reopens" in text and "The restored front on Mill Street" in text
    assert "Plot holders will pay" in text and "Photo: Courier[5m photo desk" in text


@pytest.mark.parametrize(("name", "zip_time", "date"), [
    ("issue-61", (2107, 12, 31, 23, 59, 58), "2200-01-01"),
    ("issue-62", (1980, 1, 1, 0, 0, 0), "1850-01-01"),
])
def test_dates_a_zip_cannot_hold_are_clamped_in_the_zip_and_kept_in_the_metadata(
    built: Path, name: str, zip_time: tuple[int, ...], date: str
) -> None:
    with zipfile.ZipFile(built / name / f"{name}.epub") as epub:
        assert {info.date_time for info in epub.infolist()} == {zip_time}
        opf = epub.read("EPUB/content.opf").decode()
    assert f"<dc:date>{date}</dc:date>" in opf and f'"dcterms:modified">{date}T12:00:00Z<' in opf
    pikepdf = require_module("pikepdf")
    with pikepdf.open(built / name / f"{name}.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith(f"D:{date.replace('-', '')}120000")
    assert f"<updated>{date}T12:00:00Z</updated>" in (built / "opds.xml").read_text()




def test_no_text_edition_shows_markdown_link_syntax(built: Path) -> None:
    shown = {name: "](" in (built / name / f"{name}.txt").read_text(encoding="utf-8") for name in NAMES}
    assert shown == dict.fromkeys(NAMES, False)
