"""dist/podcast.xml: the audio editions as a podcast (RSS 2.0 with the iTunes and Podcasting 2.0 tags), and
how long each spoken download lasts.

Built with the catalog from the states in dist/, never by loading issues: one item per issue with audio,
its enclosure the whole-issue MP3 with its exact length, its duration read from the file's own tag, its
chapters the Podcasting 2.0 file beside it, and its guid the issue's stable identifier. The read-aloud
EPUB's duration is read from its own package (the `media:duration` its Media Overlays declare in total).
Both are measured once, from the bytes a build writes (`spoken_seconds`), and kept in the issue's state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from ..config import Config
from ..editions.frame import duration_text
from ..editions.site import published_url
from ..names import PODCAST_NAME
from ..output.lengths import running_seconds
from ..registry import AUDIO, CHAPTERS_TYPE, PLAYLIST_TYPE, READ_ALOUD, spec_of
from ..templates import Layouts


def audio_of(entry: dict[str, Any], companions: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """What the catalog and the feed say of an issue's audio: the file, its chapters, playlist and duration."""
    main = next((f for f in entry["downloads"] if f["format"] == AUDIO.name), None)
    if main is None:
        return None
    found = {f["media_type"]: f for f in companions.values()}
    return {
        "file": main,
        "chapters": found.get(CHAPTERS_TYPE),
        "playlist": found.get(PLAYLIST_TYPE),
        "seconds": main["duration"] or 0,  # duration_of: from the state, or the file
    }


def spoken_seconds(outputs: Mapping[str, tuple[str, str, bytes]]) -> dict[str, int]:
    """How long each spoken output of a build lasts (kind → seconds, 0 for one that does not say), measured
    from the bytes about to be written, for the issue's state: so the catalog never opens the files for it."""
    return {
        kind: running_seconds(media_type, data)
        for kind, (_, media_type, data) in outputs.items() if kind in (AUDIO.name, READ_ALOUD.name)
    }


def duration_of(kind: str, href: str, out: Path, recorded: int | None = None) -> dict[str, Any]:
    """How long a spoken download lasts (`duration` in seconds, `duration_text` for a reader): as `recorded`
    in its state when the file is the one recorded, else read from the file itself (output/lengths.py: the
    MP3's tag, the read-aloud EPUB's package). None for other downloads, or for a file that does not say."""
    found = 0
    if kind in (AUDIO.name, READ_ALOUD.name):
        found = recorded if recorded is not None else running_seconds(spec_of(kind).media_type, out / href)
    return {"duration": found or None, "duration_text": duration_text(found) if found else None}


def clock(total: int) -> str:
    """itunes:duration as HH:MM:SS."""
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def write_feed_bytes(entries: list[dict[str, Any]], publication: dict[str, Any], layouts: Layouts, config: Config) -> bytes | None:
    """The feed of every issue that has audio, newest first; None when none has (no feed is written)."""
    items = [e for e in entries if e.get("audio")]
    if not items:
        return None
    base = config.audio.base_url

    def link(href: str) -> str:
        return published_url(base, href) or href

    for entry in items:
        entry["pub_date"] = format_datetime(
            dt.datetime.combine(dt.date.fromisoformat(entry["date"]), dt.time(12, 0), tzinfo=dt.UTC)
        )
        entry["duration"] = clock(entry["audio"]["seconds"])
    context = {
        "publication": publication, "items": items, "link": link, "feed_url": link(PODCAST_NAME),
        "image": next((link(e["art"]["cover"]["href"]) for e in items if e["art"].get("cover")), None),
        "last_build": items[0]["pub_date"],
    }
    return layouts.render("html", "catalog/podcast.xml", context).encode()
