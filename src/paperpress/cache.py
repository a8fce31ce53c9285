"""The publication's cache folder: work kept between runs under a key that changes whenever the result could.

Each entry is one file named by the hash of everything its content depends on, so a stale entry is never
read, only left behind; deleting the folder is always safe. Entries are written whole or not at all, and a
folder that cannot be written (a read-only checkout) only means doing the work again next time. What loading
an issue learns, and what rendering it makes, is kept only once a build has written that issue's editions
(`Learnt`, `Caches`): a check, or a build that fails, writes nothing.
Standard library only, so that the loader, the layouts and the editions can all use it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

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


#: What a build holds in memory of what its editions made, at most: photo variants every page of an issue
#: shows, and every issue of an archive run may show again.
MEMORY_BYTES = 64 * 1024 * 1024


class Caches:
    """The caches of one build session, handed to its editions through their BuildInfo.

    On disk, results kept between runs in the publication's cache folder: read at once, but a result made
    while an issue renders waits (`pending`) until the build has written that issue (`commit`); a failed
    issue's are dropped (`discard`). In memory, results the session may ask for again, the least recently
    used dropped beyond `memory_bytes` (`remembered`), and what is made once per issue though several
    editions ask for it (`per_issue`). Nothing here outlives the session: no module keeps a cache of its own.
    """

    def __init__(self, root: Path | None, memory_bytes: int = MEMORY_BYTES) -> None:
        self.root = root
        self.memory_bytes = memory_bytes
        self._pending = Learnt()  # made for the issue under way, kept as the loader's findings are
        self._held: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._per_issue: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._making = threading.Lock()

    def __reduce__(self) -> tuple[Any, ...]:
        """Travels to another process (a Dask worker) as a fresh session over the same folder."""
        return Caches, (self.root, self.memory_bytes)

    def cached(self, kind: str, key: str, make: Callable[[], bytes]) -> bytes:
        """The disk entry `key` of `kind` (or one made in this session and not yet kept), else `make()`'s bytes,
        kept once the issue is written; without a root, always `make()`'s."""
        if self.root is None:
            return make()
        folder = cache_folder(self.root, kind)
        with self._lock:
            waiting = self._pending.entries.get((folder, key))
        if waiting is not None:
            return waiting
        found = read_entry(folder, key)
        if found is not None:
            return found
        data = make()
        with self._lock:
            self._pending.add(folder, key, data)
        return data

    def remembered(self, key: str, make: Callable[[], bytes]) -> bytes:
        """`make()`'s bytes, made once while they stay among the most recently used; safe across threads."""
        with self._lock:
            if key in self._held:
                self._held.move_to_end(key)
                return self._held[key]
        data = make()
        with self._lock:
            if key not in self._held:
                self._held[key] = data
                self._size += len(data)
            while self._size > self.memory_bytes and len(self._held) > 1:
                _, dropped = self._held.popitem(last=False)
                self._size -= len(dropped)
        return data

    def per_issue(self, issue: Any, name: str, make: Callable[[], T]) -> T:
        """`make()`'s result for `issue`, made once however many editions ask, from several threads at once
        (the later wait); held only while the issue is alive."""
        with self._making:
            made = self._per_issue.setdefault(issue, {})
            if name not in made:
                made[name] = make()
            return made[name]  # type: ignore[no-any-return]

    def commit(self) -> None:
        """Keeps what was made: the issue it was made for is written."""
        with self._lock:
            entries, self._pending = self._pending, Learnt()
        entries.keep()

    def discard(self) -> None:
        """Forgets what was made for an issue that was not written."""
        with self._lock:
            self._pending = Learnt()
