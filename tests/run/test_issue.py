"""One issue's build: the publication opened, then load → render → write, all or nothing, for every executor."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperpress.cache import CACHE_FOLDER
from paperpress.errors import PaperpressError
from paperpress.options import BuildOptions
from paperpress.output.plan import Job
from paperpress.run import issue as issue_module
from paperpress.run.issue import Renderer, check_issue, issue_work, open_publication
from tests.fakes import WITH_FAKES, fake_art, make_archive
from tests.support import FIXTURES, copy_publication


@pytest.fixture
def pub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(issue_module, "render_art", fake_art)
    return make_archive(tmp_path / "pub", range(1, 3))


def _builder(pub: Path, formats: tuple[str, ...]):
    return issue_work(open_publication(pub), pub / "dist", BuildOptions(formats), WITH_FAKES).open(1)


def _say(pub: Path, name: str, cover_line: str) -> None:
    manifest = pub / "issues" / f"{name}.yaml"
    number = name.split("-")[1]
    manifest.write_text(manifest.read_text().replace(f"title: Small issue {number}", f"title: {cover_line}"))


def _kept(pub: Path, kind: str) -> list[str]:
    folder = pub / CACHE_FOLDER / kind
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_paperpress_yaml_with_problems_opens_nothing(tmp_path: Path) -> None:
    root = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    (root / "paperpress.yaml").write_text("title: A paper\neditions: [txt, zine]\n")
    with pytest.raises(PaperpressError) as raised:
        open_publication(root)
    assert [p.message for p in raised.value.problems] == ["unknown edition 'zine'"]


def test_an_issue_is_found_by_any_name_a_person_types(pub: Path) -> None:
    opened = open_publication(pub)
    assert check_issue(opened, "issue-2.yaml").value.number == check_issue(opened, "2").value.number == 2


@pytest.mark.slow  # whole editions built more than once
def test_what_the_editions_made_is_kept_only_once_the_issue_is_written(pub: Path) -> None:
    made = _builder(pub, ("web", "heavy"))
    _say(pub, "issue-1", "problem")  # the heavy fake refuses the issue after the web edition made its photos
    refused = made(Job("issue-1", ("web", "heavy"), art=False, reason="test"))
    assert refused.failed and not (pub / "dist" / "issue-1").exists()
    assert _kept(pub, "webphotos") == []  # nothing made from the refused copy is kept
    written = made(Job("issue-2", ("web", "heavy"), art=False, reason="test"))
    assert not written.failed
    assert _kept(pub, "webphotos") and _kept(pub, "webfonts")


def test_the_renderer_gives_each_editions_main_file_under_its_name_and_writes_nothing(pub: Path) -> None:
    opened = open_publication(pub)
    prepared = _builder(pub, ("fake", "txt")).prepare(Job("issue-1", ("fake", "txt"), art=True, reason="test"))
    before = _files(pub)
    outputs = Renderer(opened.layouts, WITH_FAKES)(prepared)
    assert {kind: output.file for kind, output in outputs.items()} == {
        "fake": "issue-1.fake", "txt": "issue-1.txt", "cover": "issue-1-cover.jpg", "thumbnail": "issue-1-thumbnail.jpg"}
    assert _files(pub) == before


def _files(pub: Path) -> list[Path]:
    """Every file of the publication but its compiled templates, which templates.py keeps as they are first
    used (they hold nothing of the copy)."""
    compiled = pub / CACHE_FOLDER / "layouts"
    return sorted(p.relative_to(pub) for p in pub.rglob("*") if p not in (compiled, compiled.parent) and compiled not in p.parents)
