"""dist/feed.xml and dist/sitemap.xml as feed readers and search engines read them, from the web editions on disk."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from paperpress.build import build_archive
from paperpress.catalog.index import write_catalog
from paperpress.options import BuildOptions
from paperpress.output.plan import select_issues
from paperpress.run import issue as issue_module
from paperpress.run.issue import open_publication
from tests.fakes import WITH_FAKE_WEB, fabricate_archive, fake_art, make_web_archive
from tests.support import shared_unless_mutating

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
WEBSITE = "https://example.org/bulletin"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
#: Each issue of the archive: a section of one article each, the first with a photo.
PAGES = ["web/index.html", "web/news/index.html", "web/news/first.html", "web/letters/index.html",
         "web/letters/second.html"]


@pytest.fixture(scope=shared_unless_mutating)
def pub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return make_web_archive(tmp_path_factory.mktemp("syndication") / "pub", WEBSITE, monkeypatch)


def test_the_feed_has_an_entry_per_article_of_the_issues_online(pub: Path) -> None:
    feed = feedparser.parse(str(pub / "dist/feed.xml"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "The Minimal Bulletin"
    assert [(e.title, e.link) for e in feed.entries] == [
        ("The first article", f"{WEBSITE}/issue-3/web/news/first.html"),
        ("The second article", f"{WEBSITE}/issue-3/web/letters/second.html"),
        ("The first article", f"{WEBSITE}/issue-2/web/news/first.html"),
        ("The second article", f"{WEBSITE}/issue-2/web/letters/second.html"),
    ]  # issue 1 has no web edition, so nothing of it
    first, second = feed.entries[:2]
    assert first.summary == "What happened, in one sentence." and first.author == "Staff reporter"
    assert first.tags[0].term == "News" and first.updated == "2026-01-22T12:00:00Z"
    assert "summary" not in second and second.author == "The Minimal Bulletin"  # no standfirst, no byline
    photo = [link for link in first.links if link.rel == "enclosure"]
    shared = pub / "dist/issue-3/web/photos/a1-img1-1200.jpg"
    assert [(p.href, p.type, int(p.length)) for p in photo] == [
        (f"{WEBSITE}/issue-3/web/photos/a1-img1-1200.jpg", "image/jpeg", shared.stat().st_size)
    ]
    assert first.media_thumbnail[0]["url"] == photo[0].href
    assert not [link for link in second.links if link.rel == "enclosure"]
    for entry in feed.entries:
        assert (pub / "dist" / entry.link.removeprefix(WEBSITE + "/")).is_file()


def test_the_feed_keeps_the_atom_rules(pub: Path) -> None:
    """feedparser forgives a lot, so the Atom rules are checked on the XML itself."""
    root = etree.parse(str(pub / "dist/feed.xml")).getroot()
    assert root.tag == f"{ATOM}feed"
    assert re.match(r"^urn:uuid:[0-9a-f-]{36}$", root.findtext(f"{ATOM}id") or "")
    assert root.findtext(f"{ATOM}id") != etree.parse(str(pub / "dist/opds.xml")).getroot().findtext(f"{ATOM}id")
    assert root.findtext(f"{ATOM}updated") == "2026-01-22T12:00:00Z"
    links = {link.get("rel"): (link.get("href"), link.get("type")) for link in root.findall(f"{ATOM}link")}
    assert links["self"] == (f"{WEBSITE}/feed.xml", "application/atom+xml")
    assert links["alternate"] == (f"{WEBSITE}/index.html", "text/html")
    entries = root.findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(entries) == 4 and all(re.match(r"^urn:uuid:[0-9a-f-]{36}$", i or "") for i in ids)
    for entry in entries:
        assert entry.findtext(f"{ATOM}title") and entry.findtext(f"{ATOM}author/{ATOM}name")
        assert ISO.match(entry.findtext(f"{ATOM}updated") or "")
        alternates = entry.findall(f"{ATOM}link[@rel='alternate']")
        assert len(alternates) == 1 and alternates[0].get("type") == "text/html"


def test_entry_ids_stay_the_same_when_the_issues_are_rebuilt(pub: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    before = (pub / "dist/feed.xml").read_bytes()
    copy = shutil.copytree(pub, tmp_path / "pub")
    monkeypatch.setattr(issue_module, "render_art", fake_art)
    names = select_issues(copy, ["2", "3"])
    result = build_archive(open_publication(copy), names, copy / "dist", BuildOptions(("txt", "web")),
                           editions=WITH_FAKE_WEB, force=True)
    assert sorted(r.name for r in result.results) == ["issue-2", "issue-3"] and not result.failed
    assert (copy / "dist/feed.xml").read_bytes() == before
    # Articles moved in their issue keep their ids: each is the same article, whatever its place.
    manifest = copy / "issues/issue-3.yaml"
    news, letters = "  - title: News\n    articles:\n      - issue-3/first.md\n", "  - title: Letters\n    articles:\n      - issue-3/second.md\n"
    assert news + letters in manifest.read_text()
    manifest.write_text(manifest.read_text().replace(news + letters, letters + news))
    ids = _ids(pub / "dist/feed.xml")
    build_archive(open_publication(copy), ["issue-3"], copy / "dist", BuildOptions(("txt", "web")),
                  editions=WITH_FAKE_WEB)
    assert _ids(copy / "dist/feed.xml") == ids


def _ids(feed: Path) -> dict[str, str]:
    """Each entry's id by its link, without the section folder that a move changes."""
    root = etree.parse(str(feed)).getroot()
    return {
        re.sub(r"/web/[^/]+/", "/web/", e.find(f"{ATOM}link[@rel='alternate']").get("href")): e.findtext(f"{ATOM}id")
        for e in root.findall(f"{ATOM}entry")
    }


def _sitemap_urls(dist: Path) -> list[tuple[str, str]]:
    """Every address of the sitemaps the index lists, in their order."""
    index = etree.parse(str(dist / "sitemap.xml")).getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    urls = []
    for loc in index.iterfind(f"{SITEMAP}sitemap/{SITEMAP}loc"):
        root = etree.parse(str(dist / (loc.text or "").removeprefix(WEBSITE + "/"))).getroot()
        assert root.tag == f"{SITEMAP}urlset"
        urls += [(u.findtext(f"{SITEMAP}loc"), u.findtext(f"{SITEMAP}lastmod")) for u in root.findall(f"{SITEMAP}url")]
    return urls


def test_the_sitemap_lists_the_catalog_and_every_page_online(pub: Path) -> None:
    urls = _sitemap_urls(pub / "dist")
    catalog = [f"{WEBSITE}/{page}" for page in ("index.html", "archive/2026.html", "search.html")]
    assert sorted(urls[:3]) == sorted((page, "2026-01-22T12:00:00Z") for page in catalog)
    assert sorted(urls[3:]) == sorted(
        (f"{WEBSITE}/{name}/{page}", updated)
        for name, updated in (("issue-3", "2026-01-22T12:00:00Z"), ("issue-2", "2026-01-15T12:00:00Z"))
        for page in PAGES
    )  # not issue 1, which has no web edition
    for loc, _ in urls:
        assert (pub / "dist" / loc.removeprefix(WEBSITE + "/")).is_file(), loc


def test_only_what_is_on_disk_is_linked(pub: Path, tmp_path: Path) -> None:
    """A web page removed by hand drops its entry; an issue whose web edition is gone drops out of both."""
    copy = shutil.copytree(pub, tmp_path / "pub")
    (copy / "dist/issue-3/web/letters/second.html").unlink()
    shutil.rmtree(copy / "dist/issue-2/web")
    opened = open_publication(copy)
    write_catalog(copy / "dist", opened.layouts, opened.config)
    feed = feedparser.parse(str(copy / "dist/feed.xml"))
    assert [e.link for e in feed.entries] == [f"{WEBSITE}/issue-3/web/news/first.html"]
    sitemap = "\n".join(url for url, _ in _sitemap_urls(copy / "dist"))
    assert "issue-2" not in sitemap and "second.html" not in sitemap and "issue-3/web/news/first.html" in sitemap


def test_without_a_website_links_are_relative_and_there_is_no_sitemap(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    pub = make_web_archive(tmp_path / "pub", None, monkeypatch)
    dist = pub / "dist"
    assert not (dist / "sitemap.xml").exists()
    root = etree.parse(str(dist / "feed.xml")).getroot()
    hrefs = [link.get("href") for link in root.iter(f"{ATOM}link")]
    assert "feed.xml" in hrefs and "issue-3/web/news/first.html" in hrefs
    assert all(not h.startswith("http") and (dist / h).is_file() for h in hrefs), hrefs
    # A sitemap left from when a website was set would give addresses nobody publishes: it goes.
    (dist / "sitemap.xml").write_text("stale")
    opened = open_publication(pub)
    write_catalog(dist, opened.layouts, opened.config)
    assert not (dist / "sitemap.xml").exists()


HISTORY = "{http://purl.org/syndication/history/1.0}"


@pytest.fixture(scope=shared_unless_mutating)
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 issues of two articles each, five days apart, published at WEBSITE."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        return fabricate_archive(tmp_path_factory.mktemp("large") / "pub", monkeypatch, 120, website=WEBSITE) / "dist"


def test_a_reader_backfills_every_article_through_the_archived_feeds(large: Path) -> None:
    """RFC 5005 §4: from feed.xml, `prev-archive` to the newest archived document, and on to the oldest."""
    feed = feedparser.parse(str(large / "feed.xml"))
    assert not feed.bozo and len(feed.entries) <= 50
    root = etree.parse(str(large / "feed.xml")).getroot()
    assert root.find(f"{HISTORY}archive") is None  # the subscription document is not itself archived
    ids = [e.id for e in feed.entries]
    href = next(link.href for link in feed.feed.links if link.rel == "prev-archive")
    walked = []
    while href:
        path = large / href.removeprefix(WEBSITE + "/")
        walked.append(path.name)
        archived = feedparser.parse(str(path))
        assert not archived.bozo and len(archived.entries) <= 50
        assert etree.parse(str(path)).getroot().find(f"{HISTORY}archive") is not None
        links = {link.rel: link.href for link in archived.feed.links}
        assert links["self"] == href and links["current"] == f"{WEBSITE}/feed.xml"
        ids += [e.id for e in archived.entries]
        href = links.get("prev-archive")
        assert len(walked) <= 4, walked  # a link back to a document already read would never end
    assert walked == ["archive-4.xml", "archive-3.xml", "archive-2.xml", "archive-1.xml"]
    assert len(set(ids)) == 240  # every article of every issue, however many the reader saw twice


def test_the_sitemap_index_lists_a_sitemap_per_year(large: Path) -> None:
    index = etree.parse(str(large / "sitemap.xml")).getroot()
    locs = [loc.text for loc in index.iterfind(f"{SITEMAP}sitemap/{SITEMAP}loc")]
    assert locs == [f"{WEBSITE}/sitemaps/{name}.xml" for name in ("catalog", "2025", "2024")]
    urls = _sitemap_urls(large)
    assert len(urls) == len({u for u, _ in urls}) == 120 * len(PAGES) + 2 + 14  # the issues' pages, front and search pages, archive pages
    assert all(len((large / f"sitemaps/{n}.xml").read_bytes()) < 150_000 for n in ("catalog", "2025", "2024"))
