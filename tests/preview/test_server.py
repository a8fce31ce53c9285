"""The preview's server: pages get the reload script in what is sent only, the event stream tells which pages
changed (even to a page that listens late), problems stand in for pages, and hidden files stay hidden."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperpress.editions.web.edition import CSP
from paperpress.preview.server import EVENTS, PREVIEW_CSP, SCRIPT, Changes, preview_server, with_reload

PAGE = (
    b'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="' + CSP.encode() + b'">'
    b"<title>t</title></head><body><p>The page</p></body></html>"
)


def test_the_reload_script_goes_before_the_head_ends_with_a_policy_that_allows_it() -> None:
    sent = with_reload(PAGE, 12)
    assert sent.count(b"<script") == 1
    assert f'<script src="{SCRIPT}?v=12"></script>\n</head>'.encode() in sent
    assert f'content="{PREVIEW_CSP}"'.encode() in sent
    assert CSP.encode() + b'">' not in sent


def test_a_page_that_listens_late_is_still_told_what_changed_since_it_was_served() -> None:
    changes = Changes()
    changes.publish(["/issue-7/web/a.html"])
    served_at = changes.version
    changes.publish(["/issue-7/web/b.html"])
    assert changes.since(served_at, 0) == (2, ["/", "/issue-7/web/b.html"])
    assert changes.since(2, 0) == (2, [])  # nothing new: the wait ends empty
    assert changes.since(99, 0) == (2, ["*"])  # a page served by an earlier run: reload it
    changes.close()
    assert changes.since(2, 0) is None


class Served:
    def __init__(self, base: str, folder: Path, changes: Changes) -> None:
        self.base, self.folder, self.changes = base, folder, changes
        self.failing: bytes | None = None


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    folder = tmp_path / ".paperpress-preview"
    (folder / "issue-7" / "web").mkdir(parents=True)
    (folder / "issue-7" / "web" / "index.html").write_bytes(PAGE)
    (folder / "issue-7" / "issue-7.txt").write_text("the text\n")
    (folder / "issue-7" / ".hidden").write_text("no\n")
    changes = Changes()
    state = Served("", folder, changes)
    server = preview_server(folder, changes, lambda v: b"<html><head></head><body>index</body></html>",
                            lambda v: state.failing, "127.0.0.1", 0)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), b""


def test_pages_are_sent_with_the_script_and_the_files_on_disk_keep_none(served: Served) -> None:
    status, headers, body = fetch(served.base + "/issue-7/web/index.html")
    assert status == 200
    assert b'<script src="/_preview/reload.js?v=0">' in body
    assert headers["Content-Security-Policy"] == PREVIEW_CSP
    assert headers["Cache-Control"] == "no-store"
    assert (served.folder / "issue-7" / "web" / "index.html").read_bytes() == PAGE
    assert fetch(served.base + "/issue-7/issue-7.txt")[2] == b"the text\n"
    assert b"EventSource" in fetch(served.base + SCRIPT)[2]
    assert b"index" in fetch(served.base + "/")[2]


def test_hidden_files_and_paths_out_of_the_folder_are_not_served(served: Served) -> None:
    assert fetch(served.base + "/issue-7/.hidden")[0] == 404
    assert fetch(served.base + "/issue-7/%2e%2e/%2e%2e/secret.html")[0] == 404
    assert fetch(served.base + "/issue-7/web/")[0] == 200  # the folder's index.html


def test_while_the_issue_is_broken_pages_show_the_problems_and_the_last_good_is_one_click_away(served: Served) -> None:
    served.failing = b"<html><head></head><body>the problems</body></html>"
    assert b"the problems" in fetch(served.base + "/issue-7/web/index.html")[2]
    assert b"The page" in fetch(served.base + "/issue-7/web/index.html?last-good")[2]
    served.failing = None
    assert b"The page" in fetch(served.base + "/issue-7/web/index.html")[2]


def test_the_event_stream_says_which_pages_changed(served: Served) -> None:
    served.changes.publish(["/issue-7/web/index.html"])
    with urllib.request.urlopen(served.base + EVENTS + "?since=0", timeout=10) as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        lines = [stream.readline() for _ in range(4)]
    assert lines[:2] == [b"retry: 1000\n", b"\n"]
    assert lines[2] == b'data: ["/", "/issue-7/web/index.html"]\n'
