"""The EPUB edition: valid (EPUBCheck), accessible (Ace), navigable, described, reproducible, Kindle-ready."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import uuid
import zipfile
from itertools import pairwise
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from paperpress.editions.epub.edition import EpubEdition
from paperpress.editions.frame import issue_identifier
from paperpress.model import Issue
from paperpress.options import BuildOptions, source_date
from paperpress.run.issue import build_info, check_issue, open_publication
from tests.checkers import ace, epubcheck
from tests.editions.test_images import PHOTOS
from tests.support import FIXTURES, REPO, copy_publication, require_tool, run_elsewhere

EDGE = FIXTURES / "epub-edge"
SAMPLES = ("issue-1140", "issue-1141", "issue-1142")
EDGES = ("issue-1", "issue-2", "issue-3", "issue-4")
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}


def write_edge_publication(dest: Path) -> Path:
    """The edge-case publication with what is too big or too binary to commit: a very long article, 20 photos."""
    root = copy_publication(EDGE, dest)
    photos = root / "issues" / "issue-4" / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    for name, make in PHOTOS.items():
        (photos / name).write_bytes(make())
    body = ["---", "title: Ten thousand words on the river", "byline: Features desk",
            "standfirst: Everything that happened on the river this year, at length.", "---"]
    for part in range(1, 31):
        body += [f"## Part {part}", ""]
        body += [f"Paragraph 1 of part {part}. " + "The river rose and fell with the tides, " * 6
                 + f"and the ferry ran on time.[^{part}]", ""]
        for n in range(2, 13):
            body += [f"Paragraph {n} of part {part}. " + "Boats passed under the old bridge all day long. " * 5, ""]
        body += [f"[^{part}]: A note on part {part}.", ""]
    (root / "issues" / "issue-2" / "long-read.md").write_text("\n".join(body), encoding="utf-8")
    return root


def load(root: Path, name: str) -> tuple[Issue, object, object]:
    pub = open_publication(root)
    checked = check_issue(pub, name)
    issue, problems = checked.value, checked.problems
    assert issue is not None, [str(p) for p in problems]
    return issue, pub, build_info(pub, issue)


def render(root: Path, name: str) -> bytes:
    issue, pub, info = load(root, name)
    return EpubEdition().render(issue, pub.layouts, info)[0].data  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def edge_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_edge_publication(tmp_path_factory.mktemp("epub-edge") / "pub")


@pytest.fixture(scope="session")
def epubs(edge_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every sample and edge-case issue built once, as files for the checkers."""
    out = tmp_path_factory.mktemp("epubs")
    found = {}
    for root, names in ((REPO, SAMPLES), (edge_root, EDGES)):
        for name in names:
            path = out / f"{'edge-' if root == edge_root else ''}{name}.epub"
            path.write_bytes(render(root, name))
            found[path.stem] = path
    return found


class Book:
    """An EPUB opened for reading its package, navigation and documents."""

    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(f"EPUB/{name}"))

    @property
    def opf(self) -> etree._Element:
        return self.xml("content.opf")

    def meta(self, prop: str) -> list[str]:
        return [m.text for m in self.opf.iterfind(f"opf:metadata/opf:meta[@property='{prop}']", NS)]

    def documents(self) -> list[str]:
        return [n.removeprefix("EPUB/") for n in self.zip.namelist() if n.endswith(".xhtml")]


@pytest.fixture(scope="module")
def sample() -> Book:
    return Book(render(REPO, "issue-1142"))


# --- independent checkers ------------------------------------------------------------------------------


def test_epubcheck_reports_nothing_on_samples_and_edge_cases(epubs: dict[str, Path], tmp_path: Path) -> None:
    assert epubcheck(epubs, tmp_path) == {name: [] for name in epubs}


def test_ace_finds_no_accessibility_violations(epubs: dict[str, Path], tmp_path: Path) -> None:
    names = ["issue-1142", *(f"edge-{n}" for n in EDGES)]
    assert ace({name: epubs[name] for name in names}, tmp_path) == {name: [] for name in names}


def test_calibre_converts_to_kindle_format_and_reads_the_series(epubs: dict[str, Path], tmp_path: Path) -> None:
    convert = require_tool("ebook-convert")
    meta = require_tool("ebook-meta")
    target = tmp_path / "issue-1142.azw3"
    done = subprocess.run([convert, str(epubs["issue-1142"]), str(target)], check=False, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert target.stat().st_size > 100_000
    shown = subprocess.run([meta, str(epubs["issue-1142"])], check=False, capture_output=True, text=True, timeout=120).stdout
    assert re.search(r"^Series\s*: The Riverside Courier #1142", shown, re.MULTILINE), shown
    assert re.search(r"^Title\s*: The Riverside Courier, Issue 1142, Friday 20 November 2026", shown, re.MULTILINE), shown
    assert re.search(r"^Languages\s*: eng", shown, re.MULTILINE), shown


# --- navigation -----------------------------------------------------------------------------------------


def test_nav_lists_sections_then_their_articles_with_bylines(sample: Book) -> None:
    issue, _, _ = load(REPO, "issue-1142")
    toc = sample.xml("nav.xhtml").find(".//x:nav[@epub:type='toc']", NS)
    assert toc.get("role") == "doc-toc"
    tree = []
    for li in toc.findall("x:ol/x:li", NS):
        link = li.find("x:a", NS)
        children = ["".join(a.itertext()) for a in li.findall("x:ol/x:li/x:a", NS)]
        tree.append((link.text, link.get("href"), children))
    expected = [
        (s.title, f"{s.id}.xhtml", [a.title + (f" · {a.byline}" if a.byline else "") for a in s.articles])
        for s in issue.sections
    ]
    assert tree == expected


def test_ncx_holds_the_same_tree_in_play_order(sample: Book) -> None:
    issue, _, _ = load(REPO, "issue-1142")
    ncx = sample.xml("toc.ncx")
    points = ncx.findall("ncx:navMap/ncx:navPoint", NS)
    assert [p.findtext("ncx:navLabel/ncx:text", namespaces=NS) for p in points] == [s.title for s in issue.sections]
    orders = [int(p.get("playOrder")) for p in ncx.iter(f"{{{NS['ncx']}}}navPoint")]
    assert orders == list(range(1, len(issue.sections) + len(issue.articles) + 1))
    assert ncx.find("ncx:head/ncx:meta[@name='dtb:uid']", NS).get("content") == issue_identifier(issue)


def test_landmarks_lead_to_cover_contents_and_first_article(sample: Book) -> None:
    landmarks = sample.xml("nav.xhtml").find(".//x:nav[@epub:type='landmarks']", NS)
    links = {a.get(f"{{{NS['epub']}}}type"): a.get("href") for a in landmarks.iter(f"{{{NS['x']}}}a")}
    assert links == {"cover": "cover.xhtml", "toc": "nav.xhtml#toc", "bodymatter": "a1.xhtml"}


def test_spine_reads_cover_contents_then_each_section_front_and_its_articles(sample: Book) -> None:
    opf = sample.opf
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind("opf:manifest/opf:item", NS)}
    spine = [hrefs[r.get("idref")] for r in opf.iterfind("opf:spine/opf:itemref", NS)]
    issue, _, _ = load(REPO, "issue-1142")
    expected = ["cover.xhtml", "nav.xhtml"]
    for section in issue.sections:
        expected += [f"{section.id}.xhtml", *(f"{a.id}.xhtml" for a in section.articles)]
    assert spine == expected
    assert opf.find("opf:spine", NS).get("toc") == "ncx"


# --- metadata -------------------------------------------------------------------------------------------


def test_metadata_names_the_issue_and_its_series_both_ways(sample: Book) -> None:
    opf = sample.opf
    md = opf.find("opf:metadata", NS)
    assert md.findtext("dc:title", namespaces=NS) == "The Riverside Courier, Issue 1142, Friday 20 November 2026"
    assert md.findtext("dc:language", namespaces=NS) == "en"
    assert md.findtext("dc:date", namespaces=NS) == "2026-11-20"
    assert md.findtext("dc:publisher", namespaces=NS) == "Riverside Courier Cooperative"
    assert "Tram drivers, engineers and cleaners" in md.findtext("dc:description", namespaces=NS)
    assert [s.text for s in md.findall("dc:subject", NS)][:2] == ["News", "Workplace"]
    assert sample.meta("belongs-to-collection") == ["The Riverside Courier"]
    assert md.find("opf:meta[@refines='#series'][@property='collection-type']", NS).text == "series"
    assert md.find("opf:meta[@refines='#series'][@property='group-position']", NS).text == "1142"
    calibre = {m.get("name"): m.get("content") for m in md.findall("opf:meta[@name]", NS)}
    assert calibre["calibre:series"] == "The Riverside Courier"
    assert calibre["calibre:series_index"] == "1142"
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_accessibility_metadata_is_complete(sample: Book) -> None:
    assert set(sample.meta("schema:accessMode")) == {"textual", "visual"}
    assert sample.meta("schema:accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "alternativeText", "readingOrder"} <= set(
        sample.meta("schema:accessibilityFeature")
    )
    assert sample.meta("schema:accessibilityHazard") == ["none"]
    assert sample.meta("schema:accessibilitySummary")[0]
    assert sample.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]


def test_identifier_is_stable_across_builds_and_differs_between_issues(edge_root: Path) -> None:
    issue, _, _ = load(REPO, "issue-1142")
    first = Book(render(REPO, "issue-1142")).opf.findtext("opf:metadata/dc:identifier", namespaces=NS)
    again = Book(render(REPO, "issue-1142")).opf.findtext("opf:metadata/dc:identifier", namespaces=NS)
    assert first == again == issue_identifier(issue)
    assert first == "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{issue.publication.identifier}#issue-1142"))
    others = {issue_identifier(load(REPO, n)[0]) for n in SAMPLES} | {issue_identifier(load(edge_root, "issue-1")[0])}
    assert len(others) == 4


# --- documents ------------------------------------------------------------------------------------------


def test_every_document_has_its_language_and_every_image_its_description(epubs: dict[str, Path]) -> None:
    for name, path in epubs.items():
        book = Book(path.read_bytes())
        for doc in book.documents():
            root = book.xml(doc)
            assert root.get("lang") and root.get("{http://www.w3.org/XML/1998/namespace}lang"), (name, doc)
            for img in root.iter(f"{{{NS['x']}}}img"):
                assert (img.get("alt") or "").strip(), (name, doc, img.get("src"))


def test_headings_never_skip_a_level(epubs: dict[str, Path]) -> None:
    for name, path in epubs.items():
        book = Book(path.read_bytes())
        for doc in book.documents():
            levels = [int(h.tag[-1]) for h in book.xml(doc).iter() if re.fullmatch(r"\{.*\}h[1-6]", str(h.tag))]
            assert not levels or levels[0] == 1, (name, doc, levels)
            assert all(b - a <= 1 for a, b in pairwise(levels)), (name, doc, levels)


def test_article_page_has_header_lead_photo_and_epub_footnotes(sample: Book) -> None:
    root = sample.xml("a4.xhtml")
    article = root.find(".//x:article", NS)
    assert article.findtext("x:header/x:h1", namespaces=NS).startswith("Foundry Road")
    assert article.find("x:header/x:p[@class='standfirst']", NS) is not None
    assert article.findtext("x:header/x:p[@class='byline']", namespaces=NS) == "Workplace correspondent"
    lead = article.find("x:figure[@class='photo lead']", NS)
    assert lead.find("x:img", NS).get("src").startswith("images/")
    assert "Courier photo desk" in "".join(lead.find("x:figcaption", NS).itertext())
    ref = root.find(".//x:a[@epub:type='noteref']", NS)
    note = root.find(f".//x:aside[@id='{ref.get('href')[1:]}']", NS)
    assert note.get(f"{{{NS['epub']}}}type") == "footnote" and note.get("role") == "doc-footnote"
    assert note.find(".//x:a[@role='doc-backlink']", NS).get("href") == "#" + ref.get("id")


def test_right_to_left_paragraphs_follow_their_own_direction(epubs: dict[str, Path]) -> None:
    book = Book(epubs["edge-issue-3"].read_bytes())
    docs = {d: book.xml(d) for d in book.documents()}
    arabic = [p for root in docs.values() for p in root.iter(f"{{{NS['x']}}}p") if "الإسكندرية" in "".join(p.itertext())]
    assert arabic and all(p.get("dir") == "auto" for p in arabic)


def test_twenty_photos_are_all_normalised(epubs: dict[str, Path]) -> None:
    book = Book(epubs["edge-issue-4"].read_bytes())
    images = [n for n in book.zip.namelist() if n.startswith("EPUB/images/") and "cover" not in n]
    assert len(images) == 20
    for name in images:
        img = Image.open(io.BytesIO(book.zip.read(name)))
        assert img.format in ("JPEG", "PNG") and max(img.size) <= 1600 and not img.getexif(), name
    items = {i.get("href"): i.get("media-type") for i in book.opf.iterfind("opf:manifest/opf:item", NS)}
    assert all(items[n.removeprefix("EPUB/")] == ("image/png" if n.endswith(".png") else "image/jpeg") for n in images)


def test_stylesheet_leaves_size_spacing_and_colour_of_text_to_the_reader(sample: Book) -> None:
    css = sample.zip.read("EPUB/style.css").decode()
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL))
    for selector, body in rules:
        assert not re.search(r"(^|[;\s])(color|background(-color)?)\s*:", body), selector
        assert not re.search(r"\d(px|pt)\b", body.replace("1px solid", "").replace("2px", "").replace("3px", "")), selector
        names = {s.strip() for s in selector.split(",")}
        if names & {"body", "html", "p"}:
            assert not re.search(r"(font-size|line-height|font-family)\s*:", body), selector
    assert re.search(r"figure img\s*\{[^}]*max-width:\s*100%", css)


# --- cover ----------------------------------------------------------------------------------------------


def test_generated_cover_is_a_kindle_sized_jpeg_with_a_cover_page(sample: Book, epubs: dict[str, Path]) -> None:
    for book in (sample, Book(epubs["edge-issue-1"].read_bytes())):  # with a lead photo, and with none at all
        item = book.opf.find("opf:manifest/opf:item[@properties='cover-image']", NS)
        img = Image.open(io.BytesIO(book.zip.read("EPUB/" + item.get("href"))))
        assert (img.format, img.size, img.mode) == ("JPEG", (1600, 2560), "RGB")
        page = book.xml("cover.xhtml").find(".//x:img", NS)
        assert page.get("src") == item.get("href") and "issue" in page.get("alt")


def test_generated_cover_leaves_out_scripts_its_fonts_cannot_draw() -> None:
    from paperpress.editions.cover import _drawable

    assert _drawable("Tram depot votes to strike — Καλημέρα, Здравствуйте")
    assert not _drawable("مرحبا من الإسكندرية") and not _drawable("日本の新聞")


def test_a_cover_in_the_manifest_is_used_normalised(tmp_path: Path) -> None:
    root = copy_publication(REPO, tmp_path / "pub")
    (root / "issues" / "cover.png").write_bytes(PHOTOS["p07.png"]())
    manifest = root / "issues" / "issue-1140.yaml"
    manifest.write_text(manifest.read_text() + "cover: cover.png\n")
    book = Book(render(root, "issue-1140"))
    item = book.opf.find("opf:manifest/opf:item[@properties='cover-image']", NS)
    img = Image.open(io.BytesIO(book.zip.read("EPUB/" + item.get("href")))).convert("RGB")
    assert img.size == (300, 200) and img.getpixel((2, 2)) == (255, 255, 255)


# --- the package ----------------------------------------------------------------------------------------


def test_zip_has_mimetype_first_and_stored_fixed_times_and_stored_photos(sample: Book) -> None:
    infos = sample.zip.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert infos[0].extra == b"" and sample.zip.read("mimetype") == b"application/epub+zip"
    assert {i.date_time for i in infos} == {(2026, 11, 20, 12, 0, 0)}
    for info in infos:
        if info.filename.endswith((".jpg", ".png")):
            assert info.compress_type == zipfile.ZIP_STORED, info.filename
        elif info.filename.endswith((".xhtml", ".css", ".opf", ".ncx")):
            assert info.compress_type == zipfile.ZIP_DEFLATED, info.filename


_BUILD = (
    "import sys; from pathlib import Path; from tests.editions.epub.test_edition import render; "
    "sys.stdout.buffer.write(render(Path(sys.argv[1]), 'issue-1142'))"
)


def _build_in(env: dict[str, str]) -> bytes:
    return run_elsewhere(_BUILD, env, timeout=120)


def test_two_builds_in_different_time_zones_and_locales_are_identical() -> None:
    east = _build_in({"TZ": "Pacific/Auckland", "LC_ALL": "C.UTF-8"})
    west = _build_in({"TZ": "America/Los_Angeles", "LC_ALL": "C"})
    assert east == west


def test_source_date_epoch_sets_the_modified_date_and_zip_times() -> None:
    issue, pub, _ = load(REPO, "issue-1142")
    info = build_info(pub, issue, BuildOptions(source_date=source_date("1767225600")))  # 2026-01-01 00:00:00 UTC
    book = Book(EpubEdition().render(issue, pub.layouts, info)[0].data)
    assert book.meta("dcterms:modified") == ["2026-01-01T00:00:00Z"]
    assert {i.date_time for i in book.zip.infolist()} == {(2026, 1, 1, 0, 0, 0)}


def test_an_epub_build_never_imports_weasyprint() -> None:
    code = _BUILD.replace("sys.stdout.buffer.write(", "len(") + "; assert 'weasyprint' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", code, str(REPO)], cwd=REPO, check=False, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-2000:]


# --- links, subheads and notes whatever the copy ---------------------------------------------------------


@pytest.fixture(scope="module")
def unusual_links() -> Book:
    return Book(render(FIXTURES / "unusual", "30"))


def test_links_into_the_issue_lead_to_an_element_of_the_right_document(unusual_links: Book) -> None:
    book = unusual_links
    ids = {doc: set(book.xml(doc).xpath("//@id")) for doc in book.documents()}
    hrefs = {doc: [a.get("href") for a in book.xml(doc).iterfind(".//x:a[@class]", NS)
                   if a.get("class") in ("anchor", "xref")] for doc in ("a1.xhtml", "a2.xhtml", "a3.xhtml")}
    assert hrefs == {
        "a1.xhtml": ["#a1-h-what-changes", "a2.xhtml", "a2.xhtml#a2-h-what-the-engineers-found", "#a1-h-what-changes"],
        "a2.xhtml": ["a1.xhtml#a1-h-what-changes", "a1.xhtml", "a3.xhtml"],
        "a3.xhtml": ["#a3-h-tomatoes-2", "a1.xhtml"],
    }
    for doc, links in hrefs.items():
        for href in links:
            target, _, fragment = href.partition("#")
            assert not fragment or fragment in ids[target or doc], (doc, href)
    placeholders = "".join(book.xml("a1.xhtml").itertext())
    assert "our last report" in placeholders and 'href="#"' not in book.zip.read("EPUB/a1.xhtml").decode()


def test_every_id_is_unique_and_a_note_cited_twice_links_back_to_the_first_mark(unusual_links: Book) -> None:
    doc = unusual_links.xml("a1.xhtml")
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids))
    marks = [a.get("id") for a in doc.iterfind(".//x:a[@class='noteref']", NS)]
    assert marks == ["ref-a1-fn1", "ref-a1-fn1-2"]
    assert [a.get("href") for a in doc.iterfind(".//x:a[@class='backlink']", NS)] == ["#ref-a1-fn1"]


def test_heading_levels_never_skip_in_any_document(unusual_links: Book) -> None:
    for name in ("a1.xhtml", "a2.xhtml", "a3.xhtml"):
        levels = [int(h.tag[-1]) for h in unusual_links.xml(name).iter() if re.fullmatch(r"\{.*\}h[1-6]", str(h.tag))]
        assert levels[0] == 1 and all(b <= a + 1 for a, b in pairwise(levels)), (name, levels)
    assert [int(h.tag[-1]) for h in unusual_links.xml("a2.xhtml").iter() if str(h.tag).endswith(("h2", "h3"))] \
        == [2, 3, 2, 2, 3]


def test_long_words_wrap_inside_a_narrow_screen(tmp_path: Path) -> None:
    """60-letter compounds, a URL written out, codes and "aaaa…" in headlines and text: no sideways scrolling
    at 500 px, the narrowest window headless Chromium lays out."""
    chromium = require_tool("chromium")
    book = Book(render(FIXTURES / "unusual", "issue-40"))
    book.zip.extractall(tmp_path)
    widths = {}
    for name in (n for n in book.documents() if re.fullmatch(r"a\d+\.xhtml", n)):
        page = tmp_path / "EPUB" / name
        measure = "<script>document.body.setAttribute('data-width', document.documentElement.scrollWidth)</script>"
        page.write_text(page.read_text(encoding="utf-8").replace("</body>", measure + "</body>"), encoding="utf-8")
        done = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=500,800", "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=120, check=False,
        )
        found = re.search(r'data-width="(\d+)"', done.stdout)
        assert found, done.stderr[-500:]
        widths[name] = int(found.group(1))
    assert widths and all(width <= 500 for width in widths.values()), widths


def test_each_article_ends_with_previous_section_and_next_links_in_reading_order(sample: Book) -> None:
    """calibre's news recipes end an article this way: a reader goes on without the contents."""
    spine = [sample.opf.find(f"opf:manifest/opf:item[@id='{ref.get('idref')}']", NS).get("href")
             for ref in sample.opf.iterfind("opf:spine/opf:itemref", NS)]
    articles = [href for href in spine if sample.xml(href).find(".//x:article", NS) is not None]
    assert len(articles) > 2
    for at, href in enumerate(articles):
        nav = sample.xml(href).find(".//x:nav[@class='article-nav']", NS)
        links = {li.get("class"): li.find("x:a", NS) for li in nav.iterfind("x:ul/x:li", NS)}
        front = [h for h in spine[: spine.index(href)] if sample.xml(h).find(".//x:article", NS) is None][-1]
        assert links["section"].get("href") == front  # the front of the section the article is in
        assert "".join(links["section"].itertext()).startswith("Section: ")
        if at == 0:
            assert "previous" not in links
        else:
            assert links["previous"].get("href") == articles[at - 1] and links["previous"].get("rel") == "prev"
        if at == len(articles) - 1:
            assert "next" not in links
        else:
            assert links["next"].get("href") == articles[at + 1] and links["next"].get("rel") == "next"
            title = sample.xml(articles[at + 1]).findtext(".//x:header/x:h1", namespaces=NS)
            assert "".join(links["next"].itertext()) == f"Next: {title}"
