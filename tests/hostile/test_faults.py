"""Faults from outside: a full disk and a render that runs too long leave the previous editions complete."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperpress.cli import app
from paperpress.registry import EDITIONS
from tests.fakes import HEAVY
from tests.support import FIXTURES, copy_publication

LIMITED_BUILD = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing us
resource.setrlimit(resource.RLIMIT_FSIZE, (BYTES, BYTES))
from paperpress.cli import app
app(["build", "7", "--root", sys.argv[1], "-f", "txt", "-f", "epub"], prog_name="paperpress")
"""


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_full_disk_leaves_every_previous_edition_complete(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    first = CliRunner().invoke(app, ["build", "7", "--root", str(pub), "-f", "txt", "-f", "epub"])
    assert first.exit_code == 0, first.output
    before = files(pub / "dist" / "issue-7")
    letter = pub / "issues" / "issue-7" / "second.md"
    letter.write_text(letter.read_text() + "\nA correction, so the issue must be built again.\n")

    # The text edition fits under the limit, the EPUB does not: all or nothing, so neither may change.
    limit = len(before["issue-7.txt"]) * 4
    assert limit < len(before["issue-7.epub"])
    done = subprocess.run(
        [sys.executable, "-c", LIMITED_BUILD.replace("BYTES", str(limit)), str(pub)],
        capture_output=True, text=True, timeout=120, check=False,
    )

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "dist/issue-7: the editions could not be written: File too large" in done.stderr
    assert files(pub / "dist" / "issue-7") == before  # no temporary file left, nothing replaced


def test_an_issue_past_its_time_limit_is_stopped_and_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edition that never ends (a heavy one, laid out beside the build as the PDF is): past its limit on any
    machine, where a real PDF of the minimal issue was only hoped to take longer than the limit."""
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    manifest = pub / "issues" / "issue-7.yaml"
    manifest.write_text(manifest.read_text().replace("title: A small issue", "title: stuck"))  # HeavyEdition hangs
    previous = pub / "dist" / "issue-7" / "issue-7.heavy"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(b"previous edition\n")

    registry = {**EDITIONS, "heavy": HEAVY}
    result = CliRunner().invoke(app, ["build", "7", "--root", str(pub), "-f", "heavy", "--time-limit", "0.2"], obj=registry)

    assert result.exit_code == 1, result.output
    assert (
        "issues/issue-7.yaml: building this issue took longer than 0.2 seconds and was stopped" in result.stderr
    )
    assert files(pub / "dist" / "issue-7") == {"issue-7.heavy": b"previous edition\n"}
