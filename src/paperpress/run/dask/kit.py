"""What a Dask worker needs of the publication besides the issues, sent to it once: the kit.

Shared by the client, which makes it (executor.py), and the workers, which lay it out (worker.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ...config import Config
from ...registry import EditionSpec


def named_files(config: Config) -> tuple[str | None, ...]:
    """Files paperpress.yaml names that an edition reads: the PDF's ICC profile, a Piper voice and its settings."""
    model = config.audio.model
    return (config.pdf.output_profile, model, f"{model}.json" if model else None)


@dataclass(frozen=True, slots=True)
class Kit:
    """What a worker needs of the publication besides the issues: paperpress.yaml, layouts, fonts, the ICC profile."""

    name: str  # a digest of the files: one plugin per publication state
    files: Mapping[str, bytes]  # path relative to the root → bytes
    editions: Mapping[str, EditionSpec]  # the build's edition registry


def publication_kit(root: Path, named: Iterable[str | None], editions: Mapping[str, EditionSpec]) -> Kit:
    """The kit of `root`: paperpress.yaml, layouts, fonts and the files it names (`named`)."""
    paths = [root / "paperpress.yaml"]
    for folder in ("layouts", "fonts"):
        if (root / folder).is_dir():
            paths += sorted(p for p in (root / folder).rglob("*") if p.is_file() and ".cache" not in p.parts)
    paths += [root / rel for rel in named if rel and (root / rel).is_file()]
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in paths}
    h = hashlib.sha256(repr(sorted(editions.items())).encode())
    for rel, data in sorted(files.items()):
        h.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    return Kit(f"paperpress-{h.hexdigest()[:16]}", files, dict(editions))
