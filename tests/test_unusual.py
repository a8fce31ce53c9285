"""Valid but unusual copy builds every edition, and the checkers nobody here wrote find nothing wrong.

Each issue in tests/fixtures/unusual/ is one concern editors meet every week (padded file names, photos in
footnotes, links between articles, 60-letter words, control characters, far dates). Warnings are allowed;
a failed issue, an EPUBCheck message, an Ace violation or a failed PDF/UA-1 rule is not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from paperpress.build import build_archive, open_publication
from paperpress.errors import errors_in

from .checkers import ace, epubcheck, pdf_failures
from .conftest import FIXTURES, copy_publication

pytestmark = pytest.mark.slow

UNUSUAL = FIXTURES / "unusual"
NAMES = sorted(p.stem for p in (UNUSUAL / "issues").glob("issue-*.yaml"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every unusual issue, every edition, built once into dist/."""
    root = copy_publication(UNUSUAL, tmp_path_factory.mktemp("unusual") / "pub")
    archive = build_archive(open_publication(root), NAMES, ["txt", "epub", "pdf"], root / "dist", jobs=2,
                            environ={})
    failures = {r.name: [str(p) for p in r.problems if errors_in((p,))] for r in archive.failed}
    assert failures == {}
    return root / "dist"


def test_the_fixture_has_issues() -> None:
    assert len(NAMES) >= 1


def test_every_unusual_issue_builds_every_edition(built: Path) -> None:
    for name in NAMES:
        for suffix in (".txt", ".epub", ".pdf"):
            assert (built / name / f"{name}{suffix}").stat().st_size > 0, (name, suffix)


def test_epubcheck_reports_nothing(built: Path, tmp_path: Path) -> None:
    epubs = {name: built / name / f"{name}.epub" for name in NAMES}
    assert epubcheck(epubs, tmp_path) == {name: [] for name in NAMES}


def test_ace_finds_no_violations(built: Path, tmp_path: Path) -> None:
    epubs = {name: built / name / f"{name}.epub" for name in NAMES}
    assert ace(epubs, tmp_path) == {name: [] for name in NAMES}


def test_every_pdf_is_pdf_ua1(built: Path) -> None:
    found = pdf_failures(built / name / f"{name}.pdf" for name in NAMES)
    assert found == {name: [] for name in NAMES}
