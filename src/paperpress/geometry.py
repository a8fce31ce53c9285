"""Where the print edition puts things on the page, from the PDF options: sizes in mm, nothing drawn.

Shared by the PDF renderer (which feeds it to the print CSS) and by preflight (which warns about photos
too small for the width they will be printed at), so both agree on where a photo lands.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .config import PdfOptions, page_size_mm
from .errors import PaperpressError, Problem
from .model import Image

_COLUMN_GAP_MM = 4.5
#: Narrower than this (in ems of body text), justified columns open rivers: set them ragged-right instead.
_JUSTIFY_MIN_EMS = 15.0
_PT_PER_MM = 72 / 25.4


@dataclass(frozen=True, slots=True)
class PageSetup:
    """Page geometry in millimetres and points, computed once from the options for the CSS template."""

    width: float
    height: float
    margin: float
    columns: int
    column_gap: float
    font_size: float
    bleed: float
    justify: bool

    @property
    def photo_height(self) -> float:
        """The tallest a photo may be drawn: never cut, room left for text, and no taller than on A4."""
        return round(min((self.height - 2 * self.margin) * 0.38, 100.0), 1)

    @property
    def small_photo_height(self) -> float:
        """The front page's lead photo and an article's further photos: smaller, so text starts on the page."""
        return round(min((self.height - 2 * self.margin) * 0.3, 80.0), 1)

    @property
    def inline_photo_height(self) -> float:
        """A photo set among words (a table cell, a heading): small enough to sit in a line of a table."""
        return 15.0

    @property
    def text_width(self) -> float:
        return self.width - 2 * self.margin

    @property
    def column_width(self) -> float:
        return (self.text_width - (self.columns - 1) * self.column_gap) / self.columns

    def drawn_width(self, image: Image, tallest: float, across: bool = True) -> float:
        """How wide `image` is drawn in mm: across the text (or its column), unless that would make it taller
        than `tallest`."""
        return min(self.text_width if across else self.column_width, tallest * image.width / image.height)

    def photo_pixels(self, image: Image, dpi: int, across: bool = True) -> int:
        """The longest edge, in pixels, that `image` needs at `dpi` where it is drawn at its largest: across
        the page, or in a column (`across` false)."""
        width = self.drawn_width(image, self.photo_height, across)
        longest = max(width, width * image.height / image.width)
        return math.ceil(longest / 25.4 * dpi)

    @classmethod
    def from_options(cls, options: PdfOptions, bleed: bool = False) -> PageSetup:
        size = page_size_mm(options.page_size)
        if size is None:  # the loader checks this; a hand-built Config may not have been
            raise PaperpressError([Problem(None, None, "pdf.page_size", f"'{options.page_size}' is not a page size")])
        width, height = size
        column = (width - 2 * options.margin - (options.columns - 1) * _COLUMN_GAP_MM) / options.columns
        return cls(
            width=width,
            height=height,
            margin=options.margin,
            columns=options.columns,
            column_gap=_COLUMN_GAP_MM,
            font_size=options.font_size,
            bleed=options.bleed if bleed else 0.0,
            justify=column * _PT_PER_MM / options.font_size >= _JUSTIFY_MIN_EMS,
        )
