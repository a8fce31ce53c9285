"""The one place that chains load → render → write, for one issue or a whole archive in parallel processes.

Every output of an issue is rendered before any is written, so a failure leaves the previous editions
exactly as they were; the issue's state (what its editions were made from) is written after them.
Which issues need work is decided by `plan.py` from those states; this module only does the work.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path, PurePosixPath

from . import __version__, render
from .catalog import catalog_entry, render_art, write_catalog
from .config import TIME_LIMIT, Config
from .errors import PaperpressError, Problem, Severity, errors_in, nothing_written
from .fingerprint import (
    ART,
    STATE_NAME,
    FileRecord,
    IssueState,
    OutputRecord,
    companion,
    edition_of,
    inputs_digest,
    output_fingerprints,
    read_state,
    record_file,
    settings_digest,
    state_bytes,
)
from .layouts import Layouts
from .load import load_config, load_issue
from .model import Issue
from .names import OUTPUT_FOLDERS, find_manifest, issue_name, manifest_file
from .plan import Job, Plan, plan_builds
from .render import EDITIONS, BuildInfo, Edition, build_timestamp, edition, render_outputs, source_date
from .walk import images
from .write import OutsideOutput, contained, locked, remove_stale_temps, write_all_atomic, write_atomic


@dataclass(frozen=True, slots=True)
class Publication:
    """A loaded publication folder: its root, checked configuration and layouts."""

    root: Path
    config: Config
    layouts: Layouts
    warnings: tuple[Problem, ...] = ()  # what paperpress.yaml holds that is odd but not wrong


@dataclass(frozen=True, slots=True)
class IssueResult:
    name: str
    written: tuple[Path, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
    formats: tuple[str, ...] = ()  # the editions this run built
    seconds: float = 0.0
    crash: str | None = None  # the traceback of a bug, shown as is

    @property
    def failed(self) -> bool:
        return bool(errors_in(self.problems))


@dataclass(frozen=True, slots=True)
class ArchiveResult:
    plan: Plan
    results: tuple[IssueResult, ...]
    catalog: tuple[Path, ...]
    seconds: float

    @property
    def failed(self) -> tuple[IssueResult, ...]:
        return tuple(r for r in self.results if r.failed)


@dataclass(frozen=True, slots=True)
class _Settings:
    """What every worker needs to build any issue; small and picklable."""

    root: Path
    out: Path
    options: Mapping[str, str]
    source_date_epoch: str | None
    fingerprints: Mapping[str, str]  # output kind → fingerprint.output_fingerprints
    strict: bool
    registry: Mapping[str, str]  # EDITIONS as the parent saw it (tests register fake editions)
    time_limit: float = 0  # seconds one issue may take to load and render; 0: no limit


@dataclass
class _Worker:
    """Kept for the life of a worker process: the publication, its compiled templates, edition objects."""

    settings: _Settings
    pub: Publication
    editions: dict[str, Edition] = field(default_factory=dict)


_worker: _Worker | None = None


def open_publication(root: Path) -> Publication:
    """Loads paperpress.yaml; raises PaperpressError with every problem in it."""
    loaded = load_config(root)
    if loaded.value is None or errors_in(loaded.problems):
        raise PaperpressError(loaded.problems, nothing_written("paperpress.yaml has problems"))
    return Publication(root, loaded.value, Layouts.for_publication(root), loaded.problems)


def check_issue(pub: Publication, name: str, time_limit: float = 0) -> tuple[Issue | None, tuple[Problem, ...]]:
    """Loads the issue a person named, in any of the ways names.py reads (`0901`, `issue-0901.yaml`, …).

    Stopped with a problem after `time_limit` seconds (0: no limit), as a build would be.
    """
    path = find_manifest(pub.root, name)
    try:
        with _deadline(time_limit):
            loaded = load_issue(pub.root, pub.config, path)
    except _TimeUp:
        return None, (_time_up(issue_name(path), "checking", time_limit),)
    return loaded.value, loaded.problems


def build_info(pub: Publication, issue: Issue, options: Mapping[str, str], environ: Mapping[str, str]) -> BuildInfo:
    return BuildInfo(
        timestamp=build_timestamp(issue.date, environ.get("SOURCE_DATE_EPOCH")),
        config=pub.config,
        versions={"paperpress": __version__},
        options=dict(options),
    )


def known_formats() -> list[str]:
    return list(EDITIONS)


def build_issue(
    pub: Publication,
    name: str,
    formats: Sequence[str],
    out: Path,
    options: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
    strict: bool = False,
    time_limit: float = TIME_LIMIT,
) -> IssueResult:
    """Loads, renders and writes one issue whatever its state; every problem comes back in the result.

    With `strict`, warnings stop the build before anything is written, as errors do.
    """
    settings = _settings(pub, out, options or {}, os.environ if environ is None else environ, strict, time_limit)
    name = issue_name(find_manifest(pub.root, name))
    _start_worker(settings, pub)
    return _run(Job(name, tuple(formats), art=True, reason="asked"))


def build_archive(
    pub: Publication,
    names: Sequence[str],
    formats: Sequence[str],
    out: Path,
    *,
    jobs: int = 1,
    force: bool = False,
    strict: bool = False,
    options: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
    time_limit: float = TIME_LIMIT,
    on_wait: Callable[[], None] = lambda: None,
    on_plan: Callable[[Plan], None] = lambda plan: None,
    on_result: Callable[[IssueResult], None] = lambda result: None,
) -> ArchiveResult:
    """Builds what changed among `names` (all of it with `force`), then the catalog, holding dist/'s lock.

    Issues are rendered by up to `jobs` worker processes; each issue's bytes depend only on its inputs,
    so the outputs are the same whatever the number of jobs or the order they finish in.
    """
    started = time.perf_counter()
    with locked(out, on_wait):
        remove_stale_temps(out)
        settings = _settings(pub, out, options or {}, os.environ if environ is None else environ, strict, time_limit)
        plan = plan_builds(pub.root, out, names, formats, settings.fingerprints, force=force, strict=strict)
        on_plan(plan)
        results = _run_all(settings, pub, plan.jobs, jobs, on_result)
        # A run that built nothing into an output folder with no built issue writes nothing, not even a catalog.
        listed = any(not r.failed for r in results) or any(out.glob(f"{OUTPUT_FOLDERS}/{STATE_NAME}"))
        try:
            catalog = write_catalog(out, pub.layouts, pub.config) if listed else []
        except OSError as err:
            raise PaperpressError(
                [Problem(None, None, None, f"the catalog could not be written: {err.strerror or err}",
                         "free some disk space; the editions are complete and the next build writes it")]
            ) from err
    return ArchiveResult(plan, tuple(results), tuple(catalog), time.perf_counter() - started)


def _settings(
    pub: Publication, out: Path, options: Mapping[str, str], environ: Mapping[str, str], strict: bool, time_limit: float
) -> _Settings:
    sde = environ.get("SOURCE_DATE_EPOCH")
    source_date(sde)  # a malformed value stops the run before anything is built
    digest = settings_digest(pub.root, options, sde)
    fingerprints = output_fingerprints(digest, pub.layouts.files(), (*EDITIONS, *ART))
    return _Settings(pub.root, out, dict(options), sde, fingerprints, strict, dict(EDITIONS), time_limit)


def _run_all(
    settings: _Settings, pub: Publication, jobs: Sequence[Job], workers: int, on_result: Callable[[IssueResult], None]
) -> list[IssueResult]:
    results: list[IssueResult] = []
    if workers <= 1 or len(jobs) <= 1:
        _start_worker(settings, pub)
        for job in jobs:
            results.append(_run(job))
            on_result(results[-1])
        return results
    # spawn, not fork: the parent may run a progress thread, and a fresh interpreter inherits no locks.
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=get_context("spawn"),
        initializer=_start_worker,
        initargs=(settings, None),
    ) as pool:
        futures: dict[Future[IssueResult], Job] = {pool.submit(_run, job): job for job in jobs}
        try:
            for future in as_completed(futures):
                try:
                    result = future.result()
                except Exception as err:  # noqa: BLE001 - the worker process died (killed, out of memory)
                    result = _crashed(futures[future], f"{type(err).__name__}: {err}", None)
                results.append(result)
                on_result(result)
        except BaseException:
            # Ctrl-C: issues not started are dropped; those being written finish atomically or not at all.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return results


def _start_worker(settings: _Settings, pub: Publication | None) -> None:
    """Runs once per worker process (or in the parent for a serial build); keeps what later issues reuse."""
    global _worker
    if _worker is not None and _worker.settings == settings and (pub is None or _worker.pub is pub):
        return
    if dict(render.EDITIONS) != settings.registry:
        render.EDITIONS.clear()
        render.EDITIONS.update(settings.registry)
    _worker = _Worker(settings, pub or open_publication(settings.root))


def _run(job: Job) -> IssueResult:
    """Builds one issue in this worker; a bug in one issue becomes that issue's failure, not the run's."""
    assert _worker is not None, "the worker was not started"
    started = time.perf_counter()
    try:
        with _deadline(_worker.settings.time_limit):
            result = _build(_worker, job)
    except _TimeUp:
        result = IssueResult(job.name, problems=(_time_up(job.name, "building", _worker.settings.time_limit),))
    except Exception as err:  # noqa: BLE001 - isolates one issue's bug from the others
        result = _crashed(job, f"{type(err).__name__}: {err}", traceback.format_exc())
    return dataclasses.replace(result, seconds=time.perf_counter() - started)


class _TimeUp(BaseException):
    """An issue ran past its time limit.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` inside a rendering library
    (WeasyPrint catches broadly while it loads resources) can swallow it and let the render run on.
    """


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Interrupts the work inside after `seconds` (in the main thread of a process, where signals land).

    The outputs are written inside too: an interrupted write leaves only a temporary file, removed by the
    next run, never a partial edition.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _time_up(name: str, doing: str, limit: float) -> Problem:
    return Problem(
        manifest_file(name), None, None,
        f"{doing} this issue took longer than {limit:g} seconds and was stopped",
        "look for a pathological article (a huge table, thousands of photos), or raise --time-limit",
    )


def _crashed(job: Job, what: str, trace: str | None) -> IssueResult:
    problem = Problem(manifest_file(job.name), None, None, f"paperpress failed while building this issue: {what}", "this is a bug")
    return IssueResult(job.name, problems=(problem,), crash=trace)


def _build(worker: _Worker, job: Job) -> IssueResult:
    settings, pub = worker.settings, worker.pub
    loading_began = time.time_ns()
    try:
        issue, problems = check_issue(pub, job.name)
    except PaperpressError as err:  # its manifest is gone since planning, or another one claims its number
        return IssueResult(job.name, problems=err.problems)
    if settings.strict:
        problems = tuple(dataclasses.replace(p, severity=Severity.ERROR) for p in problems)
    if issue is None or errors_in(problems):
        return IssueResult(job.name, problems=problems)
    info = build_info(pub, issue, settings.options, {"SOURCE_DATE_EPOCH": settings.source_date_epoch or ""})
    try:
        outputs: dict[str, tuple[str, str, bytes]] = {}
        for fmt in job.formats:
            made = worker.editions.get(fmt) or worker.editions.setdefault(fmt, edition(fmt))
            for n, output in enumerate(render_outputs(made, issue, pub.layouts, info)):
                outputs[fmt if n == 0 else companion(fmt, output[0])] = output
        if job.art:
            outputs.update(render_art(issue))
    except PaperpressError as err:
        return IssueResult(issue.name, problems=problems + err.problems)

    inputs = _input_records(pub.root, issue, loading_began)
    digest = inputs_digest(inputs) or "unknown"
    try:
        folder = contained(settings.out, issue.name)
        targets = {kind: contained(settings.out, issue.name, *file.split("/")) for kind, (file, _, _) in outputs.items()}
    except OutsideOutput as err:
        shown = PurePosixPath(os.path.relpath(err.path, settings.root))
        return IssueResult(issue.name, problems=problems + (Problem(shown, None, None, err.reason, err.hint),))
    old = read_state(folder)
    records = dict(old.outputs) if old else {}
    # An edition rebuilt drops the companions it no longer makes (an article taken out of the issue).
    gone = [k for k in records if k not in outputs and edition_of(k) in job.formats and k not in job.formats]
    try:
        write_all_atomic({targets[kind]: data for kind, (_, _, data) in outputs.items()})
    except OSError as err:  # a full disk, a file-size limit, a read-only folder: nothing was replaced
        return IssueResult(issue.name, problems=problems + (_unwritable(settings, folder, err),))
    written = []
    for kind, (file, media_type, data) in outputs.items():
        target = targets[kind]
        written.append(target)
        records[kind] = OutputRecord(
            file, media_type, len(data), hashlib.sha256(data).hexdigest(), target.stat().st_mtime_ns,
            settings.fingerprints[edition_of(kind)], digest,
        )
    for kind in gone:
        with contextlib.suppress(OSError, OutsideOutput):
            contained(settings.out, issue.name, *records.pop(kind).file.split("/")).unlink()
    state = IssueState(
        issue.name, issue.number, issue.date.isoformat(), catalog_entry(issue, info), inputs, records,
        tuple(str(p) for p in problems),
    )
    write_atomic(folder / STATE_NAME, state_bytes(state))
    return IssueResult(issue.name, tuple(written), problems, tuple(job.formats))


def _unwritable(settings: _Settings, folder: Path, err: OSError) -> Problem:
    shown = PurePosixPath(os.path.relpath(folder, settings.root))
    return Problem(
        shown, None, None, f"the editions could not be written: {err.strerror or err}",
        "free some disk space or fix the folder's permissions; the previous editions are untouched",
    )


def _input_records(root: Path, issue: Issue, loading_began: int) -> dict[str, FileRecord]:
    """Every file this issue was made from, as it was read: the manifest, its articles and their photos."""
    records = {issue.source: record_file(root / issue.source, loading_began)}
    for article in issue.articles:
        records[article.source] = record_file(root / article.source, loading_began)
    for image in images(issue):
        records[image.source] = record_file(root / image.source, loading_began, image.data)
    return records
