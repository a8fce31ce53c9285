"""`paperpress serve` serves the output folder and nothing else, whatever links lie in it."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperpress.preview.static import catalog_server


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real loopback server over a small dist/, stopped when the test ends."""
    dist = tmp_path / "dist"
    (dist / "issue-1").mkdir(parents=True)
    (dist / "index.html").write_text("<p>catalog</p>")
    (dist / "issue-1" / "issue-1.txt").write_text("the edition\n")
    server = catalog_server(dist, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", dist
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, b""


def test_links_that_leave_the_folder_are_not_followed(served: tuple[str, Path], tmp_path: Path) -> None:
    base, dist = served
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "key.txt").write_text("private\n")
    (dist / "issue-1" / "issue-1.pdf").symlink_to(secrets / "key.txt")
    (dist / "issue-2").symlink_to(secrets, target_is_directory=True)
    (dist / "latest.txt").symlink_to(dist / "issue-1" / "issue-1.txt")  # stays inside: served

    assert fetch(base + "/issue-1/issue-1.txt") == (200, b"the edition\n")
    assert fetch(base + "/latest.txt") == (200, b"the edition\n")
    assert fetch(base + "/issue-1/issue-1.pdf")[0] == 404
    assert fetch(base + "/issue-2/key.txt")[0] == 404
    assert fetch(base + "/issue-2/")[0] == 404


def _ranged(url: str, header: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Range": header})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), b""


@pytest.mark.parametrize(
    ("header", "status", "content_range", "body"),
    [
        ("bytes=0-3", 206, "bytes 0-3/12", b"the "),
        ("bytes=4-", 206, "bytes 4-11/12", b"edition\n"),
        ("bytes=-4", 206, "bytes 8-11/12", b"ion\n"),
        ("bytes=4-400", 206, "bytes 4-11/12", b"edition\n"),
        ("bytes=12-", 416, "bytes */12", b""),
        ("bytes=9-3", 416, "bytes */12", b""),
        ("bytes=0-1,4-5", 200, None, b"the edition\n"),  # several ranges: the whole file, as the RFC allows
    ],
)
def test_byte_ranges_are_answered_for_players_that_seek(
    served: tuple[str, Path], header: str, status: int, content_range: str | None, body: bytes
) -> None:
    base, _ = served
    got, headers, data = _ranged(f"{base}/issue-1/issue-1.txt", header)
    assert (got, headers.get("Content-Range"), data) == (status, content_range, body)
    if status == 206:
        assert headers["Content-Length"] == str(len(body)) and headers["Accept-Ranges"] == "bytes"


def test_audio_files_and_the_podcast_feed_have_their_media_types(served: tuple[str, Path]) -> None:
    base, dist = served
    (dist / "podcast.xml").write_text("<rss/>")
    (dist / "issue-1" / "issue-1.mp3").write_bytes(b"\xff\xf3")
    for name, media_type in (("podcast.xml", "application/rss+xml"), ("issue-1/issue-1.mp3", "audio/mpeg")):
        with urllib.request.urlopen(f"{base}/{name}", timeout=10) as response:
            assert response.headers["Content-Type"] == media_type


def test_the_podcast_feed_gets_absolute_links_and_a_forged_host_is_not_echoed(served: tuple[str, Path]) -> None:
    base, dist = served
    (dist / "podcast.xml").write_text('<rss><enclosure url="issue-1/a.mp3"/><link>index.html</link>'
                                      '<x href="https://example.org/k"/></rss>')
    request = urllib.request.Request(f"{base}/podcast.xml", headers={"Host": 'evil"><script>'})
    with urllib.request.urlopen(request, timeout=10) as response:
        forged = response.read().decode()
    assert "<script>" not in forged and f'url="{base}/issue-1/a.mp3"' in forged
    with urllib.request.urlopen(f"{base}/podcast.xml", timeout=10) as response:
        feed = response.read().decode()
    assert f"<link>{base}/index.html</link>" in feed and 'href="https://example.org/k"' in feed


def test_the_web_edition_and_the_atom_feed_and_sitemap_have_their_media_types(served: tuple[str, Path]) -> None:
    base, dist = served
    web = dist / "issue-1" / "web"
    (web / "assets").mkdir(parents=True)
    (web / "index.html").write_text("<p>front</p>")
    for name in ("assets/site.css", "assets/serif.woff2", "assets/a.webp", "assets/a.avif"):
        (web / name).write_bytes(b"x")
    (dist / "feed.xml").write_text('<feed><link rel="alternate" href="issue-1/web/index.html"/></feed>')
    (dist / "sitemap.xml").write_text("<urlset/>")
    for name, media_type in (
        ("feed.xml", "application/atom+xml"), ("sitemap.xml", "application/xml"),
        ("issue-1/web/", "text/html; charset=utf-8"), ("issue-1/web/assets/site.css", "text/css; charset=utf-8"),
        ("issue-1/web/assets/serif.woff2", "font/woff2"), ("issue-1/web/assets/a.webp", "image/webp"),
        ("issue-1/web/assets/a.avif", "image/avif"),
    ):
        with urllib.request.urlopen(f"{base}/{name}", timeout=10) as response:
            assert response.headers["Content-Type"] == media_type, name
    with urllib.request.urlopen(f"{base}/feed.xml", timeout=10) as response:
        assert f'href="{base}/issue-1/web/index.html"' in response.read().decode()  # feed readers resolve no links
