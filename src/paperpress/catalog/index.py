"""The distributors' catalog: its pages, the OPDS catalog, the feeds, SHA256SUMS and the search, from the states.

The catalog is built only from the states that builds recorded in dist/issue-N/, never by loading issues
again, so it can be regenerated after every run in milliseconds. It lists what is really on disk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..config import Config
from ..editions.frame import iso_timestamp, publication_masthead
from ..load import publication
from ..names import (
    ARCHIVE_FOLDER,
    ATOM_NAME,
    CATALOG_NAME,
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
#: What the last catalog was made from and the files it wrote (hidden: never served, never listed).
_STAMP = ".paperpress-catalog"
#: Files written only while there is something to show in them.
_OPTIONAL = (SEARCH_NAME, SEARCH_SCRIPT, SEARCH_STYLE, SITEMAP_NAME)
#: The catalog's folders in dist/: whatever a build no longer writes there is removed.
CATALOG_FOLDERS = (ARCHIVE_FOLDER, OPDS_FOLDER, FEEDS_FOLDER, SITEMAPS_FOLDER)
_ACQUISITION = "http://opds-spec.org/acquisition"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
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
    entries = []
    for folder, state in _latest_states(out, checked):
        known = checked.get(folder.name)
        entries.append(_entry(folder, state, out, known.current if known is not None else frozenset()))
    entries.sort(key=lambda e: e["number"], reverse=True)
    shown = entries[0]["publication"] if entries else dataclasses.asdict(publication(config))
    updated = max((e["updated"] for e in entries), default=iso_timestamp(_EPOCH))
    stamp = _fingerprint(entries, layouts, config)
    done = _unchanged(out, stamp)
    if done is not None:
        return done
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
    write_if_changed(out / _STAMP, "\n".join([stamp, *files]).encode())
    return [out / name for name in _MAIN if name in files]


def _fingerprint(entries: list[dict[str, Any]], layouts: Layouts, config: Config) -> str:
    """What the catalog is made from: the entries, the configuration, the catalog's layouts and its code."""
    digest = hashlib.sha256(json.dumps(entries, sort_keys=True, default=str).encode())
    digest.update(repr(config).encode())
    here = Path(__file__).parent
    sources = [*sorted(here.glob("*.py"))]
    for folder in layouts.folders:
        sources += [*sorted((folder / CATALOG_LAYOUTS).glob("*")), folder / "partials" / "masthead.html"]
    for path in sources:
        try:
            st = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _unchanged(out: Path, stamp: str) -> list[Path] | None:
    """The catalog's main files when the last catalog was made from the same `stamp` and all its files are
    there: a no-op build then renders nothing (about half a second of an archive of 1,000 issues)."""
    try:
        recorded, *names = (out / _STAMP).read_text(encoding="utf-8").splitlines()
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


def _latest_states(out: Path, checked: Mapping[str, Checked]) -> list[tuple[Path, IssueState]]:
    """Each issue's state once: when a renamed manifest (issue-901 → issue-0901) left its old folder, the newest."""
    found: dict[int, tuple[int, Path, IssueState]] = {}
    for folder in sorted(out.glob(OUTPUT_FOLDERS)):
        if not folder.is_dir() or folder.is_symlink():
            continue
        known = checked.get(folder.name)
        state = known.state if known is not None else read_state(folder)
        if state is None:
            continue
        try:
            written = (folder / STATE_NAME).stat().st_mtime_ns
        except OSError:  # removed since it was read
            continue
        if state.number not in found or written > found[state.number][0]:
            found[state.number] = (written, folder, state)
    return [(folder, state) for _, folder, state in found.values()]


def _entry(folder: Path, state: IssueState, out: Path, current: frozenset[str]) -> dict[str, Any]:
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


def _file(folder: Path, name: str, record: OutputRecord, current: bool = False) -> dict[str, Any] | None:
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
        "size_text": _size(size),
        "sha256": sha256,
    }


def _size(n: int) -> str:
    if n < 1000:
        return f"{n} bytes"
    if n < 1_000_000:
        return f"{n / 1000:.0f} KB"
    return f"{n / 1_000_000:.1f} MB"
