"""The sidecar: the heavy edition made in a process of its own, beside the rest of the build, with the same
bytes, the same located problems, and nothing left running when the work it serves is stopped."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from paperpress.build import build_archive
from paperpress.editions.pdf.edition import PdfEdition
from paperpress.errors import PaperpressError
from paperpress.options import BuildOptions
from paperpress.output.plan import Job, select_issues
from paperpress.registry import EDITIONS
from paperpress.run import issue as issue_module
from paperpress.run import sidecar as sidecar_module
from paperpress.run.executor import Serial, guarded
from paperpress.run.issue import check_issue, issue_work, open_publication
from paperpress.run.sidecar import Sidecar, SidecarFailed, ahead
from tests.fakes import LEAN, WITH_FAKES, fake_art, make_archive
from tests.support import REPO


@pytest.fixture(autouse=True)
def _fake_art(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(issue_module, "render_art", fake_art)


@pytest.fixture
def pub(tmp_path: Path) -> Path:
    return make_archive(tmp_path / "pub", range(1, 3))


def say(pub: Path, name: str, cover_line: str) -> None:
    """Gives an issue a cover line (its manifest's title), which tells the heavy fake what to do."""
    manifest = pub / "issues" / f"{name}.yaml"
    number = name.split("-")[1]
    manifest.write_text(manifest.read_text().replace(f"title: Small issue {number}", f"title: {cover_line}"))


def builder(pub: Path, formats: tuple[str, ...] = ("fake", "heavy"), cores: int = 2):
    return issue_work(open_publication(pub), pub / "dist", BuildOptions(formats), WITH_FAKES).open(cores)


def job(name: str, formats: tuple[str, ...] = ("fake", "heavy")) -> Job:
    return Job(name, formats, art=False, reason="test")


def test_on_two_cores_the_heavy_edition_is_made_by_another_process(pub: Path) -> None:
    made = builder(pub)
    result = made(job("issue-1"))
    assert not result.failed, result.problems
    heavy = (pub / "dist" / "issue-1" / "issue-1.heavy").read_text()
    assert heavy.endswith(f"made by {made.renderer.sidecar._process.pid}\n")
    assert f"made by {os.getpid()}" not in heavy
    assert (pub / "dist" / "issue-1" / "issue-1.fake").is_file()  # the other edition, made here


def test_the_sidecar_is_sent_an_edition_s_last_step_and_never_the_issue(pub: Path) -> None:
    made = issue_work(open_publication(pub), pub / "dist", BuildOptions(("lean",)), {**WITH_FAKES, "lean": LEAN}).open(2)
    result = made(job("issue-1", ("lean",)))
    assert not result.failed, result.problems
    lean = (pub / "dist" / "issue-1" / "issue-1.lean").read_text()
    assert f"made by {os.getpid()}\n" in lean  # composed here
    assert f"finished by {made.renderer.sidecar._process.pid}\n" in lean  # its last step run there
    assert lean.endswith("issues held: 0\n")  # where no issue ever was


def test_on_one_core_or_without_a_heavy_edition_there_is_no_sidecar(pub: Path) -> None:
    assert builder(pub, cores=1).renderer.sidecar is None
    assert builder(pub, ("fake",)).renderer.sidecar is None


@pytest.mark.slow  # a whole PDF, twice
def test_the_pdf_made_beside_is_byte_for_byte_the_pdf_made_here(pub: Path) -> None:
    opened = open_publication(pub)
    issue = check_issue(opened, "issue-1").value
    assert issue is not None
    info = issue_module.build_info(opened, issue)
    sidecar = Sidecar(EDITIONS, ["pdf"])
    sidecar.submit({"pdf": PdfEdition().compose(issue, opened.layouts, info)})
    [(name, media_type, data)] = sidecar.result()["pdf"]
    assert (name, media_type) == ("issue-1.pdf", "application/pdf")
    assert data == PdfEdition().render(issue, opened.layouts, info)[0].data


@pytest.mark.slow  # many builds: make test runs it, make test-fast does not
def test_a_build_on_two_cores_writes_what_one_core_writes(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub", range(1, 3))
    names = select_issues(pub, [], every=True)
    for cores, out in ((1, "one"), (2, "two")):
        result = build_archive(open_publication(pub), names, tmp_path / out, BuildOptions(("txt", "pdf")),
                               executor=Serial(cores))
        assert not result.failed
    for name in names:
        for suffix in (".pdf", ".txt"):
            one, two = (tmp_path / out / name / f"{name}{suffix}" for out in ("one", "two"))
            assert one.read_bytes() == two.read_bytes(), (name, suffix)


def test_its_problems_come_back_located_and_nothing_is_written(pub: Path) -> None:
    say(pub, "issue-1", "problem")
    result = builder(pub)(job("issue-1"))
    assert result.failed
    [problem] = result.problems
    assert (str(problem.file), problem.line, problem.message) == ("issues/issue-1.yaml", 3, "a heavy problem")
    assert not (pub / "dist" / "issue-1").exists()


def test_a_problem_pickles_whole() -> None:
    import pickle

    from paperpress.errors import Problem

    err = PaperpressError([Problem(Path("a.md"), 2, None, "odd", "fix")], "summary")
    again = pickle.loads(pickle.dumps(err))
    assert (again.problems, again.summary, str(again)) == (err.problems, err.summary, str(err))


def test_a_bug_over_there_fails_its_issue_with_the_sidecar_s_traceback(pub: Path) -> None:
    say(pub, "issue-1", "crash")
    made = builder(pub)
    result = guarded(made, job("issue-1"), 0)
    assert "RuntimeError: the fake edition has a bug" in str(result.problems[0])
    assert "Traceback" in (result.crash or "") and "fakes.py" in (result.crash or "")
    assert not made(job("issue-2")).failed  # the same sidecar goes on with the next issue


def test_a_sidecar_that_dies_fails_its_issue_and_the_next_gets_a_new_one(pub: Path) -> None:
    say(pub, "issue-1", "die")
    made = builder(pub)
    first = made.renderer.sidecar._process
    result = guarded(made, job("issue-1"), 0)
    assert result.failed and "stopped" in str(result.problems[0])
    assert first.wait(timeout=10) == -signal.SIGKILL
    assert not made(job("issue-2")).failed
    assert made.renderer.sidecar._process is not first


def test_a_time_limit_stops_the_sidecar_with_its_issue(pub: Path) -> None:
    say(pub, "issue-1", "stuck")
    made = builder(pub)
    stuck = made.renderer.sidecar._process
    result = guarded(made, job("issue-1"), 1.0)
    assert result.failed and "took longer than 1 seconds" in str(result.problems[0])
    assert stuck.wait(timeout=10) == 0  # stopped, not left rendering an issue nobody waits for
    assert not made(job("issue-2")).failed


def test_a_failure_here_stops_the_heavy_edition_over_there(pub: Path) -> None:
    say(pub, "issue-1", "crash")  # the fake edition, made here, has a bug before the heavy one ends
    made = builder(pub)
    running = made.renderer.sidecar._process
    result = guarded(made, job("issue-1"), 0)
    assert result.failed
    running.wait(timeout=10)  # it ends (still starting up, it may not have seen its pipe close yet)


def test_a_dropped_builder_leaves_no_process(pub: Path) -> None:
    made = builder(pub)
    process = made.renderer.sidecar._process
    del made
    assert process.poll() is not None  # ended when the builder was dropped, not at some later collection


def test_a_step_that_fails_over_there_comes_back_as_a_bug_not_a_hang() -> None:
    sidecar = Sidecar(WITH_FAKES, ["heavy"])
    assert sidecar.formats == {"heavy"}
    sidecar.submit({"heavy": functools.partial(int, "not a number")})  # type: ignore[dict-item]
    with pytest.raises(SidecarFailed, match="ValueError"):
        sidecar.result()


def test_a_request_that_cannot_be_sent_fails_instead_of_waiting_for_ever() -> None:
    sidecar = Sidecar(WITH_FAKES, ["heavy"])
    sidecar.submit({"heavy": lambda: []})  # a lambda does not pickle
    with pytest.raises(SidecarFailed, match="could not be sent"):
        sidecar.result()


@pytest.mark.parametrize("idle", [sidecar_module._IDLE, 0.0])  # 0: SIGTERM at once, whatever it is doing, exit included
def test_a_stopped_sidecar_leaves_no_temporary_files(pub: Path, tmp_path: Path, monkeypatch, idle: float) -> None:
    monkeypatch.setattr(sidecar_module, "_IDLE", idle)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))  # where the sidecar's WeasyPrint keeps its fonts
    opened = open_publication(pub)
    issue = check_issue(opened, "issue-1").value
    assert issue is not None
    sidecar = Sidecar(EDITIONS, ["pdf"])
    sidecar.submit({"pdf": PdfEdition().compose(issue, opened.layouts, issue_module.build_info(opened, issue))})
    assert sidecar.result()["pdf"]
    process = sidecar._process
    sidecar.stop()
    assert process.wait(timeout=10) == 0  # it exited, it was not killed
    assert not list(temp.iterdir())


def test_a_sidecar_whose_pipe_ends_leaves_at_once_not_through_python_s_exit(pub: Path, tmp_path: Path, monkeypatch) -> None:
    """Python's exit took the layout's heap apart for 0.5 s while the build waited to write its catalog."""
    mark = tmp_path / "at-exit"
    monkeypatch.setenv("PAPERPRESS_FAKE_AT_EXIT", str(mark))
    say(pub, "issue-1", "exit")
    made = builder(pub)
    assert not made(job("issue-1")).failed
    process = made.renderer.sidecar._process
    del made
    assert process.wait(timeout=10) == 0  # it left on its own, it was not stopped
    assert not mark.exists()


def test_a_sidecar_ends_with_the_build_that_started_it(pub: Path, tmp_path: Path) -> None:
    """Even a sidecar stuck in a render, once the build's process is gone (here it ends as soon as the
    time limit has stopped the issue, before any thread of its own could stop the sidecar). The sidecar
    shares the build's output pipe, so the run below returns only once both have ended."""
    say(pub, "issue-1", "stuck")
    script = tmp_path / "build.py"
    script.write_text(
        "import os, sys\n"
        "sys.path.insert(0, os.getcwd())\n"
        "from pathlib import Path\n"
        "from paperpress.run.executor import guarded\n"
        "from tests.run.test_sidecar import builder, job\n"
        "made = builder(Path(sys.argv[1]))\n"
        "print(guarded(made, job('issue-1'), 1.0).problems[0].message, flush=True)\n"
        "os._exit(0)\n"  # no finaliser, no reaper thread: only the kernel can tell the sidecar
    )
    done = subprocess.run([sys.executable, str(script), str(pub)], capture_output=True, text=True, timeout=60,
                          cwd=REPO, check=False)
    assert "took longer than 1 seconds" in done.stdout, done.stderr


def test_a_sidecar_started_ahead_is_the_one_the_builder_uses(pub: Path) -> None:
    with ahead(["fake", "heavy"], WITH_FAKES):
        [(spare, _)] = sidecar_module._spares
        made = builder(pub)
        result = made(job("issue-1"))
        assert not result.failed, result.problems
        assert made.renderer.sidecar._process is spare
        assert (pub / "dist" / "issue-1" / "issue-1.heavy").read_text().endswith(f"made by {spare.pid}\n")
        assert sidecar_module._spares == []
    made.renderer.sidecar.stop()


def test_a_sidecar_started_ahead_and_not_used_is_stopped_as_the_build_ends() -> None:
    with ahead(["heavy"], WITH_FAKES):
        [(spare, _)] = sidecar_module._spares
    assert spare.poll() is not None  # ended and reaped, not left to its parent's end
    assert sidecar_module._spares == []


def test_none_is_started_ahead_for_light_editions_alone() -> None:
    with ahead(["fake", "txt"], WITH_FAKES):
        assert sidecar_module._spares == []


def test_the_pdf_s_sidecar_imports_weasyprint_ahead() -> None:
    assert sidecar_module._preloads(EDITIONS, ["txt", "pdf"]) == ["paperpress.editions.pdf.engine", "paperpress.editions.pdf.layout"]
    assert sidecar_module._preloads(EDITIONS, ["txt", "epub"]) == []


def test_a_request_stopped_before_its_thread_started_ends_the_sidecar_without_an_error() -> None:
    """A time limit may ring in `submit` between listing the request's thread and starting it."""
    sidecar = Sidecar(WITH_FAKES, ["heavy"])
    sidecar._start()
    process = sidecar._process
    assert process is not None
    sidecar._sending[:] = [threading.Thread(target=lambda: None)]  # listed, never started
    sidecar.stop()
    assert process.wait(timeout=30) == 0


def test_a_process_s_end_is_known_when_it_ends_and_not_before() -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    assert sidecar_module._ended_within(ended, 30) and ended.returncode == 0  # reaped too
    assert sidecar_module._ended_within(ended, 0)  # and still known once reaped
    running = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        assert not sidecar_module._ended_within(running, 0.01)
        assert running.returncode is None
    finally:
        running.communicate(b"")
    assert sidecar_module._ended_within(running, 30) and running.returncode == 0


def test_a_sidecar_started_ahead_of_the_command_line_is_taken_or_stopped_at_once() -> None:
    sidecar_module.ahead_of_the_command_line(["check", "1142"])
    assert sidecar_module._spares == []  # only a build lays out a PDF
    sidecar_module.ahead_of_the_command_line(["build", "1142"])
    [(early, _)] = sidecar_module._spares
    with ahead(["txt", "pdf"], EDITIONS):
        assert [process for process, _ in sidecar_module._spares] == [early]  # taken, not started again
    assert early.poll() is not None and sidecar_module._spares == []
    sidecar_module.ahead_of_the_command_line(["build", "--all"])
    [(early, _)] = sidecar_module._spares
    with ahead([], EDITIONS):  # a build that lays out no PDF here (several issues, Dask)
        assert early.poll() is not None and sidecar_module._spares == []
