"""The EPUB 3 edition (with an EPUB 2 NCX): one document per article, section fronts, contents, cover, metadata.

Everything a reader sees comes from the shared layouts (`epub/*.xhtml` over `macros/blocks.html` and
`partials/article_header.html`); this module decides file names, reading order, navigation and metadata,
and hands the files to `epub_package` for a reproducible zip. It never imports WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from ...cache import Caches
from ...model import Article, Image, Issue, Link, Section
from ...model.walk import images
from ...registry import EPUB
from ...templates import Layouts
from ..base import BuildInfo, Edition, Output
from ..cover import DRAWN_TYPE, cover_image, cover_photo
from ..frame import contents, iso_timestamp, issue_context, issue_identifier, masthead, neighbours
from ..images import Normalised, extension, normalise_kept
from .package import Item, assemble, check_size

XHTML = "application/xhtml+xml"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
ACCESSIBILITY_SUMMARY = (
    "Articles follow the printed reading order, one document each, with the headline, subheads and notes "
    "marked as headings. The contents list and the navigation lead to every section and article. Every "
    "photo has a text description, and captions and credits are text. No font size, line height or colour "
    "is imposed on the text, so the reader's own settings apply."
)
_IMAGE_WORKERS = 4


@dataclass(frozen=True, slots=True)
class TocEntry:
    """One line of the navigation tree; `order` is its NCX playOrder."""

    title: str
    href: str
    order: int
    byline: str | None = None
    children: tuple[TocEntry, ...] = ()


class EpubEdition(Edition):
    """Reading order: cover, contents (the navigation document), then each section's front and its articles."""

    spec = EPUB

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> list[Output]:
        data, items = make_epub(issue, layouts, info)
        made = self.main(issue, data)
        check_size(len(data), items, made.file)
        return [made]


class Overlays(Protocol):
    """What the read-aloud EPUB adds to the EPUB (read_aloud.py): context for every page and for one page,
    and the files each reading document's speech needs."""

    def context(self) -> dict[str, Any]: ...

    def page(self, target: Article | Section) -> dict[str, Any]: ...

    def items(self, reading: list[Item]) -> tuple[list[Item], list[Item]]: ...


def make_epub(issue: Issue, layouts: Layouts, info: BuildInfo, overlays: Overlays | None = None) -> tuple[bytes, list[Item]]:
    """The EPUB's bytes and its items. Photos and the cover are made in threads (Pillow lets go of the
    interpreter) while the pages render."""
    with ThreadPoolExecutor(max_workers=_IMAGE_WORKERS) as pool:
        cover = pool.submit(cover_image, issue, info.caches)
        pictures = _pictures(issue, info.config.epub.image_max_edge, pool, info.caches)
        # A drawn cover is a JPEG, known before it is drawn; a manifest's type comes from normalising it.
        cover_type = DRAWN_TYPE if issue.cover is None else cover.result().media_type
        cover_href = f"images/cover{extension(cover_type)}"
        context = _context(issue, info, pictures, cover_href)
        if overlays is not None:
            context |= overlays.context()
        reading = _documents(issue, layouts, context, overlays.page if overlays is not None else None)
        cover_item = _cover_item(issue, cover_href, cover.result())
    css = layouts.read("epub/style.css") + (context.get("extra_css", "").encode() if overlays is not None else b"")
    extras = [
        Item("ncx", "toc.ncx", "application/x-dtbncx+xml", layouts.render("html", "epub/toc.ncx", context).encode()),
        Item("css", "style.css", "text/css", css),
        cover_item,
        *pictures.values(),
    ]
    if overlays is not None:
        reading, more = overlays.items(reading)
        extras += more
    items = reading + extras
    opf = layouts.render("html", "epub/content.opf", context | {"items": items, "spine": reading})
    return assemble(opf.encode("utf-8"), items, info.timestamp), items


def _documents(
    issue: Issue, layouts: Layouts, context: dict[str, Any],
    page_context: Callable[[Article | Section], dict[str, Any]] | None = None,
) -> list[Item]:
    """The spine's documents in reading order: cover, contents, then each section's front and its articles;
    `page_context` adds to the context of a section's front or an article's page."""

    def page(href: str, template: str, properties: str = "", **extra: Any) -> Item:
        target = extra.get("article", extra.get("section"))
        own = page_context(target) if page_context is not None and target is not None else {}
        text = layouts.render("html", template, context | extra | own)
        return Item(item_id(href), href, XHTML, text.encode("utf-8"), properties)

    reading = [page("cover.xhtml", "epub/cover.xhtml"), page("nav.xhtml", "epub/nav.xhtml", "nav")]
    for section, entry in zip(issue.sections, context["contents"], strict=True):
        reading.append(page(section_href(section), "epub/section.xhtml", section=section, entry=entry))
        for article in section.articles:
            around = neighbours(issue, article)
            reading.append(page(article_href(article), "epub/article.xhtml", section=section, article=article,
                                previous=around["previous"], next=around["next"]))
    return reading


def article_href(article: Article) -> str:
    return _document(article.id)


def _document(article_id: str) -> str:
    return f"{article_id}.xhtml"


def link_href(link: Link) -> str:
    """A link's URL in the EPUB: its web address, an anchor in the same document, or another article's document."""
    target = link.target
    if target is None:
        return link.href
    if target.same_article:
        return f"#{target.anchor or target.article}"
    return _document(target.article) + (f"#{target.anchor}" if target.anchor else "")


def section_href(section: Section) -> str:
    return f"{section.id}.xhtml"


def navigation(issue: Issue) -> tuple[TocEntry, ...]:
    """The issue frame's contents tree with each entry's document, numbered in reading order for the NCX."""
    entries: list[TocEntry] = []
    order = 1
    for section in contents(issue):
        head = order
        children = []
        for n, item in enumerate(section.articles, start=1):
            children.append(TocEntry(item.title, article_href(item.article), head + n, item.byline))
        entries.append(TocEntry(section.title, section_href(section.section), head, None, tuple(children)))
        order = head + len(children) + 1
    return tuple(entries)


def _context(issue: Issue, info: BuildInfo, pictures: dict[str, Item], cover_href: str) -> dict[str, Any]:
    first = issue.lead_article

    def src_of(image: Image) -> str:
        return pictures[image.source].href

    def href_of(target: Article | Section) -> str:
        return article_href(target) if isinstance(target, Article) else section_href(target)

    return issue_context(issue, info) | {
        "lang": issue.publication.language,
        "identifier": issue_identifier(issue),
        "modified": iso_timestamp(info.timestamp),
        "description": _description(issue),
        "stylesheet": "style.css",
        "headline_level": 1,
        "blank_header_tag": "td",
        "src_of": src_of,
        "href_of": href_of,
        "link_href": link_href,
        "links_hold_text_only": False,
        "breakable": str,  # reading systems break long words themselves (style.css)
        "toc": navigation(issue),
        "cover": {"href": cover_href, "alt": _cover_alt(issue)},
        "landmarks": {
            "cover": "cover.xhtml",
            "toc": "nav.xhtml#toc",
            "start": article_href(first),
            "start_title": first.title,
        },
        "accessibility": {
            "modes": ("textual", "visual"),  # the cover is always a picture
            "features": (
                "structuralNavigation",
                "tableOfContents",
                "readingOrder",
                "displayTransformability",
                "alternativeText",  # every image has one, the cover included
            ),
            "summary": ACCESSIBILITY_SUMMARY,
            "conforms_to": CONFORMS_TO,
        },
    }


def _pictures(issue: Issue, max_edge: int, pool: ThreadPoolExecutor, caches: Caches) -> dict[str, Item]:
    """Each photo file once (an image used twice is stored once), normalised (or found so in the cache),
    keyed by its source.

    Pillow lets go of the interpreter while it decodes, resizes and encodes, so photos are normalised
    in threads; the results are collected in issue order, so the EPUB does not depend on timing.
    """
    unique: dict[str, Image] = {}
    for image in images(issue.sections):  # the cover is packaged on its own, see _cover_item
        unique.setdefault(image.source, image)
    fits = list(pool.map(lambda image: normalise_kept(image.data, max_edge, caches), unique.values()))
    found: dict[str, Item] = {}
    for image, fit in zip(unique.values(), fits, strict=False):
        href = f"images/{image.id}{fit.extension}"
        found[image.source] = Item(item_id(href), href, fit.media_type, fit.data, source=image.source)
    return found


def _cover_item(issue: Issue, href: str, fit: Normalised) -> Item:
    """The manifest's cover, normalised like every photo, or one drawn from the issue (`cover.cover_image`)."""
    source = issue.cover.source if issue.cover is not None else None
    return Item("cover-image", href, fit.media_type, fit.data, "cover-image", source)


def _cover_alt(issue: Issue) -> str:
    if issue.cover is not None:
        return issue.cover.alt
    head = masthead(issue)
    words = f"Cover of {head.title}, issue {issue.number}, {head.date_text}"
    if head.cover_line:
        words += f": {head.cover_line}"
    photo = cover_photo(issue)
    return words + (f". Photo: {photo.alt}" if photo is not None else "")


def _description(issue: Issue) -> str:
    """The standfirsts of each section's lead article: what a library shows under the title."""
    leads = (s.articles[0].standfirst for s in issue.sections)
    return " ".join(s for s in leads if s)


def item_id(href: str) -> str:
    """A manifest id from a file name: XML ids cannot start with a digit or hold '/' or '.'."""
    return "f-" + href.replace("/", "-").replace(".", "-")
