"""The build as a recipe: open the publication, plan what is out of date, run each issue's build, write the catalog.

Which issues need work is decided by `output/plan.py`, who runs them by a `run.executor.Executor`, what one
issue's build is (load → render → write, all or nothing) by `run/issue.py`, and how states are recorded by
`output/state.py`; this module says only what happens, in which order.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .catalog.index import write_catalog
from .errors import PaperpressError, Problem
from .names import OUTPUT_FOLDERS, find_manifest, issue_name
from .options import BuildOptions
from .output.plan import Job, Plan, plan_builds, with_followers
from .output.state import STATE_NAME, Checked, save_state
from .output.write import locked, remove_stale_temps
from .registry import EDITIONS, EditionSpec
from .run.executor import Executor, IssueResult, Serial, guarded
from .run.issue import OpenPublication, issue_work


@dataclass(frozen=True, slots=True)
class ArchiveResult:
    plan: Plan
    results: tuple[IssueResult, ...]
    catalog: tuple[Path, ...]
    seconds: float

    @property
    def failed(self) -> tuple[IssueResult, ...]:
        return tuple(r for r in self.results if r.failed)


def known_formats(editions: Mapping[str, EditionSpec] = EDITIONS) -> list[str]:
    return list(editions)


def build_issue(
    pub: OpenPublication, name: str, out: Path, options: BuildOptions, *, editions: Mapping[str, EditionSpec] = EDITIONS
) -> IssueResult:
    """Loads, renders and writes one issue whatever its state; every problem comes back in the result.

    With `options.strict`, warnings stop the build before anything is written, as errors do.
    """
    asked = Job(issue_name(find_manifest(pub.root, name)), options.formats, art=True, reason="asked")
    job = with_followers(asked, options.formats, out / asked.name, editions)
    return guarded(issue_work(pub, out, options, editions).open(), job, options.time_limit)


def build_archive(
    pub: OpenPublication,
    names: Sequence[str],
    out: Path,
    options: BuildOptions,
    *,
    editions: Mapping[str, EditionSpec] = EDITIONS,
    executor: Executor | None = None,
    force: bool = False,
    on_wait: Callable[[], None] = lambda: None,
    on_plan: Callable[[Plan], None] = lambda plan: None,
    on_result: Callable[[IssueResult], None] = lambda result: None,
) -> ArchiveResult:
    """Builds what changed among `names` (all of it with `force`), then the catalog, holding dist/'s lock.

    Each issue's bytes depend only on its inputs, so the outputs are the same whatever the executor,
    the number of its workers or the order the issues finish in. Without an executor, issues are built here.
    """
    executor = executor or Serial()
    started = time.perf_counter()
    with locked(out, on_wait):
        remove_stale_temps(out)
        work = issue_work(pub, out, options, editions)
        plan = plan_builds(pub.root, out, names, options.formats, work.fingerprints, force=force, strict=options.strict,
                           registry=editions)
        for name, state in plan.refreshed:
            save_state(out / name, state)
        on_plan(plan)
        results: list[IssueResult] = []
        with contextlib.closing(executor.run(work, plan.jobs, options.time_limit)) as finished:
            for result in finished:
                results.append(result)
                on_result(result)
        catalog = _catalog(pub, out, results, dict(plan.checked))
    return ArchiveResult(plan, tuple(results), tuple(catalog), time.perf_counter() - started)


def _catalog(pub: OpenPublication, out: Path, results: Sequence[IssueResult], checked: Mapping[str, Checked]) -> list[Path]:
    # A run that built nothing into an output folder with no built issue writes nothing, not even a catalog.
    if not any(not r.failed for r in results) and not any(out.glob(f"{OUTPUT_FOLDERS}/{STATE_NAME}")):
        return []
    try:
        return write_catalog(out, pub.layouts, pub.config, checked)
    except OSError as err:
        raise PaperpressError(
            [Problem(None, None, None, f"the catalog could not be written: {err.strerror or err}",
                     "free some disk space; the editions are complete and the next build writes it")]
        ) from err


