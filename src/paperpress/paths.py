"""Resolves a path an editor wrote to a real file inside the publication root, or says why it cannot.

Every file paperpress reads goes through here: no absolute paths, no `..` out of the root, no symlink
that leads outside it, no URL, no control character in a name.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from pathlib import Path, PurePosixPath

from .characters import FORBIDDEN

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def relative(root: Path, path: Path) -> PurePosixPath:
    """`path` as the editor sees it: relative to the root, with forward slashes."""
    return PurePosixPath(Path(os.path.relpath(path, root)).as_posix())


def resolve_inside(root: Path, base_dir: Path, written: str) -> tuple[Path | None, str | None, str | None]:
    """Returns (file, None, None) or (None, message, hint); `written` is relative to `base_dir`."""
    if not written.strip():
        return None, "empty path", "write a path relative to this file"
    if FORBIDDEN.search(written):
        return None, f"'{written}' holds a control character", "rename the file to plain letters, digits and dashes"
    if _URL.match(written) and not re.match(r"^[A-Za-z]:[\\/]", written):
        return None, f"'{written}' is a URL; paperpress never fetches from the network", (
            "download the file into the publication and give its relative path"
        )
    if written.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", written):
        return None, f"'{written}' is an absolute path", "give a path relative to this file"
    candidate = _existing_form((base_dir / written).absolute())
    real_root = root.resolve()
    lexical = Path(os.path.normpath(candidate))
    if not _is_within(lexical, real_root) and not _is_within(lexical, root.absolute()):
        return None, f"'{written}' is outside the publication", "keep every file inside the publication folder"
    if not candidate.exists():
        return None, f"no such file '{written}'", _suggest(candidate)
    real = candidate.resolve()
    if not _is_within(real, real_root):
        return None, f"'{written}' leads outside the publication (a symbolic link)", (
            "copy the file into the publication instead of linking to it"
        )
    if not real.is_file():
        return None, f"'{written}' is not a file", None
    return real, None, None


def _existing_form(path: Path) -> Path:
    """`path`, or its other Unicode form where only that exists: macOS writes names decomposed (NFD),
    most editors type them composed (NFC), and both must find `café.jpg`."""
    if path.exists() or path.is_symlink():
        return path
    for form in ("NFC", "NFD"):
        other = Path(unicodedata.normalize(form, str(path)))
        if other.exists() or other.is_symlink():
            return other
    return path


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _suggest(missing: Path) -> str | None:
    folder = missing.parent
    if not folder.is_dir():
        return f"there is no folder '{folder.name}'"
    names = sorted(p.name for p in folder.iterdir())
    close = difflib.get_close_matches(missing.name, names, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
