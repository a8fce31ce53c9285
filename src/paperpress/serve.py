"""A small HTTP server for browsing the catalog locally: serves the output folder and nothing else.

Loopback by default. Hidden files (the lock, the build states, temporary files) are never served, nor is
anything a symbolic link leads to outside the folder; the standard library's handler already refuses
paths that climb out of it.
"""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit


class CatalogHandler(SimpleHTTPRequestHandler):
    """Serves files with the media types reading systems expect; hidden files are 404."""

    extensions_map = {  # noqa: RUF012 - the base class declares it as a plain class attribute
        **SimpleHTTPRequestHandler.extensions_map,
        ".epub": "application/epub+zip",
        ".pdf": "application/pdf",
        ".txt": "text/plain; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".xml": "application/atom+xml;profile=opds-catalog;kind=acquisition",
        "": "text/plain; charset=utf-8",  # SHA256SUMS
    }

    def send_head(self) -> Any:
        parts = unquote(urlsplit(self.path).path).split("/")
        if any(part.startswith(".") for part in parts if part) or not self._inside(self.translate_path(self.path)):
            self.send_error(404, "Not found")
            return None
        return super().send_head()

    def _inside(self, path: str) -> bool:
        """True when the file asked for really is in the served folder, once every link is followed."""
        return Path(path).resolve().is_relative_to(Path(self.directory).resolve())

    def list_directory(self, path: Any) -> Any:
        self.send_error(404, "Not found")  # the catalog is the listing
        return None

    def log_message(self, format: str, *args: Any) -> None:
        pass


def catalog_server(folder: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A server bound to host:port (port 0 picks a free one), ready for serve_forever()."""
    handler = functools.partial(CatalogHandler, directory=str(folder))
    return ThreadingHTTPServer((host, port), handler)
