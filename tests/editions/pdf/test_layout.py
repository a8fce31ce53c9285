"""The PDF's layout step (editions/pdf/layout.py): what it refuses, what fails it, and how it spends memory."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paperpress.errors import PaperpressError
from tests.editions.pdf.test_edition import _build, _configured, _run, _with_style
from tests.support import FIXTURES


@pytest.mark.parametrize(
    "url",
    ["https://example.org/tracker.png", "data:image/png;base64,iVBORw0KGgo=", "file:///etc/hostname", "../../x.png"],
)
def test_anything_but_our_own_files_is_refused_and_fails_the_build(tmp_path: Path, url: str) -> None:
    pub = _with_style(tmp_path, f'body {{ background: url("{url}"); }}')
    with pytest.raises(PaperpressError) as caught:
        _build(pub, "7", "screen")
    message = str(caught.value)
    assert "the PDF layout asked for '" in message and "nothing is fetched from elsewhere" in message


def test_a_weasyprint_warning_fails_the_build(tmp_path: Path) -> None:
    pub = _with_style(tmp_path, "p { colour: red; }")
    with pytest.raises(PaperpressError, match=r"WeasyPrint: Ignored `colour: red`"):
        _build(pub, "7", "screen")


@pytest.mark.parametrize("fewest", [1, 99])  # the minimal issue's two pages are over one, under 99
def test_a_long_layout_s_garbage_is_freed_and_the_layout_frozen_while_the_pdf_is_written(monkeypatch, fewest: int) -> None:
    import gc

    import weasyprint

    from paperpress.editions.pdf import layout

    monkeypatch.setattr(layout, "COLLECTED_FROM", fewest)
    write_pdf = weasyprint.Document.write_pdf
    seen = []

    def spy(document, *args, **kwargs):
        seen.append((gc.get_freeze_count() > 0, gc.get_count()[2]))
        return write_pdf(document, *args, **kwargs)

    monkeypatch.setattr(weasyprint.Document, "write_pdf", spy)
    assert _build(FIXTURES / "minimal", "7", "screen").startswith(b"%PDF-")
    collected = fewest == 1
    assert len(seen) == 1 and seen[0][0] == collected  # frozen only when collected
    if collected:
        assert seen[0][1] == 0  # the oldest generation just collected
    assert gc.get_freeze_count() == 0  # and thawed again, so that the document can be freed


def test_a_system_font_falling_in_fails_the_build(tmp_path: Path) -> None:
    pub = _with_style(tmp_path, 'p { font-family: "DejaVu Sans"; }')
    with pytest.raises(PaperpressError, match=r"a system font 'DejaVu Sans' was used"):
        _build(pub, "7", "screen")


def test_the_pages_are_dropped_once_drawn_before_the_pdf_is_serialised(monkeypatch, tmp_path: Path) -> None:
    import pydyf
    import weasyprint

    laid_out, left_when_serialised = [], []
    write_pdf, write = weasyprint.Document.write_pdf, pydyf.PDF.write

    def spy_write_pdf(document, *args, **kwargs):
        laid_out.append(document)
        return write_pdf(document, *args, **kwargs)

    def spy_write(pdf, *args, **kwargs):
        left_when_serialised.append(len(laid_out[0].pages))
        return write(pdf, *args, **kwargs)

    monkeypatch.setattr(weasyprint.Document, "write_pdf", spy_write_pdf)
    monkeypatch.setattr(pydyf.PDF, "write", spy_write)
    pub = _configured(tmp_path, "  article_break: page\n")
    (tmp_path / "out.pdf").write_bytes(_build(pub, "7", "screen"))
    assert left_when_serialised == [0]  # the boxes were gone when the PDF objects were written out
    assert int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", tmp_path / "out.pdf"))[1]) == 2  # and every page drawn


def test_no_page_is_laid_out_twice_for_the_contents_page_numbers(monkeypatch) -> None:
    import weasyprint.layout.page as pages

    made = []
    remake = pages.remake_page
    monkeypatch.setattr(pages, "remake_page", lambda index, *args: made.append(index) or remake(index, *args))
    assert _build(FIXTURES / "minimal", "7", "screen").startswith(b"%PDF-")
    assert made and len(made) == len(set(made))  # target-counter() would lay the front page out three times


def test_the_collector_passes_over_young_objects_a_tenth_as_often_during_the_layout_only(monkeypatch) -> None:
    import gc

    import weasyprint

    render, write_pdf, seen = weasyprint.HTML.render, weasyprint.Document.write_pdf, []
    monkeypatch.setattr(weasyprint.HTML, "render", lambda html, **k: seen.append(("layout", gc.get_threshold()[0])) or render(html, **k))
    monkeypatch.setattr(weasyprint.Document, "write_pdf", lambda d, **k: seen.append(("writing", gc.get_threshold()[0])) or write_pdf(d, **k))
    usual = gc.get_threshold()
    assert _build(FIXTURES / "minimal", "7", "screen").startswith(b"%PDF-")
    assert seen == [("layout", usual[0] * 10), ("writing", usual[0])]
    assert gc.get_threshold() == usual
