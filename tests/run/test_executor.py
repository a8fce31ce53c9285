"""Executors: every job's result comes back once, a bug or a time limit fails one job, an early stop cancels the rest."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from paperpress.output.plan import Job
from paperpress.run.executor import Builder, IssueResult, ProcessPool, Serial, TimeUp, deadline, guarded, local_executor


def job(name: str) -> Job:
    return Job(name, ("txt",), art=False, reason="test")


@dataclass(frozen=True)
class Echo:
    """Picklable work whose builder says which process built each job; 'crash' is a bug, 'die' kills its worker."""

    marks: Path | None = None  # a folder where each started job leaves a file

    def open(self, cores: int = 1) -> Builder:
        def build(job: Job) -> IssueResult:
            if self.marks is not None:
                (self.marks / job.name).write_text(str(os.getpid()))
            if job.name == "crash":
                raise RuntimeError("a bug")
            if job.name == "die":
                os.kill(os.getpid(), signal.SIGKILL)
            return IssueResult(job.name, formats=job.formats, crash=str(os.getpid()))

        return build


@dataclass(frozen=True)
class Stuck:
    def open(self, cores: int = 1) -> Builder:
        def build(job: Job) -> IssueResult:
            signal.pause()  # waits for a signal that only the time limit sends
            return IssueResult(job.name)

        return build


@pytest.mark.parametrize("executor", [Serial(), ProcessPool(2)], ids=["serial", "pool"])
def test_every_job_comes_back_once_and_a_bug_fails_only_its_job(executor) -> None:
    names = ["issue-1", "crash", "issue-2", "issue-3"]
    results = {r.name: r for r in executor.run(Echo(), [job(n) for n in names], 0)}
    assert sorted(results) == sorted(names)
    assert [n for n, r in results.items() if r.failed] == ["crash"]
    assert "paperpress failed while building this issue: RuntimeError: a bug" in str(results["crash"].problems[0])
    assert "Traceback" in (results["crash"].crash or "")
    assert all(r.formats == ("txt",) for n, r in results.items() if n != "crash")


def test_the_pool_builds_in_other_processes_and_serial_here() -> None:
    jobs = [job(f"issue-{n}") for n in range(4)]
    pool = {r.crash for r in ProcessPool(2).run(Echo(), jobs, 0)}
    assert str(os.getpid()) not in pool and 1 <= len(pool) <= 2  # each worker opened the work once, kept it
    assert {r.crash for r in Serial().run(Echo(), jobs, 0)} == {str(os.getpid())}


def test_a_worker_that_dies_fails_its_job_and_the_run_goes_on() -> None:
    results = {r.name: r for r in ProcessPool(2).run(Echo(), [job("die"), job("issue-1")], 0)}
    assert results["die"].failed and "paperpress failed while building this issue" in str(results["die"].problems[0])
    assert set(results) == {"die", "issue-1"}


@pytest.mark.parametrize("executor", [Serial(), ProcessPool(2)], ids=["serial", "pool"])
def test_a_job_past_its_time_limit_is_stopped_and_reported(executor) -> None:
    (result, other) = sorted(executor.run(Stuck(), [job("issue-1"), job("issue-2")], 0.2), key=lambda r: r.name)
    assert result.failed and other.failed
    assert str(result.problems[0]) == (
        "issues/issue-1.yaml: building this issue took longer than 0.2 seconds and was stopped "
        "(look for a pathological article (a huge table, thousands of photos), or raise --time-limit)"
    )


def test_stopping_early_cancels_the_jobs_not_started(tmp_path: Path) -> None:
    jobs = [job(f"issue-{n}") for n in range(400)]
    running = ProcessPool(2).run(Echo(tmp_path), jobs, 0)
    next(running)
    running.close()  # as a Ctrl-C in the reader does, through contextlib.closing
    assert len(list(tmp_path.iterdir())) < len(jobs)


def test_guarded_times_the_job_and_local_executor_follows_jobs() -> None:
    result = guarded(Echo().open(), job("issue-1"), 0)
    assert result.seconds > 0 and not result.failed
    assert local_executor(1) == Serial() and local_executor(3) == ProcessPool(3)


def test_a_time_up_that_something_swallows_is_raised_again_until_the_work_stops() -> None:
    """Python drops an exception raised in a finaliser or a weakref callback; the deadline must ring again."""
    swallowed = 0
    give_up = time.monotonic() + 60  # only so that a broken deadline fails instead of hanging
    with pytest.raises(TimeUp), deadline(0.05):
        while time.monotonic() < give_up:
            try:
                while time.monotonic() < give_up:
                    pass
            except TimeUp:
                if swallowed:
                    raise
                swallowed += 1  # as a finaliser interrupted mid-collection would
    assert swallowed == 1


def test_an_import_under_way_is_not_cut_short_by_the_deadline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A module half-imported stays broken in the process for every later build (seen with WeasyPrint's cffi)."""
    (tmp_path / "slow_module_for_deadline.py").write_text(
        "import time\nstart = time.monotonic()\nwhile time.monotonic() - start < 0.5:\n    pass\nDONE = True\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(TimeUp), deadline(0.05):
        import slow_module_for_deadline  # noqa: F401
        while True:
            pass
    import sys

    assert sys.modules["slow_module_for_deadline"].DONE


def test_a_limit_that_rings_at_once_is_disarmed_on_the_way_out() -> None:
    """A limit so short that its alarm rings before the work starts still stops the work, and the alarm,
    which rings again until the work is left, does not go on ringing after it."""
    for _ in range(20):
        with pytest.raises(TimeUp), deadline(1e-6):
            while True:
                pass
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
