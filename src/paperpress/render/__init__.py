"""The Edition protocol every format implements, the BuildInfo they all receive, and the registry by name.

An edition is a pure function of (Issue, Layouts, BuildInfo) → bytes: it reads the clock and the
environment only through BuildInfo, never writes files, and never changes the model. Edition modules are
imported only when their format is built, so a text build never pays for WeasyPrint.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from ..config import Config
from ..layouts import Layouts
from ..model import Issue

#: format name → "module:Class". Order is the default build order (fast editions first).
EDITIONS: dict[str, str] = {
    "txt": "paperpress.render.text:TextEdition",
    "epub": "paperpress.render.epub:EpubEdition",
    "pdf": "paperpress.render.pdf:PdfEdition",
}


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """Everything outside the issue that an edition may depend on, fixed before rendering starts."""

    timestamp: dt.datetime  # UTC; from SOURCE_DATE_EPOCH, else noon on the issue's date
    config: Config
    versions: Mapping[str, str] = field(default_factory=dict)  # paperpress and rendering libraries
    options: Mapping[str, str] = field(default_factory=dict)  # per-build choices, e.g. {"pdf_profile": "print"}


class Edition(Protocol):
    name: ClassVar[str]  # the --format value
    suffix: ClassVar[str]  # ".epub"
    media_type: ClassVar[str]  # "application/epub+zip"

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> bytes: ...


def edition(name: str, registry: Mapping[str, str] = EDITIONS) -> Edition:
    """Imports and instantiates the edition registered as `name` (in EDITIONS, or the registry a build was given)."""
    module, _, cls = registry[name].partition(":")
    return getattr(importlib.import_module(module), cls)()  # type: ignore[no-any-return]


def build_timestamp(issue_date: dt.date, source_date: dt.datetime | None) -> dt.datetime:
    """The one timestamp an edition may print: reproducible, never the wall clock."""
    return source_date or dt.datetime.combine(issue_date, dt.time(12, 0), tzinfo=dt.UTC)
