"""The read-aloud EPUB: the EPUB edition with the audio edition's speech in step (EPUB 3 Media Overlays).

Every section front and article has its speech (the audio edition's part, the same MP3 frames) and a SMIL
document that pairs each thing the speech reads (each sentence of the standfirst and of every paragraph and
list item, in the body, quotes and notes; the headline, byline, subheads, photos by their figure, tables by
their rows) with the stretch of the MP3 that says it. A sentence is a `<span>` of its own in the page, split
where the speech split it (speech/sentences.py). The stretches are where the voice said each utterance,
counted in samples (speech/sound.py), not estimated.
A table is read as the audio edition reads it: its header line on the table, then each row on its row.
Words no page shows ("Photos of this article.") stay in the sound and out of the overlay.
Built with the audio edition, the issue is synthesised once (`issue_speech`). It is the EPUB edition's own
packaging with overlays added (`make_epub`); the plain EPUB stays free of audio.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

from markupsafe import Markup

from ...model import Article, Footnote, Heading, Image, Inline, Issue, Section
from ...registry import READ_ALOUD
from ...templates import Layouts
from ..base import BuildInfo, Edition, Output
from ..speech.sentences import Sentence, sentences
from ..speech.sound import Part, Spoken, issue_speech, parts
from ..speech.voices import describe_voice
from .edition import ACCESSIBILITY_SUMMARY, CONFORMS_TO, article_href, item_id, make_epub, section_href
from .package import Item

SMIL_TYPE = "application/smil+xml"
AUDIO_TYPE = "audio/mpeg"
#: The class reading systems give the element being read (media:active-class), and how it looks.
ACTIVE_CLASS = "-epub-media-overlay-active"
ACTIVE_CSS = f"\n/* The read-aloud EPUB: the words being read. */\n.{ACTIVE_CLASS} {{ background-color: #ffe97a; color: #000; }}\n"
READ_ALOUD_SUMMARY = (
    " Every article and section front can be heard: a synthetic voice reads it, and the text being read is "
    "highlighted (Media Overlays)."
)


@dataclass(frozen=True, slots=True)
class Clip:
    """One element's words in the speech: its id in the document and its start and end in the MP3."""

    text_id: str
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Overlay:
    """A reading document's speech: the document, its MP3 and SMIL files, its clips and its duration."""

    document: str
    audio: str
    smil: str
    clips: tuple[Clip, ...]
    duration: float
    frames: bytes
    new_ids: dict[object, str]  # the elements that get an id for the overlay (those without one)

    @property
    def smil_id(self) -> str:
        return item_id(self.smil)


def _key(node: object) -> object:
    """Elements are told apart by identity (two paragraphs may hold the same words), header lines by kind,
    sentences by their element and place in it."""
    if isinstance(node, Sentence):
        return ("sentence", _key(node.owner), node.index)
    return node if isinstance(node, str) else id(node)


def overlay_of(document: str, owner: Article | Section, part: Part, spoken: Spoken) -> Overlay:
    """The clips of one document: each utterance that reads an element, at its place in the part's sound."""
    stem = document.removesuffix(".xhtml")
    prefix = owner.id
    new_ids: dict[object, str] = {}
    clips = []
    duration = spoken.duration
    for utterance, (start, end) in zip(part.script, spoken.clips, strict=True):
        node = utterance.node
        if node is None or not utterance.text or end <= start:
            continue
        text_id = _existing_id(node, owner)
        if text_id is None:
            text_id = new_ids.setdefault(_key(node), f"{prefix}-s{len(new_ids) + 1}")
        clips.append(Clip(text_id, round(start, 3), round(min(end, duration), 3)))
    return Overlay(document, f"audio/{stem}.mp3", f"{stem}.smil", tuple(clips), duration, spoken.frames, new_ids)


def _existing_id(node: object, owner: Article | Section) -> str | None:
    """The id an element already has in the EPUB's pages, for the elements that have one."""
    if isinstance(node, Heading):
        return node.id
    if isinstance(node, Image):
        return node.id
    if isinstance(node, Footnote):
        return node.id
    if node == "notes":
        return f"{owner.id}-notes"
    if node == "section":
        return f"{owner.id}-title"
    return None


def smil(overlay: Overlay) -> bytes:
    """The SMIL document: one `par` per clip, in reading order, in one `seq` for the document."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">',
        "<body>",
        f"<seq id=\"seq-1\" epub:textref={quoteattr(overlay.document)}>",
    ]
    for n, clip in enumerate(overlay.clips, start=1):
        lines.append(
            f'<par id="par-{n}"><text src={quoteattr(overlay.document + "#" + clip.text_id)}/>'
            f'<audio src={quoteattr(overlay.audio)} clipBegin="{clip.start:.3f}s" clipEnd="{clip.end:.3f}s"/></par>'
        )
    lines += ["</seq>", "</body>", "</smil>", ""]
    return "\n".join(lines).encode()


def clock(seconds: float) -> str:
    """A SMIL clock value, as media:duration wants it: h:mm:ss.fff."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


class _Overlays:
    """The hooks `make_epub` calls: the overlay context, each page's ids, and the audio and SMIL files."""

    def __init__(self, issue: Issue, info: BuildInfo, layouts: Layouts) -> None:
        options = info.config.audio
        speech = issue_speech(issue, options, layouts.root, info.caches)
        listed = parts(issue)
        articles = iter(issue.articles)
        self.by_document: dict[str, Overlay] = {}
        self.by_owner: dict[int, Overlay] = {}
        for part, spoken in zip(listed, speech, strict=True):
            owner: Article | Section
            if part.section is not None:
                owner = issue.sections[part.section]
                document = section_href(owner)
            elif part.article is not None:
                owner = next(articles)
                document = article_href(owner)
            else:
                continue  # the opening (masthead and date) is heard in the audio edition; no page shows it alone
            overlay = overlay_of(document, owner, part, spoken)
            self.by_document[document] = overlay
            self.by_owner[id(owner)] = overlay
        self.narrator = describe_voice(options, issue.publication.language)
        self.language = issue.publication.language

    def context(self) -> dict[str, Any]:
        overlays = [{"id": o.smil_id, "duration": clock(o.duration)} for o in self.by_document.values()]
        return {
            "overlays": overlays,
            "overlays_duration": clock(sum(o.duration for o in self.by_document.values())),
            "narrator": self.narrator,
            "extra_css": ACTIVE_CSS,
            "accessibility": _accessibility(),
        }

    def page(self, target: Article | Section) -> dict[str, Any]:
        overlay = self.by_owner.get(id(target))
        ids = overlay.new_ids if overlay is not None else {}

        def said(node: object) -> Markup:
            found = ids.get(_key(node))
            return Markup(f' id="{found}"') if found else Markup("")

        def sentences_of(owner: object, children: Sequence[Inline] | str) -> list[tuple[str | None, tuple[Inline, ...]]]:
            """The element's sentences as the speech split them, each with its id (None for one not heard)."""
            split = sentences(children, self.language)
            return [(ids.get(_key(Sentence(owner, index, words))), words) for index, words in enumerate(split)]

        return {"said": said, "sentences_of": sentences_of}

    def items(self, reading: list[Item]) -> tuple[list[Item], list[Item]]:
        with_overlays, more = [], []
        for item in reading:
            overlay = self.by_document.get(item.href)
            if overlay is None:
                with_overlays.append(item)
                continue
            with_overlays.append(Item(item.id, item.href, item.media_type, item.data, item.properties, item.source,
                                      overlay.smil_id))
            more.append(Item(overlay.smil_id, overlay.smil, SMIL_TYPE, smil(overlay)))
            more.append(Item(item_id(overlay.audio), overlay.audio, AUDIO_TYPE, overlay.frames))
        return with_overlays, more


def _accessibility() -> dict[str, Any]:
    return {
        "modes": ("textual", "visual", "auditory"),
        "features": ("structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability",
                     "alternativeText", "synchronizedAudioText"),
        "summary": ACCESSIBILITY_SUMMARY + READ_ALOUD_SUMMARY,
        "conforms_to": CONFORMS_TO,
    }


class ReadAloudEdition(Edition):
    """The EPUB with every section front and article read aloud in step with its text."""

    spec = READ_ALOUD

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> list[Output]:
        data, _ = make_epub(issue, layouts, info, _Overlays(issue, info, layouts))
        return [self.main(issue, data)]
