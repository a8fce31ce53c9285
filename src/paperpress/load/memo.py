"""Articles kept from one load of an issue to the next: a preview loads the issue again on every save, and an
article whose file, photos and place in the issue are as they were is taken as it was, not parsed again.

An article is kept only from a load that found no error anywhere (a photo that fails to decode is found
after its article is made), with the problems and the links into the issue that its parse gave, which are
given again when it is taken. Its file is compared byte for byte, its photos by size and time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..model import Article
from ..model.walk import images
from .article import MAX_ARTICLE_BYTES


@dataclass(frozen=True, slots=True)
class Kept:
    """One article as its last clean load made it, and what that load said and claimed of it."""

    raw: bytes
    article_id: str
    issue_files: tuple[tuple[Path, str], ...]  # every article file of the issue and its id: links depend on it
    photos: tuple[tuple[str, int, int], ...]  # each photo file's path, size and time
    article: Article
    problems: tuple[Problem, ...]
    claims: tuple[Any, ...]  # links.IssueLinks' claims on subheads, checked once all articles are loaded


class ArticleMemo:
    """What `load_issue` keeps between loads of one issue (see the module's text)."""

    def __init__(self) -> None:
        self._kept: dict[Path, Kept] = {}
        self._offered: dict[Path, Kept] = {}
        self.reused = 0  # articles taken as they were in the last load
        self.parsed = 0  # articles read and parsed in it

    def find(self, root: Path, path: Path, article_id: str, issue_files: Mapping[Path, str]) -> Kept | None:
        kept = self._kept.get(path)
        if kept is None or kept.article_id != article_id or kept.issue_files != _files(issue_files):
            return None
        try:
            if self.read(path, len(kept.raw)) != kept.raw or _photos(root, kept.article) != kept.photos:
                return None
        except OSError:
            return None
        self.reused += 1
        return kept

    def read(self, path: Path, size: int | None = None) -> bytes | None:
        """The file's bytes, if it is `size` long (or, without one, no longer than an article may be)."""
        try:
            found = path.stat().st_size
            if found != size if size is not None else found > MAX_ARTICLE_BYTES:
                return None
            return path.read_bytes()
        except OSError:
            return None

    def offer(self, root: Path, path: Path, raw: bytes, article_id: str, issue_files: Mapping[Path, str],
              article: Article, problems: list[Problem], claims: list[Any]) -> None:
        """An article just parsed from `raw` (read before it was), to keep if the whole load turns out clean and
        the file still holds `raw` (an editor may have saved it again meanwhile)."""
        self.parsed += 1
        try:
            if self.read(path, len(raw)) != raw:
                return
            photos = _photos(root, article)
        except OSError:
            return
        self._offered[path] = Kept(raw, article_id, _files(issue_files), photos, article, tuple(problems), tuple(claims))

    def settle(self, clean: bool) -> None:
        """Keeps what was offered when the load found no error; forgets it otherwise."""
        if clean:
            self._kept.update(self._offered)
        self._offered.clear()

    def start(self) -> None:
        self._offered.clear()
        self.reused = self.parsed = 0


def _files(issue_files: Mapping[Path, str]) -> tuple[tuple[Path, str], ...]:
    return tuple(sorted(issue_files.items()))


def _photos(root: Path, article: Article) -> tuple[tuple[str, int, int], ...]:
    found = []
    for image in images(article):
        st = os.stat(root / image.source)
        found.append((image.source, st.st_size, st.st_mtime_ns))
    return tuple(found)
