"""The publication's cache folder: work kept between runs under a key that changes whenever the result could.

Each entry is one file named by the hash of everything its content depends on, so a stale entry is never
read, only left behind; deleting the folder is always safe. Entries are written whole or not at all, and a
folder that cannot be written (a read-only checkout) only means doing the work again next time. What loading
an issue learns is kept only once a build has written that issue's editions (`Learnt`): a check, or a build
that fails, writes nothing.
Standard library only, so that the loader, the layouts and the editions can all use it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: Beside the publication's `paperpress.yaml`.
CACHE_FOLDER = ".paperpress-cache"


def cache_folder(root: Path, kind: str) -> Path:
    """Where one kind of entry lives: `.paperpress-cache/<kind>/`."""
    return root / CACHE_FOLDER / kind


def key_of(*parts: str | bytes) -> str:
    """One hex key from the parts a cached result depends on (kept apart, so no two lists give the same key)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def read_entry(folder: Path, key: str) -> bytes | None:
    """The entry's bytes, or None when there is none (or it cannot be read)."""
    try:
        return (folder / key).read_bytes()
    except OSError:
        return None


def cached(folder: Path | None, key: str, make: Callable[[], bytes]) -> bytes:
    """The entry `key`, or `make()`'s bytes, kept as that entry; with `folder` None, always `make()`'s."""
    if folder is not None:
        found = read_entry(folder, key)
        if found is not None:
            return found
    data = make()
    if folder is not None:
        keep_entry(folder, key, data)
    return data


def has_entry(folder: Path, key: str) -> bool:
    return (folder / key).is_file()


def keep_entry(folder: Path, key: str, data: bytes = b"") -> None:
    """Saves an entry whole or not at all; one that cannot be saved only costs time later."""
    temp = folder / f".{key}.{secrets.token_hex(6)}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        os.replace(temp, folder / key)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()


@dataclass
class Learnt:
    """Entries found while an issue was loaded, waiting for its build to succeed before they are kept."""

    entries: dict[tuple[Path, str], bytes] = field(default_factory=dict)

    def add(self, folder: Path, key: str, data: bytes = b"") -> None:
        self.entries[(folder, key)] = data

    def keep(self) -> None:
        for (folder, key), data in self.entries.items():
            keep_entry(folder, key, data)
        self.entries.clear()
