"""Who runs the per-issue jobs of a build: here, one after another, or in a pool of worker processes.

The build hands an executor a `Work` (picklable; opened once per worker into a warm builder that keeps
the compiled templates and edition objects) and the planned jobs, and reads the results as they finish.
The executor owns what the build must not care about: processes, the time limit of one issue, a worker
that dies, and cancelling what has not started when the run is interrupted. A distributed executor
implements the same `Executor` protocol.
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import threading
import time
import traceback
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from types import FrameType
from typing import Protocol

from ..errors import Problem, errors_in
from ..names import manifest_file
from ..output.plan import Job


@dataclass(frozen=True, slots=True)
class IssueResult:
    """What one job came to: the files written, the problems found, or the traceback of a bug."""

    name: str
    written: tuple[Path, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
    formats: tuple[str, ...] = ()  # the editions this run built
    seconds: float = 0.0
    crash: str | None = None  # the traceback of a bug, shown as is

    @property
    def failed(self) -> bool:
        return bool(errors_in(self.problems))


#: A warm builder: builds one job, every problem of the issue in its result.
Builder = Callable[[Job], IssueResult]


class Work(Protocol):
    """The per-issue work of a build, small enough to send to a worker, opened there once.

    `cores`: how many the builder may keep busy for one issue (a sidecar for the PDF on two); an executor
    that runs several issues at once gives each builder one.
    """

    def open(self, cores: int = 1) -> Builder: ...


class Executor(Protocol):
    """Runs `work` for each job and yields each result as its job finishes, in any order.

    A job that runs past `time_limit` seconds (0: no limit) or whose worker dies becomes that job's failed
    result; the others go on. Closing the iterator early, or an interrupt while waiting, cancels every job
    not yet started; jobs already writing finish atomically or not at all.
    """

    def run(self, work: Work, jobs: Sequence[Job], time_limit: float) -> Generator[IssueResult, None, None]: ...


@dataclass(frozen=True, slots=True)
class Serial:
    """Every job in this process, one after another: no processes to start, and what a test can step through.

    With `cores` above one, each issue's builder may use them (`Work.open`).
    """

    cores: int = 1

    def run(self, work: Work, jobs: Sequence[Job], time_limit: float) -> Generator[IssueResult, None, None]:
        if not jobs:
            return
        builder = work.open(self.cores)
        for job in jobs:
            yield guarded(builder, job, time_limit)


@dataclass(frozen=True, slots=True)
class ProcessPool:
    """Up to `workers` processes, each opening the work once and keeping it warm across its jobs."""

    workers: int

    def run(self, work: Work, jobs: Sequence[Job], time_limit: float) -> Generator[IssueResult, None, None]:
        if self.workers <= 1 or len(jobs) <= 1:
            yield from Serial(self.workers).run(work, jobs, time_limit)  # one issue: its builder gets the cores
            return
        # spawn, not fork: the parent may run a progress thread, and a fresh interpreter inherits no locks.
        with ProcessPoolExecutor(
            max_workers=min(self.workers, len(jobs)),
            mp_context=get_context("spawn"),
            initializer=_open_in_worker,
            initargs=(work,),
        ) as pool:
            futures: dict[Future[IssueResult], Job] = {pool.submit(_run_in_worker, job, time_limit): job for job in jobs}
            try:
                for future in as_completed(futures):
                    try:
                        result = future.result()
                    except Exception as err:  # noqa: BLE001 - the worker process died (killed, out of memory)
                        result = crashed(futures[future], f"{type(err).__name__}: {err}", None)
                    yield result
            except BaseException:
                # Ctrl-C, or the reader stopped: issues not started are dropped; those being written finish
                # atomically or not at all.
                pool.shutdown(wait=False, cancel_futures=True)
                raise


def local_executor(jobs: int) -> Executor:
    """The executor for `--jobs N` on this machine."""
    return Serial() if jobs <= 1 else ProcessPool(jobs)


#: The warm builder of a pool worker process, opened by the pool's initializer. It exists only inside
#: worker processes (a process pool can hand a task nothing else that lives across tasks); the parent and
#: serial runs never set it.
_pool_builder: Builder | None = None


def _open_in_worker(work: Work) -> None:
    global _pool_builder
    _pool_builder = work.open()


def _run_in_worker(job: Job, time_limit: float) -> IssueResult:
    assert _pool_builder is not None, "the pool worker was not opened"
    return guarded(_pool_builder, job, time_limit)


def guarded(builder: Builder, job: Job, time_limit: float) -> IssueResult:
    """Builds one job within its time limit; a bug in one issue becomes that issue's failure, not the run's."""
    started = time.perf_counter()
    try:
        with deadline(time_limit):
            result = builder(job)
    except TimeUp:
        result = IssueResult(job.name, problems=(time_up(job.name, "building", time_limit),))
    except Exception as err:  # noqa: BLE001 - isolates one issue's bug from the others
        result = crashed(job, f"{type(err).__name__}: {err}", traceback.format_exc())
    return dataclasses.replace(result, seconds=time.perf_counter() - started)


def time_up(name: str, doing: str, limit: float) -> Problem:
    """The problem of an issue stopped at its time limit, while `doing` it ("building", "checking")."""
    return Problem(
        manifest_file(name), None, None,
        f"{doing} this issue took longer than {limit:g} seconds and was stopped",
        "look for a pathological article (a huge table, thousands of photos), or raise --time-limit",
    )


def crashed(job: Job, what: str, trace: str | None) -> IssueResult:
    problem = Problem(manifest_file(job.name), None, None, f"paperpress failed while building this issue: {what}", "this is a bug")
    return IssueResult(job.name, problems=(problem,), crash=trace)


class TimeUp(BaseException):
    """An issue ran past its time limit.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` inside a rendering library
    (WeasyPrint catches broadly while it loads resources) can swallow it and let the render run on.
    """


def _importing(frame: FrameType | None) -> bool:
    """Whether the interrupted code is inside an import: the next alarm, RERING seconds on, stops it instead."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib._bootstrap"):
            return True
        frame = frame.f_back
    return False


#: Seconds between the alarms that follow a deadline's first, should one be swallowed.
RERING = 0.1


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Interrupts the work inside after `seconds` (in the main thread of a process, where signals land).

    The outputs are written inside too: an interrupted write leaves only a temporary file, removed by the
    next run, never a partial edition.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        if not _importing(frame):  # an import cut short leaves a half-made module behind for every later build
            raise TimeUp

    previous = signal.signal(signal.SIGALRM, stop)
    try:
        # Rung again every RERING seconds until the work is left: a TimeUp raised inside a finaliser or a
        # weakref callback (a garbage collection mid-import) is printed and dropped by Python, and the work
        # would run on. Armed inside the try: a limit that rings at once is still disarmed on the way out.
        signal.setitimer(signal.ITIMER_REAL, seconds, RERING)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
