"""The catalog at an archive's size (issue 27): file sizes, reachability, the OPDS walk, the feeds, the
search's bytes per query, the time to index and the no-op time of `build --all`.

    .venv/bin/python bench/bench_archive.py --catalog 1000 [--catalog-small 13]

Issues of one article without photos, text and web editions: what the catalog, the feeds and the search
see of an issue, built cheaply by the thousand. Run by bench_archive.py, which builds them.
"""

from __future__ import annotations

import functools
import http.server
import os
import posixpath
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

#: The catalog's files, by kind, as globs in dist/.
KINDS = {
    "pages": ("index.html", "search.html", "archive/*.html"),
    "OPDS": ("opds.xml", "opds/*.xml"),
    "Atom": ("feed.xml", "feeds/*.xml"),
    "sitemaps": ("sitemap.xml", "sitemaps/*.xml"),
    "sums": ("SHA256SUMS",),
}
LIMIT = 150_000
QUERIES = ("depot", "timetable", "centenary", "shorter week")


def sizes(out: Path) -> dict[str, tuple[int, int, str]]:
    """Per kind: how many files, the largest's bytes and its name."""
    found = {}
    for kind, globs in KINDS.items():
        files = [p for g in globs for p in out.glob(g)]
        largest = max(files, key=lambda p: p.stat().st_size) if files else None
        found[kind] = (len(files), largest.stat().st_size if largest else 0,
                       largest.relative_to(out).as_posix() if largest else "-")
    return found


def crawl(out: Path, clicks: int = 3) -> set[str]:
    """The issue folders linked within `clicks` links of index.html."""
    from lxml import html

    reached: set[str] = set()
    seen, frontier = {"index.html"}, ["index.html"]
    for _ in range(clicks):
        following = []
        for page in frontier:
            for a in html.parse(str(out / page)).getroot().iter("a"):
                href = (a.get("href") or "").split("#")[0]
                target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href))
                if target.startswith("issue-"):
                    reached.add(target.split("/")[0])
                elif target.endswith(".html") and target not in seen and (out / target).is_file():
                    seen.add(target)
                    following.append(target)
        frontier = following
    return reached


def opds_walk(out: Path) -> tuple[list[str], int]:
    """The issues an app sees following `next` from the root's first acquisition page, and the pages read."""
    import feedparser

    root = feedparser.parse((out / "opds.xml").read_bytes())
    href: str | None = urljoin("opds.xml", root.entries[0].links[0].href)
    seen, pages = [], 0
    while href:
        page = feedparser.parse((out / href).read_bytes())
        assert not page.bozo, (href, page.bozo_exception)
        seen += [e.id for e in page.entries]
        pages += 1
        following = next((link.href for link in page.feed.links if link.rel == "next"), None)
        href = urljoin(href, following) if following else None
    return seen, pages


def feeds_parse(out: Path) -> list[str]:
    """The feeds feedparser calls ill-formed."""
    import feedparser

    bad = []
    for path in [out / "feed.xml", *out.glob("feeds/*.xml"), out / "opds.xml", *out.glob("opds/*.xml")]:
        if feedparser.parse(path.read_bytes()).bozo:
            bad.append(path.name)
    return bad


def jing(out: Path, schema: Path | None) -> str:
    """jing's verdict on every OPDS file, with the published schema's atomUri pattern mended (its issue 3)."""
    tool = shutil.which("jing")
    if tool is None or schema is None or not schema.is_file():
        return "not run (no jing or no schema in .tools/opds/)"
    with tempfile.TemporaryDirectory() as work:
        fixed = Path(work) / "opds.rnc"
        fixed.write_text(schema.read_text().replace("\\nrt]", "\\n\\r\\t]"))
        shutil.copy(schema.parent / "atom.rnc", Path(work) / "atom.rnc")
        files = [out / "opds.xml", *sorted(out.glob("opds/*.xml"))]
        done = subprocess.run([tool, "-c", str(fixed), *map(str, files)], capture_output=True, text=True, check=False)
    return f"{len(files)} files valid" if done.returncode == 0 and not done.stdout else done.stdout[:500]


def index_time(out: Path) -> tuple[float, int]:
    """Seconds for Pagefind to index every article page of `out` afresh, and the bytes of the index."""
    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pagefind", "--site", str(out), "--output-path", work, "--silent",
                        "--glob", "issue-*/web/**/*.html"], check=True)
        seconds = time.perf_counter() - started
        total = sum(p.stat().st_size for p in Path(work).rglob("*") if p.is_file())
    return seconds, total


def search_bytes(out: Path, queries: tuple[str, ...] = QUERIES) -> list[tuple[str, int, int, int, str]]:
    """Per query, in a fresh Chromium (nothing cached): results, all bytes the page fetched, the index's bytes
    (everything under pagefind/), the fragments' bytes, and the first result's address."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    sent: list[tuple[str, int]] = []

    class Counting(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def copyfile(self, source: Any, outputfile: Any) -> None:
            data = source.read()
            sent.append((self.path, len(data)))
            outputfile.write(data)

    for key in [k for k in os.environ if k.lower().endswith("_proxy")]:
        del os.environ[key]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counting, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rows = []
    try:
        for query in queries:
            options = webdriver.ChromeOptions()
            for flag in ("--headless", "--no-sandbox", "--disable-gpu"):
                options.add_argument(flag)
            driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
            try:
                sent.clear()
                driver.get(f"http://127.0.0.1:{server.server_address[1]}/search.html?q={query}")
                WebDriverWait(driver, 60).until(lambda d: d.find_element(By.ID, "search-status").text)
                results = driver.find_elements(By.CSS_SELECTOR, "#search-results li a")
                first = results[0].get_attribute("href").split("/", 3)[-1] if results else "-"
                status = driver.find_element(By.ID, "search-status").text
            finally:
                driver.quit()
            index = sum(n for path, n in sent if path.startswith("/pagefind/"))
            fragments = sum(n for path, n in sent if path.startswith("/pagefind/fragment/"))
            rows.append((f"{query} ({status})", sum(n for _, n in sent), index, fragments, first))
    finally:
        server.shutdown()
        server.server_close()
    return rows


def report(out: Path, issues: int, noop: list[float], build_seconds: float, schema: Path | None,
           search: bool = True, say: Callable[[str], None] = print) -> None:
    """Prints the figures for the archive built in `out`."""
    say(f"\ncatalog of {issues} issues (one article each, text and web editions):")
    say(f"  first build of every issue and the catalog: {build_seconds:.1f} s")
    say(f"  {'files':<10} {'count':>6} {'largest':>9}  name")
    for kind, (count, largest, name) in sizes(out).items():
        flag = "" if largest <= LIMIT or kind == "sums" else "  OVER 150 KB"
        say(f"  {kind:<10} {count:>6} {largest / 1000:>7.1f} KB  {name}{flag}")
    reached = crawl(out)
    say(f"  issues reached within 3 links of index.html: {len(reached)} of {issues}")
    seen, pages = opds_walk(out)
    say(f"  OPDS walk by next: {len(seen)} entries, {len(set(seen))} distinct, {pages} pages")
    say(f"  feeds feedparser finds ill-formed: {feeds_parse(out) or 'none'}")
    say(f"  jing, OPDS 1.2 schema: {jing(out, schema)}")
    seconds, total = index_time(out)
    say(f"  Pagefind: indexing every article page afresh {seconds:.2f} s; index {total / 1e6:.2f} MB on disk")
    if noop:
        say(f"  no-op build --all: median {statistics.median(noop):.2f} s, best {min(noop):.2f} s "
            f"({', '.join(f'{s:.2f}' for s in noop)}; a fresh process each, Python's start included)")
    if search:
        say(f"  {'query':<34} {'bytes':>9} {'pagefind/':>10} {'fragments':>10}  first result")
        for query, total_bytes, index, fragments, first in search_bytes(out):
            say(f"  {query:<34} {total_bytes / 1000:>7.1f} KB {index / 1000:>7.1f} KB {fragments / 1000:>7.1f} KB  {first}")
