"""The speech script: what the audio edition says, utterance by utterance, with the pause after each.

A visitor over the model: every node type has one handler here (tests/editions/audio/test_script.py fails when
model.py gains a node without one). Links are read as their words, photos as their captions, tables row by
row with their headers, short footnotes after their paragraph and long ones at the article's end. The words
are made speakable (editions/audio/speakable.py) in the publication's language; the voice never sees markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...model import (
    Article,
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
    Issue,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Rule,
    Section,
    Strike,
    Strong,
    Table,
    TableCell,
    Text,
)
from ...model.walk import words
from ..frame import long_date
from .sentences import Sentence, sentences
from .speakable import speakable

#: Silence after each kind of utterance, in milliseconds: what separates headlines, paragraphs and articles.
PAUSES = {
    "sentence": 300, "opening": 1500, "section": 1200, "headline": 900, "byline": 500, "standfirst": 800, "paragraph": 600,
    "subhead": 700, "item": 400, "row": 400, "photo": 700, "note": 600, "rule": 1000, "article": 2000,
}
#: A footnote this short (one paragraph, at most this many words) is read straight after its paragraph;
#: a longer one would lose the thread, so it waits for the article's end.
SHORT_NOTE_WORDS = 40

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "by": "By", "photo": "Photo", "credit": "Photo by", "table": "Table", "quote": "Quote.",
        "unquote": "End of quote.", "note": "Note", "notes": "Notes.", "issue": "Issue", "section": "Section:",
        "crossed": "crossed out:", "link": "a web link", "code": "Code:", "photos": "Photos with this article.",
        "end": "End of article.",
    },
    "fr": {
        "by": "Par", "photo": "Photo", "credit": "Photo :", "table": "Tableau", "quote": "Citation.",
        "unquote": "Fin de citation.", "note": "Note", "notes": "Notes.", "issue": "Numéro", "section": "Rubrique :",
        "crossed": "barré :", "link": "un lien", "code": "Code :", "photos": "Photos de cet article.",
        "end": "Fin de l'article.",
    },
}


@dataclass(frozen=True, slots=True)
class Utterance:
    """Words to say, already speakable, and the silence that follows them; `node` is what they read aloud (a
    sentence of a paragraph or of the standfirst, a block, a table row, a list item, a photo, a note, or
    'headline', 'byline', 'notes' or 'section'), for the read-aloud EPUB to point at; None for words no text
    shows ("Photos of this article.")."""

    text: str
    pause_ms: int
    node: object = field(default=None, compare=False)


def phrases(language: str) -> dict[str, str]:
    return PHRASES.get(language.split("-")[0].lower(), PHRASES["en"])


class _Reader:
    """Reads one article: collects utterances, and the notes whose place comes after the current block."""

    def __init__(self, article: Article, language: str) -> None:
        self.article = article
        self.language = language
        self.words = phrases(language)
        self.out: list[Utterance] = []
        self.notes = {note.number: note for note in article.footnotes}
        self.read_notes: set[int] = set()
        self.cited: list[int] = []  # notes marked in the block being read

    def say(self, text: str, pause: str, node: object = None) -> None:
        spoken = speakable(" ".join(text.split()), self.language)
        if spoken:
            self.out.append(Utterance(spoken, PAUSES[pause], node))

    def say_sentences(self, children: Sequence[Inline] | str, owner: object, pause: str) -> None:
        """An element's words sentence by sentence (sentences.py), so each is heard on its own and its start
        and end are known; `pause` follows the last."""
        split = sentences(children, self.language)
        for index, sentence in enumerate(split):
            said = self.inline(sentence)
            self.say(said, pause if index == len(split) - 1 else "sentence", Sentence(owner, index, sentence))

    def inline(self, children: Iterable[Inline]) -> str:
        return "".join(INLINES[type(node)](self, node) for node in children)

    def block(self, node: Any) -> None:
        BLOCKS[type(node)](self, node)

    def notes_after_block(self) -> None:
        for number in self.cited:
            note = self.notes.get(number)
            if note is not None and number not in self.read_notes and _short(note):
                self.read_notes.add(number)
                self.note(note)
        self.cited = []

    def note(self, note: Footnote) -> None:
        read = _Reader(self.article, self.language)
        for block in note.children:
            read.block(block)
        first = f"{self.words['note']} {note.number}."
        if read.out:
            read.out[0] = Utterance(speakable(first, self.language) + " " + read.out[0].text, read.out[0].pause_ms,
                                    read.out[0].node)
        self.out.extend(read.out or [Utterance(speakable(first, self.language), PAUSES["note"], note)])

    def photo(self, image: Image) -> None:
        self.say(f"{self.words['photo']}: {photo_words(image, self.words)}", "photo", image)


def photo_words(image: Image, words: dict[str, str]) -> str:
    """A photo read aloud: its caption (or, without one, its description) and credit."""
    said = (image.caption or image.alt).rstrip(".") + "."
    return said + (f" {words['credit']} {image.credit}." if image.credit else "")


def _short(note: Footnote) -> bool:
    only = note.children[0] if len(note.children) == 1 else None
    return isinstance(only, Paragraph) and len(words(only.children).split()) <= SHORT_NOTE_WORDS


# --- inlines: each returns its words ----------------------------------------------------------------


def _link(r: _Reader, node: Link) -> str:
    words = r.inline(node.children)
    if node.target is None and words.strip() == node.href and not node.href.startswith("mailto:"):
        return r.words["link"]  # a bare web address: never spelled out
    return words


def _footnote_ref(r: _Reader, node: FootnoteRef) -> str:
    if node.citation == 1:
        r.cited.append(node.number)
    return ""


INLINES: dict[type, Callable[[_Reader, Any], str]] = {
    Text: lambda r, n: n.text,
    Code: lambda r, n: n.text,
    Emphasis: lambda r, n: r.inline(n.children),
    Strong: lambda r, n: r.inline(n.children),
    Strike: lambda r, n: f" ({r.words['crossed']} {r.inline(n.children)}) ",
    LineBreak: lambda r, n: " ",
    Link: _link,
    FootnoteRef: _footnote_ref,
    InlineImage: lambda r, n: f" ({r.words['photo']}: {photo_words(n.image, r.words)}) ",
}


# --- blocks: each says its utterances -----------------------------------------------------------------


def _paragraph(r: _Reader, node: Paragraph) -> None:
    r.say_sentences(node.children, node, "paragraph")
    r.notes_after_block()


def _heading(r: _Reader, node: Heading) -> None:
    r.say(r.inline(node.children).rstrip(".") + ".", "subhead", node)
    r.notes_after_block()


def _quote(r: _Reader, node: Quote) -> None:
    r.say(r.words["quote"], "item")  # words no page shows: the quote's own paragraphs are what it reads
    for block in node.children:
        r.block(block)
    r.say(r.words["unquote"], "paragraph")


def _list(r: _Reader, node: ListBlock) -> None:
    for number, item in enumerate(node.items, node.start):
        before = len(r.out)
        for block in item:
            r.block(block)
        if node.ordered and len(r.out) > before:
            first = r.out[before]
            r.out[before] = Utterance(speakable(f"{number}.", r.language) + " " + first.text, PAUSES["item"], first.node)


def _table(r: _Reader, node: Table) -> None:
    headers = [r.inline(cell.children).strip() for cell in node.header]
    rows = len(node.rows)
    r.say(f"{r.words['table']}, {rows} {'row' if rows == 1 else 'rows'}: {', '.join(h for h in headers if h)}.", "row",
          node)
    for row in node.rows:
        cells = [r.inline(cell.children).strip() for cell in row]
        pairs = [f"{h}: {c}" if h else c for h, c in zip(headers, cells, strict=False) if c]
        r.say("; ".join(pairs) + ".", "row", row)
    r.notes_after_block()


def _code_block(r: _Reader, node: CodeBlock) -> None:
    r.say(f"{r.words['code']} {node.text}", "paragraph", node)


BLOCKS: dict[type, Callable[[_Reader, Any], None]] = {
    Paragraph: _paragraph,
    Heading: _heading,
    Quote: _quote,
    ListBlock: _list,
    Table: _table,
    Figure: lambda r, n: r.photo(n.image),
    CodeBlock: _code_block,
    Rule: lambda r, n: r.out.append(Utterance("", PAUSES["rule"])) if r.out else None,
}


# --- the publication's tree: what each part of an issue says -----------------------------------------


def article_script(article: Article, language: str) -> tuple[Utterance, ...]:
    """An article read aloud: headline, byline, standfirst, lead photo, body, the other photos, long notes."""
    r = _Reader(article, language)
    r.say(article.title.rstrip(".") + ".", "headline", "headline")
    if article.byline:
        byline = article.byline
        lead_word = r.words["by"].lower()
        r.say(byline if byline.lower().startswith(lead_word + " ") else f"{r.words['by']} {byline}.", "byline", "byline")
    if article.standfirst:
        r.say_sentences(article.standfirst, "standfirst", "standfirst")
    if article.lead_image is not None:
        r.photo(article.lead_image)
    for block in article.blocks:
        r.block(block)
    if len(article.images) > 1:
        r.say(r.words["photos"], "item")
        for image in article.images[1:]:
            r.photo(image)
    rest = [note for note in article.footnotes if note.number not in r.read_notes]
    if rest:
        r.say(r.words["notes"], "item", "notes")
        for note in rest:
            r.note(note)
    out = r.out or [Utterance(speakable(article.title, language), 0, "headline")]
    return (*out[:-1], Utterance(out[-1].text, PAUSES["article"], out[-1].node))


def opening_script(issue: Issue) -> tuple[Utterance, ...]:
    """The masthead, issue number and date that open the whole-issue file."""
    pub = issue.publication
    words = phrases(pub.language)
    said = [pub.title.rstrip(".") + "."]
    if pub.subtitle:
        said.append(pub.subtitle.rstrip(".") + ".")
    said.append(f"{words['issue']} {issue.number}, {long_date(issue)}.")
    return (Utterance(speakable(" ".join(said), pub.language), PAUSES["opening"]),)


def section_script(section: Section, language: str) -> tuple[Utterance, ...]:
    said = speakable(f"{phrases(language)['section']} {section.title.rstrip('.')}.", language)
    return (Utterance(said, PAUSES["section"], "section"),)


#: The parts of an issue the script reads as wholes (everything else is a block or an inline above):
#: listed so that the coverage test sees every node type handled in exactly one place.
PARTS: dict[type, Callable[..., object]] = {
    Issue: opening_script,
    Section: section_script,
    Article: article_script,
    Footnote: _Reader.note,
    Image: _Reader.photo,
    TableCell: _table,
}
