"""Every broken publication in fixtures/broken/ gets the exact report in its expected.txt, and nothing is written.

A case holds `files/` (laid over a copy of fixtures/minimal/) and `expected.txt`: the exit status on the
first line, then exactly what the CLI prints on stderr. `pytest --update-golden` rewrites expected.txt;
review that diff before committing it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperpress.cli import app
from tests.support import FIXTURES, copy_publication

CASES = sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir())
PREVIOUS = b"the previous edition, which a failed build must leave alone\n"


def lay_out(case: Path, dest: Path) -> Path:
    pub = copy_publication(FIXTURES / "minimal", dest)
    shutil.copytree(case / "files", pub, dirs_exist_ok=True)
    return pub


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_input_is_reported_exactly_and_nothing_is_written(
    case: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    pub = lay_out(case, tmp_path / "pub")
    previous = pub / "dist" / "issue-7" / "issue-7.txt"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(PREVIOUS)
    before = snapshot(pub)

    result = CliRunner().invoke(app, ["build", "7", "--root", str(pub), "-f", "txt"])

    report = f"exit {result.exit_code}\n{result.stderr}"
    expected_file = case / "expected.txt"
    if request.config.getoption("--update-golden"):
        expected_file.write_text(report, encoding="utf-8")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert report == expected_file.read_text(encoding="utf-8")
    assert result.exit_code == 1
    assert snapshot(pub) == before  # nothing written, previous edition intact


def test_every_problem_line_names_a_file() -> None:
    for case in CASES:
        lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()[1:]
        problems = list(lines[:-1])
        assert problems, case.name
        for line in problems:
            assert line.split(":")[0].endswith((".yaml", ".md")), f"{case.name}: {line}"
