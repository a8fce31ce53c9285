"""dist/search.html and its index: Pagefind's search over the articles of every issue's web edition.

The web edition marks each article page's text (`data-pagefind-body`) and its issue, date and section
(`data-pagefind-meta`); Pagefind's indexer (the `pagefind` package's binary) reads those pages and writes
dist/pagefind/, which the search page's own script queries in the browser, fetching only the fragments a
query needs. The index is made again only when the pages it was made from changed: a stamp of their
checksums, kept in the index's folder, says so, so a no-op build does not run the indexer.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import PaperpressError, Problem
from ..names import OUTPUT_FOLDERS, SEARCH_INDEX, SEARCH_NAME, SEARCH_SCRIPT, SEARCH_STYLE
from ..templates import Layouts

#: The search page's policy: only its own script and styles, and the WebAssembly Pagefind runs.
CSP = ("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; style-src 'self'; "
       "img-src 'self'; base-uri 'none'; form-action 'self'")
_STAMP = ".sources"
_NEW = ".pagefind-new"


def search_bytes(context: dict[str, Any], layouts: Layouts) -> dict[str, bytes]:
    """The search page, its script and its stylesheet, by path in dist/."""
    return {
        SEARCH_NAME: layouts.render("html", "catalog/search.html", dict(context, csp=CSP)).encode(),
        SEARCH_SCRIPT: layouts.render("text", "catalog/search.js", {"index": SEARCH_INDEX}).encode(),
        SEARCH_STYLE: layouts.render("text", "catalog/style.css", {}).encode(),
    }


def index_search(out: Path, entries: Sequence[dict[str, Any]]) -> bool:
    """Indexes the article pages of every issue in `out` unless they are what the index was made from.

    Returns whether the indexer ran. A failing indexer is a Problem: the editions and the rest of the
    catalog are written, and the next build tries again.
    """
    stamp = _stamp(entries)
    index = out / SEARCH_INDEX
    try:
        if (index / _STAMP).read_text(encoding="utf-8") == stamp:
            return False
    except OSError:
        pass
    new = out / _NEW
    shutil.rmtree(new, ignore_errors=True)
    done = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(out), "--output-path", str(new), "--silent",
         "--glob", f"{OUTPUT_FOLDERS}/web/**/*.html"],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0 or not (new / "pagefind.js").is_file():
        shutil.rmtree(new, ignore_errors=True)
        said = (done.stderr or done.stdout).strip().splitlines()
        raise PaperpressError([Problem(
            None, None, None, f"the search index could not be made: {said[-1] if said else 'pagefind failed'}",
            "install the indexer with pip install 'pagefind[bin]'; the editions and the catalog are written",
        )])
    (new / _STAMP).write_text(stamp, encoding="utf-8")
    shutil.rmtree(index, ignore_errors=True)
    new.rename(index)
    return True


def _stamp(entries: Sequence[dict[str, Any]]) -> str:
    """What the index is made from: every issue's web pages and their checksums, and the indexer's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        indexer = version("pagefind")
    except PackageNotFoundError:
        indexer = "none"
    digest = hashlib.sha256(indexer.encode())
    for entry in sorted(entries, key=lambda e: e["name"]):
        for page in (entry.get("web") or {}).get("pages", []):
            digest.update(f"{page['href']}\0{page['sha256']}\n".encode())
    return digest.hexdigest()
