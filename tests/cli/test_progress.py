"""What a person reads during a build: one line per issue, problems on stderr, and only failures when quiet."""

from __future__ import annotations

import io
from pathlib import Path, PurePosixPath

from paperpress.build import ArchiveResult
from paperpress.cli.progress import LiveProgress, PlainProgress, QuietProgress, reporter, summary
from paperpress.errors import Problem, Severity
from paperpress.output.plan import Job, Plan
from paperpress.run.executor import IssueResult

BASE = Path("/pub")
PLAN = Plan(jobs=(Job("issue-2", ("epub", "txt"), True, "new issue"), Job("issue-3", ("txt",), False, "")),
            skipped=("issue-1",))
BUILT = IssueResult("issue-2", formats=("epub", "txt"), seconds=1.25)
BROKEN = IssueResult(
    "issue-3",
    problems=(Problem(PurePosixPath("issues/issue-3/a.md"), 4, "body", "photo 'x.jpg' has no alt text"),
              Problem(PurePosixPath("issues/issue-3/b.md"), None, None, "odd", severity=Severity.WARNING)),
)
WARNED = IssueResult(
    "issue-4", formats=("txt",), seconds=0.5,
    problems=(Problem(PurePosixPath("issues/issue-4/a.md"), 2, None, "a long line", severity=Severity.WARNING),),
)


def _voice(kind: type[PlainProgress]) -> tuple[PlainProgress, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    return kind(BASE, out, err), out, err


def _archive(*results: IssueResult, catalog: tuple[Path, ...] = ()) -> ArchiveResult:
    return ArchiveResult(plan=PLAN, results=results, catalog=catalog, seconds=3.0)


def test_plain_says_each_unchanged_and_built_issue_on_stdout() -> None:
    voice, out, err = _voice(PlainProgress)
    voice.planned(PLAN)
    voice.issue_done(BUILT)
    assert out.getvalue().splitlines() == ["issue-1: unchanged", "issue-2: built epub, txt in 1.2 s (new issue)"]
    assert err.getvalue() == ""


def test_a_build_without_editions_says_it_made_the_cover_and_no_reason_when_none() -> None:
    voice, out, _ = _voice(PlainProgress)
    voice.planned(PLAN)
    voice.issue_done(IssueResult("issue-3", seconds=0.04))
    assert out.getvalue().splitlines()[-1] == "issue-3: built cover in 0.0 s"


def test_plain_puts_a_failed_issue_and_its_problems_on_stderr() -> None:
    voice, out, err = _voice(PlainProgress)
    voice.issue_done(BROKEN)
    assert out.getvalue() == ""
    assert err.getvalue().splitlines() == [
        "issues/issue-3/a.md:4: body: photo 'x.jpg' has no alt text",
        "issues/issue-3/b.md: warning: odd",
        "1 problem and 1 warning in issue-3; nothing was written.",
    ]


def test_a_crash_is_shown_with_its_control_characters_made_harmless() -> None:
    voice, _, err = _voice(PlainProgress)
    crash = IssueResult("issue-5", problems=BROKEN.problems[:1], crash="Traceback\n  bad \x1b[2J title\n")
    voice.issue_done(crash)
    said = err.getvalue()
    assert "Traceback\n" in said and "\x1b" not in said
    assert said.endswith("1 problem in issue-5; nothing was written.\n")


def test_plain_says_it_waits_for_another_build_on_stderr() -> None:
    voice, out, err = _voice(PlainProgress)
    voice.waiting()
    assert (out.getvalue(), err.getvalue()) == ("", "another build is writing to this output folder; waiting for it to finish\n")


def test_the_summary_counts_built_unchanged_failed_and_names_the_catalog_relative_to_the_publication() -> None:
    archive = _archive(BUILT, BROKEN, catalog=(BASE / "dist/index.html", Path("/elsewhere/opds.xml")))
    assert summary(archive, BASE) == (
        "1 issue built (2 editions), 1 unchanged, 1 failed in 3.0 s; catalog: dist/index.html, /elsewhere/opds.xml"
    )
    assert summary(_archive(BUILT, WARNED), BASE) == "2 issues built (3 editions), 1 unchanged, 0 failed in 3.0 s"


def test_plain_ends_with_the_summary_on_stdout() -> None:
    voice, out, _ = _voice(PlainProgress)
    voice.finished(_archive(BUILT))
    assert out.getvalue() == "1 issue built (2 editions), 1 unchanged, 0 failed in 3.0 s\n"


def test_plain_gives_the_dask_dashboard_on_stderr() -> None:
    voice, out, err = _voice(PlainProgress)
    voice.dashboard("http://10.0.0.5:8787/status")
    assert out.getvalue() == ""
    assert err.getvalue() == "watch the tasks on Dask's dashboard: http://10.0.0.5:8787/status\n"


def test_the_dashboard_link_reaches_the_terminal_as_text_only() -> None:
    voice, out, err = _voice(PlainProgress)
    voice.dashboard("http://10.0.0.5:8787/\x1b]0;owned\x07")
    assert "\x1b" not in err.getvalue() and "\\x1b]0;owned\\x07" in err.getvalue()


def test_quiet_says_nothing_when_all_goes_well() -> None:
    voice, out, err = _voice(QuietProgress)
    voice.waiting()
    voice.dashboard("http://10.0.0.5:8787/status")
    voice.planned(PLAN)
    voice.issue_done(BUILT)
    voice.finished(_archive(BUILT))
    assert (out.getvalue(), err.getvalue()) == ("", "")


def test_quiet_still_says_warnings_failures_and_a_failed_summary() -> None:
    voice, out, err = _voice(QuietProgress)
    voice.issue_done(WARNED)
    voice.issue_done(BROKEN)
    voice.finished(_archive(WARNED, BROKEN))
    assert out.getvalue() == "issue-4: built txt in 0.5 s\n"
    assert err.getvalue().splitlines() == [
        "issues/issue-4/a.md:2: warning: a long line",
        "issues/issue-3/a.md:4: body: photo 'x.jpg' has no alt text",
        "issues/issue-3/b.md: warning: odd",
        "1 problem and 1 warning in issue-3; nothing was written.",
        "1 issue built (1 edition), 1 unchanged, 1 failed in 3.0 s",
    ]


def test_live_prints_finished_issues_above_the_bar_and_the_summary_on_stdout() -> None:
    voice, out, err = _voice(LiveProgress)
    voice.planned(PLAN)
    voice.issue_done(BUILT)
    voice.issue_done(BROKEN)
    voice.finished(_archive(BUILT, BROKEN))
    said = err.getvalue()
    assert "1 of 3 issues unchanged" in said
    assert "issue-2: built epub, txt in 1.2 s (new issue)" in said
    assert "1 problem and 1 warning in issue-3; nothing was written." in said
    assert out.getvalue() == "1 issue built (2 editions), 1 unchanged, 1 failed in 3.0 s\n"


def test_live_gives_the_dask_dashboard_once_above_the_bar() -> None:
    voice, out, err = _voice(LiveProgress)
    voice.dashboard("http://10.0.0.5:8787/status")
    voice.planned(PLAN)
    voice.issue_done(BUILT)
    voice.finished(_archive(BUILT))
    assert err.getvalue().count("watch the tasks on Dask's dashboard: http://10.0.0.5:8787/status") == 1
    assert "dashboard" not in out.getvalue()


def test_reporter_picks_the_voice() -> None:
    assert type(reporter(BASE, quiet=True, live=True)) is QuietProgress
    assert type(reporter(BASE, quiet=False, live=False)) is PlainProgress
    assert type(reporter(BASE, quiet=False, live=True)) is LiveProgress
