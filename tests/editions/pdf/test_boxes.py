"""Reading laid-out boxes (editions/pdf/boxes.py), on a small document laid out by WeasyPrint."""

from __future__ import annotations

from typing import Any

import pytest

from paperpress.editions.pdf.boxes import body_level, children, has_class

pytestmark = pytest.mark.slow


def _page_boxes() -> list[Any]:
    import weasyprint
    html = ('<html><style>@page { size: 80mm 60mm; } .next { break-before: page; }</style><body>'
            '<nav class="contents box"><p class="inner contents">words</p></nav><p class="next">more</p></body></html>')
    return [page._page_box for page in weasyprint.HTML(string=html).render().pages]


def test_only_the_body_s_children_of_the_class_are_found_on_each_page() -> None:
    first, second = _page_boxes()
    found = list(body_level(first, "contents"))
    assert [box.element_tag for box in found] == ["nav"]  # not the paragraph of that class inside it
    assert list(body_level(second, "contents")) == [] and [b.element_tag for b in body_level(second, "next")] == ["p"]


def test_a_class_is_one_of_the_element_s_and_a_text_box_has_no_children() -> None:
    [nav] = body_level(_page_boxes()[0], "box")
    assert has_class(nav, "contents") and has_class(nav, "box") and not has_class(nav, "cont")
    texts = [box for line in children(children(nav)[0]) for box in children(line)]
    assert texts and not any(children(text) for text in texts) and texts[0].text == "words"
