"""The distributors' catalog: dist/index.html, dist/opds.xml, dist/SHA256SUMS, the feeds, plus each issue's cover art.

The catalog is built only from the states that builds recorded in dist/issue-N/, never by loading issues
again, so it can be regenerated after every run in milliseconds. It lists what is really on disk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PIL import Image as PILImage

from ..config import Config
from ..editions.base import BuildInfo
from ..editions.frame import download_label, download_rank, iso_timestamp, masthead, publication_masthead
from ..editions.site import FRONT, share_photo, site_map
from ..load import publication
from ..model import Issue
from ..names import OUTPUT_FOLDERS
from ..output.state import ART, STATE_NAME, Checked, IssueState, OutputRecord, edition_of, read_state, sha256_file
from ..output.write import write_if_changed
from ..templates import Layouts
from .podcast import FEED_NAME, audio_of, write_feed_bytes
from .syndication import ATOM_NAME, SITEMAP_NAME, atom_bytes, sitemap_bytes, web_of

CATALOG_FILES = ("index.html", "opds.xml", "SHA256SUMS", ATOM_NAME)
THUMBNAIL_BOX = (320, 512)  # twice the size the index shows, for sharp phone screens
_ACQUISITION = "http://opds-spec.org/acquisition"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def render_art(issue: Issue) -> dict[str, tuple[str, str, bytes]]:
    """The issue's cover (the EPUB's own cover) and a small thumbnail, as kind → (file, media type, bytes)."""
    from ..editions.cover import cover_image
    from ..editions.images import encode_jpeg, to_rgb

    fit = cover_image(issue)
    with PILImage.open(io.BytesIO(fit.data)) as src:
        picture = to_rgb(src)
    cover = fit.data if fit.media_type == "image/jpeg" else encode_jpeg(picture)
    picture.thumbnail(THUMBNAIL_BOX, PILImage.Resampling.LANCZOS)
    return {
        "cover": (f"{issue.name}-cover.jpg", "image/jpeg", cover),
        "thumbnail": (f"{issue.name}-thumbnail.jpg", "image/jpeg", encode_jpeg(picture)),
    }


def catalog_entry(issue: Issue, info: BuildInfo) -> dict[str, Any]:
    """What the catalog shows for an issue, stored in its state so the catalog never reloads it."""
    from ..editions.epub.edition import issue_identifier

    head = masthead(issue)
    lead = issue.lead_article
    identifier = issue_identifier(issue)
    pages = site_map(issue)
    return {
        "label": head.issue_label,
        "date_text": head.date_text,
        "cover_line": head.cover_line or lead.title,
        # A cover line may announce another story than the lead's, whose standfirst would then mislead.
        "standfirst": None if issue.cover_line else lead.standfirst,
        "headlines": [a.title for a in issue.articles[:6]],
        "identifier": identifier,  # the EPUB's own id, so a reader matches entry and book
        "updated": iso_timestamp(info.timestamp),
        "publication": dataclasses.asdict(issue.publication),
        # What the feed says of each article and where its web page and shared photo are, should the issue
        # have a web edition on disk (the catalog checks that; the pages' paths are decided by editions/site.py).
        "articles": [
            {
                "id": article_identifier(identifier, article.source),
                "title": article.title,
                "standfirst": article.standfirst,
                "byline": article.byline,
                "section": section.title,
                "page": pages.article_page(article),
                "photo": share_photo(article.lead_image) if article.lead_image else None,
            }
            for section in issue.sections for article in section.articles
        ],
    }


def article_identifier(issue_identifier: str, source: str) -> str:
    """An article's id in feeds: from the issue's id and its file, so it survives corrections and reordering."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{issue_identifier}/{source}"))


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
        "index.html": layouts.render("html", "catalog/index.html", context).encode(),
        "opds.xml": layouts.render("html", "catalog/opds.xml", context).encode(),
        "SHA256SUMS": "".join(
            f"{f['sha256']}  {f['href']}\n"
            for e in entries
            for f in (*e["downloads"], *e["companions"].values(), *e["art"].values(), *e["web_files"])
        ).encode(),
        ATOM_NAME: atom_bytes(entries, shown, updated, layouts, config),
    }
    podcast = write_feed_bytes(entries, shown, layouts, config)
    if podcast is not None:
        files[FEED_NAME] = podcast
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
    # The web edition is the one whose main file is the front page; its pages are read online, not downloaded.
    web = next((kind for kind, rec in state.outputs.items() if rec.file == FRONT and kind in found), None)
    web_files = {state.outputs[kind].file: found.pop(kind) for kind in list(found) if web and edition_of(kind) == web}
    companions = {kind: found.pop(kind) for kind in list(found) if edition_of(kind) != kind}  # audio's other files
    downloads = [dict(f, label=download_label(k), format=k) for k, f in found.items()]
    downloads.sort(key=lambda f: download_rank(f["format"]))
    entry = dict(state.catalog)
    headlines = [h for h in entry.get("headlines", []) if h != entry.get("cover_line")]
    summary = entry.get("standfirst") or ("In this issue: " + "; ".join(headlines[:5]) if headlines else "")
    entry.update(name=state.name, number=state.number, date=state.date, downloads=downloads, art=art, summary=summary,
                 companions=companions, web_files=list(web_files.values()))
    entry["audio"] = audio_of(entry, companions, out)
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
