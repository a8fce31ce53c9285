"""Break points for runs of characters the print edition could otherwise break only one letter at a time.

Standard library and pyphen only: the PDF marks the breaks, and the loader caps how much there is to break.

WeasyPrint breaks a line inside a word at a hyphenation point; where a run has none (`[[[[…`, a pasted code,
`aaaa…`), it tries one position after another, each time setting the rest of the paragraph again, so a
paragraph of such runs took minutes. Here every stretch longer than a column holds (`longest`, at most
LONGEST_RUN characters) with no space, dash, slash or hyphenation point in it gets a zero-width space every
half of that: an invisible break that WeasyPrint finds at once. Words it can hyphenate are left to it, so
ordinary copy is set as before. With those breaks the PDF sets body text without `overflow-wrap: anywhere`,
which cost a tenth of its layout (`geometry.PageSetup.longest_run` says what a column holds).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyphen

ZERO_WIDTH_SPACE = "\u200b"
#: As print.css hyphenates: words of at least 6 letters, at least 3 letters from either end.
MIN_WORD, MIN_EDGE = 6, 3
#: A stretch longer than this with nowhere to break gets a break every half of it (a column holds ~30).
LONGEST_RUN = 24
#: Characters in such stretches one article may hold: a few long addresses and codes, never pages of them.
MAX_UNBREAKABLE = 10_000

_WORD = re.compile(rf"[^\W\d_]{{{MIN_WORD},}}")
_AFTER = re.compile(r"[-–—/]")


class Breaks:
    """Marks where long runs may break, in one language; one per PDF, its runs remembered across articles."""

    def __init__(self, language: str, longest: int = LONGEST_RUN) -> None:
        """`longest`: the longest stretch left whole, at most LONGEST_RUN (the PDF's column may hold fewer,
        `geometry.PageSetup.longest_run`); longer ones break every half of it."""
        self._language = language
        self._longest = max(2, min(longest, LONGEST_RUN))
        self._every = self._longest // 2
        self._pattern = re.compile(rf"\S{{{self._longest + 1},}}")
        self._run = functools.lru_cache(maxsize=16_384)(self._broken)

    def __call__(self, text: str) -> str:
        return self._pattern.sub(lambda m: self._run(m.group()), text)

    def unbreakable(self, text: str) -> int:
        """How many characters of `text` stand in stretches with nowhere to break (what __call__ breaks up).

        Even broken up, such stretches cost the PDF's layout about ten times what prose does, so the loader
        caps them (MAX_UNBREAKABLE in an article).
        """
        return sum(len(piece) for m in self._pattern.finditer(text) for piece in self._stretches(m.group())
                   if len(piece) > self._longest)

    def _broken(self, run: str) -> str:
        out = []
        for piece in self._stretches(run):
            if len(piece) > self._longest:
                piece = ZERO_WIDTH_SPACE.join(piece[i : i + self._every] for i in range(0, len(piece), self._every))
            out.append(piece)
        return "".join(out)

    def _stretches(self, run: str) -> list[str]:
        """The run cut at every place the layout may break it: after dashes and slashes, at hyphenation points."""
        points = sorted({0, len(run), *(m.end() for m in _AFTER.finditer(run)), *self._hyphenation_points(run)})
        return [run[start:end] for start, end in zip(points, points[1:], strict=False)]

    def _hyphenation_points(self, run: str) -> list[int]:
        words = list(_WORD.finditer(run))
        dictionary = self._dictionary if words else None
        if dictionary is None:
            return []
        return [word.start() + at for word in words for at in dictionary.positions(word.group())]

    @functools.cached_property
    def _dictionary(self) -> pyphen.Pyphen | None:
        """Loaded when a run first holds a word to hyphenate: most copy has none, and loading takes a while (so
        does importing pyphen, which a build that loads nothing, a no-op over an archive, never needs)."""
        import pyphen

        found = pyphen.language_fallback(self._language.replace("-", "_"))
        return pyphen.Pyphen(lang=found, left=MIN_EDGE, right=MIN_EDGE) if found else None
