"""The distributors' catalog: dist/index.html, dist/opds.xml, dist/SHA256SUMS, the feeds, plus each issue's cover art.

The catalog is built only from the states that builds recorded in dist/issue-N/, never by loading issues
again, so it can be regenerated after every run in milliseconds. It lists what is really on disk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..config import Config
from ..editions.frame import iso_timestamp, publication_masthead
from ..load import publication
from ..names import ATOM_NAME, CATALOG_NAME, OPDS_NAME, OUTPUT_FOLDERS, PODCAST_NAME, SITEMAP_NAME, SUMS_NAME
from ..output.state import ART, STATE_NAME, Checked, IssueState, OutputRecord, edition_of, read_state, sha256_file
from ..output.write import write_if_changed
from ..registry import spec_of
from ..templates import Layouts
from .podcast import audio_of, duration_of, write_feed_bytes
from .syndication import atom_bytes, sitemap_bytes, web_of

CATALOG_FILES = (CATALOG_NAME, OPDS_NAME, SUMS_NAME, ATOM_NAME)
_ACQUISITION = "http://opds-spec.org/acquisition"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def write_catalog(out: Path, layouts: Layouts, config: Config, checked: Mapping[str, Checked] | None = None) -> list[Path]:
    """Writes index.html, opds.xml, SHA256SUMS and the feeds for every issue in `out` (newest first).

    `checked` holds, by folder name, what this run already read and found on disk of issues it did not touch
    (plan.Plan.checked): their states are not read again, nor those files stated again.
    Returns the paths written: CATALOG_FILES, podcast.xml once an issue has audio, sitemap.xml when a website is set.
    """
    checked = checked or {}
    entries = []
    for folder, state in _latest_states(out, checked):
        known = checked.get(folder.name)
        entries.append(_entry(folder, state, out, known.current if known is not None else frozenset()))
    entries.sort(key=lambda e: e["number"], reverse=True)
    shown = entries[0]["publication"] if entries else dataclasses.asdict(publication(config))
    updated = max((e["updated"] for e in entries), default=iso_timestamp(_EPOCH))
    context = {
        "publication": shown, "entries": entries, "updated": updated, "acquisition": _ACQUISITION,
        "masthead": publication_masthead(shown["title"], shown.get("subtitle"), shown.get("website")),
        "atom_feed": ATOM_NAME,
    }
    files = {
        CATALOG_NAME: layouts.render("html", "catalog/index.html", context).encode(),
        OPDS_NAME: layouts.render("html", "catalog/opds.xml", context).encode(),
        SUMS_NAME: "".join(
            f"{f['sha256']}  {f['href']}\n"
            for e in entries
            for f in (*e["downloads"], *e["companions"].values(), *e["art"].values(), *e["web_files"])
        ).encode(),
        ATOM_NAME: atom_bytes(entries, shown, updated, layouts, config),
    }
    podcast = write_feed_bytes(entries, shown, layouts, config)
    if podcast is not None:
        files[PODCAST_NAME] = podcast
    sitemap = sitemap_bytes(entries, layouts, config)
    if sitemap is not None:
        files[SITEMAP_NAME] = sitemap
    else:
        (out / SITEMAP_NAME).unlink(missing_ok=True)  # no website any longer: its addresses would mislead
    for name, data in files.items():
        write_if_changed(out / name, data)
    return [out / name for name in files]


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
    downloads = [dict(f, label=spec_of(k).label, format=k, **duration_of(k, f["href"], out)) for k, f in found.items()]
    downloads.sort(key=lambda f: (spec_of(f["format"]).download_rank, f["format"]))
    entry = dict(state.catalog)
    headlines = [h for h in entry.get("headlines", []) if h != entry.get("cover_line")]
    summary = entry.get("standfirst") or ("In this issue: " + "; ".join(headlines[:5]) if headlines else "")
    entry.update(name=state.name, number=state.number, date=state.date, downloads=downloads, art=art, summary=summary,
                 companions=companions, web_files=list(web_files.values()))
    entry["audio"] = audio_of(entry, companions)
    entry["web"] = web_of(web_files, entry.get("articles", []))
    return entry


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
