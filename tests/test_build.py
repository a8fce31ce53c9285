"""Archive builds: what is skipped, what each kind of change rebuilds, failure isolation, parallel = serial."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import threading
import time
from concurrent.futures import Future
from importlib import metadata
from pathlib import Path

import pytest

from paperpress import __version__
from paperpress import editions as editions_package
from paperpress import mail as mail_package
from paperpress.build import ArchiveResult, build_archive, build_issue
from paperpress.catalog import index as catalog_package
from paperpress.catalog.index import CATALOG_FILES
from paperpress.editions import cover
from paperpress.errors import UsageError
from paperpress.options import BuildOptions, source_date
from paperpress.output import state as fingerprint
from paperpress.output.plan import select_issues
from paperpress.output.state import CATALOG_LAYOUTS, STATE_NAME, read_state
from paperpress.registry import EDITIONS
from paperpress.run import issue as issue_module
from paperpress.run.executor import IssueResult, Serial, TimeUp, local_executor
from paperpress.run.issue import build_info, check_issue, open_publication
from paperpress.templates import DEFAULTS
from tests.fakes import WITH_FAKES, fake_art, make_archive


@pytest.fixture(autouse=True)
def _fake_art(monkeypatch: pytest.MonkeyPatch) -> None:
    # Drawing real covers costs a quarter of a second an issue; test_catalog covers them.
    monkeypatch.setattr(issue_module, "render_art", fake_art)


@pytest.fixture
def pub(tmp_path: Path) -> Path:
    return make_archive(tmp_path / "pub")


def run(
    root: Path, formats: tuple[str, ...] = ("fake",), out: Path | None = None, *, jobs: int = 1, force: bool = False,
    sde: str | None = None, **options,
) -> ArchiveResult:
    """Builds every issue with the fake editions registered; `options` are BuildOptions fields."""
    names = select_issues(root, [], every=True)
    chosen = BuildOptions(formats, source_date=source_date(sde), **options)
    return build_archive(
        open_publication(root), names, out or root / "dist", chosen, editions=WITH_FAKES, executor=local_executor(jobs),
        force=force,
    )


def build_one(root: Path, name: str) -> IssueResult:
    return build_issue(open_publication(root), name, root / "dist", BuildOptions(("fake",)), editions=WITH_FAKES)


def settle() -> None:
    """Lets the file system clock move past an edit: a file changed within a tick of a build is rebuilt again."""
    time.sleep(2 * fingerprint.RACY_NS / 1e9)


def built(result: ArchiveResult) -> dict[str, tuple[str, ...]]:
    return {r.name: r.formats for r in result.results}


def snapshot(out: Path) -> dict[str, bytes]:
    """Every published file's bytes (the states hold stat data, so they are compared by content elsewhere; the
    catalog's record of what it was made from names paths, and is never published)."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in (STATE_NAME, ".paperpress-catalog")
    }


def test_a_second_run_skips_every_issue(pub: Path) -> None:
    first = run(pub)
    assert built(first) == {f"issue-{n}": ("fake",) for n in (4, 3, 2, 1)}
    assert (pub / "dist/issue-2/issue-2.fake").read_text().startswith("issue-2\n2026-01-15T12:00:00+00:00\n")
    state = read_state(pub / "dist/issue-2")
    assert state is not None and set(state.outputs) == {"fake", "cover", "thumbnail"}
    assert sorted(state.inputs) == [
        "issues/issue-2.yaml", "issues/issue-2/first.md", "issues/issue-2/photos/square.png", "issues/issue-2/second.md"
    ]
    before = snapshot(pub / "dist")
    second = run(pub)
    assert second.results == () and second.plan.skipped == ("issue-4", "issue-3", "issue-2", "issue-1")
    assert snapshot(pub / "dist") == before


def test_deciding_to_skip_never_loads_an_issue(pub: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(pub)

    def refuse(*args: object) -> None:
        raise AssertionError("an unchanged issue was loaded")

    monkeypatch.setattr(issue_module, "check_issue", refuse)
    assert run(pub).results == ()


def _edit_article(pub: Path) -> None:
    path = pub / "issues/issue-3/second.md"
    path.write_text(path.read_text() + "\nA second paragraph.\n")


def _edit_photo(pub: Path) -> None:
    from PIL import Image

    Image.new("RGB", (40, 40), (200, 10, 10)).save(pub / "issues/issue-3/photos/square.png")


def _edit_manifest(pub: Path) -> None:
    path = pub / "issues/issue-3.yaml"
    path.write_text(path.read_text().replace("Small issue 3", "A new cover line"))


def _override(pub: Path, name: str) -> None:
    """Gives the publication its own copy of a packaged layout file, changed by one line."""
    (pub / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
    (pub / "layouts" / name).write_text((DEFAULTS / name).read_text() + "\n\n")


def _override_template(pub: Path) -> None:
    _override(pub, "partials/article_header.html")


def _edit_config(pub: Path) -> None:
    with open(pub / "paperpress.yaml", "a") as handle:
        handle.write("subtitle: Now with a subtitle\n")


def _add_font(pub: Path) -> None:
    (pub / "fonts").mkdir()
    (pub / "fonts/House-Regular.otf").write_bytes(b"not really a font")


@pytest.mark.parametrize(
    ("change", "rebuilt"),
    [
        (_edit_article, ["issue-3"]),
        (_edit_photo, ["issue-3"]),
        (_edit_manifest, ["issue-3"]),
        (_override_template, ["issue-1", "issue-2", "issue-3", "issue-4"]),
        (_edit_config, ["issue-1", "issue-2", "issue-3", "issue-4"]),
        (_add_font, ["issue-1", "issue-2", "issue-3", "issue-4"]),
    ],
)
def test_each_kind_of_change_rebuilds_what_it_touches(pub: Path, change, rebuilt: list[str]) -> None:
    run(pub)
    change(pub)
    settle()
    again = run(pub)
    assert sorted(built(again)) == rebuilt, again.plan.jobs
    assert all(not r.failed for r in again.results)
    assert run(pub).results == ()


def test_a_template_change_rebuilds_only_the_editions_that_use_it(pub: Path) -> None:
    run(pub, formats=("fake", "txt"))
    _override(pub, "text/issue.txt")
    settle()
    again = run(pub, formats=("fake", "txt"))
    assert built(again) == {f"issue-{n}": ("txt",) for n in (4, 3, 2, 1)}
    assert {job.reason for job in again.plan.jobs} == {"settings, layouts or software changed"}
    index = (pub / "dist/index.html").read_bytes()
    _override(pub, "epub/style.css")
    _override(pub, "catalog/style.css")
    settle()
    assert run(pub, formats=("fake", "txt")).results == ()
    assert (pub / "dist/index.html").read_bytes() != index  # the catalog is rewritten, no edition is


@pytest.mark.slow  # whole editions built more than once
def test_the_web_edition_records_every_page_and_a_change_to_its_layouts_rebuilds_it_alone(pub: Path) -> None:
    run(pub, formats=("txt", "web"))
    state = read_state(pub / "dist/issue-2")
    assert state is not None and state.outputs["web"].file == "web/index.html"
    pages = {k: r.file for k, r in state.outputs.items() if k.startswith("web/")}
    assert pages["web/web/assets/site.css"] == "web/assets/site.css" and len(pages) > 4
    assert all((pub / "dist/issue-2" / file).is_file() for file in pages.values())
    _override(pub, "web/site.css")
    settle()
    assert built(run(pub, formats=("txt", "web"))) == {f"issue-{n}": ("web",) for n in (4, 3, 2, 1)}
    (pub / "dist/issue-3/web/news/first.html").unlink()  # a page gone from disk is rebuilt
    assert built(run(pub, formats=("txt", "web"))) == {"issue-3": ("web",)}
    assert (pub / "dist/issue-3/web/news/first.html").is_file()


def test_no_layout_reaches_into_another_editions_folder() -> None:
    """What makes the scoped fingerprints sound: an edition's folder is read by that edition only."""
    owners = {spec.layouts: name for name, spec in EDITIONS.items() if spec.layouts} | {CATALOG_LAYOUTS: "catalog",
                                                                                        "mail": "mail"}
    reference = re.compile(r"""(?:include|import|extends|from|render\([^,]+,|read\()\s*["']([\w-]+)/""")
    code = Path(editions_package.__file__).parent
    mail = Path(mail_package.__file__).parent
    sources = [*DEFAULTS.rglob("*.*"), *code.rglob("*.py"), *Path(catalog_package.__file__).parent.rglob("*.py"),
               *mail.rglob("*.py")]
    seen = 0
    for source in sources:
        owner = source.relative_to(DEFAULTS).parts[0] if source.is_relative_to(DEFAULTS) else None
        if source.suffix == ".py":  # an edition's package (or module) reads its own folder; the catalog and mail, theirs
            place = (source.relative_to(code).parts if source.is_relative_to(code)
                     else ("mail",) if source.is_relative_to(mail) else ("catalog",))
            owner = {"text.py": "text", "epub": "epub", "pdf": "pdf", "web": "web", "catalog": "catalog",
                     "mail": "mail"}.get(place[0])
        for folder in reference.findall(source.read_text(errors="replace")):
            seen += folder in owners
            if folder in owners:
                assert owner == folder, f"{source.name} reads {folder}/, which only {owners[folder]} may read"
    assert seen >= 10  # the pattern still finds the references it is meant to check


def test_the_reason_names_the_changed_file(pub: Path) -> None:
    run(pub)
    _edit_article(pub)
    settle()
    (job,) = run(pub).plan.jobs
    assert job.reason == "issues/issue-3/second.md changed"


def test_a_touched_but_unchanged_file_is_not_rebuilt_and_its_stat_is_remembered(pub: Path, monkeypatch) -> None:
    monkeypatch.setattr(fingerprint, "SETTLE_NS", 0)  # trust stat data at once (normally after a second)
    run(pub)
    article = pub / "issues/issue-2/first.md"
    os.utime(article, ns=(1_000_000_000, 1_000_000_000))
    os.utime(pub / "paperpress.yaml")  # the configuration is hashed, not stat-ed: touching it changes nothing
    settle()
    assert run(pub).results == ()
    state = read_state(pub / "dist/issue-2")
    assert state is not None and state.inputs["issues/issue-2/first.md"].mtime_ns == 1_000_000_000


def test_options_source_date_epoch_and_library_versions_rebuild_everything(pub: Path, monkeypatch) -> None:
    run(pub)
    assert len(run(pub, pdf_profile="print").results) == 4
    assert len(run(pub, pdf_profile="print", sde="1700000000").results) == 4
    assert (pub / "dist/issue-1/issue-1.fake").read_text().split("\n")[1] == "2023-11-14T22:13:20+00:00"
    versions = fingerprint.library_versions()
    monkeypatch.setattr(fingerprint, "library_versions", lambda: {**versions, "weasyprint": "999"})
    assert len(run(pub, pdf_profile="print", sde="1700000000").results) == 4


def test_force_rebuilds_and_a_missing_output_is_rebuilt_alone(pub: Path) -> None:
    run(pub)
    assert len(run(pub, force=True).results) == 4
    (pub / "dist/issue-2/issue-2.fake").unlink()
    (pub / "dist/issue-4/issue-4-thumbnail.jpg").unlink()
    again = run(pub)
    assert built(again) == {"issue-4": (), "issue-2": ("fake",)}
    assert (pub / "dist/issue-4/issue-4-thumbnail.jpg").is_file()


def _until_waiting_for_a_future(thread: int, limit: float = 60) -> None:
    """Returns once `thread` is blocked in Future.result(): an event in the program, not a guess at a duration."""
    deadline = time.monotonic() + limit
    while True:
        frame = sys._current_frames().get(thread)
        while frame is not None and frame.f_code is not Future.result.__code__:
            frame = frame.f_back
        if frame is not None:
            return
        assert time.monotonic() < deadline, "the build never waited for the cover art"
        time.sleep(0.001)


def test_the_cover_art_is_drawn_while_the_editions_render_but_before_a_layout_made_here(
    pub: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beside the light editions alone the drawing costs no time. A layout made here starts after it, so the
    art's frames are freed before the layout is held; one made in the sidecar keeps the other core to itself."""
    rendered: dict[str, threading.Event] = {}
    seen: list[tuple[str, bool]] = []
    building = threading.get_ident()  # the thread that renders the editions and waits for the art

    def art(issue, caches):
        # It holds the drawing until the build waits for it, then says whether an edition was made meanwhile.
        _until_waiting_for_a_future(building)
        seen.append(("art", rendered.setdefault(issue.name, threading.Event()).is_set()))
        return fake_art(issue)

    real_edition = issue_module.edition

    def edition(fmt, registry):
        made = real_edition(fmt, registry)
        real_render = made.render

        def render(issue, *args):
            seen.append((made.spec.name, True))
            rendered.setdefault(issue.name, threading.Event()).set()
            return real_render(issue, *args)

        made.render = render
        return made

    monkeypatch.setattr(issue_module, "render_art", art)
    monkeypatch.setattr(issue_module, "edition", edition)
    run(pub, ("fake",))
    assert seen.count(("art", True)) == 4
    seen.clear()
    rendered.clear()
    # One core: the heavy edition is laid out in this process.
    run(pub, ("heavy", "fake"), force=True)
    assert seen == [("art", False), ("heavy", True), ("fake", True)] * 4
    seen.clear()
    rendered.clear()
    # Two cores: the heavy edition is laid out in the sidecar, and the art is still drawn before the rest here.
    names = select_issues(pub, [], every=True)
    build_archive(open_publication(pub), names, pub / "dist", BuildOptions(("heavy", "fake")), editions=WITH_FAKES,
                  executor=Serial(cores=2), force=True)
    assert seen == [("art", False), ("fake", True)] * 4


def test_each_edition_has_its_own_fingerprint(pub: Path) -> None:
    run(pub, formats=("fake",))
    assert set(built(run(pub, formats=("fake", "txt"))).values()) == {("txt",)}
    assert run(pub, formats=("txt",)).results == ()


def test_a_broken_issue_fails_alone_and_keeps_its_previous_editions(pub: Path) -> None:
    run(pub)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (pub / "dist/issue-2").iterdir()}
    _edit_article(pub)
    (pub / "issues/issue-2/first.md").write_text("---\ntitle: [unclosed\n---\nBody.\n")
    settle()
    result = run(pub)
    assert sorted(built(result)) == ["issue-2", "issue-3"]
    (failure,) = result.failed
    assert failure.name == "issue-2" and failure.written == ()
    assert [f"{p.file}:{p.line}" for p in failure.problems] == ["issues/issue-2/first.md:2"]
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (pub / "dist/issue-2").iterdir()} == before
    assert len(run(pub).failed) == 1  # still broken, still tried, still isolated


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_bug_in_one_issue_is_reported_with_its_traceback_and_the_others_build(pub: Path, jobs: int) -> None:
    manifest = pub / "issues/issue-3.yaml"
    manifest.write_text(manifest.read_text().replace("title: Small issue 3", "title: crash"))
    result = run(pub, jobs=jobs)
    (failure,) = result.failed
    assert failure.name == "issue-3" and failure.crash and "RuntimeError: the fake edition has a bug" in failure.crash
    assert str(failure.problems[0]).startswith("issues/issue-3.yaml: paperpress failed while building this issue")
    assert sorted(r.name for r in result.results if not r.failed) == ["issue-1", "issue-2", "issue-4"]
    assert not (pub / "dist/issue-3/issue-3.fake").exists()


def test_parallel_output_is_identical_to_serial(pub: Path, monkeypatch) -> None:
    monkeypatch.setattr(issue_module, "render_art", cover.render_art)  # workers draw real covers
    serial = run(pub, formats=("fake", "txt"), out=pub / "serial", jobs=1)
    parallel = run(pub, formats=("fake", "txt"), out=pub / "parallel", jobs=2)
    assert not serial.failed and not parallel.failed
    assert snapshot(pub / "serial") == snapshot(pub / "parallel")
    # index, OPDS, sums, Atom feed, and the year's archive page and OPDS page
    assert len(snapshot(pub / "serial")) == 4 * 4 + len(CATALOG_FILES) + 2


def test_stale_temporary_files_are_cleaned(pub: Path) -> None:
    run(pub)
    stale = pub / "dist/issue-1/.paperpress-issue-1.fake.0123456789ab.tmp"
    stale.write_bytes(b"half a file")
    run(pub)
    assert not stale.exists()


def test_the_state_is_written_last_and_a_torn_state_means_rebuild(pub: Path) -> None:
    run(pub)
    state = pub / "dist/issue-1" / STATE_NAME
    assert json.loads(state.read_bytes())["format"] == fingerprint.STATE_FORMAT
    state.write_bytes(state.read_bytes()[:40])
    assert built(run(pub)) == {"issue-1": ("fake",)}


def test_a_build_where_every_issue_fails_writes_nothing_at_all(pub: Path) -> None:
    (pub / "issues/issue-2/first.md").write_text("no front matter\n")
    result = build_archive(open_publication(pub), ["issue-2"], pub / "dist", BuildOptions(("fake",)), editions=WITH_FAKES)
    assert len(result.failed) == 1 and result.catalog == ()
    assert not (pub / "dist").exists()


def test_build_issue_still_builds_one_issue_whatever_its_state(pub: Path) -> None:
    result = build_one(pub, "2")
    assert [p.name for p in result.written] == ["issue-2.fake", "issue-2-cover.jpg", "issue-2-thumbnail.jpg"]
    again = build_one(pub, "issue-2")
    assert not again.failed and len(again.written) == 3


def test_selecting_issues(pub: Path) -> None:
    assert select_issues(pub, ["2"]) == ["issue-2"]
    assert select_issues(pub, ["1..3", "issue-4"]) == ["issue-4", "issue-3", "issue-2", "issue-1"]
    assert select_issues(pub, ["3,1"]) == ["issue-3", "issue-1"]
    assert select_issues(pub, ["0..2"]) == ["issue-2", "issue-1"]
    assert select_issues(pub, [], since=dt.date(2026, 1, 15)) == ["issue-4", "issue-3", "issue-2"]
    assert select_issues(pub, ["1..4"], since=dt.date(2026, 1, 22)) == ["issue-4", "issue-3"]
    with pytest.raises(UsageError, match="no issues between 10 and 20"):
        select_issues(pub, ["10..20"])
    with pytest.raises(UsageError, match="no issue 9"):
        select_issues(pub, ["9"])
    with pytest.raises(UsageError, match="'1..x' is not a range"):
        select_issues(pub, ["1..x"])
    with pytest.raises(UsageError, match="no issues named"):
        select_issues(pub, [])
    with pytest.raises(UsageError, match="no issue is dated 2030-01-01 or later"):
        select_issues(pub, [], since=dt.date(2030, 1, 1))


def test_a_file_edited_while_its_issue_builds_is_built_again_next_time(pub: Path, monkeypatch) -> None:
    real = issue_module.load_issue

    def load_then_edit(*args):
        loaded = real(*args)
        _edit_article(pub)  # the editor saves just after paperpress read the article
        return loaded

    monkeypatch.setattr(issue_module, "load_issue", load_then_edit)
    build_one(pub, "3")
    monkeypatch.setattr(issue_module, "load_issue", real)
    state = read_state(pub / "dist/issue-3")
    assert state is not None and state.inputs["issues/issue-3/second.md"].sha256 is None
    settle()
    assert "issue-3" in built(run(pub))
    assert run(pub).results == ()


@pytest.mark.parametrize("kind", ["link-outside", "link-inside", "file"])
def test_an_issue_folder_that_is_a_link_or_a_file_fails_that_issue_alone(pub: Path, tmp_path: Path, kind: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    dist = pub / "dist"
    dist.mkdir()
    (dist / "issue-1").mkdir()
    if kind == "link-outside":
        (dist / "issue-2").symlink_to(outside, target_is_directory=True)
    elif kind == "link-inside":
        (dist / "issue-2").symlink_to(dist / "issue-1", target_is_directory=True)
    else:
        (dist / "issue-2").write_text("a note left here\n")
    result = run(pub)
    assert [r.name for r in result.failed] == ["issue-2"]
    problem = result.failed[0].problems[-1]
    if kind == "file":
        assert str(problem) == "dist/issue-2: is a file, not a folder (move or delete the file issue-2; paperpress makes the folder itself)"
        assert (dist / "issue-2").read_text() == "a note left here\n"
    else:
        assert str(problem) == "dist/issue-2: is a symbolic link (remove the link (issue-2); paperpress makes the folder itself)"
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in (dist / "issue-1").iterdir() if not p.name.startswith(".")) == ["issue-1-cover.jpg", "issue-1-thumbnail.jpg", "issue-1.fake"]
    assert {r.name for r in result.results if not r.failed} == {"issue-1", "issue-3", "issue-4"}


def test_a_build_is_given_its_editions_and_changes_no_registry(pub: Path) -> None:
    registry = dict(EDITIONS)
    result = run(pub, jobs=2)  # the fake editions reach the worker processes with the work
    assert not result.failed and len(result.results) == 4
    assert registry == EDITIONS and "fake" not in registry
    assert built(run(pub, formats=("fake", "txt"))) == {f"issue-{n}": ("txt",) for n in (4, 3, 2, 1)}


def test_build_info_holds_the_versions_of_paperpress_and_the_rendering_libraries(pub: Path) -> None:
    opened = open_publication(pub)
    issue = check_issue(opened, "2").value
    assert issue is not None
    info = build_info(opened, issue, BuildOptions(pdf_profile="print", source_date=source_date("1767225600")))
    # The distributions whose code turns an issue into bytes (pyproject.toml's dependencies), as installed.
    for name in ("weasyprint", "pydyf", "jinja2", "markdown-it-py", "mdit-py-plugins", "pillow", "pyphen", "fonttools"):
        assert info.versions[name] == metadata.version(name), name
    assert info.versions["paperpress"] == metadata.version("paperpress") == __version__
    assert info.options == {"pdf_profile": "print"} and info.timestamp == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert build_info(opened, issue).timestamp == dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)


def test_a_check_without_a_limit_leaves_a_build_s_limit_to_stop_it_and_say_so(pub: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object) -> None:
        raise TimeUp  # what the build's deadline raises in the middle of loading

    monkeypatch.setattr(issue_module, "load_issue", interrupted)
    with pytest.raises(TimeUp):
        check_issue(open_publication(pub), "2")
    stopped = check_issue(open_publication(pub), "2", time_limit=30)
    assert stopped.value is None
    assert "checking this issue took longer than 30 seconds" in stopped.problems[0].message


def test_what_loading_learns_is_kept_only_by_a_build_that_wrote_its_issue(tmp_path: Path) -> None:
    from paperpress.cache import CACHE_FOLDER
    from tests.support import FIXTURES, copy_publication

    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    opened = open_publication(pub)
    assert check_issue(opened, "7").value is not None
    assert not (pub / CACHE_FOLDER).exists()  # a check writes nothing
    result = build_issue(opened, "7", pub / "dist", BuildOptions(("txt",)), editions=WITH_FAKES)
    assert not result.failed
    kept = {p.parent.name for p in (pub / CACHE_FOLDER).rglob("*") if p.is_file()}
    assert {"photos", "fonts"} <= kept


def test_a_build_stopped_while_it_loads_says_the_builds_limit(pub: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_load(*args: object) -> None:
        raise TimeUp  # what the build's alarm raises when it rings during loading

    monkeypatch.setattr(issue_module, "load_issue", slow_load)
    options = BuildOptions(("fake",), time_limit=0.5)
    result = build_issue(open_publication(pub), "issue-1", pub / "dist", options, editions=WITH_FAKES)
    assert [p.message for p in result.problems] == ["building this issue took longer than 0.5 seconds and was stopped"]
