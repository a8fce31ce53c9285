"""`python -m paperpress` runs the same command line as the installed script."""

from __future__ import annotations

import subprocess
import sys

from paperpress import __version__


def test_module_entry_point_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "paperpress", "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout == f"paperpress {__version__}\n"


def test_module_entry_point_names_itself_paperpress_and_fails_on_a_usage_error() -> None:
    done = subprocess.run([sys.executable, "-m", "paperpress", "no-such-command"], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "Usage: paperpress " in done.stderr and "Traceback" not in done.stderr
