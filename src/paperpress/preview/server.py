"""The preview's HTTP server: the preview folder, served as `paperpress serve` serves dist/ (preview/static.py's
handler, hardened against hostile requests), plus what makes the browser follow the saves.

- `/_preview/events` is a stream of server-sent events: each says which pages changed (`["/issue-7/web/…"]`,
  or `["*"]` when the problems' page comes or goes). A page asks with the version it was served at, so a
  change made between its loading and its listening is still told.
- Every HTML page served gets one `<script src="/_preview/reload.js">` before `</head>`, and its
  Content-Security-Policy widened to allow that script and its stream, in what is sent only: the files on
  disk, like the built web edition, keep their no-script policy.
- While the issue has errors, a page is answered with the problems (pages.py); `?last-good` shows the file
  as it was last made.
- `/` is the preview's own index (pages.py).
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Collection
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ..editions.web.edition import CSP
from .pages import CSS, STYLESHEET
from .static import CatalogHandler

EVENTS = "/_preview/events"
SCRIPT = "/_preview/reload.js"
#: The built pages' policy, and what the preview sends instead: the same, and its own script and stream.
PREVIEW_CSP = CSP + "; script-src 'self'; connect-src 'self'"
#: Seconds between two comments on an idle event stream, so that a closed browser tab is noticed.
KEEPALIVE = 15.0
#: Changes remembered for pages that connect late.
_HISTORY = 256

RELOAD_JS = b"""\
(function () {
  var here = location.pathname, own = document.currentScript.src;
  var since = new URL(own).searchParams.get("v") || "0";
  var source = new EventSource("/_preview/events?since=" + since);
  source.onmessage = function (event) {
    var paths = JSON.parse(event.data);
    if (paths.indexOf("*") >= 0 || paths.indexOf(here) >= 0 ||
        (here.endsWith("/") && paths.indexOf(here + "index.html") >= 0)) {
      source.close();
      location.reload();
    }
  };
})();
"""


class Changes:
    """The versions of the preview: each `publish` is one, with the paths it changed; readers wait for the next."""

    def __init__(self) -> None:
        self.version = 0
        self._history: deque[tuple[int, tuple[str, ...]]] = deque(maxlen=_HISTORY)
        self._changed = threading.Condition()
        self._closed = False

    def publish(self, paths: Collection[str]) -> None:
        with self._changed:
            self.version += 1
            self._history.append((self.version, ("/", *paths)))  # the index shows every edition's state
            self._changed.notify_all()

    def since(self, version: int, timeout: float) -> tuple[int, list[str]] | None:
        """The paths changed after `version` and the version now, waiting up to `timeout` seconds for one;
        ([], version) after the wait; None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self.version > version, timeout)
            if self._closed:
                return None
            if version > self.version or (self._history and version < self._history[0][0] - 1):
                return self.version, ["*"]  # a page from another run, or older than the history: reload it
            paths = sorted({p for v, changed in self._history if v > version for p in changed})
            return self.version, paths

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()


class PreviewHandler(CatalogHandler):
    """preview/static.py's handler over the preview folder, with the preview's own paths and pages."""

    #: Set by `preview_server`: the changes to stream, and the index and problems pages of the moment.
    changes: Changes
    index: Callable[[int], bytes]
    problems: Callable[[int], bytes | None]  # the problems page, or None when the issue has no error

    def send_head(self) -> Any:
        split = urlsplit(self.path)
        path = unquote(split.path)
        if path == EVENTS:
            return self._stream(parse_qs(split.query))
        if path == SCRIPT:
            return self._send(RELOAD_JS, "text/javascript; charset=utf-8")
        if path == STYLESHEET:
            return self._send(CSS, "text/css; charset=utf-8")
        version = self.changes.version
        if path == "/":
            return self._send(with_reload(self.index(version), version), "text/html; charset=utf-8")
        if path.endswith((".html", "/")):
            failing = self.problems(version)
            if failing is not None and "last-good" not in split.query:
                return self._send(with_reload(failing, version), "text/html; charset=utf-8")
            file = self.translate_path(self.path)
            if os.path.isdir(file):
                file = os.path.join(file, "index.html")
            parts = path.split("/")
            if os.path.isfile(file) and self._inside(file) and not any(p.startswith(".") for p in parts if p):
                with open(file, "rb") as handle:
                    return self._send(with_reload(handle.read(), version), "text/html; charset=utf-8")
        return super().send_head()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a reload must fetch what the last save made
        super().end_headers()

    def _send(self, data: bytes, media_type: str) -> io.BytesIO:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(data)))
        if media_type.startswith("text/html"):
            self.send_header("Content-Security-Policy", PREVIEW_CSP)
        self.end_headers()
        return io.BytesIO(data)

    def _stream(self, query: dict[str, list[str]]) -> None:
        """Server-sent events until the browser leaves or the server stops: one `data:` line per version."""
        try:
            version = int(query.get("since", ["0"])[0])
        except ValueError:
            version = 0
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while True:
                found = self.changes.since(version, KEEPALIVE)
                if found is None:
                    return
                version, paths = found
                self.wfile.write(f"data: {json.dumps(paths)}\n\n".encode() if paths else b": idle\n\n")
                self.wfile.flush()
        except OSError:  # the page was closed or reloaded
            return


_CSP_META = re.compile(rb'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")', re.IGNORECASE)
_HEAD_END = re.compile(rb"</head>", re.IGNORECASE)


def with_reload(page: bytes, version: int) -> bytes:
    """`page` as the preview sends it: its policy allowing the reload script, the script before `</head>`."""
    page = _CSP_META.sub(lambda m: m[1] + PREVIEW_CSP.encode() + m[3], page, count=1)
    script = f'<script src="{SCRIPT}?v={version}"></script>\n'.encode()
    page, found = _HEAD_END.subn(lambda m: script + m[0], page, count=1)
    return page if found else page + script


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream never holds the command when it stops

    def __init__(self, address: tuple[str, int], handler: Any, changes: Changes) -> None:
        super().__init__(address, handler)
        self.changes = changes

    def server_close(self) -> None:
        self.changes.close()
        super().server_close()


def preview_server(
    folder: Path, changes: Changes, index: Callable[[int], bytes], problems: Callable[[int], bytes | None],
    host: str = "127.0.0.1", port: int = 8000,
) -> PreviewServer:
    """A server bound to host:port (0: any free port) over `folder`, ready for serve_forever()."""
    handler = type("BoundPreviewHandler", (PreviewHandler,), {
        "changes": changes, "index": staticmethod(index), "problems": staticmethod(problems),
    })
    folder.mkdir(parents=True, exist_ok=True)
    return PreviewServer((host, port), functools.partial(handler, directory=str(folder)), changes)
