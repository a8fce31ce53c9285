"""The archive on a Dask cluster: this process loads, checks and writes; the workers only render.

Needs no shared disk. The client prepares each issue (the frozen model with its photo bytes) and submits
it as one task; a worker turns it into the editions' bytes, from the publication's layouts and fonts sent
to it once (a worker plugin keeps them, compiled, across tasks); the client writes the bytes with the same
atomic all-or-nothing write as a local build and records the state. A worker that dies mid-task has its
task run again elsewhere by Dask, and since only the client writes, nothing is written twice.
At most a few tasks per worker are in flight, so a long archive never holds every model in memory.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
import urllib.request
import warnings
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...errors import PaperpressError, Problem, UsageError
from ...output.plan import Job
from ..executor import IssueResult, Work, crashed, time_up
from ..issue import IssueBuilder, Rendering
from .kit import named_files, publication_kit

#: Tasks in flight per worker: enough that none waits for the client, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 2
#: How long to wait for a scheduler to answer, and for a first worker to join.
CONNECT_SECONDS = 20.0
#: How long the dashboard's page may take to answer before the build goes on without pointing at it.
DASHBOARD_SECONDS = 1.0
#: What a local cluster, which serves no dashboard, need not sample so often: its profiler, system and memory
#: monitors and event-loop ticks cost about 9% of a core while the run lasts (1% with these), time that
#: renders nothing and grows with the run when other work slows it. Its worker processes inherit them.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
}
INSTALL_HINT = "install it with: pip install 'paperpress[dask]'"


def require_dask() -> None:
    """A UsageError naming what to install when Dask is missing."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError("--executor dask needs Dask (the dask and distributed packages)", INSTALL_HINT) from None


@dataclass(frozen=True, slots=True)
class DaskExecutor:
    """Runs each job's rendering as a task on the cluster at `scheduler`, or on a local one of `workers` processes."""

    scheduler: str | None = None  # tcp://HOST:PORT; None: start a local cluster
    workers: int = 2  # processes of a local cluster
    on_dashboard: Callable[[str], None] = field(default=lambda link: None, compare=False, repr=False)

    def run(self, work: Work, jobs: Sequence[Job], time_limit: float) -> Generator[IssueResult, None, None]:
        if not jobs:
            return
        require_dask()
        from distributed import Client, LocalCluster

        from .worker import STARTED, KitPlugin, render

        builder = work.open()
        if not isinstance(builder, IssueBuilder):
            raise TypeError("the Dask executor renders paperpress issues only: give it build.IssueWork")
        with contextlib.ExitStack() as stack:
            stack.enter_context(_quiet_dask())
            expected = 0
            if self.scheduler is None:
                import dask

                stack.enter_context(dask.config.set(LOCAL_CLUSTER_CONFIG))
                stack.enter_context(warnings.catch_warnings())  # its web server takes another port if 8787 is taken:
                warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)  # nothing to tell
                # Its workers are asked for, not waited for: they start while this process loads the first issues.
                cluster = stack.enter_context(LocalCluster(
                    n_workers=0, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1",
                ))
                cluster.scale(self.workers)
                address, expected = cluster.scheduler_address, self.workers
            else:
                address = self.scheduler
            try:
                client = stack.enter_context(Client(address, timeout=CONNECT_SECONDS))
            except (OSError, TimeoutError) as err:
                raise _lost(address, f"cannot be reached ({err})", started=False) from None
            if link := _dashboard(client):
                self.on_dashboard(link)
            kit = publication_kit(builder.pub.root, named_files(builder.pub.config), builder.work.editions)
            client.register_plugin(KitPlugin(kit), name=kit.name)
            started = _Starts()
            client.subscribe_topic(STARTED, started.heard)
            yield from _run(client, address, builder, render, kit.name, jobs, time_limit, started, expected)


def _dashboard(client: Any) -> str | None:
    """The scheduler's dashboard link, when a page answers there.

    Dask gives the link of the scheduler's web server, which runs without the dashboard too (that needs bokeh),
    and raises KeyError when there is no server at all; only a page that answers is worth pointing at.
    """
    try:
        link = client.dashboard_link
    except (KeyError, AttributeError):
        return None
    if not link:
        return None
    try:
        with urllib.request.urlopen(link, timeout=DASHBOARD_SECONDS) as answer:
            return str(link) if answer.status == 200 else None
    except (OSError, ValueError):
        return None


class _Starts:
    """When each task began to run on a worker, as this process heard it: the time limit counts from there.

    A task waiting behind another on its worker has not started, so back-pressure never times it out; a task
    run again after its worker died starts again. Filled on the client's event loop, read by the build's thread.
    """

    def __init__(self) -> None:
        self.began: dict[str, tuple[float, str]] = {}  # task key → (perf_counter here, worker address)

    def heard(self, event: tuple[float, Mapping[str, str]]) -> None:
        _, msg = event
        self.began[msg["key"]] = (time.perf_counter(), msg["worker"])


def _run(
    client: Any, address: str, builder: IssueBuilder, task: Callable[[str, Rendering], Any], plugin: str,
    jobs: Sequence[Job], time_limit: float, started: _Starts, expected: int,
) -> Iterator[IssueResult]:
    todo = iter(jobs)
    flying: dict[Any, tuple[Rendering, float]] = {}  # future → (the issue, when it was submitted)
    workers = _WorkerCount(client, expected)
    try:
        while True:
            _check(client, address)
            window = IN_FLIGHT_PER_WORKER * workers.now()
            while len(flying) < window and (job := next(todo, None)) is not None:
                prepared = builder.prepare(job)
                if isinstance(prepared, IssueResult):
                    yield prepared
                    continue
                future = client.submit(task, plugin, prepared, pure=False, key=f"paperpress-{job.name}-{time.time_ns()}")
                flying[future] = (prepared, time.perf_counter())
            if not flying:
                return
            done = _some_done(list(flying), _until_first_deadline(flying, started, time_limit))
            _check(client, address)  # a lost scheduler cancels every future: that is not the issues' fault
            for future in done:
                prepared, submitted = flying.pop(future)
                yield _finish(builder, future, prepared, _began(started, future, submitted))
            if time_limit > 0:
                yield from _stop_overdue(client, flying, started, time_limit)
    except Exception as err:
        if isinstance(err, OSError) or client.status != "running":
            raise _lost(address, "was lost", started=True) from None
        raise
    except BaseException:
        with contextlib.suppress(Exception):
            client.cancel(list(flying))  # Ctrl-C: the pending tasks are dropped; every written file is complete
        raise


def _stop_overdue(client: Any, flying: dict[Any, tuple[Rendering, float]], started: _Starts, time_limit: float
                  ) -> Iterator[IssueResult]:
    """Cancels each task running past the limit, and restarts its worker, whose thread a Python render cannot leave."""
    now = time.perf_counter()
    for future in list(flying):
        began = started.began.get(future.key)
        if began is None or now - began[0] <= time_limit:
            continue
        prepared, _ = flying.pop(future)
        del started.began[future.key]
        future.cancel()
        # With a nanny the worker comes back fresh; without one the scheduler removes it. Either way its
        # other tasks run again elsewhere.
        with contextlib.suppress(Exception):
            client.restart_workers([began[1]], timeout=CONNECT_SECONDS, raise_for_error=False)
        yield _timed(IssueResult(prepared.job.name, problems=(time_up(prepared.job.name, "building", time_limit),)),
                     began[0])


class _WorkerCount:
    """How many workers the cluster has, asked of the scheduler at most once a second (asking costs a round trip)."""

    def __init__(self, client: Any, expected: int) -> None:
        self.client, self.expected = client, expected
        self.count, self.asked = 0, -_LOOK_UP_SECONDS

    def now(self) -> int:
        if time.perf_counter() - self.asked >= _LOOK_UP_SECONDS:
            self.count = len(self.client.scheduler_info(n_workers=-1).get("workers", {}))
            self.asked = time.perf_counter()
        return max(1, self.expected, self.count)


#: How often a wait looks up from the futures to see that the scheduler is still there.
_LOOK_UP_SECONDS = 1.0


def _some_done(futures: list[Any], timeout: float | None) -> set[Any]:
    from distributed import wait

    try:
        done, _ = wait(futures, timeout=min(timeout or _LOOK_UP_SECONDS, _LOOK_UP_SECONDS), return_when="FIRST_COMPLETED")
    except TimeoutError:
        return set()
    return set(done)


def _check(client: Any, address: str) -> None:
    if client.status != "running":
        raise _lost(address, "was lost", started=True)


@contextlib.contextmanager
def _quiet_dask() -> Iterator[None]:
    """Dask logs its own tracebacks when a connection drops; the build says what happened, once, in its words."""
    names = ["distributed", *(n for n in logging.root.manager.loggerDict if n.startswith("distributed."))]
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _until_first_deadline(flying: Mapping[Any, Any], started: _Starts, time_limit: float) -> float | None:
    if time_limit <= 0:
        return None
    running = [started.began[f.key][0] for f in flying if f.key in started.began]
    if not running:
        return None
    return max(0.05, min(running) + time_limit - time.perf_counter())


def _began(started: _Starts, future: Any, submitted: float) -> float:
    began = started.began.pop(future.key, None)
    return began[0] if began is not None else submitted


def _finish(builder: IssueBuilder, future: Any, prepared: Rendering, began: float) -> IssueResult:
    try:
        kind, value = future.result()
    except Exception as err:  # noqa: BLE001 - the task's workers kept dying (KilledWorker) or it was cancelled
        return crashed(prepared.job, f"{type(err).__name__}: {err}", None)
    if kind == "problems":
        result = IssueResult(prepared.issue.name, problems=prepared.problems + tuple(value))
    elif kind == "bug":
        result = crashed(prepared.job, value[0], value[1])
    else:
        result = builder.write(prepared, value)
    return _timed(result, began)


def _timed(result: IssueResult, began: float) -> IssueResult:
    return dataclasses.replace(result, seconds=time.perf_counter() - began)


def _lost(address: str, what: str, *, started: bool) -> PaperpressError:
    hint = ("every issue already written is complete; run again to resume" if started
            else "start it (dask scheduler) or check --scheduler / PAPERPRESS_SCHEDULER")
    return PaperpressError([Problem(None, None, None, f"the Dask scheduler at {address} {what}", hint)])
