"""The one place that chains load → render → write, for one issue or many.

Every edition of an issue is rendered before any is written, so a failure leaves the previous editions
exactly as they were.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from . import __version__
from .config import Config
from .errors import PaperpressError, Problem, Severity, errors_in
from .layouts import Layouts
from .load import issue_path, load_config, load_issue
from .model import Issue
from .render import EDITIONS, BuildInfo, build_timestamp, edition
from .write import contained, remove_stale_temps, write_atomic


@dataclass(frozen=True, slots=True)
class Publication:
    """A loaded publication folder: its root, checked configuration and layouts."""

    root: Path
    config: Config
    layouts: Layouts


@dataclass(frozen=True, slots=True)
class IssueResult:
    name: str
    written: tuple[Path, ...] = ()
    problems: tuple[Problem, ...] = field(default=())

    @property
    def failed(self) -> bool:
        return bool(errors_in(self.problems))


def open_publication(root: Path) -> Publication:
    """Loads paperpress.yaml; raises PaperpressError with every problem in it."""
    loaded = load_config(root)
    if loaded.value is None or errors_in(loaded.problems):
        raise PaperpressError(loaded.problems, "paperpress.yaml has problems; nothing was written.")
    return Publication(root, loaded.value, Layouts.for_publication(root))


def check_issue(pub: Publication, name: str) -> tuple[Issue | None, tuple[Problem, ...]]:
    loaded = load_issue(pub.root, pub.config, issue_path(pub.root, name))
    return loaded.value, loaded.problems


def build_info(pub: Publication, issue: Issue, options: Mapping[str, str], environ: Mapping[str, str]) -> BuildInfo:
    return BuildInfo(
        timestamp=build_timestamp(issue.date, environ.get("SOURCE_DATE_EPOCH")),
        config=pub.config,
        versions={"paperpress": __version__},
        options=dict(options),
    )


def render_issue(pub: Publication, issue: Issue, formats: Sequence[str], info: BuildInfo) -> dict[str, bytes]:
    """format → bytes for every requested edition; raises PaperpressError if any edition fails."""
    return {name: edition(name).render(issue, pub.layouts, info) for name in formats}


def build_issue(
    pub: Publication,
    name: str,
    formats: Sequence[str],
    out: Path,
    options: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
    strict: bool = False,
) -> IssueResult:
    """Loads, renders and writes one issue; every problem comes back in the result, never half a build.

    With `strict`, warnings stop the build before anything is written, as errors do.
    """
    issue, problems = check_issue(pub, name)
    if strict:
        problems = tuple(dataclasses.replace(p, severity=Severity.ERROR) for p in problems)
    if issue is None or errors_in(problems):
        return IssueResult(issue_path(pub.root, name).stem, (), problems)
    info = build_info(pub, issue, options or {}, os.environ if environ is None else environ)
    try:
        outputs = render_issue(pub, issue, formats, info)
    except PaperpressError as err:
        return IssueResult(issue.name, (), problems + err.problems)
    remove_stale_temps(out / issue.name)
    written = []
    for fmt, data in outputs.items():
        target = contained(out, issue.name, issue.name + edition(fmt).suffix)
        write_atomic(target, data)
        written.append(target)
    return IssueResult(issue.name, tuple(written), problems)


def known_formats() -> list[str]:
    return list(EDITIONS)
