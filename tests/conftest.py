"""Shared test set-up: the sample publication, tool lookup, golden files, isolated tool caches."""

from __future__ import annotations

import gc
import os
import shutil
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
TOOLS = REPO / ".tools"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from current output")


@pytest.fixture(autouse=True, scope="session")
def _isolated_caches(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Checkers write caches into $HOME; keep them in a temporary folder."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        os.environ.setdefault(var, str(home / var.lower()))
    os.environ.setdefault("CALIBRE_CONFIG_DIRECTORY", str(home / "calibre-config"))
    os.environ.setdefault("CALIBRE_CACHE_DIRECTORY", str(home / "calibre-cache"))
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")


#: What urllib, Dask's dashboard check and the checkers read to send a request through a proxy.
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@pytest.fixture(autouse=True, scope="session")
def _no_proxy_for_loopback() -> Iterator[None]:
    """The tests' requests go to servers they start on 127.0.0.1; a proxy set for the machine would take them
    elsewhere (or nowhere). Cleared here, before any opener is made, so the commands the tests start inherit
    it too; NO_PROXY covers anything that reads a proxy setting of its own."""
    with pytest.MonkeyPatch.context() as patch:
        for name in PROXY_VARIABLES:
            patch.delenv(name, raising=False)
        for name in ("no_proxy", "NO_PROXY"):
            patch.setenv(name, "127.0.0.1,localhost,::1")
        yield


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for a test module (checkers.overflow, axe_violations and print_layout take it)."""
    from .checkers import chromium_driver

    driver = chromium_driver()
    try:
        yield driver
    finally:
        driver.quit()


def require_tool(name: str, path: str | Path | None = None) -> str:
    """The tool's path; skips (with the reason shown) where it is missing, and fails in CI, which has them all."""
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
