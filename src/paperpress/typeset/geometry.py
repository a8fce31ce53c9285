"""Where the print edition puts things on the page, from the PDF options: sizes in mm, nothing drawn.

This is the one definition of photo placement. A photo's `Role` says where it stands; `PageSetup.tallest`
says how tall that role may be drawn. The print stylesheet takes its sizes from here (`page.tallest`,
`page.margin_top`, …), preflight checks each photo's dpi at the width its role gives it, and the screen
profile downsamples each photo to the pixels its role needs, so all three agree on where a photo lands.
tests/typeset/test_geometry.py measures the photos in a real PDF against this definition.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterator
from dataclasses import dataclass

from ..config import PdfOptions, page_size_mm
from ..errors import PaperpressError, Problem
from ..model import Article, Figure, Image, InlineImage, Issue
from ..model.walk import walk
from .breaks import LONGEST_RUN

_COLUMN_GAP_MM = 4.5
#: Room above the text for the running head, and below it for the folio, beyond the page margin.
_RUNNING_HEAD_MM = 4.0
_FOLIO_MM = 2.0
#: Narrower than this (in ems of body text), justified columns open rivers: set them ragged-right instead.
_JUSTIFY_MIN_EMS = 15.0
_PT_PER_MM = 72 / 25.4
#: The narrowest column of the front page's contents box: a short headline and its page number.
_CONTENTS_COLUMN_MM = 44.0


class Role(enum.StrEnum):
    """Where a photo stands, each with its own tallest size (`PageSetup.tallest`) and its CSS rule.

    The print stylesheet's selector for each role: LEAD `figure img`; FRONT_LEAD `.lead-article figure.lead
    img`; FURTHER `figure.photo:not(.lead):not(.inline) img`; INLINE `figure img` (a body figure, class
    `photo inline`); TABLE `img.inline-photo`.
    """

    LEAD = "lead"  # an article's first front-matter photo, across the page
    FRONT_LEAD = "front_lead"  # the front page's lead story's first photo: in its first column (pdf.photos_in_columns)
    FURTHER = "further"  # an article's further front-matter photos, one under another
    INLINE = "inline"  # a photo placed in the body between paragraphs (a figure), across the page
    TABLE = "table"  # a photo among words: in a table cell (most often), a heading or a link


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
    def margin_top(self) -> float:
        return self.margin + _RUNNING_HEAD_MM

    @property
    def margin_bottom(self) -> float:
        return self.margin + _FOLIO_MM

    @property
    def section_room(self) -> float:
        """The room, in mm, a section needs under the one before to run on there rather than start a new page
        (pdf/print.css): a third of the text area's height, for its title, a headline and a few lines in each
        column, so that a section never starts with a sliver at a page's foot."""
        return round((self.height - self.margin_top - self.margin_bottom) / 3, 1)

    @property
    def text_width(self) -> float:
        return self.width - 2 * self.margin

    @property
    def tallest(self) -> dict[str, float]:
        """Role → the tallest a photo in that role is drawn, in mm (the stylesheet's `max-height`s).

        A photo across the page is never cut and leaves room for text: at most 38 % of the page's height
        less its margins, and no taller than on A4; the smaller roles 30 %, so text starts on the same page;
        a photo among words is small enough to sit in a line of a table.
        """
        # The margins here are the page margin alone (not the running head's room): the sizes predate it.
        area = self.height - 2 * self.margin
        large = round(min(area * 0.38, 100.0), 1)
        small = round(min(area * 0.3, 80.0), 1)
        return {Role.LEAD: large, Role.FRONT_LEAD: small, Role.FURTHER: small, Role.INLINE: large, Role.TABLE: 15.0}

    @property
    def column_width(self) -> float:
        return (self.text_width - (self.columns - 1) * self.column_gap) / self.columns

    @property
    def longest_run(self) -> int:
        """The longest stretch with nowhere to break that body text may keep whole (breaks.Breaks marks the
        rest): even in letters an em wide it fits a column, less the indent of a list two deep (15 %)."""
        column_ems = self.column_width * _PT_PER_MM / self.font_size
        return min(LONGEST_RUN, int(column_ems * 0.85))

    def contents_columns(self, sections: int) -> int:
        """The columns of the front page's contents box: one a section, as many as fit at 44 mm (at least the
        text columns and two). On A3 six sections keep to one row, which fewer columns wrapped onto a second."""
        return min(sections, max(self.columns + 2, int(self.text_width // _CONTENTS_COLUMN_MM)))

    def drawn_width(self, image: Image, role: Role, across: bool = True) -> float:
        """How wide `image` is drawn in mm: across the text (or its column, `across` false), unless that would
        make it taller than its role allows."""
        return min(self.text_width if across else self.column_width, self.tallest[role] * image.width / image.height)

    def drawn_height(self, image: Image, role: Role, across: bool = True) -> float:
        return self.drawn_width(image, role, across) * image.height / image.width

    def photo_pixels(self, image: Image, role: Role, dpi: int, across: bool = True) -> int:
        """The longest edge, in pixels, that `image` needs at `dpi` where its role draws it."""
        longest = max(self.drawn_width(image, role, across), self.drawn_height(image, role, across))
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


def article_placements(article: Article, front_page: bool) -> Iterator[tuple[str, Image, Role]]:
    """Each photo of `article` with its role, and where it stands ("images[0]", "body") for messages.

    `front_page`: the article is the issue's lead story, whose lead photo is drawn smaller.
    """
    for n, image in enumerate(article.images):
        role = (Role.FRONT_LEAD if front_page else Role.LEAD) if n == 0 else Role.FURTHER
        yield f"images[{n}]", image, role
    for node in walk(article.blocks + article.footnotes):
        if isinstance(node, Figure):
            yield "body", node.image, Role.INLINE
        elif isinstance(node, InlineImage):
            yield "body", node.image, Role.TABLE


def placements(issue: Issue) -> Iterator[tuple[Article, str, Image, Role]]:
    """Every photo the print edition draws, with its article, its place and its role, in reading order."""
    lead = issue.lead_article
    for article in issue.articles:
        for where, image, role in article_placements(article, article.id == lead.id):
            yield article, where, image, role
