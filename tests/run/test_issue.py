"""One issue's build: the publication opened, then load → render → write, all or nothing, for every executor."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperpress.build import build_archive
from paperpress.cache import CACHE_FOLDER
from paperpress.errors import PaperpressError
from paperpress.options import BuildOptions
from paperpress.output.plan import Job
from paperpress.run import issue as issue_module
from paperpress.run.issue import Renderer, check_issue, issue_work, open_publication
from tests.fakes import WITH_FAKES, WITH_FOLLOWER, fake_art, make_archive
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


def _listed(pub: Path, formats: tuple[str, ...], *, force: bool = False) -> tuple[tuple[str, ...], str]:
    """Builds issue 1 with `formats` (the fakes' registry with a follower); what the job made and what the
    listing edition was told of the timed one."""
    result = build_archive(open_publication(pub), ["issue-1"], pub / "dist", BuildOptions(formats), editions=WITH_FOLLOWER,
                           force=force)
    made = result.results[0].formats if result.results else ()
    return made, (pub / "dist" / "issue-1" / "issue-1.listing").read_text()


def test_a_page_that_lists_a_download_is_told_its_length_as_just_made_then_as_found(pub: Path) -> None:
    made, listed = _listed(pub, ("listing", "timed"))
    timed = (pub / "dist" / "issue-1" / "issue-1.timed").read_bytes()
    assert made == ("listing", "timed")
    assert listed == repr([("timed", (len(timed), 120))])  # two articles: two minutes, from the bytes just made
    _say(pub, "issue-1", "a longer cover line")  # the timed edition's bytes grow by the line
    made, listed = _listed(pub, ("timed",))
    assert made == ("timed", "listing")  # made again with what it follows, though not asked for
    assert listed == repr([("timed", (len(timed) + len("a longer cover line") - len("Small issue 1"), 120))])
    made, again = _listed(pub, ("listing",), force=True)
    assert (made, again) == (("listing",), listed)  # not made now: its length is read from dist/


def test_a_follower_never_asked_for_nor_made_before_is_not_made_with_what_it_follows(pub: Path) -> None:
    made, _ = _listed(pub, ("listing", "timed"))
    (pub / "dist" / "issue-1" / "issue-1.listing").unlink()
    build_archive(open_publication(pub), ["issue-2"], pub / "dist", BuildOptions(("timed",)), editions=WITH_FOLLOWER)
    assert sorted(p.name for p in (pub / "dist" / "issue-2").glob("issue-2.*")) == ["issue-2.timed"]
