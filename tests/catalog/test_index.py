"""The distributors' catalog: OPDS that feed readers accept, checksums sha256sum accepts, an index whose links work."""

from __future__ import annotations

import os
import re
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree, html

from paperpress.build import build_archive
from paperpress.catalog.index import write_catalog
from paperpress.options import BuildOptions
from paperpress.output.plan import select_issues
from paperpress.preview.static import catalog_server
from paperpress.run import issue as issue_module
from paperpress.run.executor import ProcessPool
from paperpress.run.issue import open_publication
from tests.checkers import axe_violations, boxes, broken_links, html_errors, overflow
from tests.fakes import WITH_FAKES, fabricate_archive, fake_art, make_archive, make_web_archive
from tests.support import require_tool, shared_unless_mutating

ATOM = "{http://www.w3.org/2005/Atom}"
ACQUISITION = "http://opds-spec.org/acquisition"
TYPES = {".epub": "application/epub+zip", ".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8"}


# --- in process, on a fabricated archive (what `make mutation` runs for this module) ----------------------

SITE = "https://example.org/bulletin"
MAIN = ["index.html", "opds.xml", "SHA256SUMS", "feed.xml", "search.html", "sitemap.xml"]


@pytest.fixture(scope=shared_unless_mutating)
def fabricated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Issues 1 to 3 with text and (stand-in) web editions, published at SITE; the search index is not made."""
    from paperpress.catalog import index as index_module

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(index_module, "index_search", lambda out, entries: None)
        return fabricate_archive(tmp_path_factory.mktemp("fabricated") / "pub", monkeypatch, 3, website=SITE)


@pytest.fixture
def pub(fabricated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fabricated archive to change, with the search indexes asked for recorded in `SEARCHED`."""
    import shutil

    from paperpress.catalog import index as index_module

    SEARCHED.clear()
    monkeypatch.setattr(index_module, "index_search", lambda out, entries: SEARCHED.append([e["name"] for e in entries]))
    return Path(shutil.copytree(fabricated, tmp_path / "pub", symlinks=True))


SEARCHED: list[list[str]] = []


def _catalog(pub: Path) -> list[Path]:
    opened = open_publication(pub)
    return write_catalog(pub / "dist", opened.layouts, opened.config)


def _sums(dist: Path) -> list[tuple[str, str]]:
    return [(line[:64], line[66:]) for line in (dist / "SHA256SUMS").read_text().splitlines()]


def test_the_checksums_list_every_file_of_every_issue_newest_first_and_match_their_bytes(fabricated: Path) -> None:
    import hashlib

    dist = fabricated / "dist"
    lines = (dist / "SHA256SUMS").read_text().splitlines()
    assert all(line[64:66] == "  " for line in lines)
    sums = _sums(dist)
    web = ["web/index.html", "web/letters/index.html", "web/letters/second.html", "web/news/first.html",
           "web/news/index.html", "web/photos/a1-img1-1200.jpg"]
    assert [href for _, href in sums] == [
        f"issue-{n}/{file}" for n in (3, 2, 1)
        for file in (f"issue-{n}.txt", f"issue-{n}-cover.jpg", f"issue-{n}-thumbnail.jpg", *web)]
    assert all(hashlib.sha256((dist / href).read_bytes()).hexdigest() == sha for sha, href in sums)


def test_the_catalog_says_which_files_a_reader_starts_from_made_or_found_unchanged(pub: Path) -> None:
    dist = pub / "dist"
    assert _catalog(pub) == [dist / name for name in MAIN]  # a copy: its states are new files to the stat check
    SEARCHED.clear()
    assert _catalog(pub) == [dist / name for name in MAIN]  # found as the last catalog left it
    assert SEARCHED == []
    (dist / ".paperpress-catalog").unlink()
    assert _catalog(pub) == [dist / name for name in MAIN]  # made again
    assert SEARCHED == [["issue-3", "issue-2", "issue-1"]]
    (dist / "feed.xml").unlink()
    assert _catalog(pub) == [dist / name for name in MAIN] and (dist / "feed.xml").is_file()


def test_a_file_changed_on_disk_is_hashed_again_and_one_deleted_is_no_longer_listed(pub: Path) -> None:
    import hashlib
    import os

    dist = pub / "dist"
    text = dist / "issue-2/issue-2.txt"
    text.write_bytes(text.read_bytes() + b"a correction\n")
    same_size = dist / "issue-3/issue-3.txt"
    data = same_size.read_bytes()
    same_size.write_bytes(data[:-2] + b"!\n")
    os.utime(same_size, ns=(1, 1))  # same size, another time: read again
    (dist / "issue-1/issue-1.txt").unlink()
    _catalog(pub)
    sums = {href: sha for sha, href in _sums(dist)}
    assert sums["issue-2/issue-2.txt"] == hashlib.sha256(text.read_bytes()).hexdigest()
    assert sums["issue-3/issue-3.txt"] == hashlib.sha256(same_size.read_bytes()).hexdigest()
    assert "issue-1/issue-1.txt" not in sums and "issue-1/issue-1-cover.jpg" in sums
    assert "issue-1/issue-1.txt" not in (dist / "index.html").read_text()


def test_pages_of_years_no_longer_in_the_archive_are_removed_and_nothing_else_of_the_catalog_s(pub: Path) -> None:
    dist = pub / "dist"
    stale = [dist / "archive/2019.html", dist / "opds/2019.xml", dist / "feeds/archive-9.xml", dist / "sitemaps/2019.xml"]
    for path in stale:
        path.parent.mkdir(exist_ok=True)
        path.write_text("old\n")
    (dist / "archive/notes").mkdir()
    _catalog(pub)  # found unchanged: only what it did not write goes
    assert [path.exists() for path in stale] == [False] * 4
    assert (dist / "archive/notes").is_dir() and (dist / "archive/2024.html").is_file()
    (dist / "opds/2019.xml").write_text("old\n")
    (dist / ".paperpress-catalog").unlink()
    _catalog(pub)  # made again
    assert not (dist / "opds/2019.xml").exists() and (dist / "opds/2024.xml").is_file()


def test_without_a_website_the_sitemaps_go_and_without_web_editions_the_search_goes(pub: Path) -> None:
    import shutil

    dist = pub / "dist"
    config = pub / "paperpress.yaml"
    config.write_text(config.read_text().replace(f"website: {SITE}\n", ""))
    assert _catalog(pub) == [dist / name for name in MAIN if name != "sitemap.xml"]
    assert not (dist / "sitemap.xml").exists() and not list((dist / "sitemaps").iterdir())
    (dist / "pagefind").mkdir(exist_ok=True)
    for n in (1, 2, 3):
        shutil.rmtree(dist / f"issue-{n}/web")
    assert _catalog(pub) == [dist / name for name in ("index.html", "opds.xml", "SHA256SUMS", "feed.xml")]
    assert not any((dist / name).exists() for name in ("search.html", "search.js", "pagefind"))
    assert SEARCHED == [["issue-3", "issue-2", "issue-1"]]


def test_only_issue_folders_with_a_state_are_listed_and_a_linked_folder_never(pub: Path, tmp_path: Path) -> None:
    import json
    import shutil

    from paperpress.output.state import STATE_NAME

    dist = pub / "dist"
    (dist / "issue-9").mkdir()  # no state
    (dist / "issue-0").mkdir()  # no state, and the first folder listed: the others are read all the same
    (dist / "issue-8").write_text("a file\n")
    elsewhere = Path(shutil.copytree(dist / "issue-3", tmp_path / "elsewhere"))  # an issue 7 outside dist/
    raw = json.loads((elsewhere / STATE_NAME).read_text())
    raw.update(name="issue-7", number=7)
    (elsewhere / STATE_NAME).write_text(json.dumps(raw))
    (dist / "issue-7").symlink_to(elsewhere, target_is_directory=True)
    _catalog(pub)
    index = html.parse(str(dist / "index.html")).getroot()
    assert [a.get("id") for a in index.iter("article")] == ["issue-3", "issue-2", "issue-1"]


def _edit_state(folder: Path, **catalog: Any) -> None:
    import json

    from paperpress.output.state import STATE_NAME

    raw = json.loads((folder / STATE_NAME).read_text())
    raw["catalog"].update(catalog)
    (folder / STATE_NAME).write_text(json.dumps(raw))


def test_an_issue_is_summed_up_by_its_standfirst_or_its_first_five_other_headlines(pub: Path) -> None:
    dist = pub / "dist"
    _edit_state(dist / "issue-3", standfirst=None, cover_line="Lead",
                headlines=["Lead", "One", "Two", "Three", "Four", "Five", "Six"])
    _edit_state(dist / "issue-2", standfirst="What happened.", headlines=["One"])
    _edit_state(dist / "issue-1", standfirst=None, cover_line="Only", headlines=["Only"])
    _catalog(pub)
    index = html.parse(str(dist / "index.html")).getroot()
    summaries = {a.get("id"): [p.text for p in a.find_class("summary")] for a in index.iter("article")}
    assert summaries == {"issue-3": ["In this issue: One; Two; Three; Four; Five"], "issue-2": ["What happened."],
                         "issue-1": []}


# --- on real builds ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three issues in every real edition, built once for the whole module (so its tests are slow)."""
    pub = make_archive(tmp_path_factory.mktemp("catalog") / "pub", range(1, 4))
    names = select_issues(pub, [], every=True)
    result = build_archive(open_publication(pub), names, pub / "dist", BuildOptions(("txt", "epub", "pdf")), executor=ProcessPool(2))
    assert not result.failed, [str(p) for r in result.failed for p in r.problems]
    return pub / "dist"


@pytest.mark.slow  # the `dist` fixture builds three issues\' PDFs
def test_opds_feed_parses_and_lists_issues_newest_first(dist: Path) -> None:
    root = feedparser.parse(str(dist / "opds.xml"))
    assert not root.bozo, root.bozo_exception
    assert root.feed.title == "The Minimal Bulletin"
    assert [e.title for e in root.entries] == ["Every issue, newest first", "2026"]  # a navigation feed
    assert [link.href for e in root.entries for link in e.links] == ["opds/2026.xml", "opds/2026.xml"]
    feed = feedparser.parse(str(dist / "opds/2026.xml"))
    assert not feed.bozo, feed.bozo_exception
    assert [e.title for e in feed.entries] == ["Issue 3: Small issue 3", "Issue 2: Small issue 2", "Issue 1: Small issue 1"]
    entry = feed.entries[0]
    assert entry.summary == "In this issue: The first article; The second article"
    assert entry.id.startswith("urn:uuid:") and entry.updated == "2026-01-22T12:00:00Z"
    links = {(link.rel, link.type): link.href for link in entry.links}
    assert links[(ACQUISITION, "application/epub+zip")] == "../issue-3/issue-3.epub"
    assert links[(ACQUISITION, "application/pdf")] == "../issue-3/issue-3.pdf"
    assert links[(ACQUISITION, "text/plain; charset=utf-8")] == "../issue-3/issue-3.txt"
    assert links[("http://opds-spec.org/image", "image/jpeg")] == "../issue-3/issue-3-cover.jpg"
    assert links[("http://opds-spec.org/image/thumbnail", "image/jpeg")] == "../issue-3/issue-3-thumbnail.jpg"
    assert links[("alternate", "text/html")] == "../archive/2026.html#issue-3"


@pytest.mark.slow  # the `dist` fixture builds three issues\' PDFs
def test_opds_structure(dist: Path) -> None:
    """feedparser forgives a lot, so the Atom and OPDS rules are checked on the XML itself."""
    navigation = etree.parse(str(dist / "opds.xml")).getroot()
    assert navigation.findtext(f"{ATOM}id") == "urn:uuid:7d0a3c1e-2f61-4b8e-9a53-0c9d1e2f3a41"
    root = etree.parse(str(dist / "opds/2026.xml")).getroot()
    iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id", "").startswith("urn:uuid:")
    assert iso.match(root.findtext(f"{ATOM}updated") or "")
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("type") == "application/atom+xml;profile=opds-catalog;kind=acquisition"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 3
    for entry in entries:
        assert entry.findtext(f"{ATOM}title") and iso.match(entry.findtext(f"{ATOM}updated") or "")
        assert entry.findtext("{http://purl.org/dc/terms/}issued")
        acquisitions = entry.findall(f"{ATOM}link[@rel='{ACQUISITION}']")
        assert len(acquisitions) == 3
        for link in acquisitions:
            target = dist / "opds" / link.get("href")
            assert target.is_file() and int(link.get("length")) == target.stat().st_size
            assert link.get("type") == TYPES[target.suffix]


@pytest.mark.slow  # the `dist` fixture builds three issues\' PDFs
def test_sha256sums_verify_with_sha256sum_and_catch_a_corrupt_download(dist: Path, tmp_path: Path) -> None:
    tool = require_tool("sha256sum")
    lines = (dist / "SHA256SUMS").read_text().splitlines()
    assert len(lines) == 3 * 5 and all(re.match(r"^[0-9a-f]{64}  issue-\d/issue-\d[-.\w]+$", line) for line in lines)
    done = subprocess.run([tool, "-c", "SHA256SUMS"], cwd=dist, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == 15

    copy = tmp_path / "mirror"
    subprocess.run(["cp", "-r", str(dist), str(copy)], check=True)
    with open(copy / "issue-2/issue-2.txt", "ab") as handle:
        handle.write(b"tampered")
    bad = subprocess.run([tool, "-c", "SHA256SUMS"], cwd=copy, capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "issue-2/issue-2.txt: FAILED" in bad.stdout


@pytest.mark.slow  # the `dist` fixture builds three issues\' PDFs
def test_index_links_resolve_and_issues_are_newest_first(dist: Path) -> None:
    page = html.parse(str(dist / "index.html")).getroot()
    assert page.find(".//meta[@name='viewport']") is not None
    assert [a.get("id") for a in page.findall(".//article")] == ["issue-3", "issue-2", "issue-1"]
    targets = [el.get("href") for el in page.iter("a", "link")] + [img.get("src") for img in page.iter("img")]
    local = [t for t in targets if t and not t.startswith("#")]
    assert len(local) >= 3 * 5
    for target in local:
        assert (dist / target).is_file(), target
    first = page.find(".//article")
    assert first.findtext(".//h3") == "Small issue 3"
    assert first.find(".//time").get("datetime") == "2026-01-22"
    downloads = [" ".join(a.text_content().split()) for a in first.findall(".//ul[@class='downloads']//a")]
    assert [d.split()[0] for d in downloads] == ["EPUB", "PDF", "Plain"]
    assert all(re.search(r"\d+ (KB|MB|bytes)$", d) for d in downloads)
    assert "http" not in (dist / "index.html").read_text().replace("http://www.w3.org", "")  # nothing to fetch


#: A phone's viewport (CSS px); a tap target at least this tall (WCAG 2.5.5 asks for 44 by 44 CSS px).
PHONE, TAP = 375, 44


@pytest.mark.slow  # the `dist` fixture builds three issues\' PDFs
def test_index_on_a_phone_screen(dist: Path, browser: Any) -> None:
    """At 375 px: nothing scrolls sideways, the issues stand one under another newest first, each with its cover
    beside its cover line and downloads a thumb can hit."""
    index = dist / "index.html"
    assert overflow(index, PHONE, browser) == []
    issues = boxes(index, PHONE, "main article.issue", browser)
    assert [issue["id"] for issue in issues] == ["issue-3", "issue-2", "issue-1"]
    for above, below in zip(issues, issues[1:], strict=False):
        assert above["bottom"] <= below["top"], (above, below)
    covers = boxes(index, PHONE, "main article.issue .cover img", browser)
    headlines = boxes(index, PHONE, "main article.issue h3", browser)
    for n, issue, cover, headline in zip((3, 2, 1), issues, covers, headlines, strict=True):
        assert issue["shown"] and issue["left"] >= 0 and issue["right"] <= PHONE, issue
        links = boxes(index, PHONE, f"#issue-{n} .downloads a", browser)
        assert cover["shown"] and cover["loaded"] and cover["width"] >= 60, cover  # a cover one can make out
        assert headline["shown"] and headline["text"] == f"Small issue {n}", headline
        assert cover["right"] <= headline["left"] and headline["right"] <= PHONE, (cover, headline)
        assert [link["text"].split()[0] for link in links] == ["EPUB", "PDF", "Plain"]
        for link in links:
            assert link["shown"] and link["left"] >= 0 and link["right"] <= PHONE, link
            assert link["height"] >= TAP, link
            assert issue["top"] <= link["top"] and link["bottom"] <= issue["bottom"], link


@pytest.mark.slow  # the `dist` fixture builds three issues\' PDFs
def test_thumbnails_are_small_jpegs_of_the_cover(dist: Path) -> None:
    from PIL import Image

    with Image.open(dist / "issue-1/issue-1-thumbnail.jpg") as thumb, Image.open(dist / "issue-1/issue-1-cover.jpg") as cover:
        assert thumb.format == cover.format == "JPEG"
        assert max(thumb.size) <= 512 and cover.size == (1600, 2560)
        assert abs(thumb.width / thumb.height - cover.width / cover.height) < 0.01


@pytest.mark.slow  # the `dist` fixture builds three issues\' PDFs
def test_serve_shows_the_catalog_and_hides_everything_else(dist: Path) -> None:
    server = catalog_server(dist, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(base + "/") as response:
            assert response.status == 200 and b"The Minimal Bulletin" in response.read()
        with urllib.request.urlopen(base + "/issue-1/issue-1.epub") as response:
            assert response.headers["Content-Type"] == "application/epub+zip"
        with urllib.request.urlopen(base + "/opds.xml") as response:
            assert response.headers["Content-Type"].startswith("application/atom+xml;profile=opds-catalog")
        for hidden in ("/.paperpress.lock", "/issue-1/.paperpress-state.json", "/issue-1/", "/../paperpress.yaml"):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(base + hidden)
            assert err.value.code == 404, hidden
    finally:
        server.shutdown()
        server.server_close()


def test_a_renamed_manifest_is_listed_once_under_its_new_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue-2.yaml renamed issue-02.yaml leaves dist/issue-2/ behind; the catalog lists issue 2 once, as built last."""
    monkeypatch.setattr(issue_module, "render_art", fake_art)
    pub = make_archive(tmp_path / "pub", range(1, 3))
    fake = BuildOptions(("fake",))
    build_archive(open_publication(pub), select_issues(pub, [], every=True), pub / "dist", fake, editions=WITH_FAKES)
    (pub / "issues/issue-2.yaml").rename(pub / "issues/issue-02.yaml")
    result = build_archive(open_publication(pub), select_issues(pub, [], every=True), pub / "dist", fake, editions=WITH_FAKES)
    assert [r.name for r in result.results] == ["issue-02"] and not result.failed
    assert (pub / "dist/issue-2/issue-2.fake").is_file()  # the old edition is left alone, but no longer listed
    sums = (pub / "dist/SHA256SUMS").read_text()
    assert [line.split("  ")[1] for line in sums.splitlines()] == [
        "issue-02/issue-02.fake", "issue-02/issue-02-cover.jpg", "issue-02/issue-02-thumbnail.jpg",
        "issue-1/issue-1.fake", "issue-1/issue-1-cover.jpg", "issue-1/issue-1-thumbnail.jpg",
    ]
    index = html.parse(str(pub / "dist/index.html")).getroot()
    assert [a.get("id") for a in index.iter("article")] == ["issue-02", "issue-1"]


@pytest.mark.slow  # the `dist` fixture builds three issues\' PDFs
def test_without_web_editions_the_feed_is_valid_and_empty_and_there_is_no_sitemap(dist: Path) -> None:
    feed = feedparser.parse(str(dist / "feed.xml"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "The Minimal Bulletin" and feed.entries == []
    assert not (dist / "sitemap.xml").exists()  # the minimal publication gives no website
    page = html.parse(str(dist / "index.html")).getroot()
    assert not page.find_class("online")


@pytest.mark.slow  # the `dist` fixture builds three issues\' PDFs
def test_the_catalog_masthead_is_the_shared_one_without_an_issue(dist: Path) -> None:
    page = html.parse(str(dist / "index.html")).getroot()
    header = page.find(".//header[@class='masthead']")
    assert [(el.tag, el.get("class")) for el in header][:1] == [("h1", "masthead-title")]
    assert header.findtext("h1") == "The Minimal Bulletin"
    assert not header.find_class("issue-label") and not header.find_class("dateline")  # no website, no issue


@pytest.fixture(scope=shared_unless_mutating)
def online(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Issues 1 to 3, issues 2 and 3 with (a stand-in for) the web edition."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        return make_web_archive(tmp_path_factory.mktemp("online") / "pub", "https://example.org/bulletin", monkeypatch)


def test_the_index_links_each_web_edition_and_the_feed(online: Path) -> None:
    dist = online / "dist"
    page = html.parse(str(dist / "index.html")).getroot()
    feeds = [link.get("href") for link in page.iter("link") if link.get("type") == "application/atom+xml"]
    assert feeds == ["feed.xml"]
    subscribe = page.find_class("subscribe")
    assert [(a.get("href"), a.text_content()) for a in subscribe] == [("feed.xml", "Subscribe")]
    read = {next(a.iterancestors("article")).get("id"): (a.get("href"), a.text_content())
            for li in page.find_class("online") for a in li.iter("a")}
    assert read == {"issue-3": ("issue-3/web/index.html", "3 online"), "issue-2": ("issue-2/web/index.html", "2 online")}
    assert all((dist / href).is_file() for href, _ in read.values())
    downloads = [a.text_content().split()[0] for a in page.get_element_by_id("issue-3").iter("a")
                 if a.get("download") is not None]
    assert downloads == ["Plain"]  # the web pages are read online, not listed as downloads
    assert "<script" not in (dist / "index.html").read_text()  # everything is listed with JavaScript off
    masthead = page.find(".//header[@class='masthead']")
    assert masthead.find_class("website")[0].text_content() == "example.org/bulletin"


@pytest.mark.slow  # the `dist` fixture builds three issues\' PDFs
def test_the_catalog_pages_validate(dist: Path, online: Path) -> None:
    assert html_errors([dist / "index.html", online / "dist/index.html"]) == []


@pytest.mark.slow  # axe in Chromium, three times
@pytest.mark.parametrize("width", [320, 375, 1280])
def test_the_catalog_is_accessible_and_never_scrolls_sideways(online: Path, browser: Any, width: int) -> None:
    index = online / "dist/index.html"
    assert axe_violations(index, width, browser) == []
    assert overflow(index, width, browser) == []


def test_no_link_in_the_archive_is_broken(online: Path) -> None:
    assert broken_links(online / "dist") == []


def test_opds_and_checksums_cover_the_web_edition(online: Path) -> None:
    dist = online / "dist"
    feed = feedparser.parse(str(dist / "opds/2026.xml"))
    assert not feed.bozo
    related = [link.href for link in feed.entries[0].links if link.rel == "related"]
    assert related == ["../issue-3/web/index.html"]
    sums = [line.split("  ")[1] for line in (dist / "SHA256SUMS").read_text().splitlines()]
    assert "issue-3/web/index.html" in sums and "issue-3/web/news/first.html" in sums
    done = subprocess.run([require_tool("sha256sum"), "-c", "SHA256SUMS"], cwd=dist, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_no_op_run_writes_the_catalog_a_full_check_would(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalog takes the plan's checks of the issues it skipped, and still states what the plan did not check:
    an edition not asked for this run whose file was deleted is no longer listed."""
    monkeypatch.setattr(issue_module, "render_art", fake_art)
    pub = make_archive(tmp_path / "pub", range(1, 3))
    names = select_issues(pub, [], every=True)
    build_archive(open_publication(pub), names, pub / "dist", BuildOptions(("fake", "txt")), editions=WITH_FAKES)
    (pub / "dist/issue-2/issue-2.txt").unlink()
    result = build_archive(open_publication(pub), names, pub / "dist", BuildOptions(("fake",)), editions=WITH_FAKES)
    assert result.results == () and result.plan.skipped == ("issue-2", "issue-1")
    after_plan = {name: (pub / "dist" / name).read_bytes() for name in ("index.html", "SHA256SUMS", "opds.xml")}
    write_catalog(pub / "dist", open_publication(pub).layouts, open_publication(pub).config)  # every file stated
    assert {name: (pub / "dist" / name).read_bytes() for name in after_plan} == after_plan
    assert "issue-2/issue-2.txt" not in after_plan["SHA256SUMS"].decode()
    assert "issue-1/issue-1.txt" in after_plan["SHA256SUMS"].decode()


def test_a_catalog_made_from_the_same_states_is_not_made_again(online: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A no-op build renders nothing of the catalog; a changed file on disk, a missing page or a changed
    layout has it made again."""
    import shutil

    from paperpress.catalog import index as index_module

    pub = shutil.copytree(online, tmp_path / "pub")
    opened = open_publication(pub)
    dist = pub / "dist"
    write_catalog(dist, opened.layouts, opened.config)
    made: list[int] = []
    real = index_module.page_bytes
    monkeypatch.setattr(index_module, "page_bytes", lambda *a: made.append(1) or real(*a))
    write_catalog(dist, opened.layouts, opened.config)
    assert made == []
    (dist / "archive/2026.html").unlink()
    write_catalog(dist, opened.layouts, opened.config)
    assert made == [1] and (dist / "archive/2026.html").is_file()
    with open(dist / "issue-3/issue-3.txt", "a") as text:
        text.write("a correction\n")
    write_catalog(dist, opened.layouts, opened.config)
    assert made == [1, 1] and "issue-3/issue-3.txt" in (dist / "SHA256SUMS").read_text()
    (pub / "layouts/catalog").mkdir(parents=True)
    (pub / "layouts/catalog/style.css").write_text("body { color: black; }\n")
    opened = open_publication(pub)
    write_catalog(dist, opened.layouts, opened.config)
    assert made == [1, 1, 1] and "color: black" in (dist / "index.html").read_text()


class _Opened:
    """Every file opened under `folder` while installed (io.open and builtins.open are one function)."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        import builtins
        import io

        self.paths: list[Path] = []
        real = io.open

        def spy(file: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, (str, Path)) and Path(file).is_relative_to(folder):
                self.paths.append(Path(file).relative_to(folder))
            return real(file, *args, **kwargs)

        monkeypatch.setattr(io, "open", spy)
        monkeypatch.setattr(builtins, "open", spy)


def test_a_no_op_build_neither_assembles_entries_nor_renders_nor_opens_an_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing changed is decided from the states' stat data: no entry is made, no page rendered, no output
    opened (the catalog used to hash every entry, and open each spoken download for its length)."""
    from paperpress.catalog import index as index_module

    monkeypatch.setattr(issue_module, "render_art", fake_art)
    pub = make_archive(tmp_path / "pub", range(1, 4))
    names = select_issues(pub, [], every=True)
    build_archive(open_publication(pub), names, pub / "dist", BuildOptions(("fake", "txt")), editions=WITH_FAKES)
    made: list[str] = []
    for name in ("_entry", "page_bytes", "opds_bytes", "atom_bytes", "duration_of", "sha256_file"):
        real = getattr(index_module, name)
        monkeypatch.setattr(index_module, name, lambda *a, _n=name, _r=real, **k: made.append(_n) or _r(*a, **k))
    opened = _Opened(pub / "dist", monkeypatch)
    result = build_archive(open_publication(pub), names, pub / "dist", BuildOptions(("fake", "txt")), editions=WITH_FAKES)
    assert result.results == () and len(result.catalog) > 0
    assert made == []
    assert {path.name for path in opened.paths} <= {".paperpress-state.json", ".paperpress-catalog"}
    os.utime(pub / "dist/issue-2/.paperpress-state.json")  # as a build that recorded something would leave it
    build_archive(open_publication(pub), names, pub / "dist", BuildOptions(("fake", "txt")), editions=WITH_FAKES)
    assert made.count("_entry") == 3 and made.count("page_bytes") == 1


def test_a_spoken_download_s_length_comes_from_its_state_until_the_file_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses
    import hashlib

    from paperpress.output.state import OutputRecord, read_state, save_state

    monkeypatch.setattr(issue_module, "render_art", fake_art)
    pub = make_archive(tmp_path / "pub", range(1, 2))
    dist = pub / "dist"
    build_archive(open_publication(pub), ["issue-1"], dist, BuildOptions(("txt",)), editions=WITH_FAKES)
    mp3 = dist / "issue-1/audio/issue-1.mp3"
    mp3.parent.mkdir()
    mp3.write_bytes(b"\xff\xfb\x90\x00" + bytes(400))  # no length tag: only the state knows it
    state = read_state(dist / "issue-1")
    assert state is not None
    record = OutputRecord("audio/issue-1.mp3", "audio/mpeg", 404, hashlib.sha256(mp3.read_bytes()).hexdigest(),
                          mp3.stat().st_mtime_ns, "fp", "in", 61)
    save_state(dist / "issue-1", dataclasses.replace(state, outputs={**state.outputs, "audio": record}))
    opened = _Opened(dist, monkeypatch)
    publication = open_publication(pub)
    write_catalog(dist, publication.layouts, publication.config)
    assert Path("issue-1/audio/issue-1.mp3") not in opened.paths
    assert "· 1 min" in (dist / "index.html").read_text() and "00:01:01" in (dist / "podcast.xml").read_text()
    mp3.write_bytes(b"\xff\xfb\x90\x00" + bytes(800))  # replaced by hand: measured again, and it does not say
    write_catalog(dist, publication.layouts, publication.config)
    assert "· 1 min" not in (dist / "index.html").read_text() and "00:00:00" in (dist / "podcast.xml").read_text()
