"""dist/podcast.xml: the audio editions as a podcast (RSS 2.0 with the iTunes and Podcasting 2.0 tags).

Built with the catalog from the states in dist/, never by loading issues: one item per issue with audio,
its enclosure the whole-issue MP3 with its exact length, its duration read from the file's own tag, its
chapters the Podcasting 2.0 file beside it, and its guid the issue's stable identifier.
"""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from ..config import Config
from ..editions.site import published_url
from ..names import PODCAST_NAME
from ..registry import AUDIO, CHAPTERS_TYPE, PLAYLIST_TYPE
from ..templates import Layouts


def audio_of(entry: dict[str, Any], companions: dict[str, dict[str, Any]], out: Path) -> dict[str, Any] | None:
    """What the catalog and the feed say of an issue's audio: the file, its chapters, playlist and duration."""
    main = next((f for f in entry["downloads"] if f["format"] == AUDIO.name), None)
    if main is None:
        return None
    found = {f["media_type"]: f for f in companions.values()}
    return {
        "file": main,
        "chapters": found.get(CHAPTERS_TYPE),
        "playlist": found.get(PLAYLIST_TYPE),
        "seconds": seconds(out / main["href"]),
    }


def seconds(path: Path) -> int:
    """The length of an MP3, from the TLEN frame the audio edition writes (0 when it has none, or the file is
    gone: mutagen says so with its own error, not an OSError)."""
    from mutagen import MutagenError  # only catalogs with audio pay for the import
    from mutagen.id3 import ID3

    try:
        frames = ID3(path).getall("TLEN")
    except (OSError, MutagenError):  # ID3NoHeaderError, a file with no tag, is one too
        return 0
    return round(int(frames[0].text[0]) / 1000) if frames else 0


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
