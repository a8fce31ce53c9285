"""`paperpress serve`: a small HTTP server for previewing the catalog locally; serves the output folder and nothing else.

A preview server, not a web server to publish on: loopback by default, one thread per connection. Every
request is answered, whatever it holds: a NUL byte or a garbled path is a 400, an absurd Range the whole
file or a 416, and a connection that says nothing for CONNECTION_SECONDS is closed. Hidden files (the lock,
the build states, temporary files) are never served, nor is anything a symbolic link leads to outside the
folder or to a hidden file in it; the standard library's handler already refuses paths that climb out. The podcast and Atom feeds are served with their links made absolute under the address
the app asked for, since podcast apps resolve no relative links (nor do some feed readers). Byte ranges are answered (206, or 416 past the end), because podcast apps and
players seek with them and large downloads resume with them.
"""

from __future__ import annotations

import functools
import io
import os
import re
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from ..names import ATOM_NAME, ATOM_TYPE, PODCAST_NAME, SITEMAP_NAME

#: How long a connection may stay silent (before its request, or between two) before it is closed.
CONNECTION_SECONDS = 30
#: Connections the kernel queues while every thread is busy (the standard library's 5 drops a browser's burst).
LISTEN_BACKLOG = 128
#: A byte position longer than this (a quintillion) is past the end of any file; its digits are not read.
_MAX_POSITION_DIGITS = 18

#: The catalog's own files whose type their suffix does not tell.
_TYPES = {PODCAST_NAME: "application/rss+xml", ATOM_NAME: ATOM_TYPE, SITEMAP_NAME: "application/xml"}


class CatalogHandler(SimpleHTTPRequestHandler):
    """Serves files with the media types reading systems expect; hidden files are 404."""

    timeout = CONNECTION_SECONDS  # socketserver sets it on the connection before reading: a silent client is let go

    extensions_map = {  # noqa: RUF012 - the base class declares it as a plain class attribute
        **SimpleHTTPRequestHandler.extensions_map,
        ".epub": "application/epub+zip",
        ".pdf": "application/pdf",
        ".txt": "text/plain; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".xml": "application/atom+xml;profile=opds-catalog;kind=acquisition",
        ".mp3": "audio/mpeg",
        ".m3u": "audio/x-mpegurl",
        ".json": "application/json",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".jpg": "image/jpeg",
        ".webp": "image/webp",
        ".avif": "image/avif",
        ".woff2": "font/woff2",
        "": "text/plain; charset=utf-8",  # SHA256SUMS
    }

    def guess_type(self, path: Any) -> str:
        name = os.path.basename(str(path))
        if name in _TYPES:
            return _TYPES[name]
        if str(path).endswith(".chapters.json"):
            return "application/json+chapters"
        return str(super().guess_type(path))

    def end_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def send_head(self) -> Any:
        asked = unquote(urlsplit(self.path).path)
        if "\x00" in asked or "\x00" in self.path:  # no file name holds one; os.stat would raise
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request")
            return None
        parts = asked.split("/")
        if any(part.startswith(".") for part in parts if part) or not self._inside(self.translate_path(self.path)):
            self.send_error(404, "Not found")
            return None
        wanted = self.headers.get("Range")
        path = self.translate_path(self.path)
        if os.path.basename(path) in (PODCAST_NAME, ATOM_NAME) and os.path.isfile(path):
            return self._send_feed(path)
        if wanted is None or not os.path.isfile(path):
            return super().send_head()
        return self._send_range(path, wanted)

    def _send_feed(self, path: str) -> Any:
        """podcast.xml or feed.xml with its links made absolute under the address asked for, as apps need them."""
        host = self.headers.get("Host", "")
        if not _HOST.fullmatch(host):  # only a host name and port reach the feed, never markup
            address: Any = self.server.server_address
            host = f"{address[0]!s}:{address[1]!s}"
        with open(path, "rb") as handle:
            data = absolute_links(handle.read(), f"http://{host}/")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)

    def _send_range(self, path: str, wanted: str) -> Any:
        """One byte range of a file (RFC 9110 §14): 206 with Content-Range, 416 when none of it exists.

        Several ranges in one request are answered with the whole file, which the RFC allows.
        """
        size = os.path.getsize(path)
        span = byte_range(wanted, size)
        if isinstance(span, str):  # "whole"
            return super().send_head()
        if span is None:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        start, end = span
        handle = open(path, "rb")  # noqa: SIM115 - closed by the base class after copyfile
        handle.seek(start)
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        return _Slice(handle, end - start + 1)

    def _inside(self, path: str) -> bool:
        """True when the file asked for really is in the served folder, and not hidden, once every link is followed."""
        folder = Path(self.directory).resolve()
        try:
            target = Path(path).resolve()
        except (OSError, RuntimeError, ValueError):  # a link loop, a name too long
            return False
        if not target.is_relative_to(folder):
            return False
        return not any(part.startswith(".") for part in target.relative_to(folder).parts)

    def list_directory(self, path: Any) -> Any:
        self.send_error(404, "Not found")  # the catalog is the listing
        return None

    def log_message(self, format: str, *args: Any) -> None:
        pass


_HOST = re.compile(r"[A-Za-z0-9.\-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?")
_LINKS = re.compile(rb'((?:url|href)=")([^"]*)(")|(<link>)([^<]*)(</link>)')


def absolute_links(feed: bytes, base: str) -> bytes:
    """The feed with every relative link (an enclosure, chapters, art, item link) joined to `base`."""

    def join(m: re.Match[bytes]) -> bytes:
        before, link, after = (m[1], m[2], m[3]) if m[1] else (m[4], m[5], m[6])
        return before + urljoin(base, link.decode()).encode() + after

    return _LINKS.sub(join, feed)


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str, size: int) -> tuple[int, int] | None | str:
    """(first, last) byte of a `Range: bytes=…` header for a file of `size` bytes; None: unsatisfiable;
    "whole": a header this server answers with the whole file (several ranges, another unit, garbled)."""
    match = _RANGE.match(header.strip())
    if match is None:
        return "whole"
    first, last = match.groups()
    if not first and not last:
        return "whole"
    if not first:  # the last N bytes
        length = _position(last)
        return (max(0, size - length), size - 1) if length > 0 and size > 0 else None
    start = _position(first)
    end = min(_position(last), size - 1) if last else size - 1
    if start >= size or (last and _position(last) < start):
        return None
    return start, end


def _position(digits: str) -> int:
    """A byte position from its digits; a number past any file's size is read as such, its digits never
    converted (5,000 of them are over int()'s limit, and the connection was dropped)."""
    significant = digits.lstrip("0") or "0"
    return int(significant) if len(significant) <= _MAX_POSITION_DIGITS else 10**_MAX_POSITION_DIGITS


class _Slice:
    """A file read only up to a number of bytes: what the base class copies out for a range."""

    def __init__(self, handle: Any, length: int) -> None:
        self.handle, self.left = handle, length

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        data = self.handle.read(n) if n > 0 else b""
        self.left -= len(data)
        return bytes(data)

    def close(self) -> None:
        self.handle.close()


class _CatalogServer(ThreadingHTTPServer):
    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True  # a connection under way never keeps the program from stopping


def catalog_server(
    folder: Path, host: str = "127.0.0.1", port: int = 8000, timeout: float = CONNECTION_SECONDS
) -> ThreadingHTTPServer:
    """A server bound to host:port (port 0 picks a free one), ready for serve_forever().

    `timeout` is how long a connection may stay silent before it is closed.
    """
    timed = type("CatalogHandler", (CatalogHandler,), {"timeout": timeout})
    return _CatalogServer((host, port), functools.partial(timed, directory=str(folder)))
