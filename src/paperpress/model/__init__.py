"""The document model every edition reads: a frozen tree from publication down to inline text.

Standard library only, no I/O: loaders build it, renderers consume it, nobody changes it. Everything
derived (slugs, ids, link and footnote numbers, the lead image) is computed once at load time, so two
editions can never disagree about it.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import ClassVar

# --- inline content ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    kind: ClassVar[str] = "text"
    text: str


@dataclass(frozen=True, slots=True)
class Code:
    kind: ClassVar[str] = "code"
    text: str


@dataclass(frozen=True, slots=True)
class Emphasis:
    kind: ClassVar[str] = "em"
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Strong:
    kind: ClassVar[str] = "strong"
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Strike:
    kind: ClassVar[str] = "strike"
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class LineBreak:
    kind: ClassVar[str] = "br"


@dataclass(frozen=True, slots=True)
class Target:
    """Where a link inside the issue leads: an article, and a subhead in it or (anchor None) its top."""

    article: str  # the article's id: "a3"
    anchor: str | None  # a Heading.id in that article: "a3-h-what-happens-next"
    same_article: bool  # the link sits in the article it leads to


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink: out of the issue (`href`, numbered in the article's references) or into it (`target`).

    `href` is always what the editor wrote; `number` is the place in the article's list of references
    (1-based) for a link out of the issue, None for a link with a `target`.
    """

    kind: ClassVar[str] = "link"
    children: tuple[Inline, ...]
    href: str
    number: int | None
    target: Target | None = None


@dataclass(frozen=True, slots=True)
class FootnoteRef:
    kind: ClassVar[str] = "footnote_ref"
    number: int
    id: str  # the note's id, unique in the issue: "a3-fn2"
    citation: int = 1  # 1 for the note's first mark in the text, 2 for the second, ...


# --- images ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Image:
    """A photo or graphic with what readers need to know about it; the bytes are the editor's original."""

    id: str  # unique in the issue: "a3-img1"
    source: str  # path relative to the publication root, for messages and fingerprints
    data: bytes
    media_type: str  # image/jpeg, image/png, image/gif, image/webp
    width: int
    height: int
    alt: str
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class InlineImage:
    """A photo set among words (a table cell, a heading, a link): drawn small, read as its caption or alt."""

    kind: ClassVar[str] = "inline_image"
    image: Image


Inline = Text | Code | Emphasis | Strong | Strike | LineBreak | Link | FootnoteRef | InlineImage


# --- blocks ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    """A subhead inside an article; level 2 is the first level below the headline, and levels never skip."""

    kind: ClassVar[str] = "heading"
    level: int
    children: tuple[Inline, ...]
    id: str  # unique in the issue, from the words: "a3-h-what-happens-next"
    slug: str  # what an editor writes after '#' to link here: "what-happens-next"


@dataclass(frozen=True, slots=True)
class Quote:
    kind: ClassVar[str] = "quote"
    children: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class ListBlock:
    kind: ClassVar[str] = "list"
    ordered: bool
    start: int
    items: tuple[tuple[Block, ...], ...]


@dataclass(frozen=True, slots=True)
class TableCell:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Table:
    kind: ClassVar[str] = "table"
    header: tuple[TableCell, ...]
    rows: tuple[tuple[TableCell, ...], ...]
    align: tuple[str, ...]  # "left", "right", "center" or "" per column


@dataclass(frozen=True, slots=True)
class Figure:
    kind: ClassVar[str] = "figure"
    image: Image


@dataclass(frozen=True, slots=True)
class CodeBlock:
    kind: ClassVar[str] = "code_block"
    text: str


@dataclass(frozen=True, slots=True)
class Rule:
    kind: ClassVar[str] = "rule"


Block = Paragraph | Heading | Quote | ListBlock | Table | Figure | CodeBlock | Rule


@dataclass(frozen=True, slots=True)
class Footnote:
    number: int
    id: str  # "a3-fn2", the target of FootnoteRef.id
    children: tuple[Block, ...]


# --- the publication tree ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Article:
    id: str  # unique in the issue and stable across builds: "a3"
    slug: str  # from the file name: "tram-depot-strike"
    source: str  # path relative to the publication root
    title: str
    byline: str | None
    standfirst: str | None
    images: tuple[Image, ...]  # from the front matter; the first is the lead photo
    blocks: tuple[Block, ...]
    footnotes: tuple[Footnote, ...]
    links: tuple[Link, ...]  # in order of number
    #: The file line each of `blocks` starts at, for a problem an edition finds in it (the audio edition's
    #: cap on time read aloud); not compared, so two articles that differ only in blank lines are equal.
    block_lines: tuple[int | None, ...] = field(default=(), compare=False)

    @property
    def lead_image(self) -> Image | None:
        return self.images[0] if self.images else None


@dataclass(frozen=True, slots=True)
class Section:
    id: str  # "s2"
    slug: str
    title: str
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class Publication:
    title: str
    subtitle: str | None
    publisher: str | None
    language: str
    identifier: str
    website: str | None


@dataclass(frozen=True, slots=True, weakref_slot=True)  # weakly referenced: editions/cover.py's drawn covers
class Issue:
    publication: Publication
    number: int
    date: _dt.date
    cover_line: str | None  # the manifest's `title`: the line the cover and the front page lead with
    cover: Image | None
    sections: tuple[Section, ...]
    source: str  # the manifest, relative to the publication root
    name: str  # the manifest's stem, "issue-0901" or "issue-1142": what the issue's outputs are called

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for s in self.sections for a in s.articles)

    @property
    def lead_article(self) -> Article:
        return self.sections[0].articles[0]
