"""The `paperpress` command line: parse arguments, call build or check, print the report, choose the exit code.

The only module that prints or exits. Exit 0 on success, 1 for content problems, 2 for usage errors.
Rendering libraries are imported only by the commands that need them, so `--help` stays instant.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .. import __version__
from ..config import TIME_LIMIT
from ..errors import PaperpressError, Problem, UsageError, count_problems, errors_in, nothing_written
from ..registry import EDITIONS, default_editions

if TYPE_CHECKING:
    from ..run.executor import Executor
    from ..run.issue import OpenPublication
    from .progress import PlainProgress

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Publish a weekly issue as EPUB, PDF, plain text, a web edition and audio.",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"paperpress {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Publish a weekly issue as EPUB, PDF, plain text, a web edition and audio."""


RootOption = typer.Option(None, "--root", help="The publication folder (default: found from here upward).")


def _root(root: Path | None) -> Path:
    from ..load import CONFIG_NAME, find_root

    if root is not None:
        if not (root / CONFIG_NAME).is_file():
            raise UsageError(f"{root} has no {CONFIG_NAME}", "give the folder that holds paperpress.yaml")
        return root.absolute()
    found = find_root(Path.cwd())
    if found is None:
        raise UsageError(f"no {CONFIG_NAME} here or in any folder above", "run inside a publication or give --root")
    return found


def _report(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        typer.echo(str(problem), err=True)


def _opened(pub: OpenPublication, strict: bool) -> OpenPublication:
    """The publication, once the warnings about paperpress.yaml are told (or, with --strict, refused)."""
    if strict and pub.warnings:
        raise PaperpressError(pub.warnings, nothing_written("paperpress.yaml has warnings and --strict is set"))
    _report(pub.warnings)
    return pub


def _fail(err: PaperpressError) -> None:
    _report(err.problems)
    if err.summary:
        typer.echo(err.summary, err=True)
    raise typer.Exit(err.exit_code)


@app.command()
def build(
    ctx: typer.Context,
    issues: list[str] | None = typer.Argument(
        None, help="Issues to build: 1142, issue-0901, issue-1142.yaml, 1100..1142 or 1140,1142.", show_default=False
    ),
    every: bool = typer.Option(False, "--all", help="Build every issue in issues/."),
    since: str | None = typer.Option(None, "--since", help="Only issues dated on or after DATE (YYYY-MM-DD).",
                                        metavar="DATE", show_default=False),
    format: list[str] | None = typer.Option(
        None, "--format", "-f", help="Edition to build (repeatable): txt, epub, pdf, web, audio. Default: paperpress.yaml's editions (txt, epub, pdf, web).", show_default=False
    ),
    root: Path | None = RootOption,
    out: Path | None = typer.Option(None, "--out", help="Output folder (default: <root>/dist)."),
    jobs: int | None = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes (default: one per core).",
                                       show_default=False),
    force: bool = typer.Option(False, "--force", help="Rebuild even what is up to date."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only problems and failures."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as problems."),
    pdf_profile: str | None = typer.Option(
        None, "--pdf-profile", help="PDF profile: screen, print or archive (default: from paperpress.yaml).",
        show_default=False,
    ),
    time_limit: float = typer.Option(
        TIME_LIMIT, "--time-limit", min=0, metavar="SECONDS", help="Stop an issue that takes longer than this (0: no limit)."
    ),
    executor: str = typer.Option(
        "process", "--executor", help="Who renders: process (worker processes here) or dask (a Dask cluster).",
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", envvar="PAPERPRESS_SCHEDULER", metavar="tcp://HOST:PORT",
        help="The Dask scheduler for --executor dask (default: a local cluster of --jobs workers).", show_default=False,
    ),
) -> None:
    """Render issues into dist/ISSUE/ISSUE.{txt,epub,pdf} (and audio/ with -f audio), skipping what is up to date, then write the catalog."""
    import os
    import sys

    from ..names import names_one_issue
    from ..run.sidecar import ahead

    # One issue on two cores: its PDF's process starts now and imports WeasyPrint while this one imports the rest.
    one = executor == "process" and (jobs or _cores()) > 1 and not every and since is None and names_one_issue(issues or [])
    registry = ctx.obj if ctx.obj is not None else EDITIONS  # a caller (a test) may run the command with its own
    with ahead(format or default_editions(registry) if one else (), registry):
        from ..build import build_archive, known_formats
        from ..options import build_options
        from ..output.plan import select_issues
        from ..run.issue import open_publication
        from .progress import reporter

        try:
            base = _root(root)
            pub = _opened(open_publication(base), strict)
            options = build_options(
                format, known_formats(registry), default=pub.config.editions, pdf_profile=pdf_profile, strict=strict,
                time_limit=time_limit, environ=os.environ,
            )
            names = select_issues(base, issues or [], every, _date(since))
            if not quiet and {"audio", "read-aloud"} & set(options.formats):  # the voice both speak with
                from ..editions.speech.voices import describe_voice

                typer.echo(f"audio: read by {describe_voice(pub.config.audio, pub.config.language)}")
            target = (out or base / "dist").absolute()
            voice = reporter(base, quiet, live=sys.stderr.isatty())
            archive = build_archive(
                pub, names, target, options, editions=registry, force=force,
                executor=_executor(executor, scheduler, jobs or _cores(), voice),
                on_wait=voice.waiting, on_plan=voice.planned, on_result=voice.issue_done,
            )
            voice.finished(archive)
            if archive.failed:
                raise typer.Exit(1)
        except PaperpressError as err:
            _fail(err)
        except KeyboardInterrupt:
            typer.echo("interrupted: every file in the output folder is complete; run again to finish", err=True)
            raise typer.Exit(130) from None


@app.command()
def serve(
    root: Path | None = RootOption,
    out: Path | None = typer.Option(None, "--out", help="The folder to serve (default: <root>/dist)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; loopback unless you say otherwise."),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port to listen on (0: any free port)."),
) -> None:
    """Browse the catalog over HTTP (index.html, opds.xml and the editions), from dist/ only."""
    from ..preview.static import catalog_server

    try:
        folder = (out or _root(root) / "dist").absolute()
        if not (folder / "index.html").is_file():
            raise UsageError(f"{folder} has no catalog", "run `paperpress build --all` first")
        server = catalog_server(folder, host, port)
    except PaperpressError as err:
        _fail(err)
        return
    except OSError as err:
        typer.echo(f"cannot listen on {host}:{port}: {err.strerror}", err=True)
        raise typer.Exit(1) from None
    address, bound = str(server.server_address[0]), server.server_address[1]
    typer.echo(f"serving {folder} at http://{address}:{bound}/ (OPDS: http://{address}:{bound}/opds.xml); Ctrl-C stops")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@app.command()
def preview(
    issue: str | None = typer.Argument(None, help="The issue to preview (default: the latest).", show_default=False),
    root: Path | None = RootOption,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; loopback unless you say otherwise."),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port to listen on (0: any free port)."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also lay out the PDF after each save, in the background."),
    time_limit: float = typer.Option(
        TIME_LIMIT, "--time-limit", min=0, metavar="SECONDS", help="Stop a refresh that takes longer than this (0: no limit)."
    ),
) -> None:
    """Preview an issue while you edit it: each save refreshes what it changed, and the browser follows."""
    import signal
    import threading

    from ..names import find_manifest, issue_name, list_manifests
    from ..preview.pages import index_page, problems_page
    from ..preview.server import Changes, preview_server
    from ..preview.session import Session
    from ..preview.watch import Watcher

    try:
        base = _root(root)
        numbers = list_manifests(base).numbers
        if issue is None and not numbers:
            raise UsageError("no issue to preview in issues/", "start one with `paperpress new`")
        name = issue_name(find_manifest(base, issue or str(numbers[-1])))
        changes = Changes()
        session = Session(base, name, report=lambda line: typer.echo(line, err=True), notify=changes.publish,
                          time_limit=time_limit, pdf=pdf)
        server = preview_server(session.out, changes, lambda _: index_page(session), lambda _: problems_page(session),
                                host, port)
    except PaperpressError as err:
        _fail(err)
        return
    except OSError as err:
        typer.echo(f"cannot listen on {host}:{port}: {err.strerror}", err=True)
        raise typer.Exit(1) from None
    watcher = Watcher(base).start()

    def interrupted(signum: int, frame: object) -> None:
        # Ctrl-C, or a process manager's SIGTERM: the PDF's process stops too. Python drops an exception raised
        # while a finaliser runs (a collection mid-refresh); the watcher then ends the loop all the same.
        watcher.stop_soon()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    threading.Thread(target=server.serve_forever, daemon=True, name="paperpress-preview-server").start()
    address, bound = str(server.server_address[0]), server.server_address[1]
    typer.echo(f"previewing {name} at http://{address}:{bound}/ (files in {session.out}); Ctrl-C stops")
    try:
        _refreshed(session.refresh())
        for batch in watcher:
            _refreshed(session.refresh(batch))
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
        session.close()
        server.shutdown()
        server.server_close()


def _refreshed(made: object) -> None:
    from ..preview.session import Refreshed, files_changed

    if isinstance(made, Refreshed):
        later = f"; {', '.join(made.background)} in the background" if made.background else ""
        typer.echo(f"refreshed {', '.join(made.editions)} in {made.seconds:.2f} s (the first in {made.first:.2f} s, "
                   f"{files_changed(len(made.files))}){later}")


@app.command()
def check(
    issues: list[str] = typer.Argument(..., help="Issues to check: 1142, issue-0901 or issue-1142.yaml.", show_default=False),
    root: Path | None = RootOption,
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as problems."),
    time_limit: float = typer.Option(
        TIME_LIMIT, "--time-limit", min=0, metavar="SECONDS", help="Stop an issue that takes longer than this (0: no limit)."
    ),
) -> None:
    """Validate issues without writing anything."""
    from ..names import find_manifest, issue_name
    from ..run.issue import check_issue, open_publication

    try:
        pub = _opened(open_publication(_root(root)), strict)
        failed = False
        for name in issues:
            try:
                checked = check_issue(pub, name, time_limit)
            except UsageError:
                raise
            except PaperpressError as err:  # two manifests claim this issue: report it, check the others
                _report(err.problems)
                typer.echo(err.summary, err=True)
                failed = True
                continue
            issue, problems = checked.value, checked.problems
            _report(problems)
            label = issue.name if issue else issue_name(find_manifest(pub.root, name))
            if issue is None or errors_in(problems) or (strict and problems):
                failed = True
                typer.echo(f"{count_problems(problems)} in {label}.", err=True)
            else:
                note = f" ({count_problems(problems)})" if problems else ""
                typer.echo(f"{label}: {len(issue.articles)} articles in {len(issue.sections)} sections, ok{note}")
        if failed:
            raise typer.Exit(1)
    except PaperpressError as err:
        _fail(err)


@app.command()
def new(
    issue: str | None = typer.Argument(None, help="The new issue (default: the one after the latest)."),
    root: Path | None = RootOption,
) -> None:
    """Scaffold the next issue from the previous one: same sections, a week later, one draft per section."""
    from .scaffold import scaffold_issue

    try:
        created = scaffold_issue(_root(root), issue)
    except PaperpressError as err:
        _fail(err)
        return
    for path in created:
        typer.echo(f"created {path}")


@app.command()
def send(
    issue: str = typer.Argument(..., help="The issue to send: 1142, issue-1142 or issue-1142.yaml.", show_default=False),
    root: Path | None = RootOption,
    subscribers: Path | None = typer.Option(None, "--subscribers", help="The list (default: <root>/subscribers.csv).",
                                            show_default=False),
    status: bool = typer.Option(False, "--status", help="Say how far the issue's delivery has gone; send nothing."),
    resend_uncertain: bool = typer.Option(
        False, "--resend-uncertain", help="Also send the messages a stopped run may or may not have delivered."),
    rate: float | None = typer.Option(None, "--rate", min=0.1, metavar="N", help="At most N messages a minute.",
                                      show_default=False),
    retry_wait: float = typer.Option(
        30.0, "--retry-wait", min=0, metavar="SECONDS",
        help="Wait before trying a put-off (4xx) message again; doubled each time, four tries in a run."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Write each message as an .eml file instead of sending."),
    outbox: Path | None = typer.Option(None, "--outbox", help="Where --dry-run writes (default: <root>/outbox/ISSUE).",
                                       show_default=False),
) -> None:
    """Deliver a built issue to subscribers.csv: the newsletter by e-mail, the EPUB to Kindle addresses."""
    from .send import send_issue, show_status

    try:
        base = _root(root)
        if status:
            raise typer.Exit(show_status(base, issue))
        raise typer.Exit(send_issue(base, issue, subscribers, resend_uncertain, rate, dry_run, outbox, retry_wait))
    except PaperpressError as err:
        _fail(err)
    except KeyboardInterrupt:
        typer.echo("interrupted: every delivery is recorded; run the same command to send the rest", err=True)
        raise typer.Exit(130) from None


def _executor(name: str, scheduler: str | None, jobs: int, voice: PlainProgress) -> Executor:
    from ..run.executor import local_executor

    if name == "process":
        return local_executor(jobs)  # a PAPERPRESS_SCHEDULER set for other runs does not matter here
    if name == "dask":
        from ..run.dask.executor import DaskExecutor, require_dask

        require_dask()
        return DaskExecutor(scheduler, jobs, on_dashboard=voice.dashboard)
    raise UsageError(f"unknown executor '{name}'", "choose from process, dask")


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"'{text}' is not a date", "write it as YYYY-MM-DD, e.g. 2026-11-01") from None


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
