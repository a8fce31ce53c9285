"""The PDF edition, checked by tools nobody here wrote: qpdf, poppler, page-validation, pikepdf.

The sample issue is built once per profile and shared; each test reads those bytes.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from paperpress.config import page_size_mm
from paperpress.editions.frame import credit_line
from paperpress.editions.pdf.edition import (
    PRINT_PPI,
    PdfEdition,
    _photos_across,
    column_runs,
    photos_after_intro,
    photos_in_columns,
    press_warnings,
    section_flows,
)
from paperpress.errors import PaperpressError
from paperpress.model import Article, Block, Figure, Heading, Image, ListBlock, Paragraph, Quote, Table
from paperpress.model.walk import images
from paperpress.options import BuildOptions, source_date
from paperpress.run.issue import build_info, check_issue, open_publication
from tests.support import FIXTURES, REPO, copy_publication, long_issue, reaches, require_module, require_tool

pytestmark = pytest.mark.slow

_MM = 72 / 25.4

def _build(root: Path, name: str, profile: str) -> bytes:
    """The PDF of issue `name`, made as a build makes it: what it made for the cache is kept once it is done."""
    pub = open_publication(root)
    checked = check_issue(pub, name)
    issue, problems = checked.value, checked.problems
    assert issue is not None, problems
    info = build_info(pub, issue, BuildOptions(pdf_profile=profile, source_date=source_date(os.environ.get("SOURCE_DATE_EPOCH"))))
    data = PdfEdition().render(issue, pub.layouts, info)[0].data
    info.caches.commit()
    return data


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """issue-1142 in every profile, as files the tools can read."""
    folder = tmp_path_factory.mktemp("pdf")
    paths = {}
    for profile in ("screen", "archive", "print"):
        paths[profile] = folder / f"{profile}.pdf"
        paths[profile].write_bytes(_build(REPO, "issue-1142", profile))
    return paths


@pytest.fixture(scope="module")
def issue():
    pub = open_publication(REPO)
    found = check_issue(pub, "issue-1142").value
    assert found is not None
    return found


def _run(*args: str | Path) -> str:
    tool = require_tool(str(args[0]))
    done = subprocess.run([tool, *map(str, args[1:])], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _letters(text: str) -> str:
    """Letters and digits only: line breaks, hyphenation and quote styles do not matter."""
    return re.sub(r"[\W_]+", "", text).casefold()


@pytest.mark.parametrize("profile", ["screen", "archive", "print"])
def test_qpdf_finds_nothing_wrong(sample: dict[str, Path], profile: str) -> None:
    assert "No syntax or stream encoding errors found" in _run("qpdf", "--check", sample[profile])


@pytest.mark.parametrize("profile", ["screen", "print"])
def test_every_font_is_embedded_and_one_of_ours(sample: dict[str, Path], profile: str) -> None:
    rows = _run("pdffonts", sample[profile]).splitlines()[2:]
    assert rows
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert emb == "yes", row
        assert re.fullmatch(r"[A-Z]{6}\+Source-(Serif|Sans)-Pro(-[A-Za-z-]+)?", name), row
        assert "Oblique" not in name, f"a slanted face was faked: {row}"


def test_metadata_names_the_issue(sample: dict[str, Path]) -> None:
    info = dict(line.split(":", 1) for line in _run("pdfinfo", sample["screen"]).splitlines() if ":" in line)
    info = {k.strip(): v.strip() for k, v in info.items()}
    assert info["Title"] == "The Riverside Courier, Issue 1142, Friday 20 November 2026"
    assert info["Author"] == "Riverside Courier Cooperative"
    assert info["Subject"] == "Two libraries face closure as tram depot votes to strike"
    assert "Workplace" in info["Keywords"]
    assert info["CreationDate"] == "Fri Nov 20 12:00:00 2026 UTC"
    assert info["Tagged"] == "yes"
    assert info["Page size"].startswith("595.276 x 841.89")
    pikepdf = require_module("pikepdf")
    with pikepdf.open(sample["screen"]) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)


def test_screen_profile_has_a_structure_tree(sample: dict[str, Path], issue) -> None:
    tree = _run("pdfinfo", "-struct", sample["screen"])
    tags = re.findall(r"^\s*(\w+)", tree, re.MULTILINE)
    assert tags.count("H1") == len(issue.sections)
    assert tags.count("H2") == len(issue.articles)
    assert tags.count("Figure") == len(images(issue.sections))
    assert tags.count("Table") == 2 and tags.count("P") > 100


def test_screen_profile_is_pdf_ua1(sample: dict[str, Path]) -> None:
    page = require_module("page", "page-validation")
    result = page.validate_pdf(str(sample["screen"]), profile="ua1")
    assert result.failures == [] and result.is_compliant


def test_archive_profile_is_pdf_a2u(sample: dict[str, Path]) -> None:
    page = require_module("page", "page-validation")
    result = page.validate_pdf(str(sample["archive"]), profile="2u")
    assert result.failures == [] and result.is_compliant


def test_print_profile_has_bleed_crop_marks_and_a_pdfx_output_intent(sample: dict[str, Path], tmp_path: Path) -> None:
    boxes = _run("pdfinfo", "-box", sample["print"])
    media = [float(v) for v in re.search(r"MediaBox:\s+(.*)", boxes)[1].split()]
    trim = [float(v) for v in re.search(r"TrimBox:\s+(.*)", boxes)[1].split()]
    assert [float(v) for v in re.search(r"BleedBox:\s+(.*)", boxes)[1].split()] == media  # 3 mm round the trim
    bleed = 3 * _MM
    assert media[0] == pytest.approx(trim[0] - bleed, abs=0.05) and media[2] == pytest.approx(trim[2] + bleed, abs=0.05)
    pikepdf = require_module("pikepdf")
    with pikepdf.open(sample["print"]) as pdf:
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX" and intent.DestOutputProfile.N == 4  # the press's CMYK profile
        assert str(intent.OutputConditionIdentifier) == "Artifex CMYK SWOP Profile"
        xmp = pdf.Root.Metadata.read_bytes()
    assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    # crop marks are drawn in the bleed, outside the trim box: the corner of the sheet has ink
    from PIL import Image as image_module
    _run("pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", sample["print"], tmp_path / "sheet")
    sheet = image_module.open(next(tmp_path.glob("sheet*.png"))).convert("L")
    strip = sheet.crop((0, 0, sheet.width, 11))  # the top 3 mm of the sheet, all bleed
    assert min(strip.tobytes()) < 128, "no crop marks in the bleed"


@dataclasses.dataclass
class _Colours:
    """What a PDF's drawing is coloured with, read by pikepdf from every page, form and pattern."""

    rgb: list[str] = dataclasses.field(default_factory=list)  # an RGB operator, space or image, and where
    spaces: set[str] = dataclasses.field(default_factory=set)
    images: set[str] = dataclasses.field(default_factory=set)
    text: set[tuple[float, ...]] = dataclasses.field(default_factory=set)  # the fill colours text is shown in
    cmyk: set[tuple[float, ...]] = dataclasses.field(default_factory=set)  # every k and K colour
    overprinted: set[tuple[tuple[float, ...], bool]] = dataclasses.field(default_factory=set)  # text's fill, overprinting


def _colours(path: Path) -> _Colours:
    pikepdf = require_module("pikepdf")
    found, seen = _Colours(), set()

    def space(value: Any, where: str) -> None:
        name = str(value[0]) if isinstance(value, pikepdf.Array) else str(value)
        if name == "/ICCBased":
            name += f" N={int(value[1].N)}"
        found.spaces.add(name)
        if name in ("/DeviceRGB", "/CalRGB", "/ICCBased N=3"):
            found.rgb.append(f"{where}: {name}")

    def resources(res: Any, where: str) -> None:
        if res is None:
            return
        for value in (res.get("/ColorSpace") or {}).values():
            space(value, where)
        for kind in ("/XObject", "/Pattern"):
            for name, obj in (res.get(kind) or {}).items():
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
                if obj.get("/Subtype") == "/Image":
                    found.images.add(str(obj.get("/ColorSpace")))
                    space(obj.get("/ColorSpace"), f"{where} image {name}")
                elif isinstance(obj, pikepdf.Stream):
                    content(obj, f"{where} {kind[1:].lower()} {name}")

    def content(obj: Any, where: str) -> None:
        fill: tuple[float, ...] = ()
        states = (obj.get("/Resources") or {}).get("/ExtGState") or {}
        overprint = [False]  # the fill's overprint flag, through q and Q
        for operands, operator in pikepdf.parse_content_stream(obj):
            op = str(operator)
            if op == "q":
                overprint.append(overprint[-1])
            elif op == "Q":
                overprint.pop()
            elif op == "gs":
                state = states[str(operands[0])]
                overprint[-1] = bool(state.get("/op", state.get("/OP", overprint[-1])))
            elif op in ("rg", "RG"):
                found.rgb.append(f"{where}: {[float(v) for v in operands]} {op}")
            elif op in ("cs", "CS"):
                space(operands[0], where)
            elif op in ("k", "K"):
                found.cmyk.add(tuple(float(v) for v in operands))
                if op == "k":
                    fill = tuple(float(v) for v in operands)
            elif op in ("Tj", "TJ", "'", '"'):
                found.text.add(fill)
                found.overprinted.add((fill, overprint[-1]))
        if "/Group" in obj and "/CS" in obj.Group:
            space(obj.Group.CS, f"{where} group")
        resources(obj.get("/Resources"), where)

    with pikepdf.open(path) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            content(page.obj, f"page {n}")
    return found


def test_print_profile_draws_in_cmyk_only(sample: dict[str, Path]) -> None:
    found = _colours(sample["print"])
    assert found.rgb == []
    assert found.images == {"/DeviceCMYK"}
    assert found.spaces <= {"/DeviceCMYK", "/ICCBased N=4", "/Lab"}  # WeasyPrint declares Lab, and draws nothing in it
    assert _colours(sample["screen"]).rgb  # the check sees RGB where there is some


def test_print_profile_sets_black_text_and_rules_in_black_ink_alone(sample: dict[str, Path]) -> None:
    found = _colours(sample["print"])
    assert (0, 0, 0, 0.9333) in found.text  # body text, #111
    dark = [colour for colour in found.text if colour[3] >= 0.5]
    assert dark and all(colour[:3] == (0, 0, 0) for colour in dark), dark
    greys = [colour for colour in found.cmyk if colour[0] == colour[1] == colour[2] > 0]
    assert greys == [], f"four-colour greys: {greys}"


def test_print_profile_prints_black_text_over_what_is_under_it_and_knocks_the_rest_out(sample: dict[str, Path]) -> None:
    """Overprint: a letter in black ink on a tint or a photo leaves no white rim when a press's plates are a
    hair out of register. Text in a colour, or in a light grey, knocks out what is under it, as usual."""
    found = _colours(sample["print"]).overprinted
    assert ((0, 0, 0, 0.9333), True) in found  # body text, #111
    assert all(on == (fill[:3] == (0, 0, 0) and fill[3] >= 0.9) for fill, on in found), sorted(found)
    assert any(not on for _, on in found)  # the house red, the white on it, the greys
    assert not any(on for _, on in _colours(sample["screen"]).overprinted)


def _ink(pdf: Path) -> list[float]:
    """The most ink (C+M+Y+K, in percent) on any spot of each page, as PyMuPDF renders it in CMYK at 50 dpi."""
    pymupdf = require_module("pymupdf")
    most = []
    for page in pymupdf.open(pdf):
        samples = page.get_pixmap(dpi=50, colorspace=pymupdf.csCMYK).samples
        most.append(max(map(sum, zip(*(samples[i::4] for i in range(4)), strict=True))) / 2.55)
    return most


def test_print_profile_stays_under_the_ink_limit(sample: dict[str, Path]) -> None:
    most = _ink(sample["print"])
    assert max(most) <= 240 * 1.02, [round(v) for v in most]
    assert max(most) > 200  # the house red and the photos' shadows come near it
    assert max(_ink(sample["screen"])) > 250  # what the screen profile's RGB photos would take


def test_print_profile_ink_limit_comes_from_the_configuration(tmp_path: Path) -> None:
    """The same issue for a press that takes 300 %: more ink in the shadows, still no more than that."""
    root = copy_publication(REPO, tmp_path / "pub")
    (root / "paperpress.yaml").write_text((root / "paperpress.yaml").read_text() + "pdf:\n  ink_limit: 300\n")
    pdf = tmp_path / "300.pdf"
    pdf.write_bytes(_build(root, "issue-1142", "print"))
    most = _ink(pdf)
    assert 240 * 1.02 < max(most) <= 300 * 1.02, [round(v) for v in most]


def test_press_warnings_name_the_packaged_profile_and_photos_under_200_ppi(issue) -> None:
    pub = open_publication(REPO)
    warnings = press_warnings(issue, REPO, pub.config.pdf)
    assert [str(w) for w in warnings] == [
        "paperpress.yaml: warning: pdf.output_profile: no press profile given: the print PDF's colours are for "
        "'Artifex CMYK SWOP Profile' (default_cmyk.icc, installed with Ghostscript), 240 % ink at most "
        "(give your press's CMYK profile as pdf.output_profile)"
    ]
    root = FIXTURES / "unusual"
    unusual = open_publication(root)
    show = check_issue(unusual, "issue-20").value
    named = dataclasses.replace(unusual.config.pdf, output_profile="press.icc")
    assert [str(w) for w in press_warnings(show, root, named)] == [
        "issues/issue-20/allotment-show.md: warning: body: 'issues/issue-20/photos/scales.jpg' is 800 px wide: "
        "152 ppi when printed 133 mm wide (use a photo at least 1050 px wide for the press)"
    ]


def test_the_press_s_own_profile_is_the_output_intent_and_an_rgb_one_is_refused(tmp_path: Path) -> None:
    pikepdf = require_module("pikepdf")
    ghostscript = Path("/usr/share/color/icc/ghostscript")
    if not (ghostscript / "default_cmyk.icc").is_file():
        require_tool("gs")  # skips, saying how to install it
    root = _configured(tmp_path, "  output_profile: press/newsprint.icc\n")
    (root / "press").mkdir()
    (root / "press" / "newsprint.icc").write_bytes((ghostscript / "default_cmyk.icc").read_bytes())
    with pikepdf.open(io.BytesIO(_build(root, "issue-7", "print"))) as pdf:
        [intent] = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "Artifex CMYK SWOP Profile" and intent.DestOutputProfile.N == 4
    pub = open_publication(root)
    assert press_warnings(check_issue(pub, "issue-7").value, root, pub.config.pdf) == []  # named: nothing to say
    for wrong in ("srgb.icc", "ps_cmyk.icc"):  # RGB, and a CMYK profile littleCMS cannot convert to
        (root / "press" / "newsprint.icc").write_bytes((ghostscript / wrong).read_bytes())
        with pytest.raises(PaperpressError) as raised:
            _build(root, "issue-7", "print")
        assert [str(p) for p in raised.value.problems] == [
            "paperpress.yaml: pdf.output_profile: 'press/newsprint.icc' is not a CMYK ICC profile "
            "(ask the press for the profile of its output condition (newsprint, coated…))"
        ]


def _content_text(pdf: Path, page: int | None = None, bleed: float = 0) -> str:
    """Text inside the page margins (so running heads and folios stay out), in the order it was laid out;
    `bleed` in mm around the page, as the print profile has it."""
    width, height = ((v + 2 * bleed) * _MM for v in page_size_mm("A4"))  # type: ignore[union-attr]
    top, side, bottom = (14 + 4 + bleed) * _MM, (14 + bleed) * _MM, (14 + 2 + bleed) * _MM
    crop = ["-x", str(int(side - 2)), "-y", str(int(top - 2)), "-W", str(int(width - 2 * side + 4)),
            "-H", str(int(height - top - bottom + 4))]
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _run("pdftotext", "-raw", *crop, *pages, pdf, "-")


def _inline_words(children: Iterable) -> str:
    out = []
    for node in children:
        if node.kind in ("text", "code"):
            out.append(node.text)
        elif node.kind == "footnote_ref":
            out.append(str(node.number))
        elif node.kind == "br":
            out.append(" ")
        elif hasattr(node, "children"):
            out.append(_inline_words(node.children))
    return "".join(out)


def _expected(article: Article, after_intro: bool) -> list[str]:
    """What a reader must find, in the order the article gives it (table cells are checked apart); an article
    that runs its photos under its first paragraph (`after_intro`, `photos_after_intro`) gives them there."""
    found = [article.title, article.standfirst or "", article.byline or ""]

    def photo(image: Image) -> None:
        found.extend([image.caption or "", credit_line(image)])

    def walk(blocks: Iterable[Block]) -> None:
        for block in blocks:
            if isinstance(block, (Paragraph, Heading)):
                found.append(_inline_words(block.children))
            elif isinstance(block, Quote):
                walk(block.children)
            elif isinstance(block, ListBlock):
                for item in block.items:
                    walk(item)
            elif isinstance(block, Figure):
                photo(block.image)

    after = 1 if after_intro else 0
    walk(article.blocks[:after])
    for image in article.images:
        photo(image)
    walk(article.blocks[after:])
    for note in article.footnotes:
        walk(note.children)
    return [_letters(t) for t in found if _letters(t)]


@pytest.mark.parametrize("profile", ["screen", "print"])
def test_every_paragraph_headline_caption_and_credit_in_reading_order(sample: dict[str, Path], issue, profile: str) -> None:
    raw = _content_text(sample[profile], bleed=3 if profile == "print" else 0)
    # A numbered list's labels are drawn after the rest of their page (print.css: positioned, so that each
    # item holds only a label and a body); a paragraph running on over the page turn would read "…12345…".
    text = _letters(re.sub(r"(?m)^\d+\.$", "", raw))
    at = 0
    for article in issue.articles:
        for wanted in _expected(article, photos_after_intro(article) and not photos_in_columns(article, issue)):
            found = text.find(wanted, at)
            assert found >= 0, f"{article.source}: not found after position {at}: {wanted[:60]}"
            at = found + len(wanted)
        for block in article.blocks:
            if isinstance(block, Table):
                for cell in [*block.header, *(c for row in block.rows for c in row)]:
                    assert _letters(_inline_words(cell.children)) in text


def test_no_word_lies_outside_the_printable_area(sample: dict[str, Path]) -> None:
    html = _run("pdftotext", "-bbox", sample["screen"], "-")
    safe = 5 * _MM  # nothing within 5 mm of the paper's edge
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.DOTALL)
    assert len(pages) > 5
    for n, (width, height, words) in enumerate(pages, start=1):
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', words
        ):
            assert safe <= float(x0) and float(x1) <= float(width) - safe, f"page {n}: '{word}' at x {x0}-{x1}"
            assert safe <= float(y0) and float(y1) <= float(height) - safe, f"page {n}: '{word}' at y {y0}-{y1}"


@dataclasses.dataclass(frozen=True)
class _Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    def overlaps(self, other: _Word) -> bool:
        """Boxes that share more than a sliver across and half a line down: one word drawn over another."""
        across = min(self.x1, other.x1) - max(self.x0, other.x0)
        down = min(self.y1, other.y1) - max(self.y0, other.y0)
        return across > _SLIVER and down > 0.5 * min(self.y1 - self.y0, other.y1 - other.y0)


#: Words may poke this far (in points) past the text area or into each other: italic overhangs, rounding.
_SLIVER = 1.0


def _words(pdf: Path) -> tuple[list[tuple[float, float]], list[_Word]]:
    """Page sizes and every word's box, as poppler sees them."""
    html = _run("pdftotext", "-bbox", pdf, "-")
    sizes, words = [], []
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.DOTALL)
    for n, (width, height, body) in enumerate(pages, start=1):
        sizes.append((float(width), float(height)))
        for x0, y0, x1, y1, text in re.findall(
            r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', body
        ):
            words.append(_Word(n, float(x0), float(y0), float(x1), float(y1), text))
    return sizes, words


def misplaced_words(pdf: Path, margin_mm: float = 14) -> list[str]:
    """Words that overlap another word or leave the text area (the page less its margins).

    Running heads sit in the top margin and folios in the bottom one, so those bands are allowed above and
    below the text area, but never across: nothing may reach into the side margins. Poppler's boxes are the
    font's full ascent and descent, taller than the line in display type, so up and down only the middle
    three fifths of a box count.
    """
    top, side, bottom = (margin_mm + 4) * _MM, margin_mm * _MM, (margin_mm + 2) * _MM
    sizes, words = _words(pdf)
    found = []
    for word in words:
        width, height = sizes[word.page - 1]
        if word.x0 < side - _SLIVER or word.x1 > width - side + _SLIVER:
            found.append(f"page {word.page}: '{word.text}' leaves the text area across (x {word.x0:.0f}-{word.x1:.0f})")
        y0, y1 = word.y0 + 0.2 * (word.y1 - word.y0), word.y1 - 0.2 * (word.y1 - word.y0)
        in_text = y0 >= top - _SLIVER and y1 <= height - bottom + _SLIVER
        in_head = y1 <= top + _SLIVER and y0 >= 5 * _MM
        in_foot = y0 >= height - bottom - _SLIVER and y1 <= height - 5 * _MM
        if not (in_text or in_head or in_foot):
            found.append(f"page {word.page}: '{word.text}' leaves the text area down (y {word.y0:.0f}-{word.y1:.0f})")
    by_page: dict[int, list[_Word]] = {}
    for word in words:
        by_page.setdefault(word.page, []).append(word)
    for page_words in by_page.values():
        page_words.sort(key=lambda w: w.x0)
        for i, word in enumerate(page_words):
            for other in page_words[i + 1 :]:
                if other.x0 >= word.x1 - _SLIVER:
                    break
                if word.overlaps(other):
                    found.append(f"page {word.page}: '{word.text}' overlaps '{other.text}'")
    return found


def test_no_word_overlaps_another_or_leaves_the_text_area(sample: dict[str, Path]) -> None:
    assert misplaced_words(sample["screen"]) == []


def test_long_words_break_inside_their_column(tmp_path: Path) -> None:
    """Sixty-letter compounds, URLs, codes and unhyphenatable runs in headlines, captions, cells and columns."""
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(_build(FIXTURES / "unusual", "issue-40", "screen"))
    assert misplaced_words(pdf) == []


def _outline(path: Path) -> list[tuple[int, str, int]]:
    """(level, title, page number) for every bookmark, in order."""
    pikepdf = require_module("pikepdf")
    out: list[tuple[int, str, int]] = []
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: n for n, page in enumerate(pdf.pages, start=1)}
        with pdf.open_outline() as outline:

            def walk(items, level: int) -> None:
                for item in items:
                    dest = item.destination
                    out.append((level, item.title, pages[dest[0].objgen]))
                    walk(item.children, level + 1)

            walk(outline.root, 1)
    return out


def test_bookmarks_are_sections_then_articles(sample: dict[str, Path], issue) -> None:
    expected = []
    for section in issue.sections:
        expected.append((1, section.title))
        expected.extend((2, article.title) for article in section.articles)
    assert [(level, title) for level, title, _ in _outline(sample["screen"])] == expected


def test_contents_page_numbers_are_where_the_articles_start(sample: dict[str, Path], issue) -> None:
    starts = {title: page for level, title, page in _outline(sample["screen"]) if level == 2}
    front = _run("pdftotext", "-raw", "-f", "1", "-l", "1", sample["screen"], "-")
    box = front[front.casefold().index("in this issue") :]
    for article in issue.articles:
        page = starts[article.title]
        assert _letters(article.title) in _letters(_content_text(sample["screen"], page)), article.title
        # the box prints each title followed by its page number
        words = article.title.split()
        pattern = r"\s+".join(re.escape(w) for w in words) + r"\s+(\d+)\b"
        printed = re.search(pattern, box)
        assert printed, f"'{article.title}' is not in the contents box"
        assert int(printed[1]) == page, article.title


def test_front_page_has_ink_and_the_photos_appear(sample: dict[str, Path], issue, tmp_path: Path) -> None:
    from PIL import Image as image_module
    _run("pdftoppm", "-png", "-r", "20", "-f", "1", "-l", "1", sample["screen"], tmp_path / "front")
    front = image_module.open(next(tmp_path.glob("front*.png"))).convert("L")
    inked = sum(1 for value in front.tobytes() if value < 200) / (front.width * front.height)
    assert inked > 0.15, f"only {inked:.0%} of the front page has ink"
    listed = _run("pdfimages", "-list", sample["screen"]).splitlines()[2:]
    assert len(listed) >= len(images(issue.sections))
    assert any(row.split()[0] == "1" for row in listed), "no photo on the front page"
    # screen photos are downsampled further than print photos
    widths = {int(row.split()[3]) for row in _run("pdfimages", "-list", sample["print"]).splitlines()[2:]}
    assert max(int(row.split()[3]) for row in listed) < max(widths)


def _ppi(pdf: Path) -> list[float]:
    """Each drawn photo's resolution at its printed size: its pixels over its width on the page, in inches."""
    pymupdf = require_module("pymupdf")
    with pymupdf.open(pdf) as document:
        return [info["width"] / ((info["bbox"][2] - info["bbox"][0]) / 72) for page in document for info in page.get_image_info()]


def test_print_photos_are_shrunk_to_300_ppi_at_their_printed_size(sample: dict[str, Path]) -> None:
    """They reached 705 ppi as the editor gave them; a press asks 300, and more is only more to convert and send."""
    found = _ppi(sample["print"])
    assert found and max(found) <= PRINT_PPI * 1.02, sorted(round(v) for v in found)
    assert max(_ppi(sample["screen"])) < 200 < min(v for v in found if v > 152)  # the screen's 150; one photo is 152 as given


def test_two_builds_in_different_time_zones_are_identical(sample: dict[str, Path], tmp_path: Path) -> None:
    env = dict(os.environ, TZ="Pacific/Chatham")
    code = (
        "import os, sys; from pathlib import Path; from tests.editions.pdf.test_edition import _build; "
        "sys.stdout.buffer.write(_build(Path('.'), 'issue-1142', 'screen'))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, check=True)
    assert done.stdout == sample["screen"].read_bytes()


def test_weasyprint_is_imported_only_when_a_pdf_is_rendered() -> None:
    code = "import sys, paperpress.editions.pdf.edition; print('weasyprint' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_tables_leave_the_column_flow_and_photos_stay_in_it() -> None:
    text = Paragraph(())
    table = Table((), (), ())
    runs = column_runs([text, text, table, Figure(Image("i", "p", b"", "image/png", 1, 1, "alt")), text])
    assert [(run.wide, len(run.blocks)) for run in runs] == [(False, 2), (True, 1), (False, 2)]


def test_a_quotation_or_list_holding_a_table_leaves_the_column_flow_whole() -> None:
    photo = Figure(Image("i", "p", b"", "image/png", 1, 1, "alt"))
    text = Paragraph(())
    table = Table((), (), ())
    runs = column_runs([text, Quote((text, table)), ListBlock(False, 1, ((text,), (table,))), Quote((photo,))])
    assert [(run.wide, len(run.blocks)) for run in runs] == [(False, 1), (True, 2), (False, 1)]


def test_articles_share_their_sections_column_set_but_the_lead_and_those_with_tables(issue) -> None:
    flows = [section_flows(section.articles, issue.lead_article) for section in issue.sections]
    shape = [[(flow.shared, [a.id for a in flow.articles]) for flow in section] for section in flows]
    news, workplace = issue.sections[0].articles, issue.sections[1].articles
    assert shape[0] == [(False, [news[0].id]), (True, [a.id for a in news[1:]])]  # the lead keeps its own
    assert (False, [workplace[1].id]) in shape[1]  # how the depot voted, with its table
    assert all(flow.shared for flow in flows[4])  # letters: one column set
    apart = section_flows(issue.sections[4].articles, issue.lead_article, apart=True)
    assert [len(flow.articles) for flow in apart] == [1, 1, 1] and not any(flow.shared for flow in apart)


def test_the_front_page_lead_sets_its_photos_in_its_first_column_unless_a_table_comes_first(issue) -> None:
    lead, other = issue.lead_article, issue.sections[1].articles[1]  # the depot vote, set on its own
    assert lead.images and photos_in_columns(lead, issue)
    assert not photos_in_columns(other, issue)
    table_first = dataclasses.replace(lead, blocks=(Table((), (), ()), *lead.blocks))
    assert not photos_in_columns(table_first, issue)  # its photos go across with the table
    assert not photos_in_columns(dataclasses.replace(lead, blocks=()), issue)  # no column to set them in
    across = {image.id for image in _photos_across(issue, apart=False)}
    assert lead.images[0].id not in across
    assert other.images[0].id not in across and photos_after_intro(other)  # under its first paragraph, in a column
    table_first_other = dataclasses.replace(other, blocks=(Table((), (), ()), *other.blocks))
    sections = [dataclasses.replace(issue.sections[1], articles=(table_first_other,))]
    assert other.images[0].id in {image.id for image in _photos_across(dataclasses.replace(issue, sections=sections), apart=False)}


def test_the_front_page_lead_photo_is_drawn_a_column_wide(sample: dict[str, Path], issue) -> None:
    from paperpress.typeset.geometry import PageSetup

    pymupdf = require_module("pymupdf", "PyMuPDF")
    page = PageSetup.from_options(open_publication(REPO).config.pdf)
    with pymupdf.open(sample["screen"]) as pdf:
        widths = sorted(round((found["bbox"][2] - found["bbox"][0]) / (72 / 25.4)) for found in pdf[0].get_image_info())
    assert widths and max(widths) <= round(page.column_width), (widths, page.column_width)


def _page_fill(pdf: Path, cell: float = 2.0) -> list[float]:
    """How much of each page's text area carries ink, read back by PyMuPDF: its text lines, images and
    filled shapes on a 2 pt grid, within the page less its running head and folio bands."""
    pymupdf = require_module("pymupdf", "PyMuPDF")
    fills = []
    for page in pymupdf.open(pdf):
        width, height = page.rect.width, page.rect.height
        left, right, top, bottom = 14 * _MM, width - 14 * _MM, 18 * _MM, height - 16 * _MM
        boxes = [line["bbox"] for block in page.get_text("dict")["blocks"] for line in block.get("lines", [])]
        boxes = [(x0, y0 - 2, x1, y1 + 2) for x0, y0, x1, y1 in boxes]
        boxes += [info["bbox"] for info in page.get_image_info()]
        boxes += [tuple(d["rect"]) for d in page.get_drawings() if d.get("fill") and min(d["rect"].width, d["rect"].height) > 6]
        nx, ny = int((right - left) / cell), int((bottom - top) / cell)
        ink = [bytearray(nx) for _ in range(ny)]
        for x0, y0, x1, y1 in boxes:
            i0, i1 = max(0, int((x0 - left) / cell)), min(nx, int((x1 - left) / cell) + 1)
            for j in range(max(0, int((y0 - top) / cell)), min(ny, int((y1 - top) / cell) + 1)):
                ink[j][i0:i1] = b"\x01" * max(0, i1 - i0)
        fills.append(sum(map(sum, ink)) / (nx * ny))
    return fills


def test_the_sample_fills_its_pages(sample: dict[str, Path]) -> None:
    """Mean fill 0.85 or more, and no page but the last under half full (a section's tail alone on a page)."""
    fills = _page_fill(sample["screen"])[:-1]
    assert sum(fills) / len(fills) >= 0.85, [round(f, 2) for f in fills]
    assert min(fills) >= 0.5, [round(f, 2) for f in fills]


def _news_fill(pdf: Path, cell: float = 2.0) -> list[float]:
    """How much of each page's text area carries news: text lines and images as PyMuPDF reads them, on a 2 pt
    grid, less the running head and folio bands, and less the house panels (their lines are on a tint)."""
    pymupdf = require_module("pymupdf")
    panels: dict[int, list[Any]] = {}
    for page_number, shape, inside, _ in tints(pdf):
        if inside:
            panels.setdefault(page_number, []).append(shape)
    fills = []
    for number, page in enumerate(pymupdf.open(pdf), start=1):
        width, height = page.rect.width, page.rect.height
        left, right, top, bottom = 14 * _MM, width - 14 * _MM, 18 * _MM, height - 16 * _MM
        house = [shape for shape in panels.get(number, []) if any(shape.contains(r) for r in page.search_for("is also published as"))]
        lines = [pymupdf.Rect(line["bbox"]) for block in page.get_text("dict")["blocks"] for line in block.get("lines", [])]
        boxes = [(r.x0, r.y0 - 2, r.x1, r.y1 + 2) for r in lines if not any(shape.intersects(r) for shape in house)]
        boxes += [info["bbox"] for info in page.get_image_info()]
        nx, ny = int((right - left) / cell), int((bottom - top) / cell)
        ink = [bytearray(nx) for _ in range(ny)]
        for x0, y0, x1, y1 in boxes:
            i0, i1 = max(0, int((x0 - left) / cell)), min(nx, int((x1 - left) / cell) + 1)
            for j in range(max(0, int((y0 - top) / cell)), min(ny, int((y1 - top) / cell) + 1)):
                ink[j][i0:i1] = b"\x01" * max(0, i1 - i0)
        fills.append(sum(map(sum, ink)) / (nx * ny))
    return fills


def test_a_short_section_tail_is_followed_by_the_next_section_not_by_a_panel_alone(sample: dict[str, Path]) -> None:
    """Three lines of "What's on this week" ended Culture at the head of a page the house panel filled, and
    Letters took a page of its own: Letters now runs on under them, and the issue is two pages shorter (the
    second went with the photos held to their headlines, `photos_after_intro`)."""
    pages = _run("pdftotext", "-layout", sample["screen"], "-").split("\f")[:-1]
    assert len(pages) == 7
    [tail] = [n for n, text in enumerate(pages, start=1) if "Saturday 28 November: Riverside" in text]
    assert "Bus timetable" in pages[tail - 1]
    assert _news_fill(sample["screen"])[tail - 1] > 0.25


def test_no_page_but_the_last_carries_less_than_half_news(sample: dict[str, Path]) -> None:
    """Page 5 carried 44 %: International's first article, its header held to its photo, needed 113 mm and
    Workplace left 100, so the section started page 6 and a house panel filled the rest of page 5."""
    fills = _news_fill(sample["screen"])[:-1]
    assert min(fills) >= 0.5, [round(f, 2) for f in fills]


def test_a_section_s_first_article_starts_under_the_section_before_with_its_photo_below_its_first_lines(
    sample: dict[str, Path], issue
) -> None:
    """International starts on the page where Workplace ends; its first article's photo, no longer held to its
    headline, comes after its first paragraph (the reading order test checks the order on every article)."""
    pymupdf = require_module("pymupdf")
    toc = {title: page for _, title, page in pymupdf.open(sample["screen"]).get_toc()}
    workplace, international = issue.sections[1:3]
    last = [block for block in workplace.articles[-1].blocks if isinstance(block, Paragraph)][-1]
    page = toc[international.title]
    assert _letters(_inline_words(last.children))[-40:] in _letters(_content_text(sample["screen"], page))
    assert photos_after_intro(international.articles[0])


def test_a_running_head_names_the_section_running_on_and_the_one_starting(sample: dict[str, Path]) -> None:
    """Page 5 is mostly Workplace's and International starts under it: its head named International alone."""
    pymupdf = require_module("pymupdf")
    heads = []
    for page in pymupdf.open(sample["screen"]):
        head = page.get_text("text", clip=pymupdf.Rect(0, 0, page.rect.width / 2, 14 * _MM))
        heads.append(" ".join(re.findall(r"\w+", head)).casefold())
    assert heads[0] == ""  # the front page has none
    assert heads[1:5] == ["the riverside courier news", "the riverside courier news workplace",
                          "the riverside courier workplace", "the riverside courier workplace international"]


def test_an_article_runs_its_photos_under_its_first_paragraph_when_it_opens_with_one(issue) -> None:
    article = next(a for a in issue.articles if a.images and isinstance(a.blocks[0], Paragraph))
    assert photos_after_intro(article)
    assert not photos_after_intro(dataclasses.replace(article, images=()))
    assert not photos_after_intro(dataclasses.replace(article, blocks=(Heading(2, (), "a1-h-h", "h"), *article.blocks)))
    assert not photos_after_intro(dataclasses.replace(article, blocks=()))


def test_a_house_panel_names_the_other_editions_and_how_to_subscribe(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    config = pub / "paperpress.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "website: https://example.org/bulletin\n", encoding="utf-8")
    pdf = tmp_path / "minimal.pdf"
    pdf.write_bytes(_build(pub, "issue-7", "screen"))
    text = _run("pdftotext", "-layout", pdf, "-")
    assert "is also published as" in text.casefold()
    assert "EPUB, for e-readers" in text and "example.org/bulletin" in text


# --- an issue of 40 articles (the sample's copy, cycled), as bench/bench_pdf.py measures the floor's -----------


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The screen PDF of 40 articles in four sections: enough pages for sections to end mid-page and leave gaps.

    The floor's own 10, 40 and 160-article issues (../shared/bench-floor, outside the repository) are measured
    by bench/bench_pdf.py, with the same page fill as here."""
    pub = long_issue(tmp_path_factory.mktemp("long") / "pub", 40)
    pdf = pub / "issue-40.pdf"
    pdf.write_bytes(_build(pub, "issue-40", "screen"))
    return pdf


def test_house_panels_close_gaps_on_sections_last_pages_never_two_running(long_pdf: Path) -> None:
    pdf = long_pdf
    pages = _run("pdftotext", "-layout", pdf, "-").split("\f")[:-1]
    panels = [n for n, page in enumerate(pages, start=1) if "is also published as" in page.casefold()]
    assert panels, "no house panel"
    assert all("EPUB, for e-readers" in pages[n - 1] for n in panels)
    # Only on a section's last page: the page after each panel starts a section (or there is none).
    pymupdf = require_module("pymupdf", "PyMuPDF")
    toc = pymupdf.open(pdf).get_toc()
    starts = {page for level, _, page in toc if level == 1}
    assert all(n + 1 in starts or n == len(pages) for n in panels), (panels, starts)
    assert len(panels) <= len(starts)
    assert not any(b - a == 1 for a, b in zip(panels, panels[1:], strict=False)), panels


def test_no_page_of_forty_articles_but_the_last_carries_less_than_half_news(long_pdf: Path) -> None:
    """Page 2 carried 0.39: "How the depot voted", set on its own for its table, held its page-wide chart to its
    headline, and that block needed more than the half page left under the article before. Its chart now
    comes under its first paragraph, in a column (`photos_after_intro`)."""
    fills = _news_fill(long_pdf)[:-1]
    assert min(fills) >= 0.5, [round(f, 2) for f in fills]


#: A filled shape no thicker than this (in points) is a rule; anything larger is a tint that must hold a block.
_RULE = 4.0


def tints(pdf: Path) -> list[tuple[int, Any, list[Any], list[Any]]]:
    """Every filled shape larger than a rule, as PyMuPDF reads the drawing back: (page, rectangle, the text
    lines wholly inside it, the text lines it cuts through).

    WeasyPrint draws a border as the ring between two rectangles filled even-odd: a ring no thicker than a
    rule is a rule.
    """
    pymupdf = require_module("pymupdf")
    found = []
    for number, page in enumerate(pymupdf.open(pdf), start=1):
        lines = [pymupdf.Rect(line["bbox"]) for block in page.get_text("dict")["blocks"] for line in block.get("lines", [])]
        for drawing in page.get_drawings():
            if drawing.get("fill") is None:
                continue
            rects = [item[1] for item in drawing["items"] if item[0] == "re"]
            if len(rects) == len(drawing["items"]) == 2:
                a, b = rects
                if max(abs(a.x0 - b.x0), abs(a.y0 - b.y0), abs(a.x1 - b.x1), abs(a.y1 - b.y1)) <= _RULE:
                    continue
            shape = drawing["rect"]
            if min(shape.width, shape.height) > _RULE:
                inside = [line for line in lines if shape.contains(line)]
                cut = [line for line in lines if (line & shape).get_area() > 0 and not shape.contains(line)]
                found.append((number, shape, inside, cut))
    return found


def _tints_behind_their_blocks(pdf: Path) -> None:
    found = tints(pdf)
    assert found
    for page, shape, inside, cut in found:
        where = f"page {page}: the tint at y {shape.y0:.0f}-{shape.y1:.0f}"
        assert inside, f"{where} holds no text"
        assert not cut, f"{where} cuts through text at y {cut[0].y0:.0f}-{cut[0].y1:.0f}"


@pytest.mark.parametrize("profile", ["screen", "print"])
def test_every_tint_is_drawn_behind_its_own_block(sample: dict[str, Path], profile: str) -> None:
    """A tint holds text, and no line of text crosses its edge: it lies behind one block, not behind another
    article's columns or over white (the house panels' tints were drawn where the panels had been laid out)."""
    _tints_behind_their_blocks(sample[profile])


def test_every_tint_of_forty_articles_is_drawn_behind_its_own_block(long_pdf: Path) -> None:
    _tints_behind_their_blocks(long_pdf)


def test_a_house_panel_s_tint_is_behind_its_lines_down_to_the_foot(long_pdf: Path) -> None:
    pymupdf = require_module("pymupdf")
    pdf = long_pdf
    document = pymupdf.open(pdf)
    shapes = tints(pdf)
    panels = [(n, rect) for n, page in enumerate(document, start=1) for rect in page.search_for("is also published as")]
    assert panels
    for n, line in panels:
        around = [shape for page, shape, _, _ in shapes if page == n and shape.contains(line)]
        assert len(around) == 1, f"page {n}: the panel's lines are not on its tint"
        foot = document[n - 1].rect.height - (16 + 4) * _MM  # the bottom margin, and the panel's own below it
        assert around[0].y1 == pytest.approx(foot, abs=1), f"page {n}: the tint stops at y {around[0].y1:.0f}"


def _with_style(tmp_path: Path, css: str) -> Path:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    own = pub / "layouts" / "pdf" / "issue.html"
    own.parent.mkdir(parents=True)
    own.write_text('{% extends "default/pdf/issue.html" %}{% block extra_style %}' + css + "{% endblock %}")
    return pub


def test_the_minimal_issue_builds_in_every_profile() -> None:
    for profile in ("screen", "print", "archive"):
        assert _build(FIXTURES / "minimal", "7", profile).startswith(b"%PDF-")


def test_a_font_in_the_publication_fonts_folder_is_embedded(tmp_path: Path) -> None:
    import font_source_sans_pro
    from fontTools import ttLib as ttlib

    pub = _with_style(tmp_path, 'p { font-family: "House Sans"; }')
    font = ttlib.TTFont(font_source_sans_pro.font_files_ttf["SourceSansProLight"])
    for record in font["name"].names:
        if record.nameID in (1, 4, 6, 16):
            record.string = {1: "House Sans", 4: "House Sans", 6: "HouseSans-Regular", 16: "House Sans"}[record.nameID]
    font["OS/2"].usWeightClass = 400
    (pub / "fonts").mkdir()
    font.save(str(pub / "fonts" / "house-sans.ttf"))
    data = _build(pub, "7", "screen")
    (tmp_path / "house.pdf").write_bytes(data)
    assert "+House-Sans " in _run("pdffonts", tmp_path / "house.pdf")


def test_a_script_the_source_fonts_lack_is_drawn_with_the_font_in_fonts(tmp_path: Path) -> None:
    """The face is found for those letters alone, and a damaged font file beside it is left out, not fatal."""
    from tests.typeset.test_fonts import house_font

    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    (pub / "issues/issue-7/second.md").write_text("---\ntitle: Greetings\n---\nThey sang ሰላም, and *ሰላም* again.\n")
    house_font(pub / "fonts" / "house-ethiopic.ttf")
    (pub / "fonts" / "cut.ttf").write_bytes((pub / "fonts" / "house-ethiopic.ttf").read_bytes()[:5000])
    (tmp_path / "house.pdf").write_bytes(_build(pub, "7", "screen"))
    assert "+House-Ethiopic " in _run("pdffonts", tmp_path / "house.pdf")


def test_print_profile_bytes_do_not_change_between_builds(sample: dict[str, Path]) -> None:
    """WeasyPrint gives PDF/X a random document id; the edition derives it from the issue instead."""
    assert _build(REPO, "issue-1142", "print") == sample["print"].read_bytes()


def _configured(tmp_path: Path, pdf_options: str) -> Path:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    config = pub / "paperpress.yaml"
    config.write_text(config.read_text() + "pdf:\n" + pdf_options)
    return pub


@pytest.mark.parametrize(("article_break", "pages"), [("flow", 1), ("page", 2)])
def test_page_setup_comes_from_the_configuration(tmp_path: Path, article_break: str, pages: int) -> None:
    pub = _configured(tmp_path, f"  page_size: A3\n  columns: 4\n  article_break: {article_break}\n")
    (tmp_path / "a3.pdf").write_bytes(_build(pub, "7", "screen"))
    info = _run("pdfinfo", tmp_path / "a3.pdf")
    assert re.search(r"Page size:\s+841.89 x 1190.55", info)
    assert int(re.search(r"Pages:\s+(\d+)", info)[1]) == pages


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ("print", r"issues/issue-7/photos/square.png: the photo cannot be read: cannot identify image file"),
        ("screen", r"issues/issue-7/photos/square.png: the photo cannot be read: cannot identify image file"),
    ],
)
def test_a_photo_that_cannot_be_read_fails_the_build(profile: str, message: str) -> None:
    pub = open_publication(FIXTURES / "minimal")
    issue = check_issue(pub, "7").value
    assert issue is not None
    article = issue.sections[0].articles[0]
    broken = dataclasses.replace(article, images=(dataclasses.replace(article.images[0], data=b"not a picture"),))
    section = dataclasses.replace(issue.sections[0], articles=(broken, *issue.sections[0].articles[1:]))
    issue = dataclasses.replace(issue, sections=(section, *issue.sections[1:]))
    info = build_info(pub, issue, BuildOptions(pdf_profile=profile))
    with pytest.raises(PaperpressError, match=message):
        PdfEdition().render(issue, pub.layouts, info)


def test_no_headline_is_stranded_at_the_foot_of_a_page(sample: dict[str, Path]) -> None:
    """Every headline has at least 40 mm of its page below its top: room for its standfirst and first lines."""
    pikepdf = require_module("pikepdf")
    bottom = (14 + 2) * _MM
    with pikepdf.open(sample["screen"]) as pdf, pdf.open_outline() as outline:
        marks = [(item.title, float(item.destination[3])) for item in outline.root]
        marks += [(child.title, float(child.destination[3])) for item in outline.root for child in item.children]
    stranded = [title for title, top in marks if top - bottom < 40 * _MM]
    assert stranded == []


# --- links, subheads, notes and lists whatever the copy -------------------------------------------------


@pytest.fixture(scope="module")
def unusual_links(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The unusual fixture's issue of links, subheads that skip, a note cited twice and nested lists."""
    path = tmp_path_factory.mktemp("pdf-links") / "issue-30.pdf"
    path.write_bytes(_build(FIXTURES / "unusual", "30", "screen"))
    return path


def test_links_into_the_issue_are_internal_and_give_the_page_of_another_article(unusual_links: Path) -> None:
    import pikepdf

    with pikepdf.open(unusual_links) as pdf:
        names = set(pikepdf.NameTree(pdf.Root.Names.Dests).keys())
        dests = {str(a.Dest) for p in pdf.pages for a in p.get("/Annots", []) if "/Dest" in a}
        uris = {str(a.A.URI) for p in pdf.pages for a in p.get("/Annots", []) if "/A" in a and "/URI" in a.A}
    assert {"a1-h-what-changes", "a2-h-what-the-engineers-found", "a2", "a1", "a3", "a3-h-tomatoes-2"} <= dests
    assert dests <= names  # every internal link has somewhere to land
    assert not any(uri.startswith("#") or ".md" in uri for uri in uris)
    text = " ".join(_run("pdftotext", unusual_links, "-").split())
    assert "the engineers’ findings (page 2)" in text and "harbour wall repairs (page 2)" in text
    assert "in What changes above." in text  # a link in the same article gets no page number


def test_list_items_hold_only_a_label_and_a_body(unusual_links: Path) -> None:
    """Items with paragraphs, a quote, code and nested lists: PDF/UA-1 lets an LI hold only Lbl and LBody."""
    page = require_module("page", "page-validation")
    result = page.validate_pdf(str(unusual_links), profile="ua1")
    assert result.failures == [] and result.is_compliant
    tree = _run("pdfinfo", "-struct", unusual_links)
    assert tree.count(" LI ") >= 12 and "LBody" in tree
    text = _run("pdftotext", "-layout", unusual_links, "-")
    assert re.search(r"1\. Clear the beds", text) and re.search(r"– the asparagus bed", text)


def test_a_photo_placed_many_times_is_shrunk_once(tmp_path: Path, monkeypatch) -> None:
    import paperpress.editions.pdf.edition as pdf

    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    places = "".join(f"![Square {i}](photos/square.png)\n\n" for i in range(6))
    (pub / "issues/issue-7/second.md").write_text(f"---\ntitle: Squares\n---\n{places}")
    shrunk = []
    normalise_kept = pdf.normalise_kept
    monkeypatch.setattr(pdf, "normalise_kept", lambda data, edge, caches: shrunk.append(edge) or normalise_kept(data, edge, caches))
    assert _build(pub, "issue-7", "screen").startswith(b"%PDF")
    assert len(shrunk) == len(set(shrunk))  # one per size the page needs, not one per place (seven places)
    assert 1 <= len(shrunk) <= 2


def test_the_shrunk_photos_are_kept_for_the_next_build(tmp_path: Path, monkeypatch) -> None:
    from paperpress.editions import images as images_module

    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    first = _build(pub, "issue-7", "screen")
    assert any((pub / ".paperpress-cache" / images_module.CACHE).iterdir())
    made = []
    monkeypatch.setattr(images_module, "normalise", lambda data, edge: made.append(edge))
    assert _build(pub, "issue-7", "screen") == first and made == []  # every photo from the cache


@pytest.mark.parametrize("profile", ["screen", "print", "archive"])
def test_the_composed_layout_holds_no_model_and_the_originals_only_where_they_are_drawn(profile: str) -> None:
    pub = open_publication(REPO)
    issue = check_issue(pub, "issue-1142").value
    assert issue is not None
    step = PdfEdition().compose(issue, pub.layouts, build_info(pub, issue, BuildOptions(pdf_profile=profile)))
    photos = images(issue)
    assert photos and not reaches(step, issue) and not any(reaches(step, photo) for photo in photos)
    # The screen profile draws every photo shrunk and print converted to the press's CMYK, so the sidecar frees
    # the originals; the archive draws them as they are.
    assert all(reaches(step, photo.data) == (profile == "archive") for photo in photos)

