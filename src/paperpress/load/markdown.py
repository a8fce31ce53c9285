"""Article Markdown to model blocks: CommonMark plus tables, footnotes, strikethrough and smart punctuation.

Raw HTML is switched off, so `<script>` in an article reaches readers as the text it is. Knows no files:
photos placed in the body and links into the issue are resolved through callbacks that the loader supplies.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_block.table import table as _table_rule
from markdown_it.rules_core.smartquotes import process_inlines
from markdown_it.rules_core.state_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from ..characters import REMOVED_HINT, clean_string, removed_message
from ..errors import Severity
from ..model import (
    Block,
    Code,
    CodeBlock,
    Emphasis,
    Figure,
    Footnote,
    FootnoteRef,
    Heading,
    Image,
    Inline,
    InlineImage,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Rule,
    Strike,
    Strong,
    Table,
    TableCell,
    Target,
    Text,
)
from ..model.walk import words

#: Schemes a reader's device may follow. Anything else (javascript:, data:, file:) is refused.
LINK_SCHEMES = ("http", "https", "mailto")

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")

#: Subheads go at most this deep (the PDF sets them one level below its h2 headlines, so h5 at most).
MAX_HEADING_LEVEL = 4

#: A table longer than this cannot be printed or read as a table; it is refused, not laid out for hours.
MAX_TABLE_ROWS = 2_000

#: Table cells an article may hold in all. Each is a box of its own in the PDF's layout, so cells, not rows,
#: are what a table costs; a table of few rows but thousands of columns is as long to lay out as a long one.
MAX_TABLE_CELLS = 10_000

#: Quotation marks one paragraph (or heading, or table cell) may hold. Smart quotes cost grows with the
#: square of the marks in a block; no written paragraph comes near this.
MAX_BLOCK_QUOTE_MARKS = 2_000

#: Deeper nesting than this is flattened by markdown-it instead of recursing without bound.
MAX_NESTING = 24

#: (src, alt, caption, body line) → the loaded image, or None after the loader noted a problem.
ImageResolver = Callable[[str, str, "str | None", "int | None"], "Image | None"]

#: (href with no scheme, body line) → where in the issue it leads, or None after the loader noted a problem.
LinkResolver = Callable[[str, "int | None"], "Target | None"]


@dataclass(frozen=True, slots=True)
class BodyProblem:
    """A problem in the body, at a line relative to the start of the body (1-based)."""

    line: int | None
    message: str
    hint: str | None = None
    severity: Severity = Severity.ERROR


@dataclass(frozen=True, slots=True)
class Body:
    blocks: tuple[Block, ...]
    footnotes: tuple[Footnote, ...]
    links: tuple[Link, ...]
    problems: tuple[BodyProblem, ...] = field(default=())
    lines: tuple[int | None, ...] = field(default=())  # the body line of each of `blocks`


def _parser() -> MarkdownIt:
    md = MarkdownIt(
        "commonmark", {"html": False, "typographer": True, "maxNesting": MAX_NESTING, "linkify": False}
    )
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    rules = md.block.ruler
    rules.at("table", _counted_table, {"alt": rules.__rules__[rules.__find__("table")].alt})
    md.core.ruler.at("smartquotes", _capped_smartquotes)
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # we check schemes ourselves, to report them
    return md


class _Refused(Exception):
    """A cap reached while parsing: the parse stops there, before the rest costs anything."""

    def __init__(self, problem: BodyProblem) -> None:
        self.problem = problem


def _counted_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's table rule, stopping the parse once the article's tables pass MAX_TABLE_CELLS."""
    before = len(state.tokens)
    found = _table_rule(state, start, end, silent)
    if found and not silent:
        cells = state.env.get("table_cells", 0)
        cells += sum(tok.type in ("th_open", "td_open") for tok in state.tokens[before:])
        state.env["table_cells"] = cells
        if cells > MAX_TABLE_CELLS:
            raise _Refused(
                BodyProblem(start + 1, f"the tables hold over {MAX_TABLE_CELLS:,} cells",
                          f"at most {MAX_TABLE_CELLS:,} in one article; link to the data instead")
            )
    return found


def _capped_smartquotes(state: StateCore) -> None:
    """markdown-it's smart quotes, refusing a block with more than MAX_BLOCK_QUOTE_MARKS instead of taking minutes."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        marks = sum(c.content.count('"') + c.content.count("'") for c in token.children if c.type == "text")
        if marks > MAX_BLOCK_QUOTE_MARKS:
            line = token.map[0] + 1 if token.map else None
            raise _Refused(
                BodyProblem(line, f"{marks:,} quotation marks in one paragraph",
                          f"at most {MAX_BLOCK_QUOTE_MARKS:,}; break it into paragraphs")
            )
        if marks:
            process_inlines(token.children, state)


_MD = _parser()


def smarten(text: str) -> str:
    """Front-matter text with the same smart punctuation as the body, as plain text."""
    try:
        tokens = _MD.parseInline(text)
    except _Refused:  # a headline of thousands of quotation marks: kept as typed
        return text
    return "".join(_plain(tokens[0].children or [])).strip() if tokens else text


def _plain(tokens: Sequence[Token]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        if tok.type in ("text", "code_inline"):
            out.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif tok.type == "image":
            out.extend(_plain(tok.children or []))
    return out


def anchor_slug(text: str) -> str:
    """The words of a subhead (or an editor's `#fragment`) as an anchor: "The council’s position" → "the-councils-position".

    Letters and digits only, accents dropped, every other run of characters one hyphen; empty when nothing is left.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", re.sub(r"['’]", "", ascii_text.lower())).strip("-")


def heading_id(article_id: str, slug: str) -> str:
    """A subhead's id, unique in the issue and apart from the note and photo ids (`a3-fn1`, `a3-img1`)."""
    return f"{article_id}-h-{slug}"


def parse_body(text: str, article_id: str, resolve_image: ImageResolver, resolve_link: LinkResolver) -> Body:
    """Parses an article body once; every later step works from the blocks returned."""
    env: dict = {}
    try:
        tokens = _MD.parse(text, env)
    except _Refused as refused:
        return Body((), (), (), (refused.problem,))
    state = _State(article_id, resolve_image, resolve_link)
    lines: list[int | None] = []
    blocks, _ = state.blocks(tokens, 0, None, lines)
    if state.removed:
        # The file's own cleaning saw only `&#12;`; markdown-it decoded it. One warning, at the first such line.
        found = [char for _, chars in state.removed for char in chars]
        state.problems.append(BodyProblem(state.removed[0][0], f"{removed_message(found)}, written as character references",
                                          REMOVED_HINT, Severity.WARNING))
    deepest = next((t for t in tokens if t.level >= MAX_NESTING - 1), None)
    if deepest is not None:
        # markdown-it stops reading a structure at its nesting limit and drops what is inside: refuse it.
        state.problems.append(
            BodyProblem(
                _line_of(tokens, deepest),
                f"quotes or lists nested more than {MAX_NESTING - 4} levels deep",
                "flatten the nesting; text inside would be lost",
            )
        )
    return Body(tuple(blocks), tuple(state.footnotes), tuple(state.links), tuple(state.problems), tuple(lines))


def _line_of(tokens: list[Token], target: Token) -> int | None:
    """The body line of `target`, or of the nearest token before it that knows its line."""
    line = None
    for tok in tokens:
        if tok.map:
            line = tok.map[0] + 1
        if tok is target:
            break
    return line


class _State:
    """Walks one token stream; numbering lives here only while one article is parsed."""

    def __init__(self, article_id: str, resolve_image: ImageResolver, resolve_link: LinkResolver) -> None:
        self.article_id = article_id
        self.resolve_image = resolve_image
        self.resolve_link = resolve_link
        self.slugs: set[str] = set()
        self.open_levels: list[int] = []  # Markdown levels of the subheads enclosing the current one
        self.links: list[Link] = []
        self.link_numbers: dict[str, int] = {}
        self.footnotes: list[Footnote] = []
        self.problems: list[BodyProblem] = []
        self.removed: list[tuple[int | None, list[str]]] = []  # (body line, characters taken out there)

    def clean(self, text: str, line: int | None, single_line: bool = True) -> str:
        """Decoded text as editions get it (text.py): what a character reference made, taken out or collapsed."""
        cleaned, found = clean_string(text, single_line=False)
        if found:
            self.removed.append((line, found))
        return _one_line(cleaned) if single_line else cleaned

    def blocks(
        self, tokens: list[Token], i: int, close: str | None, lines: list[int | None] | None = None
    ) -> tuple[list[Block], int]:
        """The blocks from token `i` to `close`; with `lines`, each block's body line is added to it."""
        out: list[Block] = []
        while i < len(tokens):
            tok = tokens[i]
            if close is not None and tok.type == close:
                return out, i + 1
            line = tok.map[0] + 1 if tok.map else None
            kind = tok.type
            made = len(out)
            if kind == "paragraph_open":
                out.extend(self.paragraph(tokens[i + 1], line))
                i += 3
            elif kind == "heading_open":
                out.append(self.heading(int(tok.tag[1]), self.inlines(tokens[i + 1].children or [], line)))
                i += 3
            elif kind == "blockquote_open":
                children, i = self.blocks(tokens, i + 1, "blockquote_close")
                out.append(Quote(tuple(children)))
            elif kind in ("bullet_list_open", "ordered_list_open"):
                ordered = kind == "ordered_list_open"
                start = int(tok.attrGet("start") or 1) if ordered else 1
                items, i = self.list_items(tokens, i + 1, kind.replace("_open", "_close"))
                out.append(ListBlock(ordered, start, items))
            elif kind == "table_open":
                table, i = self.table(tokens, i + 1)
                if len(table.rows) > MAX_TABLE_ROWS:
                    self.problems.append(
                        BodyProblem(line, f"a table of {len(table.rows)} rows", f"at most {MAX_TABLE_ROWS}; link to the data instead")
                    )
                else:
                    out.append(table)
            elif kind in ("fence", "code_block"):
                out.append(CodeBlock(self.clean(tok.content.rstrip("\n"), line, single_line=False)))
                i += 1
            elif kind == "hr":
                out.append(Rule())
                i += 1
            elif kind == "footnote_block_open":
                i = self.footnote_block(tokens, i + 1)
            else:
                i += 1  # closing tokens of structures handled above, and anything inert
            if lines is not None:
                lines.extend([line] * (len(out) - made))
        return out, i

    def list_items(self, tokens: list[Token], i: int, close: str) -> tuple[tuple[tuple[Block, ...], ...], int]:
        items: list[tuple[Block, ...]] = []
        while tokens[i].type != close:
            if tokens[i].type == "list_item_open":
                children, i = self.blocks(tokens, i + 1, "list_item_close")
                items.append(tuple(children))
            else:
                i += 1
        return tuple(items), i + 1

    def table(self, tokens: list[Token], i: int) -> tuple[Table, int]:
        header: list[TableCell] = []
        rows: list[tuple[TableCell, ...]] = []
        align: list[str] = []
        row: list[TableCell] = []
        while tokens[i].type != "table_close":
            tok = tokens[i]
            if tok.type == "tr_open":
                row = []
            elif tok.type in ("th_open", "td_open"):
                inline = tokens[i + 1]  # markdown-it gives the cell's line to its content, not to the cell
                line = inline.map[0] + 1 if inline.map else None
                row.append(TableCell(self.inlines(inline.children or [], line)))
                if tok.type == "th_open":
                    style = str(tok.attrGet("style") or "")
                    align.append(style.removeprefix("text-align:").strip())
            elif tok.type == "tr_close":
                if not header:
                    header = row
                else:
                    rows.append(tuple(row))
            i += 1
        return Table(tuple(header), tuple(rows), tuple(align)), i + 1

    def heading(self, written: int, children: tuple[Inline, ...]) -> Heading:
        """Levels come from nesting, not from the number of #: `##` then `####` is a subhead and the one
        below it, and an article that starts at `####` starts at level 2. Screen readers and PDF/UA need
        levels that never skip."""
        while self.open_levels and self.open_levels[-1] >= written:
            self.open_levels.pop()
        level = min(2 + len(self.open_levels), MAX_HEADING_LEVEL)
        self.open_levels.append(written)
        base = anchor_slug(words(children)) or "section"
        slug, n = base, 1
        while slug in self.slugs:
            n += 1
            slug = f"{base}-{n}"
        self.slugs.add(slug)
        return Heading(level, children, heading_id(self.article_id, slug), slug)

    def footnote_block(self, tokens: list[Token], i: int) -> int:
        self.open_levels = [1]  # a subhead inside a note sits below the notes' own title
        while tokens[i].type != "footnote_block_close":
            tok = tokens[i]
            if tok.type == "footnote_open":
                number = int(tok.meta["id"]) + 1
                children, i = self.blocks(tokens, i + 1, "footnote_close")
                self.footnotes.append(Footnote(number, self.footnote_id(number), tuple(children)))
            else:
                i += 1
        self.footnotes.sort(key=lambda f: f.number)
        return i + 1

    def footnote_id(self, number: int) -> str:
        return f"{self.article_id}-fn{number}"

    def paragraph(self, inline: Token, line: int | None) -> list[Block]:
        """A paragraph, split around any photo placed in it: photos become figures of their own.

        A photo inside a link or emphasis stays among its words, as an inline photo, so the markup around
        it is never cut in two.
        """
        out: list[Block] = []
        run: list[Token] = []
        depth = 0
        for child in inline.children or []:
            depth += child.nesting
            if child.type == "image" and depth == 0:
                if run:
                    out.extend(self._para(run, line))
                    run = []
                image = self.image(child, line)
                if image:
                    out.append(Figure(image))
            else:
                run.append(child)
        if run:
            out.extend(self._para(run, line))
        return out

    def _para(self, run: list[Token], line: int | None) -> list[Block]:
        children = _trim(self.inlines(run, line))
        return [Paragraph(children)] if children else []

    def image(self, tok: Token, line: int | None) -> Image | None:
        src = str(tok.attrGet("src") or "")
        alt = self.clean("".join(_plain(tok.children or [])), line).strip()
        title = self.clean(smarten(str(tok.attrGet("title") or "")), line).strip() or None
        return self.resolve_image(src, alt, title, line)

    def inlines(self, tokens: Sequence[Token], line: int | None) -> tuple[Inline, ...]:
        stack: list[tuple[str, list[Inline], str]] = [("root", [], "")]
        for tok in tokens:
            top = stack[-1][1]
            kind = tok.type
            if kind == "text":
                top.append(Text(self.clean(tok.content, line)))
            elif kind == "softbreak":
                top.append(Text(" "))
            elif kind == "hardbreak":
                top.append(LineBreak())
            elif kind == "code_inline":
                top.append(Code(self.clean(tok.content, line)))
            elif kind in ("em_open", "strong_open", "s_open"):
                stack.append((kind, [], ""))
            elif kind == "link_open":
                stack.append((kind, [], str(tok.attrGet("href") or "")))
            elif kind in ("em_close", "strong_close", "s_close", "link_close"):
                opened, children, href = stack.pop()
                stack[-1][1].extend(self.wrap(opened, tuple(children), href, line))
            elif kind == "footnote_ref":
                number = int(tok.meta["id"]) + 1
                top.append(FootnoteRef(number, self.footnote_id(number), int(tok.meta["subId"]) + 1))
            elif kind == "image":
                image = self.image(tok, line)
                if image:
                    top.append(InlineImage(image))
        # Raw HTML is off, so no html_inline token comes; markdown-it closes every inline it opens.
        return tuple(stack[0][1])

    def wrap(self, opened: str, children: tuple[Inline, ...], href: str, line: int | None) -> tuple[Inline, ...]:
        if opened == "em_open":
            return (Emphasis(children),)
        if opened == "strong_open":
            return (Strong(children),)
        if opened == "s_open":
            return (Strike(children),)
        if href.strip() in ("", "#"):
            self.problems.append(
                BodyProblem(line, f"the link '{_shorten(' '.join(words(children).split()))}' goes nowhere ('{href}'), "
                          "so it is printed as plain words", "give a web address, an article or a '#subhead'",
                          Severity.WARNING)
            )
            return children
        scheme = _SCHEME.match(href)
        if scheme is None and not href.startswith("//"):
            target = self.resolve_link(href, line)  # into the issue: the loader checks it and says what is wrong
            return (Link(children, href, None, target),) if target is not None else children
        if scheme is None or scheme.group(1).lower() not in LINK_SCHEMES:
            self.problems.append(
                BodyProblem(
                    line,
                    f"link to '{_shorten(href)}' is not allowed",
                    "links must start with https://, http:// or mailto:",
                )
            )
            return children  # the words stay; the reported problem stops the build
        number = self.link_numbers.get(href)
        if number is None:
            number = len(self.link_numbers) + 1
            self.link_numbers[href] = number
            link = Link(children, href, number)
            self.links.append(link)
            return (link,)
        return (Link(children, href, number),)


_LINE_BREAKS = re.compile("[\n\r\u2028\u2029]")


def _one_line(text: str) -> str:
    """Body text with a decoded line break (`&#10;`) read as a space; a break the editor means is a LineBreak."""
    return _LINE_BREAKS.sub(" ", text) if _LINE_BREAKS.search(text) else text


def _shorten(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _trim(children: tuple[Inline, ...]) -> tuple[Inline, ...]:
    items = list(children)
    while items and isinstance(items[0], Text) and not items[0].text.strip():
        items.pop(0)
    while items and isinstance(items[-1], Text) and not items[-1].text.strip():
        items.pop()
    return tuple(items)
