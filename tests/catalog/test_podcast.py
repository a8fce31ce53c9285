"""dist/podcast.xml as a podcast app reads it: RSS 2.0 with iTunes and Podcasting 2.0 tags, added by URL."""

from __future__ import annotations

import dataclasses
import json
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from lxml import etree
from mutagen.mp3 import MP3

from paperpress.build import build_archive
from paperpress.catalog.podcast import audio_of, clock, duration_of, spoken_seconds, write_feed_bytes
from paperpress.options import BuildOptions
from paperpress.output.lengths import mp3_seconds
from paperpress.output.plan import select_issues
from paperpress.preview.static import catalog_server
from paperpress.run.issue import open_publication
from tests.fakes import make_archive, narrated_epub, timed_mp3
from tests.support import FIXTURES, require_tool

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"


def _archive(dest: Path, extra: str = "") -> Path:
    pub = make_archive(dest, range(1, 3))
    with open(pub / "paperpress.yaml", "a") as config:
        config.write("  speed: 400\n" + extra)  # under the fixture's audio: fast speech keeps the test quick
    result = build_archive(open_publication(pub), select_issues(pub, [], every=True), pub / "dist", BuildOptions(("txt", "audio")))
    assert not result.failed, [str(p) for r in result.failed for p in r.problems]
    return pub / "dist"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("espeak-ng")
    return _archive(tmp_path_factory.mktemp("podcast") / "pub")


def test_the_feed_parses_with_one_item_per_issue_and_exact_enclosures(dist: Path) -> None:
    feed = feedparser.parse(str(dist / "podcast.xml"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20" and feed.feed.title == "The Minimal Bulletin"
    assert [e.title for e in feed.entries] == ["Issue 2: Small issue 2", "Issue 1: Small issue 1"]
    for entry, n in zip(feed.entries, (2, 1), strict=True):
        (enclosure,) = entry.enclosures
        mp3 = dist / f"issue-{n}/audio/issue-{n}.mp3"
        assert enclosure.href == f"issue-{n}/audio/issue-{n}.mp3" and enclosure.type == "audio/mpeg"
        assert int(enclosure.length) == mp3.stat().st_size
        h, m, s = (int(x) for x in entry.itunes_duration.split(":"))
        assert h * 3600 + m * 60 + s == round(MP3(mp3).info.length)
        assert entry.id.startswith("urn:uuid:") and entry.guidislink is False


def test_each_issue_s_state_records_its_mp3_s_length_as_its_tag_says(dist: Path) -> None:
    """Measured when built, so that the catalog need not open the MP3 again."""
    from paperpress.output.state import read_state

    for folder in ("issue-1", "issue-2"):
        state = read_state(dist / folder)
        assert state is not None
        record = state.outputs["audio"]
        assert record.seconds == mp3_seconds(dist / folder / record.file) > 0


def test_the_feed_holds_the_elements_podcast_apps_require(dist: Path) -> None:
    """feedparser forgives a lot, so the RSS, iTunes and Podcasting 2.0 elements are checked on the XML itself."""
    channel = etree.parse(str(dist / "podcast.xml")).getroot().find("channel")
    assert channel is not None
    for name in ("title", "link", "description", "language", f"{ITUNES}author", f"{ITUNES}explicit", f"{ITUNES}image"):
        assert channel.find(name) is not None, name
    assert channel.find(f"{ITUNES}category").get("text") == "News"  # type: ignore[union-attr]
    items = channel.findall("item")
    assert len(items) == 2
    for item in items:
        guid = item.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "false"
        for name in ("title", "pubDate", "enclosure", f"{ITUNES}duration", f"{ITUNES}episode", f"{PODCAST}chapters"):
            assert item.find(name) is not None, name
        chapters = item.find(f"{PODCAST}chapters")
        assert chapters is not None and chapters.get("type") == "application/json+chapters"
        listed = json.loads((dist / chapters.get("url", "")).read_text())
        assert listed["version"] == "1.2.0" and len(listed["chapters"]) == 4  # two sections, two articles


def test_guids_stay_the_same_when_the_audio_is_rebuilt(dist: Path) -> None:
    before = [e.id for e in feedparser.parse(str(dist / "podcast.xml")).entries]
    pub = dist.parent
    build_archive(open_publication(pub), ["issue-1"], dist, BuildOptions(("audio",)), force=True)
    assert [e.id for e in feedparser.parse(str(dist / "podcast.xml")).entries] == before


def test_the_catalog_links_each_issue_s_audio_and_the_feed(dist: Path) -> None:
    index = (dist / "index.html").read_text()
    assert 'href="issue-2/audio/issue-2.mp3" type="audio/mpeg"' in index
    assert 'href="issue-2/audio/issue-2.m3u"' in index and 'href="podcast.xml"' in index
    opds = feedparser.parse(str(dist / "opds/2026.xml"))
    links = {link.type: link.href for link in opds.entries[0].links}
    assert links["audio/mpeg"] == "../issue-2/audio/issue-2.mp3"
    sums = (dist / "SHA256SUMS").read_text()
    assert "issue-2/audio/issue-2-01-first.mp3" in sums


@pytest.fixture
def served(dist: Path) -> Iterator[str]:
    server = catalog_server(dist, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_added_by_url_an_app_finds_the_issue_its_chapters_and_can_seek(served: str) -> None:
    """What a podcast app does with `paperpress serve`'s feed: parse it, fetch the chapters, seek in the MP3."""
    feed_url = urljoin(served, "podcast.xml")
    with urllib.request.urlopen(feed_url, timeout=10) as response:
        headers = {k.lower(): v for k, v in response.headers.items()}
        body = response.read()
    assert headers["content-type"] == "application/rss+xml"
    feed = feedparser.parse(body, response_headers={**headers, "content-location": feed_url})
    assert not feed.bozo, feed.bozo_exception
    entry = feed.entries[0]
    audio, chapters_url = entry.enclosures[0].href, entry.podcast_chapters["url"]
    assert audio == urljoin(served, "issue-2/audio/issue-2.mp3")  # absolute, as apps need
    assert chapters_url.startswith(served) and entry.image.href.startswith(served)
    with urllib.request.urlopen(chapters_url, timeout=10) as response:
        titles = [c["title"] for c in json.loads(response.read())["chapters"]]
    assert titles == ["News", "The first article", "Letters", "The second article"]
    request = urllib.request.Request(audio, headers={"Range": "bytes=100-199"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 206 and len(response.read()) == 100
        assert response.headers["Content-Range"].endswith(f"/{entry.enclosures[0].length}")


def test_with_a_base_url_every_link_is_absolute(tmp_path: Path) -> None:
    require_tool("espeak-ng")
    dist = _archive(tmp_path / "pub", "  base_url: https://example.org/bulletin\n")
    feed = feedparser.parse(str(dist / "podcast.xml"))
    assert feed.entries[0].enclosures[0].href == "https://example.org/bulletin/issue-2/audio/issue-2.mp3"
    assert feed.entries[0].podcast_chapters["url"] == "https://example.org/bulletin/issue-2/audio/issue-2.chapters.json"


def test_an_archive_without_audio_has_no_feed(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub", range(1, 2))
    build_archive(open_publication(pub), ["issue-1"], pub / "dist", BuildOptions(("txt",)))
    assert (pub / "dist/index.html").is_file() and not (pub / "dist/podcast.xml").exists()


def test_durations_are_written_as_hours_minutes_and_seconds() -> None:
    assert [clock(s) for s in (0, 59, 60, 3599, 3725, 36000)] == [
        "00:00:00", "00:00:59", "00:01:00", "00:59:59", "01:02:05", "10:00:00"]


def test_an_issues_audio_is_its_mp3_with_the_chapters_and_playlist_beside_it(tmp_path: Path) -> None:
    mp3 = {"format": "audio", "href": "issue-1/audio/issue-1.mp3", "media_type": "audio/mpeg", "duration": None}
    entry = {"downloads": [{"format": "epub", "href": "issue-1/issue-1.epub"}, mp3]}
    chapters = {"href": "issue-1/audio/chapters.json", "media_type": "application/json+chapters"}
    playlist = {"href": "issue-1/audio/issue-1.m3u", "media_type": "audio/x-mpegurl"}
    assert audio_of(entry, {"c": chapters, "p": playlist}) == {
        "file": mp3, "chapters": chapters, "playlist": playlist, "seconds": 0}
    assert audio_of(entry, {}) == {"file": mp3, "chapters": None, "playlist": None, "seconds": 0}
    assert audio_of({"downloads": entry["downloads"][:1]}, {"c": chapters}) is None


def _entry(n: int, cover: bool) -> dict[str, object]:
    return {
        "name": f"issue-{n}", "number": n, "label": f"Issue {n}", "cover_line": f"Small issue {n}", "summary": "",
        "identifier": f"urn:uuid:{n}", "date": f"2026-03-0{n}", "art": {"cover": {"href": f"issue-{n}/cover.jpg"} if cover else None},
        "audio": {"file": {"href": f"issue-{n}/audio/issue-{n}.mp3", "size": 10, "media_type": "audio/mpeg"},
                  "chapters": None, "seconds": 61},
    }


def test_the_feed_is_dated_by_its_newest_issue_and_shows_the_first_cover_it_finds() -> None:
    opened = open_publication(FIXTURES / "minimal")
    publication = {"title": "Ink & <Paper>", "subtitle": None, "publisher": None, "language": "en", "website": None}
    assert write_feed_bytes([{**_entry(3, True), "audio": None}], publication, opened.layouts, opened.config) is None
    entries = [_entry(2, False), {**_entry(3, True), "audio": None}, _entry(1, True)]
    feed = etree.fromstring(write_feed_bytes(entries, publication, opened.layouts, opened.config))
    channel = feed.find("channel")
    assert channel.findtext("title") == "Ink & <Paper>"  # escaped as XML: the feed parses
    assert channel.findtext("lastBuildDate") == "Mon, 02 Mar 2026 12:00:00 +0000"
    assert [i.findtext("pubDate") for i in channel.iter("item")] == [
        "Mon, 02 Mar 2026 12:00:00 +0000", "Sun, 01 Mar 2026 12:00:00 +0000"]
    assert [i.findtext(f"{ITUNES}duration") for i in channel.iter("item")] == ["00:01:01", "00:01:01"]
    assert channel.find(f"{ITUNES}image").get("href") == "issue-1/cover.jpg"
    config = dataclasses.replace(opened.config, audio=dataclasses.replace(opened.config.audio, base_url="https://x.example/pod/"))
    channel = etree.fromstring(write_feed_bytes([_entry(2, False)], publication, opened.layouts, config)).find("channel")
    assert channel.find(f"{ITUNES}image") is None
    assert channel.find("{http://www.w3.org/2005/Atom}link").get("href") == "https://x.example/pod/podcast.xml"
    assert channel.find("item/enclosure").get("url") == "https://x.example/pod/issue-2/audio/issue-2.mp3"


def test_the_read_aloud_epub_s_duration_is_its_package_s_total_and_other_downloads_have_none(tmp_path: Path) -> None:
    (tmp_path / "issue-7-read-aloud.epub").write_bytes(narrated_epub("0:48:21.400"))
    assert duration_of("read-aloud", "issue-7-read-aloud.epub", tmp_path) == {"duration": 2901, "duration_text": "48 min"}
    (tmp_path / "silent.epub").write_bytes(narrated_epub(None))
    (tmp_path / "broken.epub").write_bytes(b"not a zip")
    for name in ("silent.epub", "broken.epub", "missing.epub"):
        assert duration_of("read-aloud", name, tmp_path) == {"duration": None, "duration_text": None}
    assert duration_of("epub", "silent.epub", tmp_path) == {"duration": None, "duration_text": None}
    (tmp_path / "issue-7.mp3").write_bytes(timed_mp3("3725400"))
    assert duration_of("audio", "issue-7.mp3", tmp_path) == {"duration": 3725, "duration_text": "1 h 02 min"}


def test_a_build_measures_its_spoken_outputs_from_their_bytes_and_nothing_else(tmp_path: Path) -> None:
    book = narrated_epub("0:48:21.400")
    outputs = {
        "audio": ("audio/issue-7.mp3", "audio/mpeg", timed_mp3("125600")),
        "read-aloud": ("issue-7-read-aloud.epub", "application/epub+zip", book),
        "audio/audio/issue-7-01-vote.mp3": ("audio/issue-7-01-vote.mp3", "audio/mpeg", timed_mp3("5000")),
        "epub": ("issue-7.epub", "application/epub+zip", book),
        "txt": ("issue-7.txt", "text/plain", b"text\n"),
    }
    assert spoken_seconds(outputs) == {"audio": 126, "read-aloud": 2901}
    silent = {"audio": ("audio/issue-7.mp3", "audio/mpeg", b"\xff\xfb\x90\x00" + bytes(400)),
              "read-aloud": ("issue-7-read-aloud.epub", "application/epub+zip", b"not a zip")}
    assert spoken_seconds(silent) == {"audio": 0, "read-aloud": 0}


def test_a_recorded_duration_is_taken_without_opening_the_file(tmp_path: Path) -> None:
    """The state's measure stands for the file: none is read, even one that is not there; 0 recorded is none."""
    for kind in ("audio", "read-aloud"):
        assert duration_of(kind, "gone", tmp_path, 2901) == {"duration": 2901, "duration_text": "48 min"}
        assert duration_of(kind, "gone", tmp_path, 0) == {"duration": None, "duration_text": None}
    assert duration_of("epub", "gone", tmp_path, 2901) == {"duration": None, "duration_text": None}
