"""Where each page and file of the web edition lives, decided once for the edition, the catalog and the feeds.

The web edition of an issue is a folder `web/` in the issue's output folder. Its addresses must be stable
and readable (`web/city/tram-depot-strike.html`), so they come from slugs rather than ids, made unique in
the issue: two sections called alike, or an article whose file is called `index`, still get pages of their
own. Everything here is a POSIX path relative to the issue's output folder, the same on every machine.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass
from urllib.parse import urljoin

from ..model import Article, Image, Issue, Section
from ..names import slug
from ..registry import WEB

FOLDER = "web"
FRONT = WEB.main  # the edition's main file: web/index.html
ASSETS = f"{FOLDER}/assets"  # stylesheets, fonts and scripts shared by every page of the issue
PHOTOS = f"{FOLDER}/photos"
#: Names a section's folder may not take: the edition's own folders.
_RESERVED_SECTIONS = frozenset({"assets", "photos"})
#: Names an article's page may not take: the section's own page.
_RESERVED_ARTICLES = frozenset({"index"})
#: The width of the photo that pages show when shared and that feeds carry (Open Graph asks for 1200).
SHARE_WIDTH = 1200


@dataclass(frozen=True, slots=True)
class SiteMap:
    """Every page of one issue's web edition: section id → its page, article id → its page."""

    sections: dict[str, str]
    articles: dict[str, str]
    pages: tuple[str, ...]  # every HTML page in reading order: the front, then each section and its articles

    def section_page(self, section: Section) -> str:
        return self.sections[section.id]

    def article_page(self, article: Article) -> str:
        return self.articles[article.id]


def site_map(issue: Issue) -> SiteMap:
    """The pages of `issue`, with slugs made unique in reading order (`city`, `city-2`)."""
    sections: dict[str, str] = {}
    articles: dict[str, str] = {}
    pages = [FRONT]
    taken_sections = set(_RESERVED_SECTIONS)
    for section in issue.sections:
        folder = _unique(slug(section.title, "section"), taken_sections)
        sections[section.id] = f"{FOLDER}/{folder}/index.html"
        pages.append(sections[section.id])
        taken_articles = set(_RESERVED_ARTICLES)
        for article in section.articles:
            name = _unique(slug(article.slug, "article"), taken_articles)
            articles[article.id] = f"{FOLDER}/{folder}/{name}.html"
            pages.append(articles[article.id])
    return SiteMap(sections, articles, tuple(pages))


def photo_file(image: Image, width: int, suffix: str) -> str:
    """One variant of a photo: `web/photos/a3-img1-640.webp`."""
    return f"{PHOTOS}/{image.id}-{width}{suffix}"


def share_photo(image: Image) -> str:
    """The JPEG variant that social cards and feeds point to: SHARE_WIDTH wide, or the photo's own width if less."""
    return photo_file(image, min(image.width, SHARE_WIDTH), ".jpg")


@functools.lru_cache(maxsize=8192)  # every page links the same few hundred files; relpath asks for the cwd
def relative(page: str, target: str) -> str:
    """The link from `page` to `target`, both paths in the issue's output folder: works from a file or a server."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def published_url(base: str | None, href: str) -> str | None:
    """The address of `href`, a path in dist/ ("issue-7/web/index.html"), where dist/ is published at `base`.

    None without a `base`: feeds then keep relative links, and no sitemap is written.
    """
    if not base:
        return None
    return urljoin(base if base.endswith("/") else base + "/", href)


def _unique(name: str, taken: set[str]) -> str:
    chosen, n = name, 1
    while chosen in taken:
        n += 1
        chosen = f"{name}-{n}"
    taken.add(chosen)
    return chosen
