"""What tests share: where things are, the one rule for independent checkers, golden files, copies of
publications, builds in another process, and what a value keeps alive. Imported by test modules by name;
conftest.py holds only pytest's hooks and fixtures."""

from __future__ import annotations

import gc
import os
import re
import shutil
import sys
import types
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
TOOLS = REPO / ".tools"
#: Set by `make test-fast`: the lane that runs no independent checker.
FAST_LANE = "PAPERPRESS_FAST"


def shared_unless_mutating(fixture_name: str, config: pytest.Config) -> str:
    """A fixture's scope: shared by its module's tests, but made for each test while mutmut runs them
    (`make mutation`). mutmut credits the code a shared fixture runs to the first test that asks for it, and
    judges a mutant of that code by that test alone; made for each test, every test that reads what it made
    is run against the mutant."""
    return "function" if os.environ.get("MUTANT_UNDER_TEST") else "module"


def require_tool(name: str, path: str | Path | None = None) -> str:
    """The tool's path; skips (with the reason shown) where it is missing, and fails in CI, which has them all.
    The fast lane (`make test-fast`) runs no independent checker: there it skips, saying so."""
    if os.environ.get(FAST_LANE):
        pytest.skip(f"{name} is an independent checker: make test runs it, make test-fast does not")
    found = str(path) if path and Path(path).exists() else shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed (scripts/setup.sh --tools installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def require_module(name: str, install: str | None = None) -> Any:
    """The imported module; skips (with the reason shown) where it is missing, and fails in CI, which has them all.

    For optional packages only (the test extra's checkers, Dask). Our own modules and our dependencies are
    imported plainly: an error in them is a failure everywhere, never a skip.
    """
    import importlib

    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name is None or not (name == err.name or name.startswith(err.name + ".")):
            raise  # the package is there but something it imports is not: a broken install, not a missing one
        message = f"{install or name} is not installed (scripts/setup.sh --tools installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message, allow_module_level=True)


def check_golden(request: pytest.FixtureRequest, name: str, actual: str) -> None:
    """Compares with tests/golden/NAME; `pytest --update-golden` rewrites it (commit that on its own)."""
    path = GOLDEN / name
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path}; run pytest --update-golden and review the diff"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from {path}; if the change is intended, run pytest --update-golden"


def run_elsewhere(code: str, env: dict[str, str], timeout: float = 300) -> bytes:
    """What `code` writes to stdout, run by a fresh interpreter at the repository root in the environment
    here less TZ, SOURCE_DATE_EPOCH and LC_ALL, plus `env`: a build somewhere else, for reproducibility."""
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items() if k not in ("TZ", "SOURCE_DATE_EPOCH", "LC_ALL")}
    done = subprocess.run(
        [sys.executable, "-c", code, str(REPO)], env=base | env, cwd=REPO, check=False, capture_output=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return done.stdout


def copy_publication(src: Path, dest: Path) -> Path:
    """A writable copy of a publication (without its dist/), for tests that break or build it."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("dist", ".paperpress-cache", ".venv", ".tools", ".git", "src", "tests", "bench"))
    return dest


def long_issue(dest: Path, articles: int) -> Path:
    """A publication at `dest` whose issue-N holds `articles` articles in four sections, cycled from the sample's
    own copy and photos (each headline numbered), for the layout tests that need more pages than the sample."""
    copy_publication(REPO, dest)
    sample = REPO / "issues" / "issue-1142"
    pool = sorted(sample.glob("*.md"))
    folder = dest / "issues" / f"issue-{articles}"
    shutil.copytree(sample / "photos", folder / "photos")
    lines = [f"number: {articles}", "date: 2026-11-27", "title: A long issue", "sections:"]
    per_section = -(-articles // 4)
    for n in range(articles):
        if n % per_section == 0:
            lines += [f"  - title: Section {n // per_section + 1}", "    articles:"]
        source = pool[n % len(pool)]
        name = f"{n:03}-{source.name}"
        text = source.read_text(encoding="utf-8")
        text = re.sub(r"^title: ['\"]?(.*?)['\"]?$", lambda m, n=n: f'title: "{m[1].replace(chr(34), chr(39))} ({n})"', text,
                      count=1, flags=re.MULTILINE)
        (folder / name).write_text(text, encoding="utf-8")
        lines.append(f"      - issue-{articles}/{name}")
    (dest / "issues" / f"issue-{articles}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def reaches(start: object, target: object) -> bool:
    """Whether `target` can be reached from `start` by references, leaving out modules, classes and globals
    (through which everything is): what a value holds on to, and so keeps from being freed."""
    skipped = {id(module.__dict__) for module in list(sys.modules.values()) if module is not None}
    seen, todo = set(), [start]
    while todo:
        found = todo.pop()
        if found is target:
            return True
        if id(found) in seen or id(found) in skipped or isinstance(found, (types.ModuleType, type)):
            continue
        seen.add(id(found))
        todo += gc.get_referents(found)
    return False
