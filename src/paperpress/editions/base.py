"""The Edition protocol every format implements, the BuildInfo they all receive, and the registry by name.

An edition is a pure function of (Issue, Layouts, BuildInfo) → bytes: it reads the clock and the
environment only through BuildInfo, never writes files, and never changes the model. Edition modules are
imported only when their format is built, so a text build never pays for WeasyPrint.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from ..config import Config
from ..model import Issue
from ..templates import Layouts

#: The registry. Edition name → "module:Class". The name is the edition's one name everywhere: the
#: `--format` value, the file suffix, the key in state files ("txt", not "text"). Order is the default
#: build order (fast editions first).
EDITIONS: dict[str, str] = {
    "txt": "paperpress.editions.text:TextEdition",
    "epub": "paperpress.editions.epub.edition:EpubEdition",
    "web": "paperpress.editions.web.edition:WebEdition",
    "pdf": "paperpress.editions.pdf.edition:PdfEdition",
    "audio": "paperpress.editions.audio.edition:AudioEdition",
}
#: Edition name → the layouts folder its templates live in, which no other edition reads: a change there
#: rebuilds that edition alone (output/state.py).
EDITION_LAYOUTS: dict[str, str] = {"txt": "text", "epub": "epub", "pdf": "pdf", "web": "web"}
#: Editions that read no layouts at all (audio is spoken from the model): no template change rebuilds them.
WITHOUT_LAYOUTS = frozenset({"audio"})


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


#: One file an edition makes: its name inside the issue's output folder, media type and bytes.
Output = tuple[str, str, bytes]


def render_outputs(made: Edition, issue: Issue, layouts: Layouts, info: BuildInfo) -> list[Output]:
    """The files an edition makes, its main one first: one for most, several for audio (a file per article).

    An edition that makes several defines `render_files`; the others' one file is named for the issue.
    """
    return composed(made, issue, layouts, info)()


def composed(made: Edition, issue: Issue, layouts: Layouts, info: BuildInfo) -> Callable[[], list[Output]]:
    """`render_outputs` to be called later, holding the issue only if the edition needs it to the end.

    An edition whose last step is long and needs only part of the issue says so with `compose`, which does
    the rest now and returns that step (the PDF's layout: pdf.py says what it keeps). Then whoever drops the
    issue before calling frees what the step does not hold, as the PDF's own process does (run/sidecar.py).
    """
    several = getattr(made, "render_files", None)
    if several is not None:
        return lambda: list(several(issue, layouts, info))
    name, media_type = issue.name + made.suffix, made.media_type
    compose = getattr(made, "compose", None)
    step = compose(issue, layouts, info) if compose is not None else functools.partial(made.render, issue, layouts, info)
    return lambda: [(name, media_type, step())]


def edition(name: str, registry: Mapping[str, str] = EDITIONS) -> Edition:
    """Imports and instantiates the edition registered as `name` (in EDITIONS, or the registry a build was given)."""
    return edition_class(name, registry)()  # type: ignore[no-any-return]


def heavy_editions(names: Iterable[str], registry: Mapping[str, str] = EDITIONS) -> list[str]:
    """Those of `names` the registry knows whose class says `heavy = True`: they take far longer than the
    others (the PDF's layout), so on two cores they are worth a process of their own (run/sidecar.py)."""
    return [name for name in names if name in registry and getattr(edition_class(name, registry), "heavy", False)]


def edition_class(name: str, registry: Mapping[str, str] = EDITIONS) -> Any:
    """The class registered as `name`, imported (its module stays cheap to import: see the module's text)."""
    module, _, cls = registry[name].partition(":")
    return getattr(importlib.import_module(module), cls)


def build_timestamp(issue_date: dt.date, source_date: dt.datetime | None) -> dt.datetime:
    """The one timestamp an edition may print: reproducible, never the wall clock."""
    return source_date or dt.datetime.combine(issue_date, dt.time(12, 0), tzinfo=dt.UTC)
