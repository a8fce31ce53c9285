"""`python -m paperpress` runs the same command line as the installed script."""

from __future__ import annotations

import subprocess
import sys

import pytest

from paperpress import __version__
from tests.support import REPO


def test_module_entry_point_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "paperpress", "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout == f"paperpress {__version__}\n"


def test_module_entry_point_names_itself_paperpress_and_fails_on_a_usage_error() -> None:
    done = subprocess.run([sys.executable, "-m", "paperpress", "no-such-command"], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "Usage: paperpress " in done.stderr and "Traceback" not in done.stderr


_LEFT_IN_A_CYCLE = (
    "import os, sys\n"
    "class Loud:\n"
    "    def __del__(self):\n"
    "        os.write(1, b'collected at exit\\n')\n"
    "loud = Loud(); loud.me = loud\n"  # a cycle: once the exit drops this name, only a collection frees it
    "sys.argv = ['paperpress', '--version']\n"
    "from paperpress import __main__, cli\n"
    "{start}\n"
)


@pytest.mark.parametrize(("start", "collected"), [("__main__.main()", False), ("cli.app(prog_name='paperpress')", True)])
def test_the_command_ends_without_python_s_last_passes_over_its_objects(start: str, collected: bool) -> None:
    done = subprocess.run([sys.executable, "-c", _LEFT_IN_A_CYCLE.format(start=start)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"paperpress {__version__}\n")
    assert ("collected at exit" in done.stdout) == collected  # Python's own exit collects it; main()'s freezes it


def test_the_paperpress_script_starts_what_python_m_paperpress_does() -> None:
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"paperpress": "paperpress.__main__:main"}


_SPARES = (
    "import sys\n"
    "sys.argv = ['paperpress', *sys.argv[1:]]\n"
    "from paperpress import __main__\n"
    "from paperpress.run import sidecar\n"
    "started, spawn = [], sidecar._spawn\n"
    "sidecar._spawn = lambda preloads: started.append(spawn(preloads)) or started[-1]\n"
    "try:\n"
    "    __main__.main()\n"
    "except SystemExit:\n"
    "    pass\n"
    "print(len(started), all(process.poll() is not None for process, _ in started), sidecar._spares)\n"
)


@pytest.mark.parametrize(("args", "started"), [(["build", "--help"], "1"), (["build", "--no-such-option"], "1"),
                                               (["check", "--help"], "0"), (["--version"], "0")])
def test_a_build_s_pdf_process_starts_first_and_a_command_that_needs_none_stops_it(args: list[str], started: str) -> None:
    done = subprocess.run([sys.executable, "-c", _SPARES, *args], capture_output=True, text=True, check=False, cwd=REPO)
    assert done.stdout.splitlines()[-1] == f"{started} True []", done.stderr
