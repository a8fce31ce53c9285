"""The contents box's page numbers written into one layout (editions/pdf/contents_pages.py), on small documents."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest

from paperpress.editions.pdf.contents_pages import PLACEHOLDER, number_contents
from tests.support import require_tool

pytestmark = pytest.mark.slow

_CSS = f"""
@page {{ size: 100mm 80mm; margin: 10mm; }}
body {{ margin: 0; font: 10pt/1.3 serif; }}
article {{ break-before: page; }}
.contents-link::after {{ content: "\\A0\\A0 {PLACEHOLDER}"; white-space: nowrap; }}
"""


def _document(articles: int) -> Any:
    import weasyprint
    links = "".join(f'<li><a class="contents-link" href="#a{n}">Story {n}</a></li>' for n in range(articles))
    body = "".join(f'<article id="a{n}"><h2>Story {n}</h2><p>Words of story {n}.</p></article>' for n in range(articles))
    html = f'<html lang="en"><style>{_CSS}</style><body><nav class="contents"><ul>{links}</ul></nav>{body}</body></html>'
    return weasyprint.HTML(string=html).render()


def test_each_link_gets_the_page_its_target_starts_on(tmp_path) -> None:
    document = _document(3)
    assert number_contents(document) == 3
    (tmp_path / "out.pdf").write_bytes(document.write_pdf())
    text = subprocess.run([require_tool("pdftotext"), "-f", "1", "-l", "1", tmp_path / "out.pdf", "-"],
                          capture_output=True, text=True, check=True).stdout
    # the contents are on page 1 and each article starts a page of its own
    assert re.findall(r"Story (\d)\s+(\d+)", text) == [("0", "2"), ("1", "3"), ("2", "4")]
    assert PLACEHOLDER not in text


def test_the_front_page_is_laid_out_once(monkeypatch) -> None:
    import weasyprint.layout.page as pages

    made = []
    remake = pages.remake_page
    monkeypatch.setattr(pages, "remake_page", lambda index, *args: made.append(index) or remake(index, *args))
    document = _document(2)
    assert made == list(range(len(document.pages)))  # no page made twice, as target-counter() would


def test_a_link_to_nowhere_keeps_its_placeholder() -> None:
    import weasyprint
    html = f'<html><style>{_CSS}</style><body><nav class="contents"><a class="contents-link" href="#gone">Gone</a></nav></body></html>'
    document = weasyprint.HTML(string=html).render()
    assert number_contents(document) == 0
