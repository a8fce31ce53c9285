"""The package's public face: its version is the one the project is released under."""

from __future__ import annotations

import importlib.metadata
import tomllib

import paperpress
from tests.support import REPO


def test_the_version_is_the_one_in_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert paperpress.__version__ == project["version"]


def test_the_version_matches_the_installed_distribution() -> None:
    assert paperpress.__version__ == importlib.metadata.version("paperpress")


def test_the_public_names_are_the_error_values() -> None:
    from paperpress.errors import Loaded, PaperpressError, Problem, Severity, UsageError

    assert (paperpress.Loaded, paperpress.PaperpressError, paperpress.Problem, paperpress.Severity, paperpress.UsageError) == (
        Loaded, PaperpressError, Problem, Severity, UsageError,
    )
