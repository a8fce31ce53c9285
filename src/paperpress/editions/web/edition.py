"""The web edition ("1142 online"): the issue as static pages in dist/issue-N/web/, one per article and section.

Everything a reader sees comes from the shared layouts (`web/*.html` over `macros/blocks.html`,
`partials/masthead.html` and `partials/article_header.html`), from the issue frame; where each page and
photo lives comes from `site.py` alone. This module adds what is the web's own on top: relative links from
each page, the responsive photos, canonical addresses, sharing metadata and JSON-LD. Pages carry no
script and no inline style, under a Content-Security-Policy that allows only the issue's own files.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ... import registry
from ...cache import Caches
from ...model import Article, Image, Issue, Link, Section
from ...model.walk import images, words
from ...names import ATOM_NAME, ATOM_TYPE, CATALOG_NAME
from ...registry import WEB
from ...templates import Layouts
from ...typeset.geometry import Role, article_placements
from ..base import BuildInfo, Edition, Length, Output
from ..frame import duration_text, issue_context, neighbours, size_text
from ..site import FRONT, SiteMap, published_url, relative, share_photo, site_map
from . import fonts as webfonts
from .fonts import WebFonts, web_fonts
from .photos import Picture, photo_variants, thumbnail

HTML = "text/html"
CSS = "text/css"
WOFF2 = "font/woff2"
STYLESHEET = webfonts.STYLESHEET  # the fonts' url()s are relative to it
#: The role a page asks for beside a headline, besides geometry.Role's.
THUMBNAIL = "thumbnail"
#: The catalog of back issues and its Atom feed of articles, beside the issues' folders in dist/.
CATALOG = f"../{CATALOG_NAME}"
FEED = f"../{ATOM_NAME}"
#: Only the issue's own files: no script, no inline style, nothing from another host, no form, no <base>.
CSP = "default-src 'none'; img-src 'self'; style-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'"
#: Threads that make the photos (and, beside them, the fonts), as the EPUB's photos are made.
_WORKERS = 4
#: A page's description is its standfirst, or the start of its first words, cut at a word near this.
_DESCRIPTION_CHARS = 200


@dataclass(frozen=True, slots=True)
class Download:
    """Another edition of the issue, as a page links it."""

    label: str
    href: str
    media_type: str
    #: "13.6 MB · 33 min" for an edition the web pages follow (registry.WEB.follows), which plays; else None.
    length: str | None = None


class WebEdition(Edition):
    """The front page first (the file the catalog links), then each section's page and its articles' pages."""

    spec = WEB

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> list[Output]:
        return self.render_pages(issue, layouts, info)

    def render_pages(
        self, issue: Issue, layouts: Layouts, info: BuildInfo, only: Collection[str] | None = None
    ) -> list[Output]:
        """`render`; or, given `only` (pages as site.py names them), those pages alone and nothing else: no style
        sheet, font or photo file. The preview shows the page of a saved article so, before the whole edition."""
        site = site_map(issue)
        photos = Photos(issue, info.caches)
        fonts = None
        if only is None:
            with ThreadPoolExecutor(max_workers=_WORKERS) as pool:  # Pillow encodes while fontTools subsets
                fonts_made = pool.submit(web_fonts, issue, layouts.root, info.caches)
                photos.prepare(pool)
                fonts = fonts_made.result()
        base = _context(issue, info)
        files: list[Output] = []

        def page(path: str, kind: str, first_photo: Image | None, **extra: Any) -> None:
            if only is not None and path not in only:
                return
            context = base | _page_context(issue, info, site, photos, path, first_photo) | extra
            context |= {"page_kind": kind, "first_photo": first_photo}
            files.append(Output(path, HTML, layouts.render("html", f"web/{kind}.html", context).encode("utf-8")))

        page(FRONT, "front", issue.lead_article.lead_image)
        for section, entry in zip(issue.sections, base["contents"], strict=True):
            first = next((a.lead_image for a in section.articles if a.lead_image), None)
            page(site.section_page(section), "section", first, section=section, entry=entry)
            for article in section.articles:
                found = images(article)
                page(site.article_page(article), "article", found[0] if found else None,
                     section=section, article=article, **neighbours(issue, article))
        if fonts is None:
            return files
        files.append(Output(STYLESHEET, CSS, stylesheet(fonts, layouts.read("web/site.css"))))
        files.extend(Output(file, WOFF2, data) for file, data in fonts.files)
        files.extend(photos.files())
        return files


class Photos:
    """Every photo file the pages point to, each made once however many pages show it (photos.py).

    A photo's role is where it stands in its article (geometry.article_placements): the lead photo across
    the article's header, further photos and body figures in the text column, photos among words small;
    the front page asks for its lead photo across the page and for thumbnails beside its headlines.
    """

    def __init__(self, issue: Issue, caches: Caches) -> None:
        self.issue = issue
        self.caches = caches
        self.roles = {image.id: role for article in issue.articles for _, image, role in article_placements(article, False)}
        self.made: dict[str, Output] = {}
        self.pictures: dict[tuple[str, str | None], Picture] = {}  # by photo and role: each page asks again

    def prepare(self, pool: Executor) -> None:
        """Makes every picture the pages will ask for, in `pool`'s threads (Pillow lets go of the interpreter
        while it encodes); the pages then find them made. Their bytes never depend on the order."""
        wanted: list[tuple[Image, str | None]] = [(image, None) for image in images(self.issue.sections)]
        lead = self.issue.lead_article.lead_image
        wanted += [(lead, Role.FRONT_LEAD.value)] if lead else []
        wanted += [(a.lead_image, THUMBNAIL) for a in self.issue.articles if a.lead_image]
        list(pool.map(lambda job: self.picture(*job), wanted))

    def picture(self, image: Image, role: str | None = None) -> Picture:
        """`image` in `role` ("thumbnail", or a geometry.Role's value), or else in the role of its placement."""
        known = self.pictures.get((image.id, role))
        if known is not None:
            return known
        if role == THUMBNAIL:
            found = thumbnail(image, self.caches)
        else:
            found = photo_variants(image, Role(role) if role else self.roles[image.id], self.caches)
        for source in found.sources:
            for variant in source.variants:
                self.made.setdefault(variant.file, Output(variant.file, variant.media_type, variant.data))
        return self.pictures.setdefault((image.id, role), found)

    def files(self) -> list[Output]:
        return [self.made[p] for p in sorted(self.made)]


def stylesheet(fonts: WebFonts, rules: bytes) -> bytes:
    """The site's one style sheet: the fonts' @font-face rules and families, then the layout's rules."""
    families = f":root {{ --serif: {fonts.body_stack}; --sans: {fonts.sans_stack}; }}\n"
    return (fonts.css + families + "\n").encode() + rules


def link_href(link: Link, page: str, site: SiteMap) -> str:
    """A link's URL from `page`: its web address, an anchor on the page, or another article's page and anchor."""
    target = link.target
    if target is None:
        return link.href
    if target.same_article:
        return f"#{target.anchor or target.article}"
    return relative(page, site.articles[target.article]) + (f"#{target.anchor}" if target.anchor else "")


def downloads(issue: Issue, published: tuple[str, ...], page: str, lengths: Mapping[str, Length]) -> list[Download]:
    """The issue's other editions that the publication makes (paperpress.yaml's `editions`), linked from `page`
    by their main files, as the registry describes them; those that play with their size and running time."""
    return [
        Download(spec.label, relative(page, spec.main_file(issue.name)), spec.media_type, _length(lengths.get(spec.name)))
        for spec in registry.downloads(published)
    ]


def _length(length: Length | None) -> str | None:
    if length is None or not length.seconds:
        return None
    return f"{size_text(length.size)} · {duration_text(length.seconds)}"


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON for a <script type="application/ld+json">: no text inside can close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def description(article: Article) -> str:
    """What a search result or a shared card shows under the headline: the standfirst, or the first words."""
    if article.standfirst:
        return article.standfirst
    text = " ".join(words(block) for block in article.blocks if block.kind == "paragraph")
    text = " ".join(text.split())
    if len(text) <= _DESCRIPTION_CHARS:
        return text
    return text[:_DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"


def _context(issue: Issue, info: BuildInfo) -> dict[str, Any]:
    """What every page shares: the issue frame and the switches of the shared block macros."""
    return issue_context(issue, info) | {
        "lang": issue.publication.language,
        "csp": CSP,
        "headline_level": 1,
        "blank_header_tag": "td",
        "links_hold_text_only": False,
        "epub_types": False,  # HTML has no epub:type
        "inline_styles": False,  # the CSP forbids style attributes
        "breakable": str,  # browsers break long words themselves (site.css)
        "published": issue.date.isoformat(),
    }


def _page_context(
    issue: Issue, info: BuildInfo, site: SiteMap, photos: Photos, page: str, first_photo: Image | None
) -> dict[str, Any]:
    """What is particular to the page at `page`: every link from it is relative to it."""

    def href_of(target: Article | Section | str) -> str:
        if isinstance(target, Article):
            return relative(page, site.article_page(target))
        if isinstance(target, Section):
            return relative(page, site.section_page(target))
        return relative(page, target)

    def picture_of(image: Image, role: str | None = None) -> dict[str, Any]:
        found = photos.picture(image, role)
        *better, jpeg = found.sources
        return {
            "sources": [{"type": source.media_type, "srcset": source.srcset(page)} for source in better],
            "srcset": jpeg.srcset(page),
            "sizes": found.sizes,
            "src": relative(page, found.fallback.file),
            "width": found.width,
            "height": found.height,
            "loading": "eager" if first_photo is not None and image.id == first_photo.id else "lazy",
        }

    def src_of(image: Image) -> str:
        return str(picture_of(image)["src"])

    def article_ld(article: Article, section: Section) -> Markup:
        return json_ld(_news_article(issue, site, article, section))

    website = issue.publication.website
    return {
        "page": page,
        "href_of": href_of,
        "link_href": lambda link: link_href(link, page, site),
        "src_of": src_of,
        "picture_of": picture_of,
        "stylesheet": relative(page, STYLESHEET),
        "front": relative(page, FRONT),
        "catalog": relative(page, CATALOG),
        "feed": {"href": relative(page, FEED), "type": ATOM_TYPE},
        "downloads": downloads(issue, info.config.editions, page, info.lengths),
        "canonical": absolute(website, issue, page),
        "absolute": lambda path: absolute(website, issue, path),
        "share_photo": share_photo,
        "description": description,
        "article_ld": article_ld,
    }


def absolute(website: str | None, issue: Issue, path: str) -> str | None:
    """The published address of a file of the issue (`website` is where dist/ is published), as the feeds and
    the sitemap give it; None without a website."""
    return published_url(website, f"{issue.name}/{path}")


def _news_article(issue: Issue, site: SiteMap, article: Article, section: Section) -> dict[str, Any]:
    """schema.org NewsArticle: what a search engine reads about an article page."""
    pub = issue.publication
    page = site.article_page(article)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": description(article),
        "datePublished": issue.date.isoformat(),
        "inLanguage": pub.language,
        "articleSection": section.title,
        "publisher": {"@type": "Organization", "name": pub.publisher or pub.title},
        "isPartOf": {
            "@type": "PublicationIssue",
            "issueNumber": str(issue.number),
            "datePublished": issue.date.isoformat(),
            "isPartOf": {"@type": "Periodical", "name": pub.title},
        },
    }
    if article.byline:
        data["author"] = {"@type": "Person", "name": article.byline}
    url = absolute(pub.website, issue, page)
    if url:
        data["url"] = url
        data["mainEntityOfPage"] = url
        if article.lead_image:
            data["image"] = absolute(pub.website, issue, share_photo(article.lead_image))
    return data

