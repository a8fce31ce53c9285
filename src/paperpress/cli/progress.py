"""What a person sees during a long build: a live bar on a terminal, one line per issue in logs, or only failures.

Presentation only, used by the CLI: it hears build events and prints them; it decides nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO

from ..build import ArchiveResult
from ..errors import count_problems, nothing_written, printable
from ..output.plan import Plan
from ..run.executor import IssueResult


class PlainProgress:
    """One line per issue on stdout (for CI and cron logs); problems on stderr."""

    def __init__(self, base: Path, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.base = base
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.reasons: dict[str, str] = {}
        self.started = time.perf_counter()

    def waiting(self) -> None:
        self._say_err("another build is writing to this output folder; waiting for it to finish")

    def dashboard(self, link: str) -> None:
        """Where the cluster running this build shows its tasks (Dask's dashboard)."""
        self._say_err(dashboard_hint(link))

    def planned(self, plan: Plan) -> None:
        self.reasons = {job.name: job.reason for job in plan.jobs}
        for name in plan.skipped:
            self._say(f"{name}: unchanged")

    def issue_done(self, result: IssueResult) -> None:
        for problem in result.problems:
            self._say_err(str(problem))
        if result.crash:
            self._say_err(_printable_lines(result.crash.rstrip()))
        if result.failed:
            self._say_err(self.line(result))
        else:
            self._say(self.line(result))

    def finished(self, archive: ArchiveResult) -> None:
        self._say(summary(archive, self.base))

    def line(self, result: IssueResult) -> str:
        if result.failed:
            # The same words as a single failed build has always printed; the issue's old files stay as they were.
            return nothing_written(f"{count_problems(result.problems)} in {result.name}")
        what = ", ".join(result.formats) if result.formats else "cover"
        why = self.reasons.get(result.name)
        return f"{result.name}: built {what} in {result.seconds:.1f} s" + (f" ({why})" if why else "")

    def _say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def _say_err(self, text: str) -> None:
        print(text, file=self.err, flush=True)


class QuietProgress(PlainProgress):
    """Only problems and failures: for cron jobs that mail whatever is printed."""

    def waiting(self) -> None:
        pass

    def dashboard(self, link: str) -> None:
        pass

    def planned(self, plan: Plan) -> None:
        pass

    def issue_done(self, result: IssueResult) -> None:
        if result.failed or result.problems:
            super().issue_done(result)

    def finished(self, archive: ArchiveResult) -> None:
        if archive.failed:
            self._say_err(summary(archive, self.base))


class LiveProgress(PlainProgress):
    """A rich progress bar (issue, editions, elapsed, estimate) with finished issues scrolling above it."""

    def __init__(self, base: Path, out: TextIO | None = None, err: TextIO | None = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        super().__init__(base, out, err)
        self.console = Console(file=self.err, highlight=False)
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("issues"),
            TimeElapsedColumn(),
            TextColumn("·"),
            TimeRemainingColumn(),
            TextColumn("left"),
            console=self.console,
            transient=True,
        )
        self.task = self.bar.add_task("planning", total=None)

    def waiting(self) -> None:
        self.bar.update(self.task, description="waiting for another build to finish")
        self.bar.start()

    def dashboard(self, link: str) -> None:
        self.console.print(dashboard_hint(link), markup=False, style="dim")

    def planned(self, plan: Plan) -> None:
        self.reasons = {job.name: job.reason for job in plan.jobs}
        if plan.skipped:
            self.console.print(f"{len(plan.skipped)} of {plan.total} issues unchanged", markup=False)
        first = plan.jobs[0].name if plan.jobs else ""
        self.bar.update(self.task, total=len(plan.jobs), description=f"building {first}".strip())
        if plan.jobs:
            self.bar.start()

    def issue_done(self, result: IssueResult) -> None:
        for problem in result.problems:
            self.console.print(str(problem), markup=False, style="red" if result.failed else "yellow")
        if result.crash:
            self.console.print(_printable_lines(result.crash.rstrip()), markup=False)
        self.console.print(self.line(result), markup=False, style="bold red" if result.failed else None)
        self.bar.update(self.task, advance=1, description=f"last: {result.name} {' '.join(result.formats)}".strip())

    def finished(self, archive: ArchiveResult) -> None:
        self.bar.stop()
        self._say(summary(archive, self.base))


def reporter(base: Path, quiet: bool, live: bool) -> PlainProgress:
    """The right voice for where the output goes: quiet, a live bar on a terminal, or plain lines."""
    if quiet:
        return QuietProgress(base)
    return LiveProgress(base) if live else PlainProgress(base)


def dashboard_hint(link: str) -> str:
    return f"watch the tasks on Dask's dashboard: {printable(link)}"


def summary(archive: ArchiveResult, base: Path) -> str:
    built = sum(1 for r in archive.results if not r.failed)
    failed = len(archive.failed)
    editions = sum(len(r.formats) for r in archive.results if not r.failed)
    shown = ", ".join(_shown(p, base) for p in archive.catalog)
    return (
        f"{built} issue{'s' if built != 1 else ''} built ({editions} edition{'s' if editions != 1 else ''}), "
        f"{len(archive.plan.skipped)} unchanged, {failed} failed in {archive.seconds:.1f} s"
        + (f"; catalog: {shown}" if shown else "")
    )


def _shown(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def _printable_lines(trace: str) -> str:
    """A traceback as is, but for what a terminal would act on: it may quote an article's text."""
    return "\n".join(printable(line) for line in trace.split("\n"))
