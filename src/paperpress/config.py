"""The schema and defaults of `paperpress.yaml`, declared as frozen dataclasses.

Each field is an option: its type, its default and a `doc` line that the loader quotes when the option is
missing or wrong. Knows nothing of YAML or files; `load.schema` checks data against these declarations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _language(value: str) -> str | None:
    if _LANG.match(value):
        return None
    return f"'{value}' is not a language tag | use a BCP 47 tag such as en, en-GB, fr, pt-BR"


def positive(value: int) -> str | None:
    """Shared check for issue numbers and other counts."""
    return None if value > 0 else "must be a positive whole number"


@dataclass(frozen=True, slots=True)
class TextOptions:
    """The plain-text edition."""

    width: int = field(default=72, metadata={"doc": "columns to wrap at", "min": 40, "max": 200})


@dataclass(frozen=True, slots=True)
class EpubOptions:
    """The EPUB edition."""

    image_max_edge: int = field(
        default=1600, metadata={"doc": "longest edge of a photo, in pixels", "min": 320, "max": 4096}
    )


@dataclass(frozen=True, slots=True)
class PdfOptions:
    """The PDF print edition."""

    page_size: str = field(default="A4", metadata={"doc": "A4, A3, A5, letter, tabloid, or 'W H' in mm"})
    columns: int = field(default=3, metadata={"doc": "text columns on a page", "min": 1, "max": 6})
    font_size: float = field(default=9.5, metadata={"doc": "body text size in points", "min": 6, "max": 16})
    margin: float = field(default=14.0, metadata={"doc": "page margin in mm", "min": 5, "max": 50})
    profile: str = field(default="screen", metadata={"choices": ("screen", "print", "archive")})
    article_break: str = field(
        default="page",
        metadata={"doc": "start each article on a new page, or let it follow", "choices": ("page", "flow")},
    )
    bleed: float = field(default=3.0, metadata={"doc": "bleed in mm (print profile)", "min": 0, "max": 10})


@dataclass(frozen=True, slots=True)
class Config:
    """`paperpress.yaml`: who publishes, and how each edition is set."""

    title: str = field(metadata={"doc": "the publication's name", "min": 1})
    subtitle: str | None = None
    publisher: str | None = None
    language: str = field(default="en", metadata={"check": _language})
    identifier: str | None = field(
        default=None, metadata={"doc": "a stable id such as urn:uuid:…; every issue's id derives from it"}
    )
    website: str | None = None
    text: TextOptions = TextOptions()
    epub: EpubOptions = EpubOptions()
    pdf: PdfOptions = PdfOptions()

