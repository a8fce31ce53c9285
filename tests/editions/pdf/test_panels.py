"""House panels moved into the gaps of one layout (editions/pdf/panels.py), on small documents laid out by WeasyPrint."""

from __future__ import annotations

from typing import Any

import pytest

from paperpress.editions.pdf.panels import place_panels
from tests.support import require_module

pytestmark = pytest.mark.slow

_CSS = """
@page { size: 100mm 140mm; margin: 10mm; }
body { margin: 0; font: 10pt/1.3 serif; }
.section + .section, .panel-store { break-before: page; }
.section-end { height: 0; }
.house-panel { box-sizing: border-box; margin: 4mm 0; padding: 2mm; background: #eee; }
"""


def _section(name: str, lines: int) -> str:
    words = " ".join(f"{name} line {n}." for n in range(lines))
    return f'<section class="section" id="{name}"><p>{words}</p><div class="section-end" id="{name}-end"></div></section>'


def _document(sections: dict[str, int], panel_lines: int = 3) -> Any:
    import weasyprint
    panel = "".join(f"<p>About this paper, line {n}</p>" for n in range(panel_lines))
    store = "".join(f'<aside class="house-panel" data-section="{name}">{panel}</aside>' for name in sections)
    body = "".join(_section(name, lines) for name, lines in sections.items())
    html = f'<html lang="en"><style>{_CSS}</style><body><main>{body}</main><div class="panel-store">{store}</div></body></html>'
    return weasyprint.HTML(string=html).render()


def _boxes(box: Any) -> list[Any]:
    found = [box]
    for child in getattr(box, "children", ()):
        found += _boxes(child)
    return found


def _panel(page: Any) -> Any:
    return next(box for box in _boxes(page._page_box) if box.element is not None and box.element_tag == "aside")


def _lines(page: Any) -> list[tuple[float, float, str]]:
    return [(box.position_x, box.position_y, box.text) for box in _boxes(page._page_box) if hasattr(box, "text")]


def test_a_panel_fills_the_gap_down_to_the_foot_and_the_store_pages_go() -> None:
    document = _document({"news": 4, "sport": 200})
    pages = len(document.pages)
    assert place_panels(document, ["news", "sport"]) == ["news"]
    assert len(document.pages) == pages - 1  # the store's page is dropped
    first = document.pages[0]._page_box
    panel = _panel(document.pages[0])
    mm = 96 / 25.4
    foot = first.content_box_y() + first.height
    assert panel.border_box_y() + panel.border_height() == pytest.approx(foot - 4 * mm)
    assert panel.border_height() > 80 * mm  # grown from its few lines to the gap
    text = " ".join(line[2] for line in _lines(document.pages[0]))
    assert text.index("news line 3") < text.index("About this paper, line 0")


def test_a_moved_panel_s_tint_is_laid_out_where_the_panel_now_is_and_as_tall() -> None:
    document = _document({"news": 4, "sport": 200})
    place_panels(document, ["news", "sport"])
    panel = _panel(document.pages[0])
    [layer] = panel.background.layers
    box = (panel.border_box_x(), panel.border_box_y(), panel.border_width(), panel.border_height())
    assert tuple(layer.painting_area) == pytest.approx(box)
    pymupdf = require_module("pymupdf")
    page = pymupdf.open(stream=document.write_pdf(), filetype="pdf")[0]
    [tint] = [d["rect"] for d in page.get_drawings() if d.get("fill") and min(d["rect"].width, d["rect"].height) > 20]
    first, last = (page.search_for(f"About this paper, line {n}")[0] for n in (0, 2))
    assert tint.contains(first) and tint.contains(last)
    assert 0 < first.y0 - tint.y0 < 20  # its padding and the paragraph's margin above its first line


def test_nothing_else_on_the_page_moves() -> None:
    document = _document({"news": 20, "sport": 30})
    before = [_lines(page) for page in document.pages]
    place_panels(document, ["news", "sport"])
    for n, page in enumerate(document.pages):
        assert [line for line in _lines(page) if not line[2].startswith("About this")] == before[n]


def test_a_gap_too_small_for_the_panels_lines_stays_white() -> None:
    document = _document({"news": 4, "sport": 200}, panel_lines=40)
    pages = len(document.pages)
    assert place_panels(document, ["news", "sport"]) == []
    assert len(document.pages) < pages
    assert all(not any(box.element_tag == "aside" for box in _boxes(page._page_box) if box.element is not None)
               for page in document.pages)


def test_the_same_panel_never_closes_gaps_on_two_pages_running() -> None:
    document = _document({"news": 4, "sport": 4, "arts": 4, "letters": 200})
    assert place_panels(document, ["news", "sport", "arts", "letters"]) == ["news", "arts"]
    assert [any(box.element_tag == "aside" for box in _boxes(page._page_box) if box.element is not None)
            for page in document.pages[:3]] == [True, False, True]


def test_a_document_without_a_store_is_left_as_it_is() -> None:
    import weasyprint
    document = weasyprint.HTML(string=f"<style>{_CSS}</style>" + _section("news", 4)).render()
    assert place_panels(document, ["news"]) == []
    assert len(document.pages) == 1


_RUN_ON = """
.section + .section { break-before: auto; }
.section + .section::before { content: ""; display: block; height: 40mm; margin-bottom: -40mm; break-inside: avoid; }
.section-title { break-after: avoid; } .section p { break-inside: avoid; }
"""


def _run_on(sections: dict[str, int]) -> Any:
    """The sections with a title each, the second running on under the first where 40 mm are left."""
    weasyprint = require_module("weasyprint")
    panel = "<p>About this paper</p>"
    store = "".join(f'<aside class="house-panel" data-section="{name}">{panel}</aside>' for name in sections)
    body = "".join(_section(name, lines).replace("<p>", f'<h1 class="section-title">{name}</h1><p>', 1)
                   for name, lines in sections.items())
    html = (f'<html lang="en"><style>{_CSS}{_RUN_ON}</style><body><main>{body}</main>'
            f'<div class="panel-store">{store}</div></body></html>')
    return weasyprint.HTML(string=html).render()


def test_a_section_running_on_under_the_one_before_leaves_it_no_gap_and_no_panel() -> None:
    document = _run_on({"news": 4, "sport": 4})
    assert place_panels(document, ["news", "sport"]) == ["sport"]  # the last section's gap is still filled
    [page] = document.pages
    text = " ".join(line[2] for line in _lines(page))
    assert text.index("news line 3") < text.index("sport") < text.index("About this paper")


def test_a_section_whose_title_moves_to_the_next_page_leaves_a_gap_its_panel_fills() -> None:
    """The block holding room for the next section stays on the page when it fits, though the title and
    the paragraph kept with it do not: the section still ends there, with a gap."""
    document = _run_on({"news": 4, "sport": 80})
    first, second = document.pages[:2]
    assert "sport" in first.anchors and "sport" in {line[2] for line in _lines(second)}  # the room here, the title there
    assert "news" in place_panels(document, ["news", "sport"])
    assert any(line[2].startswith("About this paper") for line in _lines(document.pages[0]))
