"""The Edition every format is: each hook declared once, with its default; the BuildInfo they all receive.

An edition is a pure function of (Issue, Layouts, BuildInfo) → its files, the main one first: it reads the
clock and the environment only through BuildInfo, never writes files, and never changes the model. What the
rest of paperpress knows of an edition without importing it is its description in registry.py; its class is
imported only when it is built.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

from ..cache import Caches
from ..config import Config
from ..errors import Problem
from ..model import Issue
from ..registry import EDITIONS, EditionSpec
from ..templates import Layouts
from .output import Output


class Length(NamedTuple):
    """How big another edition's main file is and how long it plays, for a page that lists it."""

    size: int  # bytes
    seconds: int  # 0: it does not play


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """Everything outside the issue that an edition may depend on, fixed before rendering starts."""

    timestamp: dt.datetime  # UTC; from SOURCE_DATE_EPOCH, else noon on the issue's date
    config: Config
    versions: Mapping[str, str] = field(default_factory=dict)  # paperpress and rendering libraries
    options: Mapping[str, str] = field(default_factory=dict)  # per-build choices, e.g. {"pdf_profile": "print"}
    #: The editions it follows (EditionSpec.follows), as made in this build before it or found from an earlier one.
    lengths: Mapping[str, Length] = field(default_factory=dict)
    #: The build session's caches: what an edition may keep or find again, never what its bytes depend on.
    caches: Caches = field(default_factory=lambda: Caches(None), compare=False, repr=False)


class Edition:
    """One edition: `spec` says what it is; `render` makes its files. Every other hook has a default here.

    Subclasses hold only what is their format's own; what two editions show alike comes from the issue
    frame (frame.py) and the shared layouts.
    """

    #: Its description, as the registry lists it.
    spec: ClassVar[EditionSpec]

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> list[Output]:
        """Every file of the edition, the main one (`spec.main`) first."""
        raise NotImplementedError

    def compose(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> Callable[[], list[Output]]:
        """`render`, in two steps: what needs the issue now, and a step that makes the files later.

        The default keeps the issue until the step runs. An edition whose last step is long and needs only part
        of the issue (the PDF's layout) does the rest here, so that the step holds only what it needs. A heavy
        edition's step is run by another process (run/sidecar.py): it must pickle, and what the edition keeps
        in `info.caches` is made here, in the build's own process.
        """
        return functools.partial(self.render, issue, layouts, info)

    def warnings(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> list[Problem]:
        """What the editor should know before this edition of `issue` is made (a photo too coarse for the
        press), each with its file and line: asked when the issue is checked, so `--strict` can refuse it."""
        return []

    def main(self, issue: Issue, data: bytes) -> Output:
        """The edition's main file of `issue`, holding `data`."""
        return Output(self.spec.main_file(issue.name), self.spec.media_type, data)


def edition(name: str, registry: Mapping[str, EditionSpec] = EDITIONS) -> Edition:
    """Imports and instantiates the edition registered as `name` (in EDITIONS, or the registry a build was given)."""
    module, _, cls = registry[name].edition.partition(":")
    made = getattr(importlib.import_module(module), cls)()
    if not isinstance(made, Edition):
        raise TypeError(f"{registry[name].edition} is not an Edition")
    return made


def build_timestamp(issue_date: dt.date, source_date: dt.datetime | None) -> dt.datetime:
    """The one timestamp an edition may print: reproducible, never the wall clock."""
    return source_date or dt.datetime.combine(issue_date, dt.time(12, 0), tzinfo=dt.UTC)
