"""Where the web edition's pages live: readable, unique in the issue, and linked relatively."""

from __future__ import annotations

import dataclasses

from paperpress.editions.site import FRONT, SHARE_WIDTH, photo_file, published_url, relative, share_photo, site_map
from paperpress.load import load_config, load_issue
from paperpress.model import Issue
from tests.support import FIXTURES


def sample_issue() -> Issue:
    root = FIXTURES / "minimal"
    config = load_config(root).value
    assert config is not None
    loaded = load_issue(root, config, root / "issues" / "issue-7.yaml")
    assert loaded.value is not None, loaded.problems
    return loaded.value


def test_pages_are_named_for_their_sections_and_files_in_reading_order() -> None:
    issue = sample_issue()
    pages = site_map(issue)
    first = issue.sections[0]
    assert pages.section_page(first) == f"web/{first.title.lower().replace(' ', '-')}/index.html"
    assert pages.pages[0] == FRONT
    assert pages.pages[1] == pages.section_page(first)
    assert pages.pages[2] == pages.article_page(first.articles[0])
    assert len(pages.pages) == 1 + len(issue.sections) + len(issue.articles)
    assert len(set(pages.pages)) == len(pages.pages)


def test_alike_sections_reserved_names_and_awkward_files_still_get_pages_of_their_own() -> None:
    issue = sample_issue()
    section = issue.sections[0]
    odd = [dataclasses.replace(a, slug=s) for a, s in zip(section.articles, ["index", " Café  Façade ", "x"], strict=False)]
    twin = dataclasses.replace(section, id="s9", articles=tuple(odd))
    assets = dataclasses.replace(section, id="s10", title="Assets", articles=())
    pages = site_map(dataclasses.replace(issue, sections=(section, twin, assets)))
    assert pages.sections["s9"].endswith("-2/index.html")
    assert pages.sections["s10"] == "web/assets-2/index.html"
    names = [pages.article_page(a).rsplit("/", 1)[1] for a in odd]
    assert names[0] == "index-2.html"
    assert all(n.isascii() and " " not in n for n in names)


def test_links_between_pages_are_relative() -> None:
    assert relative("web/city/tram.html", "web/index.html") == "../index.html"
    assert relative("web/index.html", "web/city/tram.html") == "city/tram.html"
    assert relative("web/city/tram.html", "issue-1142.epub") == "../../issue-1142.epub"
    image = sample_issue().articles[0].images[0]
    assert photo_file(image, 640, ".webp") == f"web/photos/{image.id}-640.webp"
    wide = dataclasses.replace(image, width=4000)
    assert share_photo(wide) == f"web/photos/{image.id}-{SHARE_WIDTH}.jpg"
    assert share_photo(dataclasses.replace(image, width=300)) == f"web/photos/{image.id}-300.jpg"


def test_published_addresses_are_under_the_website_with_or_without_its_slash() -> None:
    for website in ("https://example.org/courier", "https://example.org/courier/"):
        assert published_url(website, "issue-7/web/news/first.html") == "https://example.org/courier/issue-7/web/news/first.html"
    assert published_url(None, "feed.xml") is None and published_url("", "feed.xml") is None
