"""The web edition: every page the site map names, header order, responsive photos, links that lead somewhere,
metadata that parses and cannot be broken out of, no script, and the same bytes in every time zone."""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html

from paperpress.editions.base import Length, Output
from paperpress.editions.frame import HEADER_ORDER
from paperpress.editions.site import FRONT, site_map
from paperpress.editions.web.edition import STYLESHEET, WebEdition, downloads, json_ld
from paperpress.editions.web.photos import SIZES, THUMBNAIL_SIZES
from paperpress.model import Issue
from paperpress.run.issue import build_info, check_issue, open_publication
from paperpress.typeset.geometry import Role
from tests.checkers import axe_violations, html_errors, overflow, print_layout
from tests.support import FIXTURES, REPO, copy_publication, run_elsewhere

UNUSUAL = FIXTURES / "unusual"
HOSTILE_HEADLINE = "</script><script>alert(1)</script> & <!-- more"


def render(root: Path, name: str, **config: object) -> tuple[Issue, list[Output]]:
    pub = open_publication(root)
    checked = check_issue(pub, name)
    issue = checked.value
    assert issue is not None, [str(p) for p in checked.problems]
    info = build_info(pub, issue)
    if config:
        info = dataclasses.replace(info, config=dataclasses.replace(info.config, **config))
    return issue, WebEdition().render(issue, pub.layouts, info)


def write(files: list[Output], folder: Path) -> Path:
    """The edition's files as the build writes them, in the issue's output folder."""
    for name, _, data in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


class Site:
    """One issue's web edition, rendered and written out, its pages parsed."""

    def __init__(self, issue: Issue, files: list[Output], folder: Path) -> None:
        self.issue = issue
        self.files = files
        self.folder = write(files, folder)
        self.map = site_map(issue)

    def page(self, path: str) -> html.HtmlElement:
        return html.fromstring((self.folder / path).read_bytes())

    def pages(self) -> dict[str, html.HtmlElement]:
        return {path: self.page(path) for path in self.map.pages}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Site:
    issue, files = render(REPO, "issue-1142")
    return Site(issue, files, tmp_path_factory.mktemp("web") / "issue-1142")


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Unusual issue 30: links between articles, to subheads, and notes."""
    issue, files = render(UNUSUAL, "issue-30")
    return Site(issue, files, tmp_path_factory.mktemp("web") / "issue-30")


# --- the pages --------------------------------------------------------------------------------------------


def test_every_page_of_the_site_map_is_written_the_front_page_first(sample: Site) -> None:
    written = [name for name, media_type, _ in sample.files if media_type == "text/html"]
    assert written == list(sample.map.pages)
    assert sample.files[0][0] == FRONT
    assert all(name.startswith("web/") for name, _, _ in sample.files)
    assert len({name for name, _, _ in sample.files}) == len(sample.files)
    assert len(written) == 1 + len(sample.issue.sections) + len(sample.issue.articles)


def test_pages_rendered_alone_are_the_same_bytes_as_in_the_whole_edition(sample: Site) -> None:
    pub = open_publication(REPO)
    article = sample.issue.articles[2]
    wanted = {sample.map.article_page(article)}
    alone = WebEdition().render_pages(sample.issue, pub.layouts, build_info(pub, sample.issue), wanted)
    whole = {output.file: output for output in sample.files}
    assert [output.file for output in alone] == sorted(wanted)
    assert alone == [whole[file] for file in sorted(wanted)]


def test_each_page_has_the_language_one_h1_and_a_title(sample: Site) -> None:
    for path, page in sample.pages().items():
        assert page.get("lang") == "en", path
        assert len(page.findall(".//h1")) == 1, path
        assert page.findtext(".//title").strip(), path


def test_article_pages_give_the_header_in_the_one_order_then_the_body_and_notes(sample: Site) -> None:
    for article in sample.issue.articles:
        page = sample.page(sample.map.article_page(article))
        (header,) = page.find_class("article-header")
        kinds = [el.get("class") for el in header]
        assert kinds == [k for k in HEADER_ORDER if k == "headline" or getattr(article, k)]
        assert header[0].tag == "h1" and header[0].text_content() == article.title
        notes = page.find_class("footnote")
        assert [n.get("id") for n in notes] == [f.id for f in article.footnotes]
        assert not any(a.startswith("epub:") for el in page.iter() if isinstance(el.tag, str) for a in el.attrib)


def test_the_front_page_leads_with_the_cover_line_and_lead_photo_then_every_section(sample: Site) -> None:
    front = sample.page(FRONT)
    assert front.findtext(".//h1").strip() == sample.issue.cover_line
    lead = sample.issue.lead_article
    (story,) = front.find_class("lead-story")
    assert story.find(".//img").get("alt") == lead.images[0].alt
    assert story.find(".//h2/a").get("href") == posixpath.relpath(sample.map.article_page(lead), "web")
    linked = {a.get("href") for a in front.iter("a")}
    for article in sample.issue.articles:
        assert posixpath.relpath(sample.map.article_page(article), "web") in linked
    titles = [h.text_content() for h in front.find_class("section-title")]
    assert titles == [s.title for s in sample.issue.sections]


def test_a_section_page_lists_its_articles_with_standfirsts_and_thumbnails(sample: Site) -> None:
    section = sample.issue.sections[1]
    page = sample.page(sample.map.section_page(section))
    teasers = page.find_class("teaser")
    assert [t.find(".//h2").text_content() for t in teasers] == [a.title for a in section.articles]
    for teaser, article in zip(teasers, section.articles, strict=True):
        assert (teaser.find(".//img") is not None) == bool(article.images)
        if article.standfirst:
            assert teaser.find_class("standfirst")[0].text_content() == article.standfirst


def test_photos_are_responsive_sized_and_lazy_below_the_first(sample: Site) -> None:
    seen = 0
    for path, page in sample.pages().items():
        imgs = list(page.iter("img"))
        for n, img in enumerate(imgs):
            assert int(img.get("width")) > 0 and int(img.get("height")) > 0, path
            assert img.get("alt") is not None and img.get("srcset"), path
            assert img.get("loading") == ("eager" if n == 0 else "lazy"), (path, n)
            source = img.getparent().find("source")
            assert img.getparent().tag == "picture" and source.get("type") == "image/webp"
            for url in [img.get("src")] + [c.split()[0] for s in (img, source) for c in s.get("srcset").split(",")]:
                assert (sample.folder / posixpath.normpath(posixpath.join(posixpath.dirname(path), url))).is_file(), url
            seen += 1
    assert seen > len(sample.issue.articles)


def test_each_photo_is_sized_for_where_it_stands(sample: Site) -> None:
    lead = sample.issue.lead_article
    front = sample.page(FRONT)
    assert front.find_class("lead-story")[0].find(".//img").get("sizes") == SIZES[Role.FRONT_LEAD]
    assert {img.get("sizes") for t in front.find_class("teaser") for img in t.iter("img")} == {THUMBNAIL_SIZES}
    page = sample.page(sample.map.article_page(lead))
    assert page.get_element_by_id(lead.images[0].id).find(".//img").get("sizes") == SIZES[Role.LEAD]
    figures = [a for a in sample.issue.articles if any(b.kind == "figure" for b in a.blocks)]
    for article in figures:
        body = sample.page(sample.map.article_page(article)).find_class("article-body")[0]
        assert {img.get("sizes") for img in body.iter("img")} == {SIZES[Role.INLINE]}


def test_the_style_sheet_brings_the_sites_own_fonts_and_nothing_from_elsewhere(sample: Site) -> None:
    css = (sample.folder / STYLESHEET).read_text()
    urls = re.findall(r"url\(\"?([^)\"]+)\"?\)", css)
    assert urls and all(u.endswith(".woff2") and not urlsplit(u).scheme and not u.startswith("/") for u in urls)
    for url in urls:
        assert (sample.folder / posixpath.dirname(STYLESHEET) / url).is_file(), url
    assert "@import" not in css and "--serif:" in css.split("\n\n", 1)[0]


def test_a_caption_and_credit_go_with_every_photo(sample: Site) -> None:
    article = next(a for a in sample.issue.articles if a.images and a.images[0].credit)
    page = sample.page(sample.map.article_page(article))
    figure = page.get_element_by_id(article.images[0].id)
    assert figure.find_class("caption")[0].text_content() == article.images[0].caption
    assert figure.find_class("credit")[0].text_content() == f"Photo: {article.images[0].credit}"


# --- links ------------------------------------------------------------------------------------------------


def _targets(site: Site) -> list[tuple[str, str, str]]:
    """(page, file in the issue folder, fragment) for every link that stays in the publication."""
    found = []
    for path, page in site.pages().items():
        for a in page.iter("a", "link"):
            href = a.get("href")
            if a.tag == "link" and a.get("rel") not in ("stylesheet", "alternate"):
                continue
            if urlsplit(href).scheme:
                continue
            file, _, fragment = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), file)) if file else path
            found.append((path, target, fragment))
    return found


@pytest.mark.parametrize("which", ["sample", "linked"])
def test_every_link_between_pages_leads_to_a_page_and_an_anchor_on_it(which: str, request: pytest.FixtureRequest) -> None:
    site: Site = request.getfixturevalue(which)
    ids = {path: {el.get("id") for el in page.iter() if isinstance(el.tag, str) and el.get("id")}
           for path, page in site.pages().items()}
    others = set()
    for page, target, fragment in _targets(site):
        if target.startswith("web/"):
            assert (site.folder / target).is_file(), (page, target)
            if fragment:
                assert fragment in ids[target], (page, target, fragment)
        else:
            others.add(target)
    name = site.issue.name
    published = {f"{name}.txt", f"{name}.epub", f"{name}.pdf"}
    assert others == published | {"../index.html", "../feed.xml"}  # the other editions by their files; the catalog, its feed


def test_links_into_the_issue_go_to_the_other_articles_page_and_its_subhead(linked: Site) -> None:
    issue = linked.issue
    wall = next(a for a in issue.articles if a.slug == "harbour-wall")
    ferry = next(a for a in issue.articles if a.slug == "ferry-timetable")
    page = linked.page(linked.map.article_page(wall))
    hrefs = [a.get("href") for a in page.find_class("xref")]
    to_ferry = posixpath.relpath(linked.map.article_page(ferry), posixpath.dirname(linked.map.article_page(wall)))
    anchor = next(h.id for h in ferry.blocks if h.kind == "heading" and h.slug == "what-changes")
    assert f"{to_ferry}#{anchor}" in hrefs and to_ferry in hrefs
    same = linked.page(linked.map.article_page(ferry)).find_class("anchor")
    assert same and all(a.get("href").startswith("#") for a in same)


def test_previous_and_next_follow_the_reading_order_and_related_lists_the_section(sample: Site) -> None:
    every = sample.issue.articles
    for n, article in enumerate(every):
        path = sample.map.article_page(article)
        page = sample.page(path)
        rel = {a.get("rel"): a.get("href") for a in page.find_class("pager")[0].iter("a")} if n or n + 1 < len(every) else {}

        def to(other: object, path: str = path) -> str:
            return posixpath.relpath(sample.map.article_page(other), posixpath.dirname(path))  # type: ignore[arg-type]

        assert rel.get("prev") == (to(every[n - 1]) if n else None)
        assert rel.get("next") == (to(every[n + 1]) if n + 1 < len(every) else None)
        section = next(s for s in sample.issue.sections if article in s.articles)
        (related,) = page.find_class("related")
        listed = [a.get("href") for a in related.iter("a")]
        assert listed == [to(o) for o in section.articles if o is not article] + ["../../../index.html"]


def test_what_plays_is_offered_with_its_size_and_running_time_the_rest_by_its_name() -> None:
    issue = check_issue(open_publication(FIXTURES / "minimal"), "issue-7").value
    lengths = {"read-aloud": Length(13_640_000, 1980), "audio": Length(31_000_000, 1990), "pdf": Length(5_000_000, 0)}
    offered = downloads(issue, ("pdf", "audio", "read-aloud", "web"), "web/index.html", lengths)
    assert [(d.label, d.href, d.length) for d in offered] == [
        ("PDF", "../issue-7.pdf", None),
        ("Audio (MP3)", "../audio/issue-7.mp3", "31.0 MB · 33 min"),
        ("EPUB read aloud", "../issue-7-read-aloud.epub", "13.6 MB · 33 min"),
    ]
    assert [d.length for d in downloads(issue, ("audio",), "web/index.html", {})] == [None]  # not made yet


@pytest.mark.slow  # whole editions built more than once
def test_audio_is_offered_where_the_publication_makes_it() -> None:
    from paperpress.editions.audio.edition import FOLDER

    issue, files = render(FIXTURES / "minimal", "issue-7", editions=("txt", "audio", "web"))
    page = html.fromstring(files[0][2])
    offered = [a.get("href") for a in page.find_class("editions-nav")[0].iter("a")]
    assert offered == ["../issue-7.txt", f"../{FOLDER}/issue-7.mp3", "../../index.html", "../../feed.xml"]


@pytest.mark.slow  # whole editions built more than once
def test_each_article_offers_its_printable_version_in_the_print_edition(sample: Site) -> None:
    for article in sample.issue.articles:
        page = sample.page(sample.map.article_page(article))
        (link,) = page.find_class("printable")[0].iter("a")
        assert link.get("href") == f"../../{sample.issue.name}.pdf#{article.id}"  # a named destination of the PDF
    _, files = render(FIXTURES / "minimal", "issue-7", editions=("txt", "web"))
    article_pages = [data for name, _, data in files if name.endswith(".html") and "/index.html" not in name]
    assert article_pages and not any(html.fromstring(data).find_class("printable") for data in article_pages)


# --- found, shared and safe -------------------------------------------------------------------------------


def test_canonical_urls_and_sharing_metadata_come_from_the_website(sample: Site) -> None:
    website = sample.issue.publication.website
    assert website
    article = sample.issue.lead_article
    path = sample.map.article_page(article)
    page = sample.page(path)
    canonical = f"{website}/{sample.issue.name}/{path}"
    assert page.find(".//link[@rel='canonical']").get("href") == canonical
    meta = {m.get("property") or m.get("name"): m.get("content") for m in page.iter("meta")}
    assert meta["og:url"] == canonical and meta["og:type"] == "article" and meta["og:title"] == article.title
    assert meta["og:image"].startswith(f"{website}/{sample.issue.name}/web/photos/{article.images[0].id}-")
    assert meta["twitter:card"] == "summary_large_image" and meta["description"] == article.standfirst
    image = meta["og:image"].removeprefix(f"{website}/{sample.issue.name}/")
    assert (sample.folder / image).is_file()


@pytest.mark.slow  # whole editions built more than once
def test_without_a_website_there_is_no_canonical_url_and_no_photo_card() -> None:
    issue, files = render(FIXTURES / "minimal", "issue-7")
    assert issue.publication.website is None
    for _, media_type, data in files:
        if media_type == "text/html":
            page = html.fromstring(data)
            assert page.find(".//link[@rel='canonical']") is None
            assert not [m for m in page.iter("meta") if m.get("property") == "og:image"]


#: The README's policy: nothing by default, and only the issue's own images, style sheet and fonts; no <base>
#: and no form may send a reader elsewhere.
POLICY = {"default-src": "'none'", "img-src": "'self'", "style-src": "'self'", "font-src": "'self'",
          "base-uri": "'none'", "form-action": "'none'"}


def _directives(policy: str) -> dict[str, str]:
    pairs = [d.strip().split(None, 1) for d in policy.split(";") if d.strip()]
    return {pair[0]: pair[1] if len(pair) > 1 else "" for pair in pairs}


def test_every_page_has_the_csp_and_no_script_and_no_inline_style(sample: Site) -> None:
    for path, page in sample.pages().items():
        csp = page.find(".//meta[@http-equiv='Content-Security-Policy']")
        assert csp is not None and _directives(csp.get("content")) == POLICY, path
        data_only = ["application/ld+json"] if path in sample.map.articles.values() else []
        assert [s.get("type") for s in page.iter("script")] == data_only, path
        assert not list(page.iter("style")), path
        assert not [el for el in page.iter() if isinstance(el.tag, str) and (el.get("style") or any(a.startswith("on") for a in el.attrib))], path


def test_json_ld_is_a_news_article_that_parses(sample: Site) -> None:
    article = sample.issue.articles[0]
    page = sample.page(sample.map.article_page(article))
    (script,) = page.iter("script")
    data = json.loads(script.text)
    assert data["@type"] == "NewsArticle" and data["headline"] == article.title
    assert data["author"]["name"] == article.byline and data["datePublished"] == "2026-11-20"
    assert data["isPartOf"]["issueNumber"] == "1142" and data["articleSection"] == "News"


@pytest.mark.slow  # whole editions built more than once
def test_no_headline_can_close_the_json_ld_or_reach_the_page_as_markup(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    first = pub / "issues" / "issue-7" / "first.md"
    first.write_text(first.read_text().replace("title: The first article", f"title: {json.dumps(HOSTILE_HEADLINE)}"))
    issue, files = render(pub, "issue-7")
    data = {name: body for name, _, body in files}[site_map(issue).article_page(issue.articles[0])]
    assert b"</script><script>" not in data and b"<!-- more" not in data
    page = html.fromstring(data)
    (script,) = page.iter("script")
    assert script.get("type") == "application/ld+json"
    assert json.loads(script.text)["headline"] == HOSTILE_HEADLINE
    assert page.find(".//h1").text_content() == HOSTILE_HEADLINE
    assert json_ld({"x": "<&>"}) == '{\n "x": "\\u003c\\u0026\\u003e"\n}'


# --- independent checkers -----------------------------------------------------------------------------


def test_every_page_validates(sample: Site, linked: Site) -> None:
    assert html_errors([site.folder / page for site in (sample, linked) for page in site.map.pages]) == []


def _checked_pages(site: Site) -> list[Path]:
    """The front page, a section's page, and two article pages: one with a photo and a table, one with notes."""
    issue = site.issue
    photo_and_table = next(a for a in issue.articles if a.images and any(b.kind == "table" for b in a.blocks))
    notes = next(a for a in issue.articles if a.footnotes and a is not photo_and_table)
    paths = [FRONT, site.map.section_page(issue.sections[1]), site.map.article_page(photo_and_table),
             site.map.article_page(notes)]
    return [site.folder / p for p in paths]


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_violation(sample: Site, browser: object, width: int) -> None:
    assert [v for page in _checked_pages(sample) for v in axe_violations(page, width, browser)] == []


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_no_page_scrolls_sideways(sample: Site, browser: object, width: int) -> None:
    assert [f for page in sample.map.pages for f in overflow(sample.folder / page, width, browser)] == []


def test_an_article_prints_without_navigation_and_with_its_links_written_out(sample: Site, browser: object) -> None:
    pages = [sample.map.article_page(a) for a in sample.issue.articles]
    assert [f for page in pages for f in print_layout(sample.folder / page, browser)] == []


# --- reproducible -----------------------------------------------------------------------------------------

_BUILD = (
    "import hashlib, sys; from pathlib import Path; from tests.editions.web.test_edition import render; "
    "print('\\n'.join(f'{n} {hashlib.sha256(d).hexdigest()}' for n, _, d in render(Path(sys.argv[1]), 'issue-1142')[1]))"
)


def _build_in(env: dict[str, str]) -> str:
    return run_elsewhere(_BUILD, env, timeout=300).decode()


@pytest.mark.slow  # a whole build in another process
def test_two_builds_in_different_time_zones_and_locales_are_identical(sample: Site) -> None:
    east = _build_in({"TZ": "Pacific/Auckland", "LC_ALL": "C.UTF-8"})
    west = _build_in({"TZ": "America/Los_Angeles", "LC_ALL": "C"})
    assert east == west
    assert len(east.splitlines()) == len(sample.files)
