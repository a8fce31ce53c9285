"""The PDF's layout and writing: the step that `PdfEdition.compose` (edition.py) leaves to run, here or in
the sidecar (run/sidecar.py).

Apart from the edition so that the process laying out the PDF imports WeasyPrint and what this step needs,
not the model, the templates or Jinja2: the sidecar's imports come before its layout, on the build's
critical path (74 ms less for the sample). A URL fetcher serves only the issue's photos as drawn, our fonts
and layout files; any WeasyPrint complaint fails the build.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import PaperpressError, Problem, nothing_written
from ...typeset.fonts import FontFace, foreign_fonts
from ..output import Output
from .contents_pages import number_contents
from .panels import place_panels

if TYPE_CHECKING:
    from ..images import Normalised
    from .inks import Inks

#: The scheme of the URLs that stand for the model's photos: `paperpress-image:a3-img1`.
IMAGE_SCHEME = "paperpress-image:"


@dataclass(frozen=True, slots=True)
class Profile:
    """What a PDF is for, as WeasyPrint options and a few layout switches."""

    name: str
    variant: str  # WeasyPrint's pdf_variant
    dpi: int | None  # photos are downsampled to this resolution at the size they are drawn; None keeps the originals
    bleed: bool  # bleed area and crop marks for the printer
    crisp_images: bool  # no /Interpolate on images (PDF/A forbids it)
    plain_metadata: bool  # leave the XMP stream uncompressed (PDF/A validators read it raw)


def laid_out(file: str, media_type: str, write: Callable[[], bytes]) -> list[Output]:
    """The PDF's one file: `PdfEdition.compose`'s last step, which pickles (a sidecar runs it, run/sidecar.py)."""
    return [Output(file, media_type, write())]


def write_pdf(
    html: str,
    sections: list[str],
    folders: tuple[Path, ...],
    drawn: dict[str, Normalised],
    profile: Profile,
    document_id: str,
    served: set[Path],
    faces: tuple[FontFace, ...],
    pdf_options: dict[str, Any],
    inks: Inks | None = None,
) -> bytes:
    """Lays out and writes the PDF; every refused URL, WeasyPrint error or stray font becomes a Problem.

    When sections start on a new page (`sections` lists them), the house panels laid out after the issue
    are moved into the gaps the sections leave (panels.py), in the same one layout.
    """
    from . import engine

    weasyprint = engine.weasyprint
    FatalURLFetchingError = weasyprint.urls.FatalURLFetchingError
    fonts = engine.font_configuration()

    fetcher = _fetcher_class()(drawn, served, folders)
    complaints = _Complaints()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(complaints)
    try:
        base = (folders[0] / "pdf").as_uri() + "/"
        with _rarer_young_collections():
            document = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher).render(font_config=fonts, **pdf_options)
        number_contents(document)
        if sections:
            place_panels(document, sections)
        data = _written(document, lambda pdf: _finish(pdf, profile, document_id, inks), pdf_options)
    except FatalURLFetchingError as err:
        problems = fetcher.problems or [_problem(f"the PDF layout could not be made: {err.__cause__ or err}", "")]
        raise PaperpressError(problems, nothing_written("the PDF edition failed")) from err
    finally:
        logger.removeHandler(complaints)
        engine.remove_font_files(fonts)
    problems = [_problem(f"WeasyPrint: {message}", "fix the layout or the file it names") for message in complaints.messages]
    strays = foreign_fonts((font.family for font in document.fonts.values()), faces)
    problems += [
        _problem(f"a system font '{name}' was used for text that our fonts cannot show", "use characters that "
                 "Source Serif and Source Sans have, or add a font that has them to fonts/")
        for name in strays
    ]
    if problems:
        raise PaperpressError(problems, nothing_written("the PDF edition failed"))
    return data


@contextlib.contextmanager
def _rarer_young_collections() -> Iterator[None]:
    """Python's collector set to look at new objects a tenth as often while the PDF is laid out.

    The layout makes millions of objects that live until the PDF is written. At the usual pace (a pass over
    the young ones every 700 new objects), the growing heap was gone through whole 11 times at 160 articles:
    1.4 s of the layout. Every 7,000, it is gone through twice. The peak, which is the writing's, is as
    before (246 MB at 160 articles, 118 at 40); so the writing keeps the usual pace.
    """
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young * _RARER, middle, old)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)


#: How much rarer the collector's passes over young objects are during the PDF's layout.
_RARER = 10


def _written(document: Any, finisher: Callable[[Any], None], pdf_options: dict[str, Any]) -> bytes:
    """The laid-out document as PDF bytes, with Python's collector set for writing; its pages are spent.

    The layout leaves much garbage in cycles, which the collector, seeing so large a heap, frees only late.
    Freed before writing, and the layout frozen out of the collector's passes, the garbage the writing makes
    is freed young: the peak fell from 133 to 128 MB at 40 articles and from 320 to 290 MB at 160. Once the
    pages are drawn into PDF objects (`finisher` is then called), the boxes are dropped and collected, so
    that serialising the objects reuses their memory: at 160 articles the peak fell from 260 to 250 MB.

    Each of those two passes goes over the whole heap: 50 ms at the sample's seven pages, where they kept
    4 MB of a 98 MB peak. Under `COLLECTED_FROM` pages the writing goes without them.
    """
    collected = len(document.pages) >= COLLECTED_FROM

    def drawn(document: Any, pdf: Any) -> None:
        finisher(pdf)
        document.pages.clear()
        if collected:
            gc.unfreeze()  # the boxes hold cycles: frozen, the collector would not look at them
            gc.collect()
            gc.freeze()

    if collected:
        gc.collect()
        gc.freeze()
    try:
        data: bytes = document.write_pdf(finisher=drawn, **pdf_options)
    finally:
        gc.unfreeze()
    return data


#: The fewest pages whose layout is collected before and while the PDF is written (`_written`).
COLLECTED_FROM = 12


_REFUSED_HINT = "a PDF may use only the issue's photos, its fonts and layout files; nothing is fetched from elsewhere"


def _problem(message: str, hint: str) -> Problem:
    return Problem(None, None, None, message, hint)


class _Complaints(logging.Handler):
    """Collects every warning and error WeasyPrint logs while one PDF is made."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _fetcher_class() -> Any:
    """The fetcher class, built on WeasyPrint's only when a PDF is made (so importing this module stays cheap)."""
    from .engine import weasyprint

    URLFetcher, URLFetcherResponse = weasyprint.urls.URLFetcher, weasyprint.urls.URLFetcherResponse

    class Fetcher(URLFetcher):  # type: ignore[misc, valid-type]
        """Serves photos as drawn, by id, and only the listed font files and files under the layouts."""

        def __init__(self, drawn: dict[str, Normalised], files: set[Path], folders: Iterable[Path]) -> None:
            super().__init__(fail_on_errors=True)
            self.drawn = drawn
            self.files = files
            self.folders = tuple(folder.resolve() for folder in folders)
            self.problems: list[Problem] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith(IMAGE_SCHEME):
                photo = self.drawn.get(url[len(IMAGE_SCHEME) :])
                if photo is not None:
                    return URLFetcherResponse(url, photo.data, {"Content-Type": photo.media_type})
            elif url.startswith("file:"):
                path = _local_path(url)
                if path is not None and (path in self.files or any(path.is_relative_to(f) for f in self.folders)):
                    return URLFetcherResponse(url, path.read_bytes())
            shown = url if len(url) < 80 else url[:77] + "..."
            self.problems.append(_problem(f"the PDF layout asked for '{shown}'", _REFUSED_HINT))
            raise ValueError(f"refused {shown}")

    return Fetcher


def _local_path(url: str) -> Path | None:
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    return path if path.is_file() else None


def _finish(pdf: Any, profile: Profile, document_id: str, inks: Inks | None = None) -> None:
    """Last touches on WeasyPrint's PDF objects before they are written, so the bytes are reproducible and valid;
    for a press, every RGB colour left in the drawing (the style sheet's, the browser defaults', the crop
    marks') is set in its CMYK instead, black text and rules overprinting."""
    from .engine import recolour, rewrite_metadata

    if inks is not None:
        recolour(pdf, inks.colour, inks.overprints)

    did = b"xmp.did:" + document_id.encode()
    rewrite_metadata(pdf, lambda part: re.sub(rb"xmp\.did:[0-9a-f-]{36}", did, part), compress=not profile.plain_metadata)
