"""The plain-text edition: wrapped paragraphs, tables in columns, links and notes as numbered references.

A link into the issue has no address to list: it names the subhead or article it leads to instead.

Made for screen readers, e-mail and `less`: no markup characters that a speech synthesiser would read out,
only words, blank lines and simple rules. The page (masthead, contents, article header, links and notes)
is laid out by `text/issue.txt` and `text/article.txt` from the shared issue frame; this module only
wraps: it knows how words become lines of the width, and how a table becomes columns.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable

from ..model import (
    Block,
    Code,
    CodeBlock,
    Figure,
    FootnoteRef,
    Heading,
    Image,
    Inline,
    InlineImage,
    Issue,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Rule,
    Table,
    Text,
)
from ..model.walk import subheads, words
from ..registry import TXT
from ..templates import Layouts
from .base import BuildInfo, Edition, Output
from .frame import credit_line, issue_context


class TextEdition(Edition):
    spec = TXT

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> list[Output]:
        width = info.config.text.width
        lines = _Lines(width, issue)
        context = issue_context(issue, info) | {
            "width": width,
            "wrap": lines.wrap,
            "body": lines.body,
            "photo": lines.figure,
            "hang": lines.hang,
            "link_mark": link_mark,
            "note_mark": note_mark,
        }
        text = layouts.render("text", "text/issue.txt", context)
        return [self.main(issue, _tidy(text).encode("utf-8"))]


#: How a link into the issue reads, given the link and its words: "the vote (see “Next” below)".
Refer = Callable[[Link, str], str]


def inline_text(children: Iterable[Inline], refer: Refer) -> str:
    """Inline content as read aloud: link words followed by their number, notes as [note N]."""
    out: list[str] = []
    for node in children:
        if isinstance(node, (Text, Code)):
            out.append(node.text)
        elif isinstance(node, LineBreak):
            out.append("\n")
        elif isinstance(node, FootnoteRef):
            out.append(" " + note_mark(node.number))
        elif isinstance(node, Link):
            words = inline_text(node.children, refer)
            if node.target is not None:
                out.append(refer(node, words))
            else:
                out.append(words if words.strip() == node.href else f"{words} {link_mark(node.number)}")
        elif isinstance(node, InlineImage):
            out.append(photo_words(node.image))
        else:
            out.append(inline_text(node.children, refer))  # emphasis, strong, strike: the words alone
    return "".join(out)


def link_mark(number: int | None) -> str:
    """"[3]": a web link's number, after its words and before its address in the article's Links."""
    return f"[{number}]"


def note_mark(number: int) -> str:
    """"[note 2]": a footnote's mark in the text and before its note; no break inside the mark."""
    return f"[note\u00a0{number}]"


def _said(words: str) -> str:
    """Words compared for meaning: case, spacing and punctuation aside."""
    return " ".join(re.sub(r"[^\w\s]", "", words.casefold()).split())


#: Only ASCII white space separates words: a no-break space must keep "[note 1]" on one line.
_ASCII_SPACE = re.compile(r"[ \t\r\f\v]+")


class _Lines:
    """Lays blocks out as lines of at most `width` columns."""

    def __init__(self, width: int, issue: Issue) -> None:
        self.width = width
        self.articles = {a.id: (a, s) for s in issue.sections for a in s.articles}
        self.subheads = {h.id: words(h.children).strip() for a in issue.articles for h in subheads(a)}

    def refer(self, link: Link, words: str) -> str:
        """"the details (see “What changes”)", "the repairs (see “Inside the harbour wall”, Features)".

        What the words already say is not repeated: "[What changes](#what-changes)" stays "What changes".
        """
        target = link.target
        assert target is not None
        article, section = self.articles[target.article]
        subhead = self.subheads[target.anchor] if target.anchor else None
        said = _said(words)
        if target.same_article:
            return words if subhead is None or said == _said(subhead) else f"{words} (see “{subhead}”)"
        if subhead is None:
            return f"{words} ({section.title})" if said == _said(article.title) else (
                f"{words} (see “{article.title}”, {section.title})")
        if said == _said(subhead):
            return f"{words} (in “{article.title}”, {section.title})"
        return f"{words} (see “{subhead}” in “{article.title}”, {section.title})"

    def wrap(self, text: str, indent: str = "", first: str | None = None) -> str:
        """Wraps text (which may hold hard line breaks) with a hanging indent; never breaks a word or URL."""
        out: list[str] = []
        lead = indent if first is None else first
        for segment in text.split("\n"):
            words = " ".join(_ASCII_SPACE.split(segment.strip(" \t")))
            if not words:
                continue
            wrapped = textwrap.wrap(
                words,
                width=self.width,
                initial_indent=lead,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
            out.extend(wrapped)
            lead = indent
        return "\n".join(out)

    def body(self, blocks: Iterable[Block]) -> str:
        """An article's body (or a note's), as the templates place it."""
        return "\n".join(self.blocks(blocks, ""))

    def figure(self, image: Image) -> str:
        """A front-matter photo as the templates place it: its words, hung under the first line."""
        return "\n".join(self.photo(image, ""))

    def hang(self, blocks: Iterable[Block], mark: str) -> str:
        """Blocks hung from a mark, as the templates place a note under its "[note 1] "."""
        return "\n".join(self.item(blocks, mark))

    def blocks(self, blocks: Iterable[Block], indent: str) -> list[str]:
        out: list[str] = []
        for block in blocks:
            chunk = self.block(block, indent)
            if chunk:
                if out:
                    out.append("")
                out.extend(chunk)
        return out

    def block(self, block: Block, indent: str) -> list[str]:
        if isinstance(block, Paragraph):
            return self.wrap(inline_text(block.children, self.refer), indent).splitlines()
        if isinstance(block, Heading):
            title = self.wrap(inline_text(block.children, self.refer), indent).splitlines()
            if block.level == 2:
                longest = max((len(t) - len(indent) for t in title), default=0)
                return [*title, indent + "-" * longest]
            return title
        if isinstance(block, Quote):
            return self.blocks(block.children, indent + "    ")
        if isinstance(block, ListBlock):
            return self.list_block(block, indent)
        if isinstance(block, Table):
            return [indent + line for line in _table(block, self.width - len(indent), self.refer)]
        if isinstance(block, Figure):
            return self.photo(block.image, indent)
        if isinstance(block, CodeBlock):
            return [indent + "    " + line for line in block.text.splitlines()]
        if isinstance(block, Rule):
            return [indent + "* * *".center(self.width - len(indent)).rstrip()]
        raise TypeError(f"no text layout for {type(block).__name__}")

    def list_block(self, block: ListBlock, indent: str) -> list[str]:
        out: list[str] = []
        last = block.start + len(block.items) - 1
        mark_width = len(f"{last}.") if block.ordered else 1
        for n, item in enumerate(block.items, start=block.start):
            mark = f"{n}.".rjust(mark_width) if block.ordered else "*"
            out.extend(self.item(item, indent + "  " + mark + " "))
        return out

    def item(self, blocks: Iterable[Block], mark: str) -> list[str]:
        """Blocks hung from a mark ("  1. ", "[note 2] "): the first line carries the mark."""
        hang = " " * len(mark)
        lines = self.blocks(blocks, hang)
        if not lines:
            return [mark.rstrip()]  # an empty item keeps its number, so the count reads on
        lines[0] = mark + lines[0][len(hang) :]
        return lines

    def photo(self, image: Image, indent: str) -> list[str]:
        return self.wrap(photo_words(image), indent + "  ", first=indent).splitlines()


def photo_words(image: Image) -> str:
    """A photo as words, wherever it stands: its caption (or its alt text when it has none) and its credit."""
    return f"[Photo: {image.caption or image.alt}] {credit_line(image)}".rstrip()


def _table(table: Table, width: int, refer: Refer) -> list[str]:
    """Columns padded to the widest cell; cells wrap when the table is wider than the page.

    A table that cannot fit even with every cell wrapped to its longest word (long compounds side by side)
    is given one row at a time, each cell as "Heading: value", rather than run past the page's width.
    """
    rows = [[" ".join(inline_text(c.children, refer).split()) for c in table.header]]
    rows += [[" ".join(inline_text(c.children, refer).split()) for c in row] for row in table.rows]
    ncols = max(len(r) for r in rows)
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    align = list(table.align) + [""] * (ncols - len(table.align))
    gap = 2
    widths = [max(len(r[i]) for r in rows) for i in range(ncols)]
    longest_word = [max((len(w) for r in rows for w in r[i].split()), default=1) for i in range(ncols)]
    while sum(widths) + gap * (ncols - 1) > width:
        i = max(range(ncols), key=lambda c: widths[c] - longest_word[c])
        if widths[i] <= max(longest_word[i], 6):
            return _records(rows, width)
        widths[i] -= 1
    out: list[str] = []
    for r, row in enumerate(rows):
        cells = [textwrap.wrap(cell, widths[i], break_long_words=False) or [""] for i, cell in enumerate(row)]
        for k in range(max(len(c) for c in cells)):
            parts = []
            for i, cell in enumerate(cells):
                piece = cell[k] if k < len(cell) else ""
                parts.append(piece.rjust(widths[i]) if align[i] == "right" else piece.center(widths[i])
                             if align[i] == "center" else piece.ljust(widths[i]))
            out.append((" " * gap).join(parts).rstrip())
        if r == 0:
            out.append((" " * gap).join("-" * w for w in widths))
    return out


def _records(rows: list[list[str]], width: int) -> list[str]:
    """Each body row as lines "Heading: value" (words never cut), rows apart by a blank line."""
    header, body = rows[0], rows[1:]
    out: list[str] = []
    for row in body:
        if out:
            out.append("")
        for name, value in zip(header, row, strict=True):
            if value:
                line = f"{name}: {value}" if name else value
                out.extend(textwrap.wrap(line, width, subsequent_indent="  ", break_long_words=False,
                                         break_on_hyphens=False))
    return out


def _tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, one newline at the end."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"
