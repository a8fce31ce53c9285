"""The catalog's search: Pagefind's index of the article pages, made only when they changed, and the search
page as a reader uses it in Chromium, served over HTTP as it must be."""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from paperpress.build import build_archive
from paperpress.catalog import search as search_module
from paperpress.catalog.index import write_catalog
from paperpress.catalog.search import CSP, index_search
from paperpress.errors import PaperpressError
from paperpress.options import BuildOptions
from paperpress.output.plan import select_issues
from paperpress.run import issue as issue_module
from paperpress.run.issue import open_publication
from tests.checkers import axe_violations, html_errors, overflow
from tests.fakes import fake_art, make_archive, make_web_archive
from tests.support import shared_unless_mutating

#: A word in one article of one back issue only: issue 2's letter.
WORD = "quibbling"


@pytest.fixture(scope=shared_unless_mutating)
def online(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return make_web_archive(tmp_path_factory.mktemp("search") / "pub", None, monkeypatch) / "dist"


def test_the_search_page_is_the_one_with_a_script_and_its_policy_allows_only_its_own(online: Path) -> None:
    page = html.parse(str(online / "search.html")).getroot()
    policy = page.find(".//meta[@http-equiv='Content-Security-Policy']").get("content")
    assert policy == CSP
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'" and directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert [s.get("src") for s in page.iter("script")] == ["search.js"]  # no inline script
    assert "import(new URL(\"pagefind/pagefind.js\"" in (online / "search.js").read_text()
    for other in [online / "index.html", *(online / "archive").glob("*.html")]:
        assert "<script" not in other.read_text(), other


def test_without_javascript_the_search_page_says_so_and_links_the_archive(online: Path) -> None:
    page = html.parse(str(online / "search.html")).getroot()
    assert page.get_element_by_id("search-form").get("hidden") is not None  # shown by its script only
    assert "needs JavaScript" in page.find(".//noscript").text_content()
    assert "web address" in page.get_element_by_id("search-note").text_content()  # browsers run no module from a file
    assert [a.get("href") for a in page.find_class("years")[0].iter("a")] == ["archive/2026.html"]


def test_the_index_is_made_again_only_when_an_article_page_changed(
    online: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = open_publication(online.parent)
    runs: list[Any] = []
    real = search_module.subprocess.run
    monkeypatch.setattr(search_module.subprocess, "run", lambda *a, **k: runs.append(a) or real(*a, **k))
    write_catalog(online, opened.layouts, opened.config)
    assert runs == [] and (online / "pagefind/pagefind.js").is_file()  # nothing changed since the build
    page = online / "issue-3/web/news/first.html"
    page.write_text(page.read_text().replace("</main>", "<p>A late correction.</p></main>"))
    write_catalog(online, opened.layouts, opened.config)
    assert len(runs) == 1
    write_catalog(online, opened.layouts, opened.config)
    assert len(runs) == 1


def _indexer(folder: Path, monkeypatch: pytest.MonkeyPatch, does: str) -> None:
    """Runs `does` (a shell script's body) in place of `python -m pagefind`: its arguments as Pagefind gets
    them, $6 the folder it is to write the index into."""
    script = folder / "indexer"
    script.write_text(f"#!/bin/sh\n{does}\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setattr(search_module.sys, "executable", str(script))
    monkeypatch.setattr(search_module, "_stamp", lambda entries: "something else")  # so it runs


@pytest.mark.parametrize(("does", "said"), [
    ('mkdir -p "$6"; echo "Starting" ; echo "Error: could not read the site" >&2; exit 1', "Error: could not read the site"),
    ('echo "Indexed 0 pages"; exit 0', "Indexed 0 pages"),  # says it is done, but wrote no index
    ("exit 0", "pagefind failed"),  # said nothing, wrote nothing
])
def test_a_failing_indexer_is_a_problem_and_leaves_the_index_there(
    online: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, does: str, said: str
) -> None:
    _indexer(tmp_path, monkeypatch, does)
    with pytest.raises(PaperpressError) as raised:
        index_search(online, [])
    [problem] = raised.value.problems
    assert problem.message == f"the search index could not be made: {said}"
    assert problem.hint == "install the indexer with pip install 'pagefind[bin]'; the editions and the catalog are written"
    assert (online / "pagefind/pagefind.js").is_file() and not (online / ".pagefind-new").exists()


def test_an_index_left_half_made_is_cleared_and_the_stamp_says_what_the_index_was_made_from(
    online: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    leftover = online / ".pagefind-new"
    leftover.mkdir(exist_ok=True)
    (leftover / "stale.js").write_text("from a build that was stopped", encoding="utf-8")
    monkeypatch.setattr(search_module, "_stamp", lambda entries: "made from these pages")
    assert index_search(online, []) is True  # it ran
    assert not (online / "pagefind/stale.js").exists() and (online / "pagefind/pagefind.js").is_file()
    assert (online / "pagefind/.sources").read_text(encoding="utf-8") == "made from these pages"
    assert index_search(online, []) is False  # nothing changed: it did not run


def test_a_new_indexer_makes_the_index_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib
    import importlib.metadata

    pages = [{"name": "issue-1", "web": {"pages": [{"href": "issue-1/web/index.html", "sha256": "ab"}]}}]
    versions = {"pagefind": "1.0"}

    def version(name: str) -> str:
        if name not in versions:
            raise importlib.metadata.PackageNotFoundError(name)
        return versions[name]

    monkeypatch.setattr(importlib.metadata, "version", version)
    first = search_module._stamp(pages)
    versions["pagefind"] = "1.1"
    assert search_module._stamp(pages) != first
    versions.clear()  # not installed: a stamp all the same, which an installed one will differ from
    assert search_module._stamp([]) == hashlib.sha256(b"none").hexdigest()


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three issues with the real web edition; issue 2's letter alone holds WORD."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(issue_module, "render_art", fake_art)
        pub = make_archive(tmp_path_factory.mktemp("real-search") / "pub", range(1, 4))
        letter = pub / "issues/issue-2/second.md"
        letter.write_text(letter.read_text() + f"\nA reader's {WORD} reply about the timetable.\n")
        names = select_issues(pub, [], every=True)
        result = build_archive(open_publication(pub), names, pub / "dist", BuildOptions(("txt", "web")))
        assert not result.failed, [str(p) for r in result.failed for p in r.problems]
    return pub / "dist"


class _Counting(http.server.SimpleHTTPRequestHandler):
    """Serves dist/ and counts what each request sent, so a query's bytes are known."""

    sent: list[tuple[str, int]]

    def log_message(self, *args: Any) -> None:
        pass

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        self.sent.append((self.path, len(data)))
        outputfile.write(data)


@pytest.fixture(scope="module")
def served(real: Path) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    sent: list[tuple[str, int]] = []
    handler = type("Handler", (_Counting,), {"sent": sent})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(real)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.lower() in ("http_proxy", "https_proxy", "all_proxy")}
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", sent
    finally:
        os.environ.update(saved)
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _results(browser: Any) -> list[Any]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#search-results li") or "0 articles" in b.find_element(
            By.ID, "search-status").text)
    return browser.find_elements(By.CSS_SELECTOR, "#search-results li")


@pytest.mark.slow
def test_the_article_pages_are_marked_for_the_index(real: Path) -> None:
    page = html.parse(str(real / "issue-2/web/letters/second.html")).getroot()
    body = page.find(".//*[@data-pagefind-body]")
    assert body.tag == "article" and body.get("data-pagefind-meta") == "issue:Issue 2"
    assert {e.get("data-pagefind-meta"): e.text_content() for e in body.iterfind(".//*[@data-pagefind-meta]")} == {
        "section": "Letters", "date": "Thursday 15 January 2026"}
    front = (real / "issue-2/web/index.html").read_text()
    assert "data-pagefind-body" not in front and "<script" not in front.replace('type="application/ld+json"', "")


@pytest.mark.slow
@pytest.mark.tool("chromium")
def test_a_word_of_one_back_issue_finds_its_article_first(served: tuple[str, list[tuple[str, int]]], browser: Any) -> None:
    base, sent = served
    sent.clear()
    browser.get(base + "search.html?q=" + WORD)
    results = _results(browser)
    assert results, "no result"
    first = results[0]
    link = first.find_element("tag name", "a")
    assert link.get_attribute("href") == base + "issue-2/web/letters/second.html"
    assert link.text == "The second article"
    about = first.find_element("css selector", ".meta").get_attribute("textContent")
    assert about == "Issue 2 · Thursday 15 January 2026 · Letters"
    assert WORD in first.find_element("css selector", "mark").text.lower()
    assert not browser.find_element("id", "search-note").is_displayed()
    logged = [m["message"] for m in browser.get_log("browser") if "favicon.ico" not in m["message"]]
    assert logged == []  # no policy violation, no failed fetch (the browser's own favicon.ico aside)
    fetched = dict(sent)
    assert any(path.startswith("/pagefind/fragment/") for path in fetched)
    assert sum(fetched.values()) < 300_000, fetched


@pytest.mark.slow
@pytest.mark.tool("axe-core")
@pytest.mark.parametrize("width", [375, 1280])
def test_the_search_page_with_its_results_is_accessible_and_never_scrolls_sideways(
    served: tuple[str, list[tuple[str, int]]], browser: Any, width: int
) -> None:
    base, _ = served
    assert axe_violations(base + "search.html?q=" + WORD, width, browser, ready=_results) == []
    assert overflow(base + "search.html?q=" + WORD, width, browser) == []


@pytest.mark.tool("vnu")
def test_the_search_page_validates(real: Path) -> None:
    assert html_errors([real / "search.html"]) == []
    assert re.search(r"<noscript>", (real / "search.html").read_text())
