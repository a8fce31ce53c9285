"""What each edition was made from, kept beside it in dist/, so an unchanged edition is never built twice.

Knows files, hashes and JSON, not the model or the editions: build.py says which files an issue read and
what it wrote, and this module records it, the state file last.
Deciding that an issue is unchanged costs one small JSON read and a `stat` per input file; a file is
hashed again only when its size or times moved, so a no-op run over hundreds of issues stays instant.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import __version__
from .write import write_atomic

STATE_NAME = ".paperpress-state.json"
STATE_FORMAT = 1
#: What an issue's build writes besides its editions: drawn with Pillow from the issue, no layouts used.
ART = ("cover", "thumbnail")
#: The layout folder the catalog owns: no edition reads it, so a change there rebuilds no edition.
CATALOG_LAYOUTS = "catalog"
#: Rendering libraries whose upgrade can change an edition's bytes.
LIBRARIES = (
    "jinja2", "markdown-it-py", "mdit-py-plugins", "weasyprint", "pydyf", "pillow", "pyphen",
    "fonttools", "font-source-serif-pro", "font-source-sans-pro", "lameenc", "mutagen", "num2words", "piper-tts",
)
#: A file whose inode changed this close to (or after) the moment loading began may have been read in
#: either version; it is recorded as unknown so that the next run builds again. Kernel file times come from
#: a coarse clock that may lag the precise one by a scheduler tick.
RACY_NS = 10_000_000
#: Stat data younger than this is not trusted on its own later: the next check hashes the file again.
SETTLE_NS = 1_000_000_000
#: paperpress's code, every edition's included: a change to any of it can change what an edition makes.
_PACKAGE = Path(__file__).parent.parent


@dataclass(frozen=True, slots=True)
class FileRecord:
    """An input file as it was when read: enough `stat` to notice a change, and its content hash."""

    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int
    sha256: str | None  # None: it changed while the issue was being built, so nothing vouches for it


@dataclass(frozen=True, slots=True)
class OutputRecord:
    """One file written for an issue (an edition, its cover or thumbnail) and what it was made from."""

    file: str  # name inside dist/issue-N/
    media_type: str
    size: int
    sha256: str
    mtime_ns: int
    fingerprint: str  # settings, layouts, fonts, code and library versions for this kind of output
    inputs: str  # digest of the issue's own files when it was made
    #: How long a spoken output lasts, measured from its bytes when written, so the catalog never opens the
    #: file for it; None for what is not spoken, and for records older than the measure.
    seconds: int | None = None


@dataclass(frozen=True, slots=True)
class Checked:
    """An issue's state as one run read it, and the kinds whose files it found as recorded (size and mtime).

    Planning checks the files of every issue it skips; the catalog, written later in the same run under the
    same lock, takes those answers instead of reading the state and stating every page and photo again.
    """

    state: IssueState
    current: frozenset[str]


@dataclass(frozen=True, slots=True)
class IssueState:
    """dist/issue-N/.paperpress-state.json: written after the files it describes, never before."""

    name: str
    number: int
    date: str
    catalog: Mapping[str, Any]  # what the catalog shows without loading the issue again
    inputs: Mapping[str, FileRecord]  # path relative to the root → record, from the latest build
    outputs: Mapping[str, OutputRecord]  # "txt", "epub", "pdf", "audio" and its companions, "cover", "thumbnail"
    warnings: tuple[str, ...] = field(default=())


def companion(edition: str, file: str) -> str:
    """The output kind of a further file an edition makes ("audio/audio/issue-7-01-vote.mp3"), recorded on its own."""
    return f"{edition}/{file}"


def edition_of(kind: str) -> str:
    """The edition an output kind belongs to: itself, or the edition a companion file came with."""
    return kind.split("/", 1)[0]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def record_file(path: Path, loading_began_ns: int, data: bytes | None = None) -> FileRecord:
    """Stats then hashes `path` (or the `data` read from it); unknown if it moved once loading began."""
    st = os.stat(path)
    racy = max(st.st_ctime_ns, st.st_mtime_ns) >= loading_began_ns - RACY_NS
    sha = None if racy else (hashlib.sha256(data).hexdigest() if data is not None else sha256_file(path))
    return FileRecord(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, sha)


def input_records(root: Path, files: Iterable[tuple[str, bytes | None]], loading_began_ns: int) -> dict[str, FileRecord]:
    """Every file an issue was made from (path relative to `root`, and the bytes read when they were kept)."""
    return {rel: record_file(root / rel, loading_began_ns, data) for rel, data in files}


def inputs_digest(records: Mapping[str, FileRecord]) -> str | None:
    """One hash over every input's path and content; None when any content is unknown."""
    h = hashlib.sha256()
    for path in sorted(records):
        sha = records[path].sha256
        if sha is None:
            return None
        h.update(f"{path}\0{sha}\n".encode())
    return h.hexdigest()


def current_inputs(root: Path, recorded: Mapping[str, FileRecord]) -> tuple[dict[str, FileRecord], bool] | None:
    """The recorded inputs as they are now (rehashing only files whose stat moved); None if one is gone.

    The flag says a record was refreshed (same content, new stat), so the state is worth saving.
    """
    now: dict[str, FileRecord] = {}
    refreshed = False
    settled = time.time_ns() - SETTLE_NS
    base = os.fspath(root)  # a string join: a no-op run stats every input of every issue
    for rel, old in recorded.items():
        try:
            st = os.stat(os.path.join(base, rel))
        except OSError:
            return None
        same_stat = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino) == (old.size, old.mtime_ns, old.ctime_ns, old.ino)
        if same_stat and old.sha256 is not None and old.ctime_ns < settled:
            now[rel] = old
            continue
        sha = sha256_file(root / rel) if st.st_size == old.size or old.sha256 is None else "changed"
        record = FileRecord(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, sha)
        if sha == old.sha256 and record != old and st.st_ctime_ns < settled:
            refreshed = True
        now[rel] = record
    return now, refreshed


def settings_digest(root: Path, options: Mapping[str, str], source_date_epoch: str) -> str:
    """Everything outside the issue's own files and the layouts that can change its editions, as one hash."""
    parts = {
        "state": STATE_FORMAT,
        "paperpress": __version__,
        "code": _tree_digest(_PACKAGE, "*.py"),
        "libraries": library_versions(),
        "config": _file_digest(root / "paperpress.yaml"),
        "fonts": _tree_digest(root / "fonts", "*"),
        "options": dict(sorted(options.items())),
        "source_date_epoch": source_date_epoch,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def output_fingerprints(
    settings: str, layout_files: Iterable[tuple[str, Path]], folders: Mapping[str, str | None]
) -> dict[str, str]:
    """kind → fingerprint: the settings plus the layout files that kind of output can read.

    `folders` gives each kind the layouts folder it owns, which nothing else reads (tests/test_build.py checks
    the templates), or None for an output made from no layouts (the cover art, the audio). A kind reads its
    own folder and the shared ones (macros/, partials/, and any no output owns), so a change in a folder
    rebuilds its owner alone.
    """
    hashes = {name: sha256_file(path) for name, path in layout_files}
    owned = {folder for folder in folders.values() if folder} | {CATALOG_LAYOUTS}
    found = {}
    for kind, own in folders.items():
        others = owned - {own}
        used = {} if own is None else {n: h for n, h in hashes.items() if n.split("/")[0] not in others}
        found[kind] = hashlib.sha256(json.dumps([settings, kind, sorted(used.items())]).encode()).hexdigest()
    return found


def library_versions() -> dict[str, str]:
    return dict(_library_versions())


@functools.cache
def _library_versions() -> dict[str, str]:
    """Read once a process: each asks for its package's metadata file, some of which are long (a changelog)."""
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def output_is_current(folder: str | Path, record: OutputRecord, fingerprint: str, inputs: str | None) -> bool:
    """True when the file on disk is the one recorded, made from these settings and these inputs."""
    if inputs is None or record.fingerprint != fingerprint or record.inputs != inputs:
        return False
    try:
        st = os.stat(f"{folder}/{record.file}")  # joined as strings: a no-op run stats every page and photo
    except OSError:
        return False
    return st.st_size == record.size and st.st_mtime_ns == record.mtime_ns


def read_state(folder: Path) -> IssueState | None:
    """The state of dist/issue-N/, or None when there is none or it cannot be trusted (so: build)."""
    try:
        raw = json.loads((folder / STATE_NAME).read_bytes())
        if raw.get("format") != STATE_FORMAT:
            return None
        return IssueState(
            name=raw["name"],
            number=int(raw["number"]),
            date=raw["date"],
            catalog=raw["catalog"],
            inputs={k: FileRecord(**v) for k, v in raw["inputs"].items()},
            outputs={k: OutputRecord(**v) for k, v in raw["outputs"].items()},
            warnings=tuple(raw.get("warnings", ())),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def record_build(
    folder: Path,
    state: IssueState,
    written: Mapping[str, tuple[str, str, bytes]],
    fingerprints: Mapping[str, str],
    rebuilt: Iterable[str] = (),
    seconds: Mapping[str, int] | None = None,
) -> list[OutputRecord]:
    """Saves `state` for the outputs just written to `folder` (kind → file, media type, bytes), with how long
    each spoken one lasts (`seconds`, by kind).

    Kinds not built this time keep their earlier records, except the companions an edition in `rebuilt` no
    longer makes (an article taken out of the issue): those records are dropped and returned, for the caller
    to remove their files. The state is written after the files it describes.
    """
    digest = inputs_digest(state.inputs) or "unknown"
    old = read_state(folder)
    records = dict(old.outputs) if old else {}
    editions = set(rebuilt)
    gone = [records.pop(k) for k in list(records) if k not in written and k not in editions and edition_of(k) in editions]
    for kind, (file, media_type, data) in written.items():
        records[kind] = OutputRecord(
            file, media_type, len(data), hashlib.sha256(data).hexdigest(), (folder / file).stat().st_mtime_ns,
            fingerprints[edition_of(kind)], digest, (seconds or {}).get(kind),
        )
    save_state(folder, dataclasses.replace(state, outputs=records))
    return gone


def save_state(folder: Path, state: IssueState) -> None:
    write_atomic(folder / STATE_NAME, state_bytes(state))


def state_bytes(state: IssueState) -> bytes:
    raw = {"format": STATE_FORMAT, **asdict(state)}
    raw["inputs"] = {k: asdict(v) for k, v in sorted(state.inputs.items())}
    raw["outputs"] = {k: _record(v) for k, v in sorted(state.outputs.items())}
    return (json.dumps(raw, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _record(record: OutputRecord) -> dict[str, Any]:
    """An output's record as saved: a file that is not spoken has no `seconds` to say."""
    raw = asdict(record)
    if raw["seconds"] is None:
        del raw["seconds"]
    return raw


def _file_digest(path: Path) -> str:
    return sha256_file(path) if path.is_file() else "absent"


def _tree_digest(folder: Path, pattern: str) -> str:
    h = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(folder.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(path.relative_to(folder).as_posix().encode() + b"\0" + bytes.fromhex(sha256_file(path)))
    return h.hexdigest()
