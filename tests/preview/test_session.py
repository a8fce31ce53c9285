"""The preview's session: each save makes again what it touched, into its own folder, never dist/; a broken
save keeps the last good files and its problems, told once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paperpress.preview.session import EVERY, PREVIEW_FOLDER, Refreshed, Session, files_changed, touched
from tests.support import FIXTURES, copy_publication


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal publication with its cache folder warm (the web fonts take seconds to make the first time)."""
    root = copy_publication(FIXTURES / "minimal", tmp_path_factory.mktemp("warm") / "pub")
    Session(root, "issue-7", pdf=False).refresh()
    shutil.rmtree(root / PREVIEW_FOLDER)
    return root


@pytest.fixture
def pub(warm: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(warm, tmp_path / "pub"))


class Heard:
    """What a session told: the lines for the editor, the paths for the browser."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.paths: list[str] = []

    def session(self, root: Path) -> Session:
        return Session(root, "issue-7", report=self.lines.append, notify=self.paths.extend, pdf=False)


def test_a_layouts_folder_of_one_edition_touches_that_edition_alone(tmp_path: Path) -> None:
    root = tmp_path
    assert touched(root, [root / "layouts" / "web" / "article.html"]).editions == {"web"}
    assert touched(root, [root / "layouts" / "text" / "issue.txt"]).editions == {"txt"}
    assert touched(root, [root / "layouts" / "partials" / "masthead.html"]).editions == {EVERY}
    shared = touched(root, [root / "layouts" / "web" / "article.html"])
    assert shared.layouts and not shared.copy and not shared.config
    copy = touched(root, [root / "issues" / "issue-7" / "first.md"])
    assert copy.copy and copy.editions == {EVERY}
    config = touched(root, [root / "paperpress.yaml"])
    assert config.config and config.editions == {EVERY}


def test_the_first_refresh_writes_every_light_edition_into_the_preview_folder_and_not_dist(pub: Path) -> None:
    heard = Heard()
    made = heard.session(pub).refresh()

    assert isinstance(made, Refreshed)
    assert made.editions[:2] == ("web", "txt")  # what the editor looks at comes first
    out = pub / PREVIEW_FOLDER / "issue-7"
    assert (out / "web" / "index.html").is_file()
    assert (out / "issue-7.txt").is_file()
    assert (out / "issue-7.epub").is_file()
    assert not (pub / "dist").exists()


def test_a_saved_article_rewrites_its_page_and_the_text_and_leaves_the_other_pages(pub: Path) -> None:
    heard = Heard()
    session = heard.session(pub)
    session.refresh()
    front = pub / PREVIEW_FOLDER / "issue-7" / "web" / "index.html"
    before = front.stat().st_mtime_ns
    article = pub / "issues" / "issue-7" / "second.md"
    article.write_text(article.read_text() + "\nA sentence added on Tuesday.\n")
    heard.paths.clear()

    made = session.refresh({article})

    assert made is not None
    assert set(made.files) == {"issue-7/web/letters/second.html", "issue-7/issue-7.txt", "issue-7/issue-7.epub"}
    assert "/issue-7/web/letters/second.html" in heard.paths
    assert b"A sentence added on Tuesday." in (pub / PREVIEW_FOLDER / "issue-7" / "web" / "letters" / "second.html").read_bytes()
    assert front.stat().st_mtime_ns == before
    assert session.saved_article == "a2"


def test_a_broken_save_keeps_the_last_good_files_and_tells_its_problems_once(pub: Path) -> None:
    heard = Heard()
    session = heard.session(pub)
    session.refresh()
    page = pub / PREVIEW_FOLDER / "issue-7" / "web" / "letters" / "second.html"
    good = page.read_bytes()
    article = pub / "issues" / "issue-7" / "second.md"
    text = article.read_text()
    article.write_text("---\ntitle: The sec")  # an editor's autosave, half written
    heard.lines.clear()

    assert session.refresh({article}) is None
    assert session.failing
    expected = "issues/issue-7/second.md:1: the front matter is never closed (add a line '---' after it)"
    assert [str(p) for p in session.problems] == [expected]
    assert heard.lines[0] == expected
    assert page.read_bytes() == good
    assert EVERY in heard.paths

    told = len(heard.lines)
    assert session.refresh({article}) is None  # saved again, the same mistake
    assert len(heard.lines) == told

    article.write_text(text)
    heard.paths.clear()
    assert session.refresh({article}) is not None
    assert not session.failing
    assert EVERY in heard.paths  # every page leaves the problems for its own content


def test_a_missing_manifest_is_a_problem_not_a_crash(pub: Path) -> None:
    heard = Heard()
    session = heard.session(pub)
    session.refresh()
    manifest = pub / "issues" / "issue-7.yaml"
    manifest.unlink()
    assert session.refresh({manifest}) is None
    assert session.failing
    assert "no issue 7" in str(session.problems[0])


def test_a_layout_saved_remakes_only_the_edition_that_reads_it(pub: Path) -> None:
    heard = Heard()
    session = heard.session(pub)
    session.refresh()
    override = pub / "layouts" / "text" / "issue.txt"
    override.parent.mkdir(parents=True)
    override.write_text('{% include "default/text/issue.txt" %}\nPreviewed.\n')

    made = session.refresh({override})

    assert made is not None
    assert made.editions == ("txt",)
    assert made.files == ("issue-7/issue-7.txt",)
    assert (pub / PREVIEW_FOLDER / "issue-7" / "issue-7.txt").read_text().endswith("Previewed.\n")


def test_hostile_copy_is_a_problem_with_its_file(pub: Path) -> None:
    heard = Heard()
    session = heard.session(pub)
    session.refresh()
    article = pub / "issues" / "issue-7" / "second.md"
    article.write_text("---\ntitle: &a [x, *a]\n---\n" + "word " * 200_000)  # an alias, and over 512 KB

    assert session.refresh({article}) is None
    assert [str(p) for p in session.problems] == ["issues/issue-7/second.md: the article is 976 KB (articles must be under 512 KB; split it)"]


def test_a_refresh_counts_its_files_in_words() -> None:
    assert [files_changed(n) for n in (0, 1, 3)] == ["0 files changed", "1 file changed", "3 files changed"]


def test_a_file_taken_away_while_it_was_read_is_a_problem_until_the_next_save(
    pub: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    heard = Heard()
    session = heard.session(pub)
    session.refresh()
    article = pub / "issues" / "issue-7" / "second.md"

    def vanished(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError(2, "No such file or directory", str(article))

    monkeypatch.setattr("paperpress.preview.session.check_issue", vanished)
    assert session.refresh({article}) is None
    assert [str(p) for p in session.problems] == [
        "issues/issue-7/second.md: could not be read: No such file or directory "
        "(save it again; the preview tries once more on every save)"
    ]
    monkeypatch.undo()
    assert session.refresh({article}) is not None


def test_hostile_copy_saved_during_a_preview_stops_at_the_loaders_caps(pub: Path) -> None:
    heard = Heard()
    session = heard.session(pub)
    session.refresh()
    article = pub / "issues" / "issue-7" / "second.md"
    article.write_text("---\ntitle: Deep\nextra: " + "[" * 5000 + "]" * 5000 + "\n---\nBody.\n")
    assert session.refresh({article}) is None
    assert [str(p) for p in session.problems] == [
        "issues/issue-7/second.md:3: YAML syntax: exceeded maximum nesting depth (flatten the structure)"
    ]

    manifest = pub / "issues" / "issue-7.yaml"
    lines = ["number: 7", "date: 2026-03-06", "sections:", "  - title: News", "    articles:"]
    lines += [f"      - issue-7/a{i}.md" for i in range(501)]  # named, never read: the cap is counted first
    manifest.write_text("\n".join(lines) + "\n")
    assert session.refresh({manifest}) is None
    assert [str(p) for p in session.problems] == [
        "issues/issue-7.yaml:3: sections: 501 articles in one issue (an issue may hold at most 500; split it)"
    ]
