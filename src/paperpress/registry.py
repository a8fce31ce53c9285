"""Every edition described as data: all the configuration, the CLI, the catalog and the other editions know
of an edition, without importing it.

A leaf at the top of the tree, beside the editions rather than among them: it imports nothing of paperpress,
so the lowest floors (config.py) read it without importing upward. An edition's code is imported only when
it is built (`EditionSpec.edition`), so a text build never pays for WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EditionSpec:
    """One edition, as the rest of paperpress knows it."""

    #: The edition's one name everywhere: the `--format` value and the key in state files ("txt", not "text").
    name: str
    #: As a reader knows it, where editions are offered for download ("EPUB", "Plain text").
    label: str
    #: What it is for, where the print edition's house panel lists the issue's other editions.
    blurb: str
    #: The media type of its main file.
    media_type: str
    #: Its main file in the issue's output folder, `{issue}` standing for the issue's name; the file the
    #: catalog and the other editions link to, and the first of the files the edition makes.
    main: str
    #: Where its class is: "module:Class", imported only when the edition is built.
    edition: str
    #: The layouts folder that only this edition reads, so a change there rebuilds it alone; None when it reads none.
    #: The read-aloud EPUB reads the EPUB's: it is those pages with speech, so a change there rebuilds both.
    layouts: str | None
    #: Made by a plain `paperpress build`; an opt-in edition (audio: synthesis is slow) needs -f or `editions:`.
    default: bool = True
    #: Takes far longer than the others (the PDF's layout): on two cores, worth a process of its own.
    heavy: bool = False
    #: Modules a process that will render it imports ahead, before it knows the publication (run/sidecar.py).
    preload: tuple[str, ...] = ()
    #: Read online rather than downloaded (the web pages): other editions link it as the issue's pages, not
    #: among its downloads.
    online: bool = False
    #: Its place among the downloads, in the order a reader would choose (e-book first); ties go by name.
    download_rank: int = 100
    #: Editions whose size and running time its pages give beside their links (the web edition's downloads:
    #: "EPUB read aloud 13.6 MB · 33 min"). A build makes it after them, and makes it again whenever it makes
    #: one of them, so what it says is what they are.
    follows: tuple[str, ...] = ()

    def main_file(self, issue_name: str) -> str:
        """The main file of issue `issue_name`'s edition, relative to the issue's output folder."""
        return self.main.format(issue=issue_name)


TXT = EditionSpec("txt", "Plain text", "plain text, for screen readers and e-mail", "text/plain; charset=utf-8", "{issue}.txt",
                  "paperpress.editions.text:TextEdition", "text", download_rank=3)
EPUB = EditionSpec("epub", "EPUB", "EPUB, for e-readers and phones", "application/epub+zip", "{issue}.epub",
                   "paperpress.editions.epub.edition:EpubEdition", "epub", download_rank=1)
WEB = EditionSpec("web", "Online", "online, every article on its own page", "text/html", "web/index.html", "paperpress.editions.web.edition:WebEdition", "web",
                  online=True, follows=("audio", "read-aloud"))
PDF = EditionSpec("pdf", "PDF", "PDF, the pages as printed", "application/pdf", "{issue}.pdf", "paperpress.editions.pdf.edition:PdfEdition", "pdf",
                  heavy=True, preload=("paperpress.editions.pdf.engine", "paperpress.editions.pdf.layout"), download_rank=2)
AUDIO = EditionSpec("audio", "Audio (MP3)", "audio, every article read aloud", "audio/mpeg", "audio/{issue}.mp3",
                    "paperpress.editions.audio.edition:AudioEdition", None, default=False, download_rank=4)
READ_ALOUD = EditionSpec("read-aloud", "EPUB read aloud", "EPUB read aloud, text and speech in step",
                         "application/epub+zip", "{issue}-read-aloud.epub",
                         "paperpress.editions.epub.read_aloud:ReadAloudEdition", "epub", default=False, download_rank=5)

#: The audio edition's further files, as the podcast feed finds them among its files.
CHAPTERS_TYPE = "application/json+chapters"  # Podcasting 2.0 chapters
PLAYLIST_TYPE = "audio/x-mpegurl"

#: The registry: name → description. Its order is the build order, fast editions first. A build is given a
#: registry (this one unless a caller injects another), never a changed copy of this one.
EDITIONS: Mapping[str, EditionSpec] = {spec.name: spec for spec in (TXT, EPUB, WEB, PDF, AUDIO, READ_ALOUD)}


def heavy_editions(names: Iterable[str], registry: Mapping[str, EditionSpec] = EDITIONS) -> list[str]:
    """Those of `names` the registry describes as heavy: they take far longer than the others (the PDF's
    layout), so on two cores they are worth a process of their own (run/sidecar.py)."""
    return [name for name in names if name in registry and registry[name].heavy]


def spec_of(name: str, registry: Mapping[str, EditionSpec] = EDITIONS) -> EditionSpec:
    """The description of the edition `name`; for one the registry does not hold (recorded in dist/ by another
    build), a download that goes by its name."""
    known = registry.get(name)
    return known if known is not None else EditionSpec(name, name.upper(), name.upper(), "", "", "", None)


def default_editions(registry: Mapping[str, EditionSpec] = EDITIONS) -> tuple[str, ...]:
    """The editions a plain build makes, in build order."""
    return tuple(name for name, spec in registry.items() if spec.default)


def followers(names: Iterable[str], registry: Mapping[str, EditionSpec] = EDITIONS) -> set[str]:
    """The editions of the registry that follow any of `names` (EditionSpec.follows): made again with them."""
    made = set(names)
    return {name for name, spec in registry.items() if made & set(spec.follows)}


def downloads(names: Iterable[str], registry: Mapping[str, EditionSpec] = EDITIONS) -> list[EditionSpec]:
    """Those of `names` that readers download, in the order a reader would choose (e-book first)."""
    found = [registry[n] for n in names if n in registry and not registry[n].online]
    return sorted(found, key=lambda spec: (spec.download_rank, spec.name))
