"""pytest's hooks and fixtures: the --update-golden option, isolated tool caches, one browser per module, and
what `send` is tested with (a built publication, a real SMTP server).

What tests share otherwise (paths, the tool rule, golden files) is in support.py, imported by name."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from current output")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `make mutation`, a mutant of paperpress/a/b.py is judged by its mirrored tests, tests/a/test_b.py,
    alone: mutmut would otherwise run every test that ever reached the changed function (whole issues loaded
    and built by other modules' tests) for each of thousands of mutants, and a module's own tests are the
    ones that should notice it break."""
    from tests.support import REPO

    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if "__mutmut_" not in mutant:
        return
    mirrored = mirrored_tests(mutant.partition("__mutmut_")[0].rpartition(".")[0])
    kept = [item for item in items if item.path == REPO / mirrored]
    config.hook.pytest_deselected(items=[item for item in items if item.path != REPO / mirrored])
    items[:] = sorted(kept, key=lambda item: item.location[1] or 0)  # in the file's order, not mutmut's set's


def mirrored_tests(module: str) -> Path:
    """The test module of a dotted module name, relative to the repository: paperpress.load.markdown ->
    tests/load/test_markdown.py, paperpress.load (its __init__) -> tests/load/test_init.py."""
    from tests.support import REPO

    parts = module.split(".")[1:]
    if (REPO / "src" / "paperpress" / Path(*parts) / "__init__.py").exists():
        parts.append("init")
    return Path("tests", *parts[:-1], f"test_{parts[-1]}.py")


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
    from tests.checkers import chromium_driver

    driver = chromium_driver()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def built_minimal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal publication with issue 7's text edition and EPUB built, once for the session (for `send`)."""
    import subprocess
    import sys

    from tests.support import FIXTURES, REPO, copy_publication

    pub = copy_publication(FIXTURES / "minimal", tmp_path_factory.mktemp("built") / "pub")
    done = subprocess.run([sys.executable, "-m", "paperpress", "build", "7", "-f", "txt", "-f", "epub", "--root", str(pub)],
                          cwd=REPO, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return pub


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[Any]:
    """A real SMTP server on 127.0.0.1 in a process of its own (tests/smtp_server.py)."""
    from tests.smtp_server import Running

    server = Running(tmp_path / "received")
    yield server
    server.stop()


@pytest.fixture
def mail_pub(built_minimal: Path, tmp_path: Path, smtp: Any) -> Path:
    """A copy of the built publication that sends to `smtp`, with an empty subscribers.csv to fill."""
    import shutil

    from tests.smtp_server import mail_settings

    copy = tmp_path / "pub"
    shutil.copytree(built_minimal, copy, ignore=shutil.ignore_patterns(".paperpress-cache"))
    config = copy / "paperpress.yaml"
    config.write_text(config.read_text() + mail_settings(smtp.port))
    (copy / "subscribers.csv").write_text("email,name,receives\n")
    return copy
