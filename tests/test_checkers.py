"""The web checkers themselves, on tiny pages written here: each passes a clean page and catches a broken one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.checkers import axe_violations, broken_links, html_errors, overflow, print_layout

pytestmark = pytest.mark.tool("web checkers")


def page(body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>A page</title>\n{head}</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


CLEAN = page(
    '<header><nav aria-label="Sections"><a href="other.html">Other</a></nav></header>\n'
    '<main><h1 id="top">A headline</h1><p>Some words, and <a href="https://example.org/">a site</a>.</p>\n'
    '<img src="photo.png" alt="A photo" width="10" height="10"></main>',
    "<style>@media print { nav { display: none } main a[href^=\"http\"]::after { content: \" (\" attr(href) \")\" } }"
    "</style>\n",
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A clean page, the page it links to and its photo."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text(CLEAN)
    (folder / "other.html").write_text(page('<main><h1>Other</h1><p><a href="index.html#top">Back</a></p></main>'))
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return folder


def test_html_errors_passes_valid_pages_and_reports_duplicate_ids_and_missing_alt(site: Path) -> None:
    assert html_errors(site) == []
    bad = site / "bad.html"
    bad.write_text(page('<main><p id="x">One</p><p id="x">Two</p><img src="photo.png"></main>'))
    found = html_errors([bad])
    assert any("bad.html" in f and "Duplicate ID" in f for f in found), found
    assert any("alt" in f for f in found), found


def test_axe_passes_a_clean_page_and_reports_a_photo_without_alt(site: Path, browser: Any) -> None:
    assert axe_violations(site / "index.html", 375, browser) == []
    assert axe_violations(site / "index.html", 1280, browser) == []
    bad = site / "bad.html"
    bad.write_text(page('<main><h1>Bad</h1><img src="photo.png" width="10" height="10"></main>'))
    found = axe_violations(bad, 375, browser)
    assert found == ["bad.html at 375 px: image-alt (critical): img"], found


def test_overflow_catches_a_wide_element_at_the_width_asked_for(site: Path, browser: Any) -> None:
    assert overflow(site / "index.html", 320, browser) == []
    wide = site / "wide.html"
    wide.write_text(page('<main><h1>Wide</h1><div class="table" style="width: 3000px">x</div></main>'))
    found = overflow(wide, 375, browser)
    assert found[0].startswith("wide.html at 375 px scrolls sideways:"), found
    assert "wide.html at 375 px: div.table 3008px" in found[1:], found
    # Only as wide as a tablet: fine at 1280 px, too wide at 375 px, so the viewport really is the width asked for.
    tablet = site / "tablet.html"
    tablet.write_text(page('<main><h1>Tablet</h1><div style="width: 700px">x</div></main>'))
    assert overflow(tablet, 1280, browser) == []
    assert overflow(tablet, 375, browser) != []


def test_print_layout_passes_hidden_navigation_and_reports_printed_navigation_and_bare_links(
    site: Path, browser: Any
) -> None:
    assert print_layout(site / "index.html", browser) == []
    plain = site / "plain.html"
    plain.write_text(page('<nav aria-label="Sections"><a href="index.html">Home</a></nav>'
                          '<main><h1>Plain</h1><p><a href="https://example.org/">a site</a></p></main>'))
    assert print_layout(plain, browser) == [
        'plain.html: navigation is printed: nav "Sections"',
        "plain.html: a link prints without its URL: https://example.org/",
    ]


def test_broken_links_passes_working_links_and_reports_missing_files_and_anchors(site: Path) -> None:
    assert broken_links(site) == []
    (site / "broken.html").write_text(page(
        '<main><h1>Broken</h1><a href="gone.html">Gone</a> <a href="other.html#nowhere">No such part</a>'
        ' <img src="lost.png" alt="Lost"> <a href="https://example.invalid/">Never fetched</a></main>'))
    found = sorted(broken_links(site))
    assert len(found) == 3, found
    assert found[0].startswith("broken.html: gone.html: URLError"), found
    assert found[1].startswith("broken.html: lost.png: URLError"), found
    assert found[2].startswith("broken.html: other.html#nowhere: Anchor `nowhere'"), found
