"""The choices one build is made with, checked once where they enter (the command line, the environment).

Everything past this module receives a `BuildOptions` and trusts it: no other place reads
SOURCE_DATE_EPOCH or checks a PDF profile name given on the command line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .config import TIME_LIMIT, PdfOptions
from .errors import UsageError

#: The PDF profiles a build may ask for, as paperpress.yaml declares them.
PDF_PROFILES: tuple[str, ...] = PdfOptions.__dataclass_fields__["profile"].metadata["choices"]
#: The latest SOURCE_DATE_EPOCH a date can hold: the last second of the year 9999.
_LATEST_EPOCH = 253_402_300_799


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """How to build: which editions, with which per-build choices; small, hashable and picklable."""

    formats: tuple[str, ...] = ()
    pdf_profile: str | None = None  # None: the profile paperpress.yaml sets
    strict: bool = False  # warnings stop an issue as errors do
    time_limit: float = TIME_LIMIT  # seconds one issue may take to load and render; 0: no limit
    source_date: dt.datetime | None = None  # SOURCE_DATE_EPOCH (UTC); None: noon on each issue's date

    @property
    def edition_options(self) -> dict[str, str]:
        """The per-build choices an edition reads (BuildInfo.options), only those given."""
        return {"pdf_profile": self.pdf_profile} if self.pdf_profile is not None else {}

    @property
    def source_date_epoch(self) -> str:
        """SOURCE_DATE_EPOCH as whole seconds, "" when unset: the form the fingerprints record."""
        return str(int(self.source_date.timestamp())) if self.source_date is not None else ""


def build_options(
    formats: Sequence[str] | None,
    known: Sequence[str],
    *,
    default: Sequence[str] | None = None,
    pdf_profile: str | None = None,
    strict: bool = False,
    time_limit: float = TIME_LIMIT,
    environ: Mapping[str, str] | None = None,
) -> BuildOptions:
    """The options as typed (`-f txt,epub`, `--pdf-profile`) and SOURCE_DATE_EPOCH; a UsageError if one is wrong.

    Without `-f`, the editions are `default` (paperpress.yaml's `editions`), or every known one.
    """
    return BuildOptions(
        formats=chosen_formats(formats, known, default),
        pdf_profile=_pdf_profile(pdf_profile),
        strict=strict,
        time_limit=time_limit,
        source_date=source_date((environ or {}).get("SOURCE_DATE_EPOCH")),
    )


def chosen_formats(
    requested: Sequence[str] | None, known: Sequence[str], default: Sequence[str] | None = None
) -> tuple[str, ...]:
    """`-f txt -f epub,pdf` as the editions' names, in the order given; `default` (or every edition) when none is."""
    if not requested:
        return tuple(default if default is not None else known)
    chosen: list[str] = []
    for name in requested:
        for part in name.split(","):
            part = part.strip().lower()
            if part not in known:
                raise UsageError(f"unknown format '{part}'", "choose from " + ", ".join(known))
            if part not in chosen:
                chosen.append(part)
    return tuple(chosen)


def _pdf_profile(name: str | None) -> str | None:
    if name is not None and name not in PDF_PROFILES:
        raise UsageError(f"unknown PDF profile '{name}'", "choose from " + ", ".join(PDF_PROFILES))
    return name


def source_date(source_date_epoch: str | None) -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a UTC time, None when unset or empty; a UsageError when it is not one.

    The reproducible-builds rule: whole seconds since 1970, and a malformed value stops the build.
    """
    text = (source_date_epoch or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > _LATEST_EPOCH:
        raise UsageError(
            f"SOURCE_DATE_EPOCH is '{text[:40]}', not a time",
            f"give whole seconds since 1970 up to {_LATEST_EPOCH} (the year 9999), e.g. 1767225600, or unset it",
        )
    return dt.datetime.fromtimestamp(int(text), tz=dt.UTC)
