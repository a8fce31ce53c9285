"""The archive on a real Dask cluster (a scheduler and two workers on the loopback address): same bytes as a
local build, a worker killed mid-run loses nothing, a lost scheduler is a clear error and a rerun resumes."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import paperpress
from paperpress.output.state import STATE_NAME
from paperpress.run.dask import executor as dask_executor
from tests import fake_dashboard
from tests.cli.test_build import _Lines, _paperpress, _published, _until
from tests.fakes import PacedEdition, make_archive
from tests.support import REPO, require_module

require_module("distributed", "Dask")  # CI installs the test extra, which has Dask: there a missing Dask fails
pytestmark = pytest.mark.slow

DASK = Path(sys.executable).parent / "dask"
#: Workers import paperpress and the test editions (tests.fakes) as the test process does.
WORKER_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(paperpress.__file__).parent.parent), str(REPO)])}
STARTUP_SECONDS = 90


class Cluster:
    """`dask scheduler` and `workers` `dask worker --no-nanny` processes, each ended by its PID."""

    def __init__(self, folder: Path, workers: int = 2, *scheduler: str) -> None:
        self.file = folder / "scheduler.json"
        self.processes: list[subprocess.Popen] = []
        self.scheduler = self._start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                     "--scheduler-file", str(self.file), *scheduler)
        _until(self._written, self.scheduler, STARTUP_SECONDS)
        assert self.scheduler.poll() is None, "the scheduler did not start"
        self.address = json.loads(self.file.read_text())["address"]
        self.workers = [
            self._start("worker", "--no-nanny", "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1",
                        "--death-timeout", "30", "--scheduler-file", str(self.file))
            for _ in range(workers)
        ]
        from distributed import Client

        with Client(self.address, timeout=STARTUP_SECONDS) as client:
            client.wait_for_workers(workers, timeout=STARTUP_SECONDS)

    def _written(self) -> bool:
        """The scheduler file is there and whole (it is written, not renamed, into place)."""
        try:
            return "address" in json.loads(self.file.read_text())
        except (OSError, ValueError):
            return False

    def _start(self, *args: str) -> subprocess.Popen:
        process = subprocess.Popen([str(DASK), *args], cwd=REPO, env=WORKER_ENV, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
        for process in self.processes:
            process.wait(30)


@contextlib.contextmanager
def _cluster(folder: Path, workers: int = 2, *scheduler: str) -> Iterator[Cluster]:
    started = Cluster(folder, workers, *scheduler)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    with _cluster(tmp_path) as started:
        yield started


ARGS = ("-f", "fake", "-f", "txt", "-f", "epub")


def _local(pub: Path, out: Path) -> dict[str, str]:
    done = _paperpress("build", "--all", *ARGS, "-j", "1", "--root", str(pub), "--out", str(out))
    assert done.wait(300) == 0, done.communicate()
    return _published(out)


def test_a_cluster_build_is_byte_identical_to_a_local_one(tmp_path: Path, cluster: Cluster) -> None:
    pub = make_archive(tmp_path / "pub", range(21, 41))
    local = _local(pub, tmp_path / "local")
    run = _paperpress("build", "--all", *ARGS, "--executor", "dask", "--root", str(pub), "--out", str(tmp_path / "dask"),
                      env={"PAPERPRESS_SCHEDULER": cluster.address})
    stdout, stderr = run.communicate(timeout=600)
    assert run.returncode == 0, stderr
    assert "20 issues built (60 editions), 0 unchanged, 0 failed" in stdout
    assert _published(tmp_path / "dask") == local
    assert "dashboard" not in stderr  # this scheduler runs none (its web server has no /status page)


def test_the_schedulers_dashboard_is_given_once(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub", range(1, 4))
    with _cluster(tmp_path, 1, "--preload", "tests.fake_dashboard") as cluster:
        run = _paperpress("build", "--all", "-f", "fake", "--executor", "dask", "--scheduler", cluster.address,
                          "--root", str(pub))
        stdout, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
        said = [line for line in stderr.splitlines() if line.startswith("watch the tasks on Dask's dashboard: ")]
        assert len(said) == 1, stderr
        link = said[0].rpartition(" ")[2]
        assert link.startswith("http://127.0.0.1:") and link.endswith("/status")
        with urllib.request.urlopen(link, timeout=30) as page:  # the link leads to the page, while the cluster runs
            assert page.read() == fake_dashboard.PAGE
    assert "3 issues built (3 editions)" in stdout


def test_a_local_cluster_builds_the_same_bytes_and_says_nothing_of_its_own(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub", range(1, 5))
    local = _local(pub, tmp_path / "local")
    with contextlib.ExitStack() as stack:
        taken = stack.enter_context(socket.socket())
        with contextlib.suppress(OSError):  # the web server's usual port, taken (if nothing else holds it already)
            taken.bind(("127.0.0.1", 8787))
            taken.listen()
        run = _paperpress("build", "--all", *ARGS, "--executor", "dask", "-j", "2", "--root", str(pub),
                          "--out", str(tmp_path / "dask"))
        stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 0, stderr
    assert stderr == ""  # no Dask warnings or logs: its web server took another port without saying so
    assert "4 issues built (12 editions), 0 unchanged, 0 failed" in stdout
    assert _published(tmp_path / "dask") == local


def test_a_worker_killed_mid_run_loses_nothing(tmp_path: Path, cluster: Cluster) -> None:
    pub = make_archive(tmp_path / "pub", range(21, 41))
    local = _local(pub, tmp_path / "local")
    run = _paperpress("build", "--all", *ARGS, "--executor", "dask", "--scheduler", cluster.address,
                      "--root", str(pub), "--out", str(tmp_path / "dask"))
    lines = _Lines(run.stdout)  # type: ignore[arg-type]
    built = 0
    while built < 3 and (line := lines.next()) is not None:
        built += ": built " in line
    os.kill(cluster.workers[0].pid, signal.SIGKILL)
    rest = lines.rest()
    assert run.wait(600) == 0, run.stderr.read()  # type: ignore[union-attr]
    assert "20 issues built (60 editions), 0 unchanged, 0 failed" in rest
    assert _published(tmp_path / "dask") == local


def test_a_lost_scheduler_is_a_clear_error_and_a_rerun_resumes(tmp_path: Path, cluster: Cluster) -> None:
    pub = make_archive(tmp_path / "pub", range(21, 41))
    local = _local(pub, tmp_path / "local")
    out = tmp_path / "dask"
    run = _paperpress("build", "--all", *ARGS, "--executor", "dask", "--scheduler", cluster.address,
                      "--root", str(pub), "--out", str(out))
    lines = _Lines(run.stdout)  # type: ignore[arg-type]
    built = 0
    while built < 2 and (line := lines.next()) is not None:
        built += ": built " in line
    cluster.scheduler.kill()
    cluster.scheduler.wait(30)
    assert run.wait(300) == 1
    stderr = run.stderr.read()  # type: ignore[union-attr]
    assert f"the Dask scheduler at {cluster.address} was lost" in stderr
    assert "(every issue already written is complete; run again to resume)" in stderr
    assert "Traceback" not in stderr
    partial = _published(out)
    assert all(local[name] == digest for name, digest in partial.items())  # what is there is complete
    for state in out.rglob(STATE_NAME):
        json.loads(state.read_bytes())
    again = _paperpress("build", "--all", *ARGS, "-j", "1", "--root", str(pub), "--out", str(out))
    stdout, _ = again.communicate(timeout=300)
    assert again.returncode == 0 and stdout.count(": unchanged") >= 2  # resumed from the fingerprints
    assert _published(out) == local


def test_an_unreachable_scheduler_is_a_clear_error_that_writes_nothing(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub", range(1, 3))
    # Nothing listens on port 9, so no wait would reach it: Dask's retries end at the connect limit, cut from
    # 20 s to 1 s here.
    run = _paperpress("build", "--all", *ARGS, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9",
                      "--root", str(pub), env={"CONNECT_SECONDS": "1"})
    _, stderr = run.communicate(timeout=300)
    assert run.returncode == 1 and "Traceback" not in stderr
    assert stderr.startswith("the Dask scheduler at tcp://127.0.0.1:9 cannot be reached"), stderr
    assert not (pub / "dist").exists()


def test_a_task_past_the_time_limit_is_cancelled_and_reported(tmp_path: Path, cluster: Cluster) -> None:
    pub = make_archive(tmp_path / "pub", range(1, 3))
    run = _paperpress("build", "--all", "-f", "stuck", "--time-limit", "2", "--executor", "dask",
                      "--scheduler", cluster.address, "--root", str(pub), env={"WITH_STUCK": "1"})
    _, stderr = run.communicate(timeout=300)
    assert run.returncode == 1, stderr
    for n in (1, 2):
        assert f"issues/issue-{n}.yaml: building this issue took longer than 2 seconds and was stopped" in stderr
    assert not list((pub / "dist").rglob("*.stuck"))


def test_the_time_limit_counts_from_when_a_task_starts_not_while_it_waits_its_turn(tmp_path: Path) -> None:
    # One worker and two tasks in flight: each issue waits one PACE behind the other, then runs one PACE.
    # Counted from submission, the second would be stopped at 1.5 PACEs; counted from its start it finishes.
    pub = make_archive(tmp_path / "pub", range(1, 4))
    pace = PacedEdition.PACE
    with _cluster(tmp_path, 1) as cluster:
        # A first build warms the worker (its imports, the kit), so the limit's half PACE of room is the task's.
        warm = _paperpress("build", "--all", "-f", "fake", "--executor", "dask", "--scheduler", cluster.address,
                           "--root", str(pub), "--out", str(tmp_path / "warm"), env={"WITH_PACED": "1"})
        assert warm.wait(300) == 0, warm.communicate()
        run = _paperpress("build", "--all", "-f", "paced", "--time-limit", f"{1.5 * pace:g}", "--executor", "dask",
                          "--scheduler", cluster.address, "--root", str(pub), env={"WITH_PACED": "1"})
        stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 0, stderr
    assert "took longer than" not in stderr
    assert "3 issues built (3 editions), 0 unchanged, 0 failed" in stdout
    # The build's own account: each issue took its PACE, counted from its start, not its wait behind another.
    seconds = [float(s) for s in re.findall(r"^issue-\d+: built paced in ([\d.]+) s", stdout, re.MULTILINE)]
    assert len(seconds) == 3 and all(s < 2 * pace for s in seconds), stdout


def test_a_stopped_task_has_its_worker_restarted_for_the_issues_behind_it(tmp_path: Path) -> None:
    # A render stuck in Python keeps its worker's only thread: unless the worker is restarted, the issues
    # queued behind it never start (or, timed from submission, are stopped without having run).
    from distributed import LocalCluster

    pub = make_archive(tmp_path / "pub", range(1, 4))
    manifest = pub / "issues" / "issue-3.yaml"  # the newest, so the first submitted
    manifest.write_text(manifest.read_text().replace("title: Small issue 3", "title: stuck"))
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
                      silence_logs=logging.CRITICAL) as cluster:  # its nanny restarts the worker; it ends them all
        run = _paperpress("build", "--all", "-f", "snag", "--time-limit", "3", "--executor", "dask",
                          "--scheduler", cluster.scheduler_address, "--root", str(pub), env={"WITH_STUCK": "1"})
        try:
            stdout, stderr = run.communicate(timeout=180)
        finally:
            if run.poll() is None:
                run.kill()
                run.wait(30)
    assert run.returncode == 1, stderr
    assert "issues/issue-3.yaml: building this issue took longer than 3 seconds and was stopped" in stderr
    assert "2 issues built (2 editions), 0 unchanged, 1 failed" in stdout
    assert sorted(p.name for p in (pub / "dist").rglob("*.snag")) == ["issue-1.snag", "issue-2.snag"]


def test_a_scheduler_without_a_web_server_has_no_dashboard_to_point_at() -> None:
    class NoServer:
        @property
        def dashboard_link(self) -> str:
            raise KeyError("dashboard")  # what Dask raises when the scheduler lists no such service

    assert dask_executor._dashboard(NoServer()) is None
