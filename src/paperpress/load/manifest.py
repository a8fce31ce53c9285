"""An issue manifest (issues/issue-NNNN.yaml) to its declared sections and the article files they list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..characters import clean_file_text
from ..config import positive
from ..errors import Problem
from ..names import padded, padding, stem_number
from ..paths import relative, resolve_inside
from .schema import validate, validate_field
from .yamlfile import YamlDoc, parse_yaml

MAX_MANIFEST_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class SectionEntry:
    title: str = field(metadata={"doc": "the section's name, e.g. News", "min": 1, "max": 120})
    articles: tuple[str, ...] = field(metadata={"doc": "article files, relative to the manifest", "min": 1})


@dataclass(frozen=True, slots=True)
class Manifest:
    number: int = field(metadata={"doc": "the issue number", "check": positive})
    date: dt.date = field(metadata={"doc": "publication date as YYYY-MM-DD"})
    sections: tuple[SectionEntry, ...] = field(metadata={"doc": "the sections, in reading order", "min": 1})
    title: str | None = field(default=None, metadata={"max": 300})
    cover: str | None = None


@dataclass(frozen=True, slots=True)
class ManifestRead:
    """A checked manifest, or (when it has problems) whatever sections could still be read from it."""

    manifest: Manifest | None
    sections: tuple[SectionEntry, ...]
    doc: YamlDoc


def read_manifest(root: Path, path: Path, problems: list[Problem]) -> ManifestRead | None:
    """Parses and checks the manifest's shape; files it names are checked by the caller.

    When some field is wrong but the sections are readable, they are returned too, so one run can also
    report every problem in the articles.
    """
    file = relative(root, path)
    real, message, hint = resolve_inside(root, root, file.as_posix())
    if real is None:
        problems.append(Problem(file, None, None, message or "cannot read this file", hint))
        return None
    if real.stat().st_size > MAX_MANIFEST_BYTES:
        problems.append(Problem(file, None, None, "the manifest is over 256 KB", "a manifest lists files; keep it short"))
        return None
    try:
        text = real.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        problems.append(Problem(file, None, None, "not UTF-8 text", "save the file as UTF-8"))
        return None
    doc, yaml_problems = parse_yaml(clean_file_text(text, file, problems), file)
    problems.extend(yaml_problems)
    if doc is None:
        return None
    manifest = validate(Manifest, doc, file, problems, "manifest")
    if manifest is None:
        sections = validate_field(Manifest, "sections", doc, file, [])
        return ManifestRead(None, sections or (), doc)
    named = stem_number(path.stem)
    if named != manifest.number:
        expected = padded(manifest.number, padding(path.stem))
        problems.append(
            Problem(
                file,
                doc.line("number"),
                "number",
                f"the manifest says issue {manifest.number} but the file is named {path.name}",
                f"rename the file to {expected}.yaml or correct the number",
            )
        )
        return ManifestRead(None, manifest.sections, doc)
    return ManifestRead(manifest, manifest.sections, doc)
