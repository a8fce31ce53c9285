"""Atomic, contained writes under the output folder; knows bytes and paths, nothing of the model.

Every file is written to a temporary file in the same folder, flushed to disk and renamed into place, so
a reader downloading from dist/ sees the old complete file or the new complete one, never a part.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path

TEMP_PREFIX = ".paperpress-"
TEMP_SUFFIX = ".tmp"


class OutsideOutput(ValueError):
    """An output path that would land outside the output folder, or pass through a link or a file there."""

    def __init__(self, path: Path, reason: str, hint: str) -> None:
        super().__init__(f"{path} {reason}")
        self.path = path
        self.reason = reason
        self.hint = hint


def contained(out: Path, *parts: str) -> Path:
    """`out/parts…`, refusing a result outside `out`, and any symbolic link or file on the way below it.

    A link in the output folder (dist/issue-7 pointing elsewhere) would carry the writes with it, so
    paperpress writes only through real folders it could have made itself.
    """
    return _contained(out, os.fspath(out.resolve()), parts, set())


def contained_all(out: Path, files: Iterable[str]) -> list[Path]:
    """`contained(out, *file.split("/"))` for each of `files`, each folder on their way checked once."""
    top, folders = os.fspath(out.resolve()), set[str]()
    return [_contained(out, top, tuple(file.split("/")), folders) for file in files]


def _contained(out: Path, top: str, parts: tuple[str, ...], folders: set[str]) -> Path:
    """`contained`, with `top` as `out` resolved, skipping the folders in `folders` (found real) and adding to it.

    Once no step below `out` is a link, resolving the path is only collapsing its `..`: done on the string.
    """
    base = os.fspath(out)
    for depth in range(1, len(parts) + 1):
        step = os.path.join(base, *parts[:depth])
        last = depth == len(parts)
        if not last and step in folders:
            continue
        try:
            mode: int | None = os.lstat(step).st_mode
        except OSError:
            mode = None  # not there (yet): it will be made as a folder or written as the file
        if mode is not None and stat.S_ISLNK(mode):
            name = os.path.basename(step)
            raise OutsideOutput(Path(step), "is a symbolic link", f"remove the link ({name}); paperpress makes the folder itself")
        if not last:
            if mode is not None and not stat.S_ISDIR(mode):
                name = os.path.basename(step)
                raise OutsideOutput(Path(step), "is a file, not a folder", f"move or delete the file {name}; paperpress makes the folder itself")
            folders.add(step)
    target = os.path.normpath(os.path.join(top, *parts))
    if target != top and not target.startswith(top.rstrip(os.sep) + os.sep):
        raise OutsideOutput(Path(target), f"is outside {out}", "choose output names inside the output folder")
    return Path(target)


def write_atomic(path: Path, data: bytes) -> None:
    """Writes `data` to `path` so that no reader ever sees a partial file."""
    write_all_atomic({path: data})


def write_all_atomic(files: Mapping[Path, bytes]) -> None:
    """Writes several files, all or none: every temporary file is complete before the first rename.

    A full disk or a file-size limit strikes while the temporary files are written, so it leaves every
    old file in place; only the renames, which need no space, remain after that. A file that already holds
    its bytes is left alone (a rebuild with warm caches rewrites no photo), so mirrors see no false change.
    Many files are written by a few threads at once, as each waits for the disk to say its bytes are down
    (`fsync`): the web edition's 1,229 files of 160 articles took 0.2-0.4 s so, and 0.5-0.7 s one by one.
    """
    files = {path: data for path, data in files.items() if not _holds(path, data)}
    temps = {path: path.parent / f"{TEMP_PREFIX}{path.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}" for path in files}
    try:
        for folder in {path.parent for path in files}:
            folder.mkdir(parents=True, exist_ok=True)
        if len(files) > 1:
            with ThreadPoolExecutor(max_workers=_WRITERS) as pool:
                for _ in pool.map(lambda path: _write_temp(temps[path], files[path]), files):
                    pass
        else:
            for path, data in files.items():
                _write_temp(temps[path], data)
        for path, temp in temps.items():
            os.replace(temp, path)
    except BaseException:
        for temp in temps.values():
            with suppress(OSError):  # never made, or its folder never was: the error to tell is the first one
                temp.unlink()
        raise
    for folder in {path.parent for path in files}:
        _sync_folder(folder)


#: How many files are written at once.
_WRITERS = 8


def _write_temp(temp: Path, data: bytes) -> None:
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temp, 0o644)


def _sync_folder(folder: Path) -> None:
    """Makes the rename itself durable (the folder entry), where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Writes atomically only when the content differs, so mirrors and caches see no false change."""
    if _holds(path, data):
        return False
    write_atomic(path, data)
    return True


def _holds(path: Path, data: bytes) -> bool:
    """Whether the regular file at `path` holds exactly `data`, readable by all as written (read only when the
    size is the same)."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or stat.S_IMODE(st.st_mode) != 0o644 or st.st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


@contextmanager
def locked(out: Path, on_wait: Callable[[], None]) -> Iterator[None]:
    """Holds the build lock for `out`: a second build writing there waits here until the first ends.

    The lock is taken on the folder that holds `out` (for dist/, the publication), opened as a directory,
    so taking it writes nothing: a build that fails writes no file at all, not even a lock file. Builds
    into sibling output folders therefore also take turns. `on_wait` is told before waiting starts. The
    kernel releases the lock when its holder dies, even by `kill -9`.
    """
    folder = out.absolute().parent
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def remove_stale_temps(out: Path) -> int:
    """Deletes temporary files a killed build left behind; returns how many.

    Walked with `os.scandir`, names only (no stat of each file), for every build runs it over the whole
    archive: a thousand issues are some 4,000 folders.
    """
    count = 0
    folders = [os.fspath(out)] if out.is_dir() else []
    while folders:
        try:
            with os.scandir(folders.pop()) as found:
                for entry in found:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    elif entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(TEMP_SUFFIX):
                        with suppress(FileNotFoundError):
                            os.unlink(entry.path)
                            count += 1
        except FileNotFoundError:  # a folder removed while we walked
            continue
    return count
