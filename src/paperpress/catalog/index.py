"""The distributors' catalog: its pages, the OPDS catalog, the feeds, SHA256SUMS and the search, from the states.

The catalog is built only from the states that builds recorded in dist/issue-N/, never by loading issues
again, so it can be regenerated after every run in milliseconds. It lists what is really on disk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import shutil
from collections.abc import Mapping
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from ..config import Config
from ..editions.frame import iso_timestamp, publication_masthead, size_text
from ..load import publication
from ..names import (
    ARCHIVE_FOLDER,
    ATOM_NAME,
    CATALOG_NAME,
    CATALOG_STAMP,
    FEEDS_FOLDER,
    OPDS_FOLDER,
    OPDS_NAME,
    OUTPUT_FOLDERS,
    PODCAST_NAME,
    SEARCH_INDEX,
    SEARCH_NAME,
    SEARCH_SCRIPT,
    SEARCH_STYLE,
    SITEMAP_NAME,
    SITEMAPS_FOLDER,
    SUMS_NAME,
)
from ..output.state import (
    ART,
    CATALOG_LAYOUTS,
    STATE_NAME,
    Checked,
    IssueState,
    OutputRecord,
    edition_of,
    read_state,
    sha256_file,
)
from ..output.write import write_if_changed
from ..registry import spec_of
from ..templates import Layouts
from .opds import opds_bytes
from .pages import page_bytes, shelves
from .podcast import audio_of, duration_of, write_feed_bytes
from .search import index_search, search_bytes
from .syndication import atom_bytes, sitemap_bytes, web_of

CATALOG_FILES = (CATALOG_NAME, OPDS_NAME, SUMS_NAME, ATOM_NAME)
#: The catalog's files a reader or an app starts from, as a build names them; the others are linked from these.
_MAIN = (*CATALOG_FILES, SEARCH_NAME, PODCAST_NAME, SITEMAP_NAME)
#: Files written only while there is something to show in them.
_OPTIONAL = (SEARCH_NAME, SEARCH_SCRIPT, SEARCH_STYLE, SITEMAP_NAME)
#: The catalog's folders in dist/: whatever a build no longer writes there is removed.
CATALOG_FOLDERS = (ARCHIVE_FOLDER, OPDS_FOLDER, FEEDS_FOLDER, SITEMAPS_FOLDER)
_ACQUISITION = "http://opds-spec.org/acquisition"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: paperpress's own code, of which the catalog's entries and pages are made.
_PACKAGE = Path(__file__).parent.parent
#: The catalog's file names, as its templates link them.
_NAMES = {
    "catalog": CATALOG_NAME, "opds": OPDS_NAME, "atom": ATOM_NAME, "sums": SUMS_NAME, "podcast": PODCAST_NAME,
    "search": SEARCH_NAME, "script": SEARCH_SCRIPT, "style": SEARCH_STYLE,
}


def write_catalog(out: Path, layouts: Layouts, config: Config, checked: Mapping[str, Checked] | None = None) -> list[Path]:
    """Writes the catalog's pages, feeds and sums for every issue in `out` (newest first), and its search index.

    `checked` holds, by folder name, what this run already read and found on disk of issues it did not touch
    (plan.Plan.checked): their states are not read again, nor those files stated again. Only files whose
    bytes changed are written again (write_if_changed), so a new issue rewrites the front page, its year's
    pages and the feeds' newest documents. Returns the paths of the catalog's files: CATALOG_FILES, the
    archive's pages and feeds, podcast.xml once an issue has audio, the sitemaps when a website is set.
    """
    checked = checked or {}
    latest = _latest_states(out, checked)
    # Whether anything changed is decided from the states' and files' stat data, before any entry is made:
    # a no-op build neither assembles 1,000 entries nor renders a page.
    stamp = _fingerprint(latest, checked, layouts, config)
    done = _unchanged(out, stamp)
    if done is not None:
        return done
    entries = []
    for folder, state, _ in latest:
        known = checked.get(os.path.basename(folder))
        entries.append(_entry(folder, state, out, known.current if known is not None else frozenset()))
    entries.sort(key=lambda e: e["number"], reverse=True)
    shown = entries[0]["publication"] if entries else dataclasses.asdict(publication(config))
    updated = max((e["updated"] for e in entries), default=iso_timestamp(_EPOCH))
    found = shelves(entries)
    online = any(e.get("web") for e in entries)
    context = {
        "publication": shown, "updated": updated, "acquisition": _ACQUISITION, "names": _NAMES,
        "masthead": publication_masthead(shown["title"], shown.get("subtitle"), shown.get("website")),
        "podcast": any(e.get("audio") for e in entries), "shelves": found, "search": online,
    }
    files = page_bytes(entries, found, context, layouts)
    files.update(opds_bytes(entries, context, layouts))
    files.update(atom_bytes(entries, shown, updated, layouts, config))
    files[SUMS_NAME] = "".join(
        f"{f['sha256']}  {f['href']}\n"
        for e in entries
        for f in (*e["downloads"], *e["companions"].values(), *e["art"].values(), *e["web_files"])
    ).encode()
    podcast = write_feed_bytes(entries, shown, layouts, config)
    if podcast is not None:
        files[PODCAST_NAME] = podcast
    if online:  # the search finds articles of the web editions, and only there
        files.update(search_bytes(context, layouts))
    pages = [name for name in files if name.endswith(".html")]
    sitemaps = sitemap_bytes(entries, pages, layouts, config)
    if sitemaps is not None:
        files.update(sitemaps)
    for name, data in files.items():
        (out / name).parent.mkdir(exist_ok=True)
        write_if_changed(out / name, data)
    _remove_others(out, files)
    if online:
        index_search(out, entries)
    else:
        shutil.rmtree(out / SEARCH_INDEX, ignore_errors=True)
    write_if_changed(out / CATALOG_STAMP, "\n".join([stamp, *files]).encode())
    return [out / name for name in _MAIN if name in files]


def _fingerprint(
    latest: list[tuple[str, IssueState, os.stat_result]], checked: Mapping[str, Checked], layouts: Layouts, config: Config
) -> str:
    """What the catalog is made from: each state file as it is on disk (a build replaces it whenever it records
    something), each output not as its state recorded it (checked by this run's plan, or stated here), the
    configuration, the catalog's layouts and paperpress's code; all from stat data, nothing read or hashed."""
    digest = hashlib.sha256(repr(config).encode())
    for folder, state, st in sorted(latest, key=lambda found: found[0]):
        name = os.path.basename(folder)
        digest.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode())
        known = checked.get(name)
        current = known.current if known is not None else frozenset()
        for kind, record in state.outputs.items():  # a file as its state recorded it adds nothing
            found = "" if kind in current else _stat(os.path.join(folder, record.file))
            if found and found != f"{record.size}\0{record.mtime_ns}":
                digest.update(f"{kind}\0{found}\n".encode())
    sources = sorted(_PACKAGE.rglob("*.py"))
    for layouts_folder in layouts.folders:
        sources += [*sorted((layouts_folder / CATALOG_LAYOUTS).glob("*")), layouts_folder / "partials" / "masthead.html"]
    for path in sources:
        digest.update(f"{path}\0{_stat(path)}\n".encode())
    return digest.hexdigest()


def _stat(path: str | Path) -> str:
    """A file's size and modification time, or that it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return "gone"
    return f"{st.st_size}\0{st.st_mtime_ns}"


def _unchanged(out: Path, stamp: str) -> list[Path] | None:
    """The catalog's main files when the last catalog was made from the same `stamp` and all its files are
    there: a no-op build then renders nothing (about half a second of an archive of 1,000 issues)."""
    try:
        recorded, *names = (out / CATALOG_STAMP).read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError):
        return None
    if recorded != stamp or not all(os.path.isfile(out / name) for name in names):
        return None
    _remove_others(out, dict.fromkeys(names, b""))
    return [out / name for name in _MAIN if name in names]


def _remove_others(out: Path, files: Mapping[str, bytes]) -> None:
    """Removes the catalog's files this build did not write: a year whose issues are gone, the sitemaps once
    no website is set (their addresses would mislead), the search once no issue has a web edition."""
    for name in _OPTIONAL:
        if name not in files:
            (out / name).unlink(missing_ok=True)
    for folder in CATALOG_FOLDERS:
        for path in (out / folder).glob("*") if (out / folder).is_dir() else ():
            if path.is_file() and path.relative_to(out).as_posix() not in files:
                path.unlink(missing_ok=True)


def _latest_states(out: Path, checked: Mapping[str, Checked]) -> list[tuple[str, IssueState, os.stat_result]]:
    """Each issue's folder and state once, with the state file's stat: when a renamed manifest (issue-901 →
    issue-0901) left its old folder, the newest. Folders are paths as strings: a thousand are listed each run."""
    try:
        with os.scandir(out) as listing:  # names and types only: no stat of each folder
            folders = sorted(e.path for e in listing if e.is_dir(follow_symlinks=False) and fnmatch(e.name, OUTPUT_FOLDERS))
    except OSError:
        folders = []
    found: dict[int, tuple[os.stat_result, str, IssueState]] = {}
    for folder in folders:
        known = checked.get(os.path.basename(folder))
        state = known.state if known is not None else read_state(Path(folder))
        if state is None:
            continue
        try:
            written = os.stat(os.path.join(folder, STATE_NAME))
        except OSError:  # removed since it was read
            continue
        if state.number not in found or written.st_mtime_ns > found[state.number][0].st_mtime_ns:
            found[state.number] = (written, folder, state)
    return [(folder, state, written) for written, folder, state in found.values()]


def _entry(folder: str, state: IssueState, out: Path, current: frozenset[str]) -> dict[str, Any]:
    present = {kind: _file(folder, state.name, rec, kind in current) for kind, rec in state.outputs.items()}
    found = {kind: f for kind, f in present.items() if f is not None}
    art = {kind: found.pop(kind) for kind in ART if kind in found}
    # The web edition's pages are read online, not downloaded.
    web_files = {state.outputs[kind].file: found.pop(kind) for kind in list(found) if spec_of(edition_of(kind)).online}
    companions = {kind: found.pop(kind) for kind in list(found) if edition_of(kind) != kind}  # audio's other files
    downloads = [dict(f, label=spec_of(k).label, format=k, **duration_of(k, f["href"], out, _seconds(state.outputs[k], f)))
                 for k, f in found.items()]
    downloads.sort(key=lambda f: (spec_of(f["format"]).download_rank, f["format"]))
    entry = dict(state.catalog)
    headlines = [h for h in entry.get("headlines", []) if h != entry.get("cover_line")]
    summary = entry.get("standfirst") or ("In this issue: " + "; ".join(headlines[:5]) if headlines else "")
    entry.update(name=state.name, number=state.number, date=state.date, downloads=downloads, art=art, summary=summary,
                 companions=companions, web_files=list(web_files.values()))
    entry["audio"] = audio_of(entry, companions)
    entry["web"] = web_of(web_files, entry.get("articles", []))
    return entry


def _seconds(record: OutputRecord, found: dict[str, Any]) -> int | None:
    """How long the file lasts as its state recorded it, when the file is still the one recorded."""
    return record.seconds if found["sha256"] == record.sha256 else None


def _file(folder: str, name: str, record: OutputRecord, current: bool = False) -> dict[str, Any] | None:
    """A recorded output as the catalog links it, or None if it is gone; rehashed if it was replaced.

    `current`: this run found the file as recorded already, so it is not stated again.
    """
    if current:
        size, sha256 = record.size, record.sha256
    else:
        path = os.path.join(folder, record.file)
        try:
            st = os.stat(path)
        except OSError:
            return None
        same = (st.st_size, st.st_mtime_ns) == (record.size, record.mtime_ns)
        size, sha256 = st.st_size, record.sha256 if same else sha256_file(Path(path))
    return {
        "href": f"{name}/{record.file}",
        "media_type": record.media_type,
        "size": size,
        "size_text": size_text(size),
        "sha256": sha256,
    }
