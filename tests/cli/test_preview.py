"""`paperpress preview`, end to end: a real preview process and a real browser follow an editor's saves, show
a broken save's problems where the page was, and come back once the file is fixed; preview never publishes,
and the built web edition keeps no script but its JSON-LD."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from tests.support import FIXTURES, copy_publication

pytestmark = pytest.mark.slow

SENTENCE = "The bridge reopened at dawn on Thursday."


class Preview:
    """The command, its output read line by line in a thread so that a test waits on what it says."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "paperpress", "preview", "7", "--root", str(root), "--port", "0", "--no-pdf"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dict(os.environ, NO_COLOR="1"),
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        while True:
            line = self.lines.get(timeout=timeout)
            self.seen.append(line)
            found = re.search(pattern, line)
            if found:
                return found

    def stop(self) -> str:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "\n".join(self.seen)


def test_the_browser_follows_saves_shows_problems_and_comes_back(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    root = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    article = root / "issues" / "issue-7" / "second.md"
    good = article.read_text()
    preview = Preview(root)
    try:
        base = preview.wait_for(r"previewing issue-7 at (http://\S+/) ")[1]
        preview.wait_for(r"^refreshed web, txt")
        browser.get(base)
        page = WebDriverWait(browser, 30).until(lambda d: d.find_element("link text", "The second article"))
        page.click()
        WebDriverWait(browser, 30).until(lambda d: "A letter from a reader." in d.page_source)
        assert SENTENCE not in browser.page_source
        assert browser.current_url.endswith("/issue-7/web/letters/second.html")

        article.write_text(good + f"\n{SENTENCE}\n")
        WebDriverWait(browser, 30).until(lambda d: SENTENCE in d.page_source)

        article.write_text("---\ntitle: [an unclosed headline\n---\nA letter from a reader.\n")
        problems = WebDriverWait(browser, 30).until(lambda d: d.find_elements("id", "problems"))
        shown = problems[0].text
        assert shown.startswith("issues/issue-7/second.md:2: ")
        told = preview.wait_for(r"^issues/issue-7/second\.md:2: ")[0]
        assert shown.splitlines()[0].startswith(told)

        article.write_text(good + f"\n{SENTENCE}\n")
        WebDriverWait(browser, 30).until(lambda d: SENTENCE in d.page_source and not d.find_elements("id", "problems"))
    finally:
        output = preview.stop()
    assert preview.process.returncode == 0, output
    assert "Traceback" not in output
    assert output.count("issues/issue-7/second.md:2: ") == 1  # told once, in the terminal
    assert not (root / "dist").exists()  # preview never publishes

    for page in (root / ".paperpress-preview").rglob("*.html"):  # what the preview wrote keeps no script either
        assert _scripts(page) <= {"application/ld+json"}, page


def test_the_built_web_edition_has_no_script_but_its_json_ld(tmp_path: Path) -> None:
    root = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    subprocess.run([sys.executable, "-m", "paperpress", "build", "7", "-f", "web", "--root", str(root), "-q"], check=True)
    pages = sorted((root / "dist" / "issue-7" / "web").rglob("*.html"))
    assert pages
    for page in pages:
        assert _scripts(page) <= {"application/ld+json"}, page
    assert any(_scripts(page) == {"application/ld+json"} for page in pages)


def _scripts(page: Path) -> set[str]:
    return {script.get("type") or "text/javascript" for script in html.parse(str(page)).iter("script")}
