"""Where a paragraph's sentences begin and end: one split shared by the speech and the read-aloud pages.

The read-aloud EPUB highlights each sentence while the voice says it, so the script speaks a paragraph
sentence by sentence (script.py) and the page wraps each sentence in an element of its own (read_aloud.py);
both ask `sentences`, so the words heard and the words lit cannot drift apart.

A sentence ends at ".", "!" or "?" (with any closing quotes or brackets) followed by a space and a capital,
a digit or an opening quote, unless the word before the full stop never ends a sentence: a title or a
Latin abbreviation ("Dr.", "St.", "e.g."), an initial ("J. K. Rowling") or a dotted initialism ("U.S.").
Decimals and prices ("£3.50", "2.5%") have no space after their point. "a.m.", "p.m." and "etc." end a
sentence when a capital follows. Sentences break only in a paragraph's own text, never inside emphasis or
a link, so each sentence is a run of whole inline elements (its first and last text cut at the break),
and its markup stays well-formed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ...model import Code, Emphasis, FootnoteRef, Inline, InlineImage, LineBreak, Link, Strike, Strong, Text

#: Words that never end a sentence when a full stop follows them, per language (their primary subtag);
#: a language without a list uses English's.
NEVER_LAST: dict[str, frozenset[str]] = {
    "en": frozenset({
        "Dr", "Mr", "Mrs", "Ms", "Mx", "Prof", "St", "Cllr", "Rev", "Revd", "Sgt", "Insp", "Supt", "Gen", "Capt",
        "Col", "Lt", "Maj", "Cpl", "Hon", "Sir", "Jr", "Sr", "Mt", "No", "Nos", "vs", "cf", "approx", "Fig", "fig",
        "Vol", "vol", "pp", "Ave", "Rd", "Co", "Bros", "Inc", "Ltd", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul",
        "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    }),
    "fr": frozenset({"M", "MM", "Mme", "Mmes", "Mlle", "Dr", "Pr", "Me", "St", "Ste", "av", "bd", "n°", "p", "ex",
                     "cf", "env", "vol", "art", "chap"}),
}
#: Dotted abbreviations that may end a sentence (before a capital they do): every other dotted one
#: ("e.g.", "i.e.", "U.S.") is read on into the next word.
MAY_END = frozenset({"a.m", "p.m", "etc", "Ph.D"})
#: Words that, written with a full stop before a number, name it ("no. 4", "p. 12", "fig. 3").
BEFORE_NUMBER = frozenset({"no", "nos", "p", "pp", "vol", "fig", "art", "ch", "n°"})

_BREAK = re.compile(r"[.!?…]+[\"'”’»)\]]*(?P<space>\s+)")
_DOTTED = re.compile(r"(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}")
_OPENERS = "\"'“‘«([¡¿"


@dataclass(frozen=True, slots=True, eq=False)
class Sentence:
    """One sentence of an element: the element (a paragraph, or an article's 'standfirst'), the sentence's
    place in it, and its inline content. Told apart by identity, as the elements are."""

    owner: object
    index: int
    children: tuple[Inline, ...]


def _flat(node: Inline) -> str:
    """The characters an inline shows, for finding breaks: a footnote mark shows none that count."""
    if isinstance(node, Text | Code):
        return node.text
    if isinstance(node, Emphasis | Strong | Strike | Link):
        return "".join(_flat(child) for child in node.children)
    if isinstance(node, LineBreak):
        return "\n"
    if isinstance(node, InlineImage):
        return "\ufffc"
    assert isinstance(node, FootnoteRef)
    return ""


def _ends_here(before: str, after: str, language: str) -> bool:
    """Whether a full stop (or ! or ?) ending `before` ends a sentence, `after` being what follows the space."""
    first = after.lstrip(_OPENERS)[:1]
    if not first or not (first.isupper() or first.isdigit()):
        return False
    if not before.endswith("."):
        return True
    word = before.rsplit(None, 1)[-1].lstrip(_OPENERS).rstrip(".")
    if word in MAY_END:
        return True
    if first.isdigit() and word.lower() in BEFORE_NUMBER:
        return False
    never = NEVER_LAST.get(language.split("-")[0].lower(), NEVER_LAST["en"])
    if word in never:
        return False
    if len(word) == 1 and word.isalpha():  # an initial: "J. K. Rowling"
        return False
    return not _DOTTED.fullmatch(word)  # "e.g.", "U.S.", "i.e." go on; "£3.50." ends


def sentences(children: Sequence[Inline] | str, language: str) -> tuple[tuple[Inline, ...], ...]:
    """`children` (an element's inlines, or plain words) as sentences, each a run of inlines; the spaces
    between sentences are left out. Empty for an element without inlines."""
    inlines: tuple[Inline, ...] = ((Text(children),) if children else ()) if isinstance(children, str) else tuple(children)
    flat = [_flat(node) for node in inlines]
    whole = "".join(flat)
    starts, at = [], 0
    for text in flat:
        starts.append(at)
        at += len(text)
    cuts: dict[int, list[tuple[int, int]]] = {}  # inline index → (end of a sentence, start of the next) in it
    for found in _BREAK.finditer(whole):
        space_start, space_end = found.span("space")
        if not _ends_here(whole[: found.start("space")], whole[space_end:], language):
            continue
        for index, node in enumerate(inlines):  # the space must lie in one of the element's own texts
            if isinstance(node, Text) and starts[index] <= space_start and space_end <= starts[index] + len(flat[index]):
                cuts.setdefault(index, []).append((space_start - starts[index], space_end - starts[index]))
                break
    found_sentences: list[tuple[Inline, ...]] = []
    current: list[Inline] = []
    for index, node in enumerate(inlines):
        if index not in cuts:
            current.append(node)
            continue
        assert isinstance(node, Text)
        text, at = node.text, 0
        for end, start in cuts[index]:
            if text[at:end]:
                current.append(Text(text[at:end]))
            found_sentences.append(tuple(current))
            current, at = [], start
        if text[at:]:
            current.append(Text(text[at:]))
    if current:
        found_sentences.append(tuple(current))
    return tuple(found_sentences)
