"""`paperpress serve` answers every request a hostile client sends (issue 26, finding 5).

A dropped connection is what each case used to get: the handler raised (an embedded NUL byte, a Range past
int()'s digit limit) and the thread died without a status line.
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperpress.preview.static import catalog_server

BODY = b"the edition\n"
HUGE = "9" * 5000


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A real loopback server over a small dist/ (connections silent for half a second are closed)."""
    dist = tmp_path / "dist"
    (dist / "issue-1").mkdir(parents=True)
    (dist / "index.html").write_text("<p>catalog</p>")
    (dist / "issue-1" / "issue-1.txt").write_bytes(BODY)
    (dist / ".paperpress-state.json").write_text('{"secret": true}')
    server = catalog_server(dist, "127.0.0.1", 0, timeout=0.5)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], dist
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body; a dropped connection fails the test (http.client raises)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/index.html%00.txt", "/%00", "/issue-1/%00/issue-1.txt"])
def test_a_nul_byte_in_the_path_is_a_bad_request(served: tuple[int, Path], path: str) -> None:
    port, _ = served
    assert get(port, path)[0] in (400, 404)


@pytest.mark.parametrize(
    ("header", "status", "body"),
    [
        (f"bytes={HUGE}-", 416, b""),
        (f"bytes={HUGE}-{HUGE}", 416, b""),
        (f"bytes=0-{HUGE}", 206, BODY),
        (f"bytes=-{HUGE}", 206, BODY),
        (f"bytes=2-{HUGE}", 206, BODY[2:]),
        (f"bytes={'0' * 5000}3-", 206, BODY[3:]),
    ],
)
def test_an_absurd_range_is_answered(served: tuple[int, Path], header: str, status: int, body: bytes) -> None:
    port, _ = served
    got, _, data = get(port, "/issue-1/issue-1.txt", {"Range": header})
    assert (got, data) == (status, body)


def test_a_link_to_a_hidden_file_inside_the_folder_is_not_followed(served: tuple[int, Path]) -> None:
    port, dist = served
    (dist / "state.json").symlink_to(dist / ".paperpress-state.json")
    (dist / "issue-1" / "latest.txt").symlink_to(dist / "issue-1" / "issue-1.txt")  # not hidden: served
    assert get(port, "/state.json")[0] == 404
    assert get(port, "/issue-1/latest.txt")[::2] == (200, BODY)


def test_a_silent_connection_is_closed_by_the_server(served: tuple[int, Path]) -> None:
    port, _ = served
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        # Nothing is sent; the server's own timeout closes the connection, which recv sees as end of stream.
        # Without one, recv waits for the client's 10 s and raises TimeoutError.
        assert client.recv(1024) == b""
    assert get(port, "/issue-1/issue-1.txt")[::2] == (200, BODY)  # and it still answers others


def test_the_listen_backlog_takes_a_burst_of_connections(served: tuple[int, Path]) -> None:
    port, _ = served
    server = catalog_server(Path("."), "127.0.0.1", 0)
    try:
        assert server.request_queue_size >= 64
    finally:
        server.server_close()
