"""WeasyPrint's import: its libraries loaded by their file names, and the usual way should that fail."""

from __future__ import annotations

import ctypes.util
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from paperpress.editions.pdf import engine
from tests.support import REPO, require_module

_COUNTED = """
import ctypes.util, sys
asked = []
usual = ctypes.util.find_library
ctypes.util.find_library = lambda name: asked.append(name) or usual(name)
{before}
from paperpress.editions.pdf import engine
assert engine.weasyprint.HTML(string="<p>x</p>").write_pdf().startswith(b"%PDF")
print(len(asked))
"""


def _asked(before: str = "") -> tuple[int, str]:
    """How often the usual find_library was asked while a fresh interpreter imported WeasyPrint, and its output."""
    done = subprocess.run([sys.executable, "-c", _COUNTED.format(before=before)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    *said, count = done.stdout.split("\n")[:-1]
    return int(count), "\n".join(said)


def test_the_engine_is_weasyprint_and_find_library_is_given_back() -> None:
    assert engine.weasyprint is sys.modules["weasyprint"]
    assert ctypes.util.find_library.__module__ == "ctypes.util"


def test_no_library_is_looked_up_the_slow_way() -> None:
    assert _asked() == (0, "")


_FAILS_ONCE = """
import importlib.abc
class FailsOnce(importlib.abc.MetaPathFinder):
    failed = False
    def find_spec(self, name, path, target=None):
        if name == "weasyprint.text.ffi" and not FailsOnce.failed:
            FailsOnce.failed = True
            print("WeasyPrint could not import some external libraries")  # as WeasyPrint says it
            raise OSError("cannot load library 'libpango-1.0-0'")
sys.meta_path.insert(0, FailsOnce())
"""


def test_an_import_that_fails_without_lookups_is_made_again_the_usual_way_in_silence() -> None:
    count, said = _asked(_FAILS_ONCE)
    assert count > 0  # the usual find_library, the second time
    assert said == ""


def test_pydyf_s_page_references_are_kept_until_a_page_is_added() -> None:
    import pydyf

    pdf = pydyf.PDF()
    for number in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page", "N": number}))
    first = pdf.page_references
    assert first == tuple(f"{n} 0 R".encode() for n in pdf.pages["Kids"][::3]) and len(first) == 3
    assert pdf.page_references is first  # not made again
    pdf.add_page(pydyf.Dictionary({"Type": "/Page", "N": 3}))
    assert len(pdf.page_references) == 4 and pdf.page_references[:3] == first  # made again for the new page
    assert engine.weasyprint  # imported through the engine, which keeps them


# Each hook into WeasyPrint's and pydyf's internals, on a small document, so an upgrade that changes what a
# hook relies on fails here, by the hook's name, before any edition draws the wrong thing.

_PAGE = """<html><style>@page { size: 100mm 80mm; margin: 10mm; }
.panel { background: #eee; margin: 3mm 0 5mm; padding: 2mm; } a::after { content: "000"; }</style><body>
<p id="first">First <a href="#first">link</a></p><div class="panel" data-section="news"><p>Panel</p></div></body></html>"""


def _laid_out() -> Any:
    return engine.weasyprint.HTML(string=_PAGE).render()


def _find(box: Any, tag: str) -> Any:
    if engine.children(box) and getattr(box, "element_tag", None) == tag:
        return box
    for child in engine.children(box):
        found = _find(child, tag)
        if found is not None:
            return found
    return None


def _pinned(name: str) -> str:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    return re.search(rf'"{name}([^"]*)"', text)[1]


def test_the_installed_weasyprint_and_pydyf_are_the_releases_verified_and_pinned() -> None:
    import pydyf
    from packaging.specifiers import SpecifierSet

    assert _pinned("weasyprint") == engine.VERIFIED and _pinned("pydyf") == engine.VERIFIED_PYDYF
    assert engine.weasyprint.__version__ in SpecifierSet(engine.VERIFIED), (
        f"WeasyPrint {engine.weasyprint.__version__} is not a release render/engine.py was verified with "
        f"({engine.VERIFIED}): run this file, fix the hooks that fail, then move the pin")
    assert pydyf.__version__ in SpecifierSet(engine.VERIFIED_PYDYF), f"pydyf {pydyf.__version__} is not {engine.VERIFIED_PYDYF}"


def test_a_page_s_box_tree_is_its_page_box_with_elements_tags_and_children() -> None:
    [page] = _laid_out().pages
    root = engine.page_box(page)
    assert type(root).__name__ == "PageBox", "Page._page_box is no longer the laid-out page box"
    [html] = engine.children(root)
    assert html.element_tag == "html" and engine.attribute(html, "lang") is None
    paragraph = _find(root, "p")
    assert engine.attribute(paragraph, "id") == "first"
    panel = _find(root, "div")
    assert engine.attribute(panel, "data-section") == "news" and engine.attribute(panel, "class") == "panel"
    texts = [box for box in _walk(root) if engine.text_of(box)]
    assert [engine.text_of(box) for box in texts][:2] == ["First ", "link"]
    assert not engine.children(texts[0])


def _walk(box: Any) -> list[Any]:
    return [box, *(found for child in engine.children(box) for found in _walk(child))]


def test_a_generated_box_is_told_apart_by_its_pseudo_element() -> None:
    after = [box for box in _walk(engine.page_box(_laid_out().pages[0])) if engine.is_pseudo(box, "after")]
    assert [type(box).__name__ for box in after] == ["InlineBox", "TextBox"]  # the ::after box and its text
    assert engine.attribute(after[0], "href") == "#first"  # made for the link's element
    assert [engine.text_of(text) for text in engine.children(after[0])] == ["000"]


def test_a_rewritten_text_box_draws_its_new_text() -> None:
    document = _laid_out()
    after = next(box for box in _walk(engine.page_box(document.pages[0])) if engine.is_pseudo(box, "after"))
    engine.rewrite_text(engine.children(after)[0], "7")
    assert b"7" in _page_text(document.write_pdf()) and b"000" not in _page_text(document.write_pdf())


def _page_text(pdf: bytes) -> bytes:
    pymupdf = require_module("pymupdf")
    return pymupdf.open(stream=pdf, filetype="pdf")[0].get_text().encode()


def test_geometry_margins_and_a_move_in_css_pixels() -> None:
    root = engine.page_box(_laid_out().pages[0])
    panel = _find(root, "div")
    mm = 96 / 25.4
    assert engine.margin(panel, "top") == pytest.approx(3 * mm) and engine.margin(panel, "bottom") == pytest.approx(5 * mm)
    assert engine.content_foot(root) == pytest.approx(70 * mm)  # 80 mm less the bottom margin
    x, y, width, height = engine.border_box(panel)
    line = _find(panel, "p")
    inside = engine.border_box(line)
    engine.move(panel, x + 5, y + 40)
    assert engine.border_box(panel) == pytest.approx((x + 5, y + 40, width, height))
    assert engine.border_box(line) == pytest.approx((inside[0] + 5, inside[1] + 40, *inside[2:]))  # its children too
    engine.grow(panel, 30)
    assert engine.border_box(panel)[3] == pytest.approx(height + 30)


def test_a_placed_box_s_background_is_laid_out_where_it_was_put_and_as_tall() -> None:
    """Box.translate leaves background layers behind (WeasyPrint keeps them apart): place_after lays them out again."""
    document = _laid_out()
    root = engine.page_box(document.pages[0])
    panel = _find(root, "div")
    parent = next(box for box in _walk(root) if panel in engine.children(box))
    paragraph = _find(root, "p")
    parent.children = [child for child in parent.children if child is not panel]
    engine.move(panel, engine.border_box(panel)[0], engine.border_box(panel)[1] + 50)
    engine.grow(panel, 20)
    [layer] = panel.background.layers
    assert tuple(layer.painting_area) != pytest.approx(engine.border_box(panel)), "translate now moves backgrounds"
    engine.place_after(root, parent, paragraph, panel)
    assert list(parent.children).index(panel) == list(parent.children).index(paragraph) + 1
    [layer] = panel.background.layers
    assert tuple(layer.painting_area) == pytest.approx(engine.border_box(panel))
    assert layer.clipped_boxes[0][:4] == pytest.approx(engine.border_box(panel))
    pymupdf = require_module("pymupdf")
    page = pymupdf.open(stream=document.write_pdf(), filetype="pdf")[0]
    [tint] = [d["rect"] for d in page.get_drawings() if d.get("fill") and min(d["rect"].width, d["rect"].height) > 5]
    assert tint.contains(page.search_for("Panel")[0])


def test_the_metadata_stream_is_rewritten_and_left_plain_through_the_finisher() -> None:
    seen = []

    def finisher(document: Any, pdf: Any) -> None:
        seen.append(engine.rewrite_metadata(pdf, lambda part: part.replace(b'Producer="', b'Producer="ours, '), compress=False))

    data = engine.weasyprint.HTML(string="<p>x</p>").write_pdf(pdf_variant="pdf/a-2u", finisher=finisher)
    assert seen == [True]
    pikepdf = require_module("pikepdf")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        metadata = pdf.Root.Metadata
        assert "/Filter" not in metadata and b'Producer="ours, WeasyPrint' in metadata.read_raw_bytes()
    seen.clear()
    engine.weasyprint.HTML(string="<p>x</p>").write_pdf(finisher=finisher)
    assert seen == [False]  # a PDF without metadata is left as it is


#: What only editions/pdf/engine.py may write: WeasyPrint's laid-out boxes and pydyf's objects.
_INTERNALS = re.compile(
    r"_page_box|\.translate\(|page_references|\bimport pydyf|weasyprint\.(layout|formatting_structure|draw|pdf)\b"
    r"|pango_layout|\.element_tag|\.element\b|border_box_[xy]\(|content_box_[xy]\(|\.background\.layers|pdf\.catalog\b|pdf\.objects\b|fonts\._folder\b"
)


def test_no_other_module_reaches_into_weasyprint_s_or_pydyf_s_internals() -> None:
    source = REPO / "src" / "paperpress"
    found = [
        f"{path.relative_to(source)}:{n}: {line.strip()}"
        for path in sorted(source.rglob("*.py")) if path.name != "engine.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _INTERNALS.search(line) and not line.lstrip().startswith(("#", '"'))
    ]
    assert found == [], "use editions/pdf/engine.py's hooks:\n" + "\n".join(found)


def test_recolour_sets_every_rgb_operator_of_every_stream_in_cmyk() -> None:
    import pydyf

    pdf = pydyf.PDF()
    page, form = pydyf.Stream(), pydyf.Stream()
    page.set_color_rgb(0.5, 0.25, 0, stroke=True)
    page.set_color_rgb(1, 1, 1)
    page.set_text_matrix(1, 0, 0, 1, 0, 0)  # anything else is left alone
    form.set_color_rgb(0.067, 0.067, 0.067)
    for stream in (page, form):
        pdf.add_object(stream)
    asked = []

    def cmyk(r: float, g: float, b: float) -> tuple[float, float, float, float]:
        asked.append((r, g, b))
        return (0.0, 0.0, 0.0, 0.9333) if r == g == b != 1 else (0.1, 0.5, 1.0, 0.0)

    assert engine.recolour(pdf, cmyk) == 3
    assert page.stream[0] == b"0.1 0.5 1 0 K" and page.stream[1] == b"0.1 0.5 1 0 k"
    assert page.stream[2].endswith(b"Tm") and form.stream == [b"0 0 0 0.9333 k"]
    assert asked == [(0.5, 0.25, 0.0), (1.0, 1.0, 1.0), (0.067, 0.067, 0.067)]


def test_recolour_overprints_what_it_is_told_to_following_q_and_q_and_names_states_every_resource_has() -> None:
    import pydyf

    pdf = pydyf.PDF()
    resources = pydyf.Dictionary({"ExtGState": pydyf.Dictionary(), "XObject": pydyf.Dictionary()})
    page = pydyf.Stream()
    page.set_color_rgb(0, 0, 0)  # black fill: overprints
    page.push_state()
    page.set_color_rgb(1, 0, 0, stroke=True)  # red stroke: knocks out, the fill still overprinting
    page.set_color_rgb(1, 0, 0)
    page.pop_state()
    page.set_color_rgb(0, 0, 0, stroke=True)  # after Q, the fill overprints again
    for obj in (resources, page):
        pdf.add_object(obj)

    def cmyk(r: float, g: float, b: float) -> tuple[float, float, float, float]:
        return (0.0, 0.0, 0.0, 1.0) if r == g == b == 0 else (0.0, 1.0, 1.0, 0.0)

    assert engine.recolour(pdf, cmyk, lambda colour: colour == (0.0, 0.0, 0.0, 1.0)) == 4
    names = engine.OVERPRINT_STATES
    assert page.stream == [f"/{names[True, False]} gs 0 0 0 1 k".encode(), b"q", f"/{names[True, False]} gs 0 1 1 0 K".encode(),
                           f"/{names[False, False]} gs 0 1 1 0 k".encode(), b"Q", f"/{names[True, True]} gs 0 0 0 1 K".encode()]
    states = resources["ExtGState"]
    assert {name: (states[name]["op"], states[name]["OP"], states[name]["OPM"]) for name in names.values()} == {
        names[fill, stroke]: ("true" if fill else "false", "true" if stroke else "false", 1)
        for fill in (False, True) for stroke in (False, True)
    }


def test_a_render_s_font_files_are_removed_once_asked_and_only_then() -> None:
    import font_source_sans_pro

    font = Path(font_source_sans_pro.font_files_ttf["SourceSansPro"])
    fonts = engine.font_configuration()
    html = f'<style>@font-face {{ font-family: House; src: url("{font.as_uri()}"); }} p {{ font-family: House; }}</style><p>x</p>'
    document = engine.weasyprint.HTML(string=html).render(font_config=fonts)
    folder = fonts._folder  # where WeasyPrint wrote the font for the layout; gone from a release, this fails here
    assert folder is not None and any(folder.iterdir())
    assert document.write_pdf().startswith(b"%PDF")
    engine.remove_font_files(fonts)
    assert not folder.exists() and fonts._folder is None
    engine.remove_font_files(fonts)  # once is enough; again does nothing
