"""Files an edition made once and can reuse: `<root>/.paperpress-cache/<kind>/<key>`, written whole or not at all.

The web edition's fonts and photos are slow to make and depend only on their inputs, so each is saved under
a digest of those inputs; a later build, or the same photo placed twice, reads the file back instead.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def cached(folder: Path | None, name: str, make: Callable[[], bytes]) -> bytes:
    """The bytes saved as `folder/name`, or `make()`'s, saved there; with `folder` None, always `make()`'s."""
    path = folder / name if folder is not None else None
    if path is not None:
        try:
            return path.read_bytes()
        except OSError:
            pass
    data = make()
    if path is not None:
        keep(path, data)
    return data


def keep(path: Path, data: bytes) -> None:
    """Saves a cache entry whole or not at all; a cache that cannot be written only costs time later."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError:
        pass
