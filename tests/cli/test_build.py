"""`paperpress build` as people and cron run it: output, exit status, kill -9, two builds at once, any time zone."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest
from typer.testing import CliRunner, Result

from paperpress.cli import app
from paperpress.names import CATALOG_STAMP
from paperpress.output.state import STATE_NAME
from paperpress.output.write import TEMP_SUFFIX, locked
from paperpress.run import issue as issue_module
from tests.fakes import HOLD_ISSUE, WITH_FAKES, fake_art, make_archive
from tests.support import REPO, require_tool

runner = CliRunner()
CATALOG = "catalog: dist/index.html, dist/opds.xml, dist/SHA256SUMS, dist/feed.xml"


@pytest.fixture
def pub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(issue_module, "render_art", fake_art)
    return make_archive(tmp_path / "pub")


def cli(*args: str) -> Result:
    """The command, run here with the test editions registered (the registry is given, not changed)."""
    return runner.invoke(app, list(args), obj=WITH_FAKES)


def timeless(text: str) -> str:
    return re.sub(r"\d+\.\d s", "N s", text)


def test_build_all_then_nothing_to_do(pub: Path) -> None:
    first = cli("build", "--all", "-f", "fake", "-j", "1", "--root", str(pub))
    assert first.exit_code == 0, first.output
    assert timeless(first.stdout).splitlines() == [
        "issue-4: built fake in N s (new)",
        "issue-3: built fake in N s (new)",
        "issue-2: built fake in N s (new)",
        "issue-1: built fake in N s (new)",
        f"4 issues built (4 editions), 0 unchanged, 0 failed in N s; {CATALOG}",
    ]
    second = cli("build", "--all", "-f", "fake", "--root", str(pub))
    assert second.exit_code == 0 and second.stderr == ""
    assert timeless(second.stdout).splitlines() == [
        "issue-4: unchanged",
        "issue-3: unchanged",
        "issue-2: unchanged",
        "issue-1: unchanged",
        f"0 issues built (0 editions), 4 unchanged, 0 failed in N s; {CATALOG}",
    ]


def test_a_failed_issue_is_reported_with_its_file_and_line_and_exits_1(pub: Path) -> None:
    (pub / "issues/issue-2/second.md").write_text("---\ntitle: ok\nbyline: [\n---\nText.\n")
    result = cli("build", "1..3", "-f", "fake", "-j", "1", "--root", str(pub))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "1 problem in issue-2; nothing was written."
    assert result.stderr.startswith("issues/issue-2/second.md:3: ")
    assert timeless(result.stdout).splitlines()[-1] == f"2 issues built (2 editions), 0 unchanged, 1 failed in N s; {CATALOG}"


def test_quiet_prints_nothing_when_all_is_well(pub: Path) -> None:
    result = cli("build", "--all", "-f", "fake", "-q", "-j", "1", "--root", str(pub))
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""


def test_since_and_pdf_profile_reach_the_build(pub: Path) -> None:
    result = cli("build", "--since", "2026-01-20", "-f", "fake", "--pdf-profile", "print", "-j", "1", "--root", str(pub))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (pub / "dist").glob("issue-*")) == ["issue-3", "issue-4"]
    assert "('pdf_profile', 'print')" in (pub / "dist/issue-4/issue-4.fake").read_text()


@pytest.fixture
def padded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A back-issue archive named as many are: issues/issue-0899.yaml … issue-0902.yaml."""
    monkeypatch.setattr(issue_module, "render_art", fake_art)
    return make_archive(tmp_path / "pub", range(899, 903), width=4)


def test_a_padded_archive_builds_under_its_own_names_and_a_rerun_loads_nothing(
    padded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cli("build", "--all", "-f", "fake", "-j", "1", "--root", str(padded))
    assert first.exit_code == 0, first.output
    assert [line.split(":")[0] for line in first.stdout.splitlines()[:-1]] == [
        "issue-0902", "issue-0901", "issue-0900", "issue-0899"
    ]
    assert (padded / "dist/issue-0901/issue-0901.fake").read_text().startswith("issue-0901\n")
    assert sorted(p.name for p in (padded / "dist/issue-0901").iterdir()) == [
        ".paperpress-state.json", "issue-0901-cover.jpg", "issue-0901-thumbnail.jpg", "issue-0901.fake"
    ]
    sums = (padded / "dist/SHA256SUMS").read_text()
    assert "  issue-0901/issue-0901.fake\n" in sums and "issue-901" not in sums
    assert 'id="issue-0901"' in (padded / "dist/index.html").read_text()

    loaded: list[Path] = []
    real_load = issue_module.load_issue
    monkeypatch.setattr(issue_module, "load_issue", lambda *args: loaded.append(args[2]) or real_load(*args))
    for args in (["--all"], ["--since", "2000-01-01"], ["899..0902"], ["issue-0901.yaml,902"]):
        again = cli("build", *args, "-f", "fake", "-j", "1", "--root", str(padded))
        assert again.exit_code == 0 and again.stderr == "", again.output
        assert "0 issues built (0 editions)" in again.stdout and " 0 failed" in again.stdout
    assert loaded == []  # the plan decided from the states alone


@pytest.mark.parametrize("typed", ["issue-0901", "0901", "901", "issue-0901.yaml"])
def test_one_padded_issue_builds_however_it_is_named(padded: Path, typed: str) -> None:
    result = cli("build", typed, "-f", "fake", "-j", "1", "--root", str(padded))
    assert result.exit_code == 0, result.output
    assert timeless(result.stdout).splitlines()[0] == "issue-0901: built fake in N s (new)"
    assert [p.name for p in (padded / "dist").glob("issue-*")] == ["issue-0901"]


def test_two_manifests_for_one_issue_fail_that_issue_only_naming_both(padded: Path) -> None:
    assert cli("build", "--all", "-f", "fake", "-j", "1", "--root", str(padded)).exit_code == 0
    (padded / "issues/issue-901.yaml").write_bytes((padded / "issues/issue-0901.yaml").read_bytes())
    result = cli("build", "--all", "-f", "fake", "-j", "1", "--root", str(padded))
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "bug" not in result.output
    hint = "(keep one manifest per issue: remove the other, or change its number and its file name)"
    assert result.stderr.splitlines() == [
        f"issues/issue-0901.yaml: another manifest is also issue 901: issues/issue-901.yaml {hint}",
        f"issues/issue-901.yaml: another manifest is also issue 901: issues/issue-0901.yaml {hint}",
        "2 problems in issue-0901; nothing was written.",
    ]
    assert timeless(result.stdout).splitlines()[-1] == f"0 issues built (0 editions), 3 unchanged, 1 failed in N s; {CATALOG}"
    checked = cli("check", "901", "--root", str(padded))
    assert checked.exit_code == 1 and checked.stderr.splitlines()[-1] == "2 manifests for issue 901; nothing was written."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "no issues named (name issues as 1142, 1100..1142 or 1140,1142, or use --all)"),
        (["10..20"], "no issues between 10 and 20 (issues here: 1..4)"),
        (["--since", "2026-13-01"], "'2026-13-01' is not a date (write it as YYYY-MM-DD, e.g. 2026-11-01)"),
    ],
)
def test_usage_errors(pub: Path, args: list[str], message: str) -> None:
    result = cli("build", *args, "--root", str(pub))
    assert result.exit_code == 2 and result.stderr == message + "\n"
    assert not (pub / "dist").exists()


#: Run in the child before the CLI when KILL_AT_WRITE=N: the Nth file opened for writing gets half its
#: bytes, then the whole process group is killed, as a power cut or `kill -9` would do mid-write.
_KILL_HALFWAY = """
import builtins, os, signal
_open, _count = builtins.open, [0]
class _Half:
    def __init__(self, handle): self.handle = handle
    def __enter__(self): return self
    def __exit__(self, *exc): self.handle.close()
    def fileno(self): return self.handle.fileno()
    def flush(self): self.handle.flush()
    def write(self, data):
        self.handle.write(data[: len(data) // 2]); self.handle.flush(); os.fsync(self.handle.fileno())
        os.killpg(os.getpgrp(), signal.SIGKILL)
def _open_then_die(file, mode="r", *args, **kwargs):
    handle = _open(file, mode, *args, **kwargs)
    if "w" in mode:
        _count[0] += 1
        if _count[0] == int(os.environ["KILL_AT_WRITE"]):
            return _Half(handle)
    return handle
builtins.open = _open_then_die
"""


def _paperpress(*args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
    """The real command in its own process group, with the test editions registered."""
    code = (
        "import os, sys; from tests import fakes; registry = dict(fakes.WITH_FAKES); "
        "registry.update(stuck=fakes.STUCK, snag=fakes.SNAG) if os.environ.get('WITH_STUCK') else None; "
        "registry.update(paced=fakes.PACED) if os.environ.get('WITH_PACED') else None; "
        "exec('from paperpress.run.dask import executor as d; d.CONNECT_SECONDS = float(os.environ[\"CONNECT_SECONDS\"])')"
        " if os.environ.get('CONNECT_SECONDS') else None; "
        f"exec({_KILL_HALFWAY!r}) if os.environ.get('KILL_AT_WRITE') else None; "
        "from paperpress.cli import app; sys.argv[0] = 'paperpress'; app(obj=registry)"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], cwd=REPO, env={**os.environ, **(env or {})},
        start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs,
    )


def _published(out: Path) -> dict[str, str]:
    """Each published file's SHA-256 (the states, the catalog's stamp, the lock and temporary files are not
    published: they record stat data)."""
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in (STATE_NAME, CATALOG_STAMP) and not p.name.endswith(TEMP_SUFFIX)
    }


class _Lines:
    """A child's output read line by line on a thread, so a test can wait for a line with a bound."""

    def __init__(self, stream: IO[str]) -> None:
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line)
        self._lines.put(None)

    def next(self, timeout: float = 120) -> str | None:
        """The next line, or None once the child closed its output."""
        return self._lines.get(timeout=timeout)

    def rest(self) -> str:
        """Every line still to come, once the child has closed its output."""
        found = []
        while (line := self.next()) is not None:
            found.append(line)
        return "".join(found)


def _until(condition: Callable[[], bool], run: subprocess.Popen, limit: float = 120) -> None:
    """Returns as soon as `condition` holds or `run` has ended; checked as often as the machine allows, within `limit`."""
    deadline = time.monotonic() + limit
    while not condition() and run.poll() is None:
        assert time.monotonic() < deadline, "the build never got there"
        time.sleep(0.001)  # a poll of the condition, not a guess at how long the build takes


def _after_issues(count: int) -> Callable[[subprocess.Popen, _Lines, Path], None]:
    def wait(run: subprocess.Popen, lines: _Lines, out: Path) -> None:
        done = 0
        while done < count and (line := lines.next()) is not None:
            done += ": built " in line
    return wait


def _while_writing(then: Callable[[subprocess.Popen, _Lines, Path], None] | None = None
                   ) -> Callable[[subprocess.Popen, _Lines, Path], None]:
    def wait(run: subprocess.Popen, lines: _Lines, out: Path) -> None:
        if then is not None:
            then(run, lines, out)
        _until(lambda: any(out.rglob("*" + TEMP_SUFFIX)), run)
    return wait


@pytest.mark.slow  # many builds: make test runs it, make test-fast does not
def test_kill_9_at_any_moment_leaves_only_complete_files(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub")
    out = pub / "dist"
    args = ("build", "--all", "-f", "slow", "-f", "txt", "-j", "2", "--root", str(pub))
    first = _paperpress(*args)
    assert first.wait(120) == 0, first.communicate()
    old = _published(out)
    seen: list[dict[str, str]] = []
    # The moments a kill lands: while the first edition is written, after one issue, while writing after
    # one issue, after three; each forced run rebuilds every issue, so each moment comes. The last issue
    # submitted (issue-1) is held unfinished, so no run can end before its kill.
    held = {"SOURCE_DATE_EPOCH": "1700000000", HOLD_ISSUE: "issue-1"}  # every output changes
    for moment in (_while_writing(), _after_issues(1), _while_writing(_after_issues(1)), _after_issues(3)):
        run = _paperpress(*args, "--force", env=held)
        moment(run, _Lines(run.stdout), out)  # type: ignore[arg-type]
        assert run.poll() is None, f"the build ended before the kill, so nothing was tested: {run.communicate()}"
        os.killpg(run.pid, signal.SIGKILL)
        assert run.wait(30) == -signal.SIGKILL  # the kill, not the build's end, stopped it
        seen.append(_published(out))
        for state in out.rglob(STATE_NAME):
            json.loads(state.read_bytes())  # never torn
    last = _paperpress(*args, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert last.wait(120) == 0, last.communicate()
    new = _published(out)
    assert not list(out.rglob("*" + TEMP_SUFFIX))
    assert set(new) == set(old) and all(new[name] != old[name] for name in old if name.endswith(".slow"))
    for snapshot in seen:
        for name, data in snapshot.items():
            assert data in (old.get(name), new.get(name)), f"{name} is neither the old nor the new file"
    assert seen[1] != old and seen[1] != new  # killed after one issue: some issues new, the others old


@pytest.mark.parametrize("nth_write", [1, 2, 7])
def test_a_build_killed_halfway_through_writing_a_file_leaves_the_old_file(tmp_path: Path, nth_write: int) -> None:
    pub = make_archive(tmp_path / "pub", range(1, 3))
    args = ("build", "--all", "-f", "fake", "-f", "txt", "-j", "1", "--root", str(pub))
    assert _paperpress(*args).wait(120) == 0
    old = _published(pub / "dist")
    killed = _paperpress(*args, env={"SOURCE_DATE_EPOCH": "1700000000", "KILL_AT_WRITE": str(nth_write)})
    assert killed.wait(120) == -signal.SIGKILL
    assert list((pub / "dist").rglob("*" + TEMP_SUFFIX))  # the half-written file is there, under a temporary name
    after_kill = _published(pub / "dist")
    finish = _paperpress(*args, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert finish.wait(120) == 0
    assert not list((pub / "dist").rglob("*" + TEMP_SUFFIX))
    new = _published(pub / "dist")
    assert all(new[name] != old[name] for name in old if name.endswith(".fake"))
    for name, digest in after_kill.items():
        assert digest in (old.get(name), new.get(name)), f"{name} is neither the old nor the new file"


@pytest.mark.slow  # many builds: make test runs it, make test-fast does not
def test_a_second_build_waits_for_the_first(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub")
    out = pub / "dist"
    with locked(out, lambda: None):
        waiting = _paperpress("build", "--all", "-f", "txt", "-j", "1", "--root", str(pub))
        said = _Lines(waiting.stderr)  # type: ignore[arg-type]
        assert said.next() == "another build is writing to this output folder; waiting for it to finish\n"
        assert waiting.poll() is None
        assert not (out / "issue-1").exists()
    assert waiting.wait(60) == 0
    assert said.rest() == ""
    assert "4 issues built" in waiting.stdout.read()  # type: ignore[union-attr]

    together = [_paperpress("build", "--all", "-f", "txt", "--force", "-j", "2", "--root", str(pub)) for _ in range(2)]
    assert [p.wait(120) for p in together] == [0, 0]
    check = subprocess.run([require_tool("sha256sum"), "-c", "--quiet", "SHA256SUMS"], cwd=out, capture_output=True, text=True,
                           check=False)
    assert check.returncode == 0, check.stdout


@pytest.mark.slow  # four whole builds in other processes
def test_output_is_identical_whatever_the_time_zone_locale_and_jobs(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub", range(1, 3))
    runs = [
        ({"TZ": "UTC", "LC_ALL": "C"}, "1", "a"),
        ({"TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}, "2", "b"),
    ]
    for env, jobs, out in runs:
        done = _paperpress("build", "--all", "-j", jobs, "--root", str(pub), "--out", str(tmp_path / out), env=env)
        assert done.wait(300) == 0, done.communicate()
    a, b = _published(tmp_path / "a"), _published(tmp_path / "b")
    assert {Path(n).suffix for n in a} >= {".epub", ".pdf", ".txt", ".jpg", ".html", ".xml"}
    assert a == b


def test_a_terminal_sees_a_live_progress_bar(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub")
    leader, follower = pty.openpty()
    run = subprocess.Popen(
        [sys.executable, "-m", "paperpress", "build", "--all", "-f", "txt", "-j", "1", "--root", str(pub)],
        stdout=subprocess.PIPE, stderr=follower, env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
    )
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        screen += chunk
    run.wait(60)
    os.close(leader)
    drawn = screen.decode("utf-8", "replace")
    assert run.returncode == 0
    assert "issues" in drawn and "━" in drawn and "issue-4: built txt" in drawn
    assert "4 issues built" in run.stdout.read().decode()  # type: ignore[union-attr]


def test_serve_needs_a_built_catalog(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub")
    result = cli("serve", "--root", str(pub))
    assert result.exit_code == 2
    assert result.stderr == f"{pub / 'dist'} has no catalog (run `paperpress build --all` first)\n"


@pytest.mark.parametrize("value", ["99999999999999", "-5", "abc", "1.5", "\x1b[2J"])
def test_a_malformed_source_date_epoch_is_a_usage_error(pub: Path, value: str) -> None:
    result = runner.invoke(app, ["build", "--all", "-f", "fake", "-j", "1", "--root", str(pub)], obj=WITH_FAKES,
                           env={"SOURCE_DATE_EPOCH": value})
    assert result.exit_code == 2, result.output
    shown = value.replace("\x1b", "\\x1b")
    assert result.stderr == (
        f"SOURCE_DATE_EPOCH is '{shown}', not a time (give whole seconds since 1970 up to 253402300799 "
        "(the year 9999), e.g. 1767225600, or unset it)\n"
    )
    assert not (pub / "dist" / "issue-1").exists()


def test_the_largest_source_date_epoch_builds(pub: Path) -> None:
    result = runner.invoke(app, ["build", "1", "-f", "fake", "--root", str(pub)], obj=WITH_FAKES, env={"SOURCE_DATE_EPOCH": "253402300799"})
    assert result.exit_code == 0, result.output
    state = json.loads((pub / "dist" / "issue-1" / STATE_NAME).read_text())
    assert state["catalog"]["updated"] == "9999-12-31T23:59:59Z"


def test_the_dask_executor_without_dask_says_what_to_install(pub: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    result = cli("build", "--all", "-f", "fake", "--executor", "dask", "--root", str(pub))
    assert result.exit_code == 2 and not (pub / "dist").exists()
    assert result.stderr == (
        "--executor dask needs Dask (the dask and distributed packages) (install it with: pip install 'paperpress[dask]')\n"
    )
    unknown = cli("build", "--all", "-f", "fake", "--executor", "ray", "--root", str(pub))
    assert unknown.exit_code == 2 and unknown.stderr == "unknown executor 'ray' (choose from process, dask)\n"
