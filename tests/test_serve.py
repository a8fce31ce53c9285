"""`paperpress serve` serves the output folder and nothing else, whatever links lie in it."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperpress.serve import catalog_server


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
