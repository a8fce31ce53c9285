"""The preview's own pages: the problems exactly as the command line prints them, escaped; the index links
every edition, the PDF at the article last saved."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest

from paperpress.preview.pages import index_page, problems_page
from paperpress.preview.session import PREVIEW_FOLDER, Session
from tests.support import FIXTURES, copy_publication


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_publication(FIXTURES / "minimal", tmp_path_factory.mktemp("warm") / "pub")
    Session(root, "issue-7", pdf=False).refresh()
    shutil.rmtree(root / PREVIEW_FOLDER)
    return root


def test_the_problems_page_holds_each_problem_as_the_command_line_prints_it(warm: Path, tmp_path: Path) -> None:
    root = Path(shutil.copytree(warm, tmp_path / "pub"))
    session = Session(root, "issue-7", pdf=False)
    assert problems_page(session) is None
    session.refresh()
    article = root / "issues" / "issue-7" / "second.md"
    article.write_text("---\ntitle: <b>bold</b>\nsubtitle: x\n---\nBody.\n")
    session.refresh({article})

    page = problems_page(session)
    assert page is not None
    lines = [str(problem) for problem in session.problems]
    assert any(line.startswith("issues/issue-7/second.md:3: ") and "subtitle" in line for line in lines)
    assert all(html.escape(line).encode() in page for line in lines)
    assert b"<b>" not in page
    assert b'href="?last-good"' in page


def test_the_index_links_every_page_and_download_and_the_pdf_at_the_article_last_saved(warm: Path, tmp_path: Path) -> None:
    root = Path(shutil.copytree(warm, tmp_path / "pub"))
    session = Session(root, "issue-7", pdf=False)
    session.refresh()
    article = root / "issues" / "issue-7" / "second.md"
    article.write_text(article.read_text() + "\nMore.\n")
    session.refresh({article})

    assert "issue-7.pdf" not in index_page(session).decode()  # a preview told to leave the PDF out
    session.pdf = True  # the index of a preview that makes it (made here, it would take a PDF build)
    page = index_page(session).decode()
    assert page.index("EPUB") < page.index("PDF") < page.index("Plain text") < page.index("Front page")
    assert 'href="/issue-7/web/index.html"' in page
    assert 'href="/issue-7/web/letters/second.html"' in page
    assert 'href="/issue-7/issue-7.pdf#a2"' in page
    assert 'href="/issue-7/issue-7.epub"' in page
    assert 'href="/issue-7/issue-7.txt"' in page
